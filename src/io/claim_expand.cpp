#include "io/claim_expand.hpp"

#include <cctype>

#include "io/json_locator.hpp"

namespace claimcheck {
namespace {

using nlohmann::json;

struct Selector {
  std::string name;
  std::vector<json> values;
};

bool is_name(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string text_of(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// `value`'s text as it may appear in an id.
std::string id_text(const json& value) {
  std::string out;
  for (char c : text_of(value)) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

std::string placeholder(const std::string& name) { return "${" + name + "}"; }

json substitute(const json& node, const std::vector<Selector>& selectors, const std::vector<std::size_t>& at) {
  if (node.is_string()) {
    const std::string& s = node.get_ref<const std::string&>();
    if (s.find("${") == std::string::npos) return node;
    for (std::size_t k = 0; k < selectors.size(); ++k) {
      if (s == placeholder(selectors[k].name)) return selectors[k].values[at[k]];
    }
    std::string out = s;
    for (std::size_t k = 0; k < selectors.size(); ++k) {
      const std::string from = placeholder(selectors[k].name);
      const std::string to = text_of(selectors[k].values[at[k]]);
      for (auto pos = out.find(from); pos != std::string::npos; pos = out.find(from, pos + to.size())) {
        out.replace(pos, from.size(), to);
      }
    }
    return out;
  }
  if (node.is_object()) {
    json out = json::object();
    for (const auto& [key, value] : node.items()) out[key] = substitute(value, selectors, at);
    return out;
  }
  if (node.is_array()) {
    json out = json::array();
    for (const auto& value : node) out.push_back(substitute(value, selectors, at));
    return out;
  }
  return node;
}

// The values of one selector, or a diagnostic.
bool read_values(const json& spec, const std::string& pointer, const std::filesystem::path& file, Diagnostics& out,
                 std::vector<json>& values) {
  if (spec.is_array()) {
    if (spec.empty()) {
      out.add(file, pointer, "a selector needs at least one value");
      return false;
    }
    for (std::size_t i = 0; i < spec.size(); ++i) {
      if (!spec[i].is_string() && !spec[i].is_number()) {
        out.add(file, pointer + "/" + std::to_string(i),
                std::string("a selector value must be a string or a number, not ") + spec[i].type_name());
        return false;
      }
    }
    values.assign(spec.begin(), spec.end());
    return true;
  }
  const bool range = spec.is_object() && spec.size() == 2 && spec.contains("from") && spec.contains("to") &&
                     spec.at("from").is_number_integer() && spec.at("to").is_number_integer();
  if (!range) {
    out.add(file, pointer, "a selector is an array of values or {\"from\": N, \"to\": M} (integers, inclusive)",
            "e.g. \"for_each\": {\"npu\": {\"from\": 0, \"to\": 7}}");
    return false;
  }
  const long long from = spec.at("from").get<long long>();
  const long long to = spec.at("to").get<long long>();
  if (from > to) {
    out.add(file, pointer + "/from", "\"from\" is greater than \"to\"");
    return false;
  }
  if (static_cast<unsigned long long>(to - from) >= k_max_expansion) {
    out.add(file, pointer, "a selector of more than " + std::to_string(k_max_expansion) + " values");
    return false;
  }
  for (long long v = from; v <= to; ++v) values.emplace_back(v);
  return true;
}

}  // namespace

std::vector<Expansion> expand_for_each(const json& object, const std::string& base, const std::filesystem::path& file,
                                       Diagnostics& out) {
  if (!object.is_object() || !object.contains("for_each")) return {Expansion{object, ""}};
  const json& spec = object.at("for_each");
  const std::string pointer = base + "/for_each";
  if (!spec.is_object() || spec.empty()) {
    out.add(file, pointer, "\"for_each\" must be an object of selectors, e.g. {\"npu\": [0, 1, 2, 3]}");
    return {};
  }
  std::vector<Selector> selectors;
  std::size_t total = 1;
  for (const auto& [name, values] : spec.items()) {
    const std::string at = pointer + "/" + pointer_token(name);
    if (!is_name(name)) {
      out.add(file, at, "selector name \"" + name + "\" must be letters, digits and '_' (not starting with a digit)");
      return {};
    }
    Selector selector{name, {}};
    if (!read_values(values, at, file, out, selector.values)) return {};
    total *= selector.values.size();
    if (total > k_max_expansion) {
      out.add(file, pointer, "\"for_each\" stands for more than " + std::to_string(k_max_expansion) + " claims");
      return {};
    }
    selectors.push_back(std::move(selector));
  }
  json pattern = object;
  pattern.erase("for_each");
  bool id_uses_selector = false;
  if (pattern.contains("id") && pattern.at("id").is_string()) {
    for (const auto& s : selectors) {
      id_uses_selector = id_uses_selector || pattern.at("id").get_ref<const std::string&>().find(placeholder(s.name)) !=
                                                 std::string::npos;
    }
  }
  std::vector<Expansion> expansions;
  expansions.reserve(total);
  std::vector<std::size_t> at(selectors.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    Expansion e{substitute(pattern, selectors, at), ""};
    for (std::size_t k = 0; k < selectors.size(); ++k) {
      const json& value = selectors[k].values[at[k]];
      e.selector += (k ? ", " : "") + selectors[k].name + "=" + text_of(value);
      if (!id_uses_selector && e.object.contains("id") && e.object.at("id").is_string()) {
        e.object["id"] = e.object.at("id").get<std::string>() + "-" + selectors[k].name + id_text(value);
      }
    }
    expansions.push_back(std::move(e));
    // The next combination: the last selector varies fastest.
    for (std::size_t k = selectors.size(); k-- > 0;) {
      if (++at[k] < selectors[k].values.size()) break;
      at[k] = 0;
    }
  }
  return expansions;
}

}  // namespace claimcheck
