#pragma once
// A component's attributes as the architecture parser reads them: from a tree-format `attributes`
// map (Timeloop's own format, or the front end's parsed-processed-input.yaml), or computed by the
// v4 front end (inherited from containers, expressions evaluated). Every value keeps the node it
// was written at, so errors point at the file, line and column the user wrote.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/timeloop/yaml_doc.hpp"

namespace claimcheck::timeloop {

struct Attribute {
  std::string key;
  YNode key_at;                // where the key was written
  YNode at;                    // where the value was written (for a computed value: the expression)
  std::string text;            // the value as scalar text, e.g. "64", "1e-09", "true", "DRAM"
  bool is_scalar = true;       // false for a map or a list
  std::string expression;      // the expression it was computed from, "" when written as a value
  std::string inherited_from;  // the container it comes from, "" when the component's own
};

struct AttributeSet {
  YNode where;  // the attributes map, or the component when it has none (for messages)
  std::vector<Attribute> items;
  const Attribute* find(std::string_view key) const;
  // The first of `keys` present (spellings of one attribute, e.g. "word_bits", "word-bits").
  const Attribute* find_any(const std::vector<std::string>& keys) const;
};

// The attributes of a tree-format component (`attributes:` map; empty when absent or null).
AttributeSet attributes_from_map(const YNode& component);

// Typed reads; each fails at the attribute's position with what was expected.
[[noreturn]] void fail_attribute(const Attribute& a, const std::string& message, const std::string& hint = {});
std::uint64_t attribute_uint(const Attribute& a);
double attribute_number(const Attribute& a);
double attribute_non_negative(const Attribute& a, const std::string& must);
bool attribute_bool(const Attribute& a);
std::string attribute_string(const Attribute& a);

// Attributes a run accepted without reading (energy-estimator and front-end attributes):
// key -> the components that carry it. Reported once per run as a note.
struct IgnoredAttributes {
  std::map<std::string, std::set<std::string>> keys;
  // "not read by Timeloop (energy-estimator or front-end attributes, ignored): a (x, y), b (3 components)"
  std::string note() const;
};

// Which attribute keys a component kind has, and what happens to the others.
struct AttributePolicy {
  std::vector<std::string> read;     // keys Timeloop reads: values are checked
  std::vector<std::string> ignored;  // keys the ecosystem adds and Timeloop ignores: accepted, noted
};

// Checks every key of `attrs` against `policy`: a key Timeloop reads is accepted; a known
// energy-estimator or front-end key is recorded in `ignored`; any other key is accepted and
// recorded too, unless it is a near miss of a key Timeloop reads (a likely misspelling, which
// would silently leave the real key at its default): that is an error with "did you mean".
void check_attribute_keys(const AttributeSet& attrs, const AttributePolicy& policy, const std::string& what,
                          const std::string& component, IgnoredAttributes& ignored);

}  // namespace claimcheck::timeloop
