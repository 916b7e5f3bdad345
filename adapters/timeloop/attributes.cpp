#include "adapters/timeloop/attributes.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

std::string got(const Attribute& a) {
  std::string s = "\"" + a.text + "\"";
  if (!a.expression.empty()) s += " (the value of `" + a.expression + "`)";
  return s;
}

bool contains(const std::vector<std::string>& list, const std::string& key) {
  for (const auto& k : list) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace

const Attribute* AttributeSet::find(std::string_view key) const {
  for (const auto& a : items) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

const Attribute* AttributeSet::find_any(const std::vector<std::string>& keys) const {
  for (const auto& k : keys) {
    if (const Attribute* a = find(k)) return a;
  }
  return nullptr;
}

AttributeSet attributes_from_map(const YNode& component) {
  AttributeSet set;
  set.where = component;
  const auto attrs = get(component, "attributes");
  if (!attrs || attrs->node.IsNull()) return set;
  require_map(*attrs, "attributes");
  set.where = *attrs;
  for (auto it = attrs->node.begin(); it != attrs->node.end(); ++it) {
    Attribute a;
    a.key = it->first.Scalar();
    a.at = YNode{it->second, attrs->file, attrs->path.empty() ? a.key : attrs->path + "." + a.key};
    a.key_at = YNode{it->first, attrs->file, a.at.path};
    a.is_scalar = it->second.IsScalar() || it->second.IsNull();
    if (it->second.IsScalar()) a.text = it->second.Scalar();
    set.items.push_back(std::move(a));
  }
  return set;
}

void fail_attribute(const Attribute& a, const std::string& message, const std::string& hint) {
  std::string h = hint;
  if (!a.inherited_from.empty()) {
    const std::string from = "inherited from container \"" + a.inherited_from + "\"";
    h = h.empty() ? from : h + " (" + from + ")";
  }
  fail_at(a.at, message, h);
}

std::uint64_t attribute_uint(const Attribute& a) {
  if (!a.is_scalar || a.text.empty()) fail_attribute(a, "expected a non-negative integer");
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(a.text.c_str(), &end, 10);
  if (errno == 0 && *end == '\0') {
    if (v < 0) fail_attribute(a, "expected a non-negative integer, got " + a.text);
    return static_cast<std::uint64_t>(v);
  }
  // A computed value may be an integral float (Python's 64 / 8 is 8.0).
  if (!a.expression.empty()) {
    errno = 0;
    const double d = std::strtod(a.text.c_str(), &end);
    if (errno == 0 && *end == '\0' && std::isfinite(d) && d >= 0 && d < 9.0e18 && d == std::floor(d)) {
      return static_cast<std::uint64_t>(d);
    }
  }
  fail_attribute(a, "expected an integer, got " + got(a));
}

double attribute_number(const Attribute& a) {
  if (!a.is_scalar || a.text.empty()) fail_attribute(a, "expected a number");
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(a.text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(v)) fail_attribute(a, "expected a number, got " + got(a));
  return v;
}

double attribute_non_negative(const Attribute& a, const std::string& must) {
  const double v = attribute_number(a);
  if (v < 0) fail_attribute(a, must + ", not " + a.text);
  return v;
}

bool attribute_bool(const Attribute& a) {
  const std::string& s = a.text;
  if (s == "true" || s == "True" || s == "TRUE" || s == "1") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "0") return false;
  fail_attribute(a, "expected true or false, got " + got(a));
}

std::string attribute_string(const Attribute& a) {
  if (!a.is_scalar) fail_attribute(a, "expected a string");
  return a.text;
}

std::string IgnoredAttributes::note() const {
  if (keys.empty()) return {};
  std::string s = "not read by Timeloop (energy-estimator or front-end attributes, ignored): ";
  bool first = true;
  for (const auto& [key, components] : keys) {
    if (!first) s += ", ";
    first = false;
    s += key + " (";
    if (components.size() <= 3) {
      bool f = true;
      for (const auto& c : components) {
        s += (f ? "" : ", ") + c;
        f = false;
      }
    } else {
      s += std::to_string(components.size()) + " components";
    }
    s += ")";
  }
  return s;
}

void check_attribute_keys(const AttributeSet& attrs, const AttributePolicy& policy, const std::string& what,
                          const std::string& component, IgnoredAttributes& ignored) {
  for (const auto& a : attrs.items) {
    if (contains(policy.read, a.key)) continue;
    if (contains(policy.ignored, a.key)) {
      ignored.keys[a.key].insert(component);
      continue;
    }
    // Inherited attributes are the container's variables for expressions, never a misspelling
    // of this component's own keys.
    if (a.inherited_from.empty()) {
      const std::string best = closest_match(a.key, policy.read);
      if (!best.empty()) fail_at(a.key_at, "unknown key \"" + a.key + "\" in " + what, "did you mean \"" + best + "\"?");
    }
    ignored.keys[a.key].insert(component);
  }
}

}  // namespace claimcheck::timeloop
