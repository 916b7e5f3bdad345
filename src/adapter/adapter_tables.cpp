#include "adapter/adapter_tables.hpp"

#include <algorithm>
#include <cmath>

#include "io/json_locator.hpp"
#include "report/format.hpp"

namespace claimcheck {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool part_matches(std::string_view pattern, std::string_view part) {
  if (pattern.size() >= 2 && pattern.front() == '<' && pattern.back() == '>') {
    const auto inner = pattern.substr(1, pattern.size() - 2);
    if (inner.find('|') == std::string_view::npos) return !part.empty();
    const auto words = split(inner, '|');
    return std::find(words.begin(), words.end(), part) != words.end();
  }
  return pattern == part;
}

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? ", \"" : "\"") + words[i] + "\"";
  return out;
}

std::string bound_text(const OptionInfo& o) {
  std::string out;
  if (o.min && o.max) return " from " + format_number(*o.min) + " to " + format_number(*o.max);
  if (o.min) out += " >= " + format_number(*o.min);
  if (o.max) out += " <= " + format_number(*o.max);
  return out;
}

// "" when `value` fits `option`, else what is wrong.
std::string type_problem(const OptionInfo& option, const nlohmann::json& value) {
  const std::string expected = option_type_text(option);
  const auto wrong = [&] { return "must be " + expected + ", not " + value.dump(); };
  switch (option.type) {
    case OptionType::string:
      return value.is_string() ? "" : wrong();
    case OptionType::path:
      if (!value.is_string() || value.get_ref<const std::string&>().empty()) return wrong();
      return value.get_ref<const std::string&>().front() == '/' ? "must be a path relative to the claim file" : "";
    case OptionType::boolean:
      return value.is_boolean() ? "" : wrong();
    case OptionType::choice: {
      if (!value.is_string()) return wrong();
      const auto& v = value.get_ref<const std::string&>();
      return std::find(option.choices.begin(), option.choices.end(), v) != option.choices.end() ? "" : wrong();
    }
    case OptionType::integer:
    case OptionType::number: {
      const bool ok_type = option.type == OptionType::integer ? value.is_number_integer() : value.is_number();
      if (!ok_type) return wrong();
      const double v = value.get<double>();
      if ((option.min && v < *option.min) || (option.max && v > *option.max)) return wrong();
      return "";
    }
    case OptionType::string_list: {
      const bool ok = value.is_array() && !value.empty() &&
                      std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); });
      return ok ? "" : wrong();
    }
    case OptionType::object:
      return value.is_object() ? "" : wrong();
    case OptionType::any:
      return "";
  }
  return "";
}

}  // namespace

bool metric_matches(std::string_view pattern, std::string_view metric) {
  if (pattern == "*") return true;
  const auto want = split(pattern, '.');
  const auto have = split(metric, '.');
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!part_matches(want[i], have[i])) return false;
  }
  return true;
}

const MetricInfo* find_metric_info(const std::vector<MetricInfo>& metrics, const std::string& metric) {
  for (const auto& m : metrics) {
    if (metric_matches(m.name, metric)) return &m;
  }
  return nullptr;
}

std::string option_type_text(const OptionInfo& option) {
  switch (option.type) {
    case OptionType::string: return "a string";
    case OptionType::integer: return "an integer" + bound_text(option);
    case OptionType::number: return "a number" + bound_text(option);
    case OptionType::boolean: return "true or false";
    case OptionType::choice: return "one of " + quoted_list(option.choices);
    case OptionType::path: return "a path (relative to the claim file)";
    case OptionType::string_list: return "a non-empty array of strings";
    case OptionType::object: return "an object";
    case OptionType::any: return "a value";
  }
  return "a value";
}

void check_options(const std::vector<OptionInfo>& table, const nlohmann::json& options, const std::string& tool,
                   Diagnostics& out) {
  if (!options.is_object()) return;  // the loader already requires an object
  std::vector<std::string> names;
  for (const auto& o : table) names.push_back(o.name);
  for (const auto& [key, value] : options.items()) {
    const std::string pointer = "/options/" + pointer_token(key);
    const auto row = std::find_if(table.begin(), table.end(), [&](const OptionInfo& o) { return o.name == key; });
    if (row == table.end()) {
      std::string hint;
      if (names.empty()) {
        hint = "the " + tool + " adapter takes no options";
      } else if (auto close = closest_match(key, names); !close.empty()) {
        hint = "did you mean \"" + close + "\"?";
      } else {
        hint = "options of " + tool + ": " + quoted_list(names) + " (`claimcheck adapters " + tool + "`)";
      }
      out.add({}, pointer, "unknown option \"" + key + "\" for the " + tool + " adapter", hint);
      continue;
    }
    if (auto problem = type_problem(*row, value); !problem.empty()) {
      std::string hint;
      if (row->type == OptionType::choice && value.is_string()) {
        if (auto close = closest_match(value.get<std::string>(), row->choices); !close.empty()) {
          hint = "did you mean \"" + close + "\"?";
        }
      }
      out.add({}, pointer, "\"" + key + "\" " + problem, hint.empty() ? "e.g. \"" + key + "\": " + row->example : hint);
    }
  }
}

}  // namespace claimcheck
