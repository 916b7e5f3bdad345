#include "adapters/timeloop/yaml_doc.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

std::string line_of(const std::string& text, int line) {
  if (line <= 0) return {};
  std::istringstream in(text);
  std::string s;
  for (int i = 1; std::getline(in, s); ++i) {
    if (i == line) {
      if (!s.empty() && s.back() == '\r') s.pop_back();
      return s;
    }
  }
  return {};
}

[[noreturn]] void throw_at(const YamlFile* file, int line, int column, const std::string& pointer,
                           const std::string& message, const std::string& hint) {
  Diagnostic d;
  d.file = file ? file->path : std::string("<input>");
  d.line = line;
  d.column = column;
  d.pointer = pointer;
  d.message = message;
  d.hint = hint;
  if (file) d.source_line = line_of(file->text, line);
  Diagnostics ds;
  ds.add(std::move(d));
  throw InputError(std::move(ds));
}

std::string scalar_text(const YNode& n, const char* expected) {
  if (!n.node.IsScalar()) fail_at(n, std::string("expected ") + expected);
  return n.node.Scalar();
}

// YAML forbids a key twice in one map, but yaml-cpp keeps both and a lookup then sees only one
// (which one depends on the access path), so they are refused here, at the second occurrence.
// Nesting deeper than any Timeloop input needs is refused too, before it can exhaust the stack,
// and so are documents whose aliases expand to more nodes than any real input has.
void check_structure(const YamlFile& f, const YAML::Node& n, std::string path, int depth, std::uint64_t& budget) {
  constexpr int k_max_depth = 64;
  if (budget == 0) {
    throw_at(&f, n.Mark().line + 1, n.Mark().column + 1, path,
             "the document expands to more than 1,000,000 nodes", "aliases (*name) repeating large anchors?");
  }
  --budget;
  if (depth > k_max_depth) {
    throw_at(&f, n.Mark().line + 1, n.Mark().column + 1, path,
             "nesting deeper than " + std::to_string(k_max_depth) + " levels", {});
  }
  if (n.IsMap()) {
    std::vector<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
      const std::string child = path.empty() ? key : path + "." + key;
      if (it->first.IsScalar()) {
        for (const auto& k : seen) {
          if (k == key) {
            throw_at(&f, it->first.Mark().line + 1, it->first.Mark().column + 1, child,
                     "duplicate key \"" + key + "\"", "each key may appear once in a map; remove or rename one");
          }
        }
        seen.push_back(key);
      }
      check_structure(f, it->second, child, depth + 1, budget);
    }
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) {
      check_structure(f, n[i], path + "[" + std::to_string(i) + "]", depth + 1, budget);
    }
  }
}

}  // namespace

std::optional<YNode> MergedRoot::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return v;
  }
  return std::nullopt;
}

YamlFile parse_yaml_text(std::string path, std::string text) {
  YamlFile f{std::move(path), std::move(text), {}};
  try {
    f.root = YAML::Load(f.text);
  } catch (const YAML::Exception& e) {
    throw_at(&f, e.mark.line + 1, e.mark.column + 1, {}, "malformed YAML: " + e.msg, {});
  }
  std::uint64_t budget = 1'000'000;
  check_structure(f, f.root, "", 0, budget);
  return f;
}

MergedRoot merge_roots(const std::vector<YamlFile>& files) {
  MergedRoot merged;
  for (const auto& f : files) {
    if (!f.root || f.root.IsNull()) continue;
    YNode root{f.root, &f, ""};
    if (!f.root.IsMap()) fail_at(root, "the file's root must be a map (e.g. `architecture:`, `problem:`)");
    for (auto it = f.root.begin(); it != f.root.end(); ++it) {
      const std::string key = it->first.as<std::string>();
      YNode value{it->second, &f, key};
      bool replaced = false;
      for (auto& [k, v] : merged.entries) {
        if (k == key) {
          v = value;
          replaced = true;
        }
      }
      if (!replaced) merged.entries.emplace_back(key, value);
    }
  }
  return merged;
}

