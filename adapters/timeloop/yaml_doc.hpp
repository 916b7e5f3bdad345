#pragma once
// Reading Timeloop's YAML (or JSON) input files: loading, merging root maps like the real tool,
// and strict access helpers that reject unknown keys with file:line:col and "did you mean".

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop {

// One loaded input file.
struct YamlFile {
  std::string path;   // as given (used in messages)
  std::string text;   // the file's content (for the caret line in messages)
  YAML::Node root;
};

// A node together with the file it came from and a readable path to it (e.g. "mapping[3].factors").
struct YNode {
  YAML::Node node;
  const YamlFile* file = nullptr;
  std::string path;
};

// The merged root maps of several files: key -> node (a later file's key replaces an earlier one).
struct MergedRoot {
  std::vector<std::pair<std::string, YNode>> entries;  // in first-seen order
  std::optional<YNode> find(std::string_view key) const;
};

// Parses `text` as YAML (JSON is accepted, being YAML). Throws InputError on syntax errors.
YamlFile parse_yaml_text(std::string path, std::string text);

// Merges the root maps; every root must be a map. Throws InputError otherwise.
MergedRoot merge_roots(const std::vector<YamlFile>& files);

SourcePos position(const YNode& n);

// Throws InputError at `n` with `message` (and an optional hint).
[[noreturn]] void fail_at(const YNode& n, const std::string& message, const std::string& hint = {});

// Requires `n` to be a map whose keys are all in `allowed`; unknown keys are errors with a
// "did you mean" hint. `what` names the map in messages (e.g. "mapping directive").
void check_keys(const YNode& n, const std::vector<std::string>& allowed, const std::string& what);

// The value at `key`, or nullopt.
std::optional<YNode> get(const YNode& map, std::string_view key);
// The value at the first of `keys` present (aliases), or nullopt.
std::optional<YNode> get_any(const YNode& map, const std::vector<std::string>& keys);
// The value at `key`; an error naming the key when absent.
YNode require(const YNode& map, std::string_view key, const std::string& what);

// Element `i` of a sequence.
YNode element(const YNode& seq, std::size_t i);
void require_map(const YNode& n, const std::string& what);
void require_sequence(const YNode& n, const std::string& what);

std::string as_string(const YNode& n);
std::int64_t as_int(const YNode& n);
std::uint64_t as_uint(const YNode& n);
double as_double(const YNode& n);
// A number >= 0; otherwise fails with "`must`, not VALUE" (e.g. must = "depth must be >= 0").
double as_non_negative(const YNode& n, const std::string& must, const std::string& hint = {});
bool as_bool(const YNode& n);
// A sequence of scalars as strings (a single scalar is not accepted).
std::vector<std::string> as_string_list(const YNode& n);

}  // namespace claimcheck::timeloop