SourcePos position(const YNode& n) {
  SourcePos p;
  if (n.file) p.file = n.file->path;
  const auto mark = n.node.Mark();
  if (mark.line >= 0) {
    p.line = mark.line + 1;
    p.column = mark.column + 1;
  }
  return p;
}

void fail_at(const YNode& n, const std::string& message, const std::string& hint) {
  const auto mark = n.node ? n.node.Mark() : YAML::Mark::null_mark();
  const int line = mark.line >= 0 ? mark.line + 1 : 0;
  const int column = mark.column >= 0 ? mark.column + 1 : 0;
  throw_at(n.file, line, column, n.path, message, hint);
}

void require_map(const YNode& n, const std::string& what) {
  if (!n.node.IsMap()) fail_at(n, what + " must be a map");
}

void require_sequence(const YNode& n, const std::string& what) {
  if (!n.node.IsSequence()) fail_at(n, what + " must be a list");
}

void check_keys(const YNode& n, const std::vector<std::string>& allowed, const std::string& what) {
  require_map(n, what);
  for (auto it = n.node.begin(); it != n.node.end(); ++it) {
    const std::string key = it->first.Scalar();
    bool ok = false;
    for (const auto& a : allowed) {
      if (a == key) ok = true;
    }
    if (ok) continue;
    YNode key_node{it->first, n.file, n.path.empty() ? key : n.path + "." + key};
    const std::string best = closest_match(key, allowed);
    fail_at(key_node, "unknown key \"" + key + "\" in " + what,
            best.empty() ? std::string() : "did you mean \"" + best + "\"?");
  }
}

std::optional<YNode> get(const YNode& map, std::string_view key) {
  if (!map.node.IsMap()) return std::nullopt;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    if (it->first.Scalar() == key) {
      return YNode{it->second, map.file,
                   map.path.empty() ? std::string(key) : map.path + "." + std::string(key)};
    }
  }
  return std::nullopt;
}

std::optional<YNode> get_any(const YNode& map, const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (auto v = get(map, k)) return v;
  }
  return std::nullopt;
}

YNode require(const YNode& map, std::string_view key, const std::string& what) {
  if (auto v = get(map, key)) return *v;
  fail_at(map, what + " has no \"" + std::string(key) + "\"");
}

YNode element(const YNode& seq, std::size_t i) {
  return YNode{seq.node[i], seq.file, seq.path + "[" + std::to_string(i) + "]"};
}

std::string as_string(const YNode& n) { return scalar_text(n, "a string"); }

std::int64_t as_int(const YNode& n) {
  const std::string s = scalar_text(n, "an integer");
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || errno != 0 || *end != '\0') fail_at(n, "expected an integer, got \"" + s + "\"");
  return v;
}

std::uint64_t as_uint(const YNode& n) {
  const std::int64_t v = as_int(n);
  if (v < 0) fail_at(n, "expected a non-negative integer, got " + std::to_string(v));
  return static_cast<std::uint64_t>(v);
}

double as_double(const YNode& n) {
  const std::string s = scalar_text(n, "a number");
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || errno != 0 || *end != '\0' || !std::isfinite(v)) {
    fail_at(n, "expected a number, got \"" + s + "\"");
  }
  return v;
}

double as_non_negative(const YNode& n, const std::string& must, const std::string& hint) {
  const double v = as_double(n);  // finite already
  if (v < 0) fail_at(n, must + ", not " + n.node.Scalar(), hint);
  return v;
}

bool as_bool(const YNode& n) {
  const std::string s = scalar_text(n, "true or false");
  if (s == "true" || s == "True" || s == "TRUE" || s == "1") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "0") return false;
  fail_at(n, "expected true or false, got \"" + s + "\"");
}

std::vector<std::string> as_string_list(const YNode& n) {
  require_sequence(n, n.path.empty() ? "value" : n.path);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.node.size(); ++i) out.push_back(as_string(element(n, i)));
  return out;
}

}  // namespace claimcheck::timeloop
