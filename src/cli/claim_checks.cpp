#include "cli/claim_checks.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "adapter/adapter_tables.hpp"
#include "adapter/registry.hpp"
#include "core/cover.hpp"
#include "core/derive.hpp"
#include "io/claim_loader.hpp"
#include "io/paper_text.hpp"
#include "report/format.hpp"
#include "provenance/git.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

std::string mode_name(Mode mode) { return mode == Mode::run ? "run" : "reread"; }

// An adapter's tables, built once per process (an adapter builds them on every call, and every
// claim is checked against them).
struct Tables {
  std::vector<Mode> modes;
  std::vector<OptionInfo> options;
  std::vector<MetricInfo> metrics;
};

const Tables& tables_of(const Adapter& adapter) {
  static const std::map<const Adapter*, Tables> tables = [] {
    std::map<const Adapter*, Tables> out;
    for (const auto& entry : registry()) {
      const Adapter& a = *entry.adapter;
      out.emplace(&a, Tables{a.modes(), a.options(), a.metrics()});
    }
    return out;
  }();
  return tables.at(&adapter);
}

// The metric's unit against the expected one: a dimension that cannot match is a claim error,
// found here rather than after measuring.
void check_metric_unit(const Adapter& adapter, const Claim& claim, Diagnostics& out) {
  const std::vector<MetricInfo>& metrics = tables_of(adapter).metrics;
  const MetricInfo* info = find_metric_info(metrics, claim.metric);
  if (!info) return;
  const auto unit = parse_unit(info->unit);
  if (!unit || unit->dimension == claim.expected.unit.dimension) return;
  out.add({}, "/expected/unit",
          "the " + adapter.name() + " metric \"" + claim.metric + "\" is measured in " +
              std::string(dimension_name(unit->dimension)) + " (" + unit->symbol + "), but the claim expects " +
              std::string(dimension_name(claim.expected.unit.dimension)) + " (" + claim.expected.unit.symbol + ")",
          "use a unit of " + std::string(dimension_name(unit->dimension)) + ", e.g. \"" + unit->symbol + "\"");
}

bool covered(const Diagnostics& found, const std::string& pointer) {
  return std::any_of(found.items().begin(), found.items().end(), [&](const Diagnostic& d) {
    return pointer == d.pointer || pointer.rfind(d.pointer + "/", 0) == 0;
  });
}

bool exists_as(const fs::path& path, ClaimPath::Kind kind) {
  std::error_code ec;
  switch (kind) {
    case ClaimPath::Kind::file: return fs::is_regular_file(path, ec);
    case ClaimPath::Kind::directory: return fs::is_directory(path, ec);
    case ClaimPath::Kind::file_or_directory:
    case ClaimPath::Kind::output: return fs::exists(path, ec);
  }
  return false;
}

std::string_view kind_text(ClaimPath::Kind kind) {
  switch (kind) {
    case ClaimPath::Kind::file: return "a file";
    case ClaimPath::Kind::directory: return "a folder";
    case ClaimPath::Kind::file_or_directory:
    case ClaimPath::Kind::output: return "a file or folder";
  }
  return "a file";
}

// What the checks of every claim's paths share: thousands of claims name the same few files.
class PathChecks {
 public:
  PathChecks(const Sandbox& sandbox, const GitRepository& git) : m_sandbox(sandbox), m_git(git) {}

  const Sandbox& sandbox() const { return m_sandbox; }
  const GitRepository& git() const { return m_git; }
  // The absolute folder of the claim's file (fs::absolute asks for the current folder each time).
  const fs::path& dir(const Claim& claim) {
    auto [it, added] = m_dirs.try_emplace(claim.location.file.native());
    if (added) it->second = fs::absolute(claim.location.file).parent_path();
    return it->second;
  }

  // exists_as(), asked of the file system once per path and kind.
  bool exists(const fs::path& resolved, ClaimPath::Kind kind) {
    std::string key = resolved.native();
    key += static_cast<char>('0' + static_cast<int>(kind));
    auto [it, added] = m_exists.try_emplace(std::move(key), false);
    if (added) it->second = exists_as(resolved, kind);
    return it->second;
  }

 private:
  const Sandbox& m_sandbox;
  const GitRepository& m_git;
  std::unordered_map<std::string, fs::path> m_dirs;  // claim file as given -> its absolute folder
  std::unordered_map<std::string, bool> m_exists;    // resolved path, kind -> exists as that kind
};

// One named path: its problems, with the claim's file and a pointer from its root.
void check_path(const Claim& claim, const ClaimPath& p, PathChecks& checks, FileFindings& out) {
  const Sandbox& sandbox = checks.sandbox();
  const GitRepository& git = checks.git();
  const fs::path& claim_dir = checks.dir(claim);
  const std::string pointer = claim.location.pointer + p.pointer;
  auto error = [&](std::string message, std::string hint) {
    out.errors.add(Diagnostic{claim.location.file, 0, 0, pointer, std::move(message), std::move(hint), {}});
  };
  try {
    const fs::path resolved = sandbox.resolve(claim_dir, p.written);
    if (!checks.exists(resolved, p.kind)) {
      error("\"" + p.written + "\" is not " + std::string(kind_text(p.kind)), "correct the path in the claim");
    }
    return;
  } catch (const PathError& e) {
    if (e.kind() != PathError::Kind::missing) {
      error(e.what(), "keep every file a claim names inside the repository, with a path relative to the claim file");
      return;
    }
  }
  if (p.kind == ClaimPath::Kind::output) return;
  if (!p.alternative.empty()) {
    try {
      sandbox.resolve(claim_dir, p.written + p.alternative);
      return;
    } catch (const PathError&) {
    }
  }
  const fs::path wanted = (claim_dir / p.written).lexically_normal();
  std::string message = "\"" + p.written + "\" does not exist (looked for " + wanted.string();
  if (!p.alternative.empty()) message += " and " + wanted.string() + p.alternative;
  message += ")";
  if (git.found() && git.ignored(wanted)) {
    out.fetched.add(Diagnostic{claim.location.file, 0, 0, pointer,
                               message + "; it is in a git-ignored folder, so it is fetched rather than committed",
                               "the audit blocks this claim until the file is there", {}});
    const fs::path inside = wanted.lexically_relative(sandbox.root());
    std::string folder;
    int parts = 0;
    for (auto it = inside.begin(); it != inside.end() && parts < 2; ++it, ++parts) {
      folder += (folder.empty() ? "" : "/") + it->string();
    }
    out.fetched_folders[folder].insert(claim.id);
    return;
  }
  error(message, "commit the file, or correct the path (relative to the claim file)");
}

}  // namespace

void validate_with_adapter(const Claim& claim, Diagnostics& out) {
  if (claim.derived) return;  // checked across claims by the loader (core/derive.hpp)
  const Adapter* adapter = find_adapter(claim.tool);
  if (!adapter) {
    std::string hint;
    if (auto close = closest_match(claim.tool, adapter_names()); !close.empty()) {
      hint = "did you mean \"" + close + "\"?";
    } else {
      std::string names;
      for (const auto& n : adapter_names()) names += (names.empty() ? "" : ", ") + n;
      hint = "known tools: " + names;
    }
    out.add({}, "/tool", "unknown tool \"" + claim.tool + "\"", hint);
    return;
  }
  Diagnostics found;
  const Tables& tables = tables_of(*adapter);
  if (std::find(tables.modes.begin(), tables.modes.end(), claim.mode) == tables.modes.end()) {
    found.add({}, "/mode", "the " + adapter->name() + " adapter does not support mode \"" + mode_name(claim.mode) + "\"");
  }
  check_options(tables.options, claim.options, adapter->name(), found);
  check_metric_unit(*adapter, claim, found);
  // The adapter's own rules; a place the tables already found wrong is reported once.
  Diagnostics own;
  adapter->validate(claim, own);
  for (const auto& d : own.items()) {
    if (!covered(found, d.pointer)) found.add(d);
  }
  out.append(found);
}

std::vector<Claim> load_claim_paths(const std::vector<std::string>& paths, const ClaimFileCache& cache) {
  std::vector<fs::path> roots(paths.begin(), paths.end());
  if (roots.empty()) roots.emplace_back("claims");
  Diagnostics diagnostics;
  const auto files = find_claim_files(roots, diagnostics);
  if (files.empty() && diagnostics.empty()) {
    std::string where;
    for (const auto& r : roots) where += (where.empty() ? "" : ", ") + r.string();
    diagnostics.add(roots.front(), "", "no claim files (*" + std::string(k_claim_suffix) + ") found under " + where,
                    "an audit that measures nothing is not a pass; name a claim file or a folder holding some");
  }
  LoadResult loaded = load_claims(files, validate_with_adapter, cache);
  diagnostics.append(loaded.diagnostics);
  if (!diagnostics.empty()) throw InputError(std::move(diagnostics));
  return std::move(loaded.claims);
}

FileFindings check_claim_files(const std::vector<Claim>& claims, const Sandbox& sandbox, const GitRepository& git,
                               const RunPolicy& policy) {
  FileFindings out;
  PathChecks checks(sandbox, git);
  for (const Claim& claim : claims) {
    const std::size_t before = out.errors.size();
    std::vector<ClaimPath> paths;
    const Adapter* adapter = claim.derived ? nullptr : find_adapter(claim.tool);
    if (adapter) paths = adapter->paths(claim);
    if (!claim.source.file.empty()) paths.push_back({"/source/file", claim.source.file, ClaimPath::Kind::file, {}});
    for (const auto& p : paths) check_path(claim, p, checks, out);
    if (!adapter || out.errors.size() != before) continue;
    const Job job{claim, sandbox, checks.dir(claim), policy};
    Diagnostics found;
    try {
      adapter->check_inputs(job, found);
    } catch (const PathError& e) {
      found.add({}, "", e.what());
    } catch (const InputError& e) {
      // About an input file, located there already.
      out.errors.append(e.diagnostics());
    }
    for (auto& d : found.items()) {
      d.file = claim.location.file;
      d.pointer = claim.location.pointer + d.pointer;
      out.errors.add(std::move(d));
    }
  }
  return out;
}

Diagnostics paper_field_warnings(const std::vector<Claim>& claims) {
  Diagnostics out;
  // Read once per distinct title: claims of one file often share theirs.
  std::unordered_map<std::string, std::vector<PaperToken>> titles;
  for (const Claim& claim : claims) {
    auto [title, added] = titles.try_emplace(claim.title);
    if (added) title->second = read_quote(claim.title, PaperFormat::plain);
    if (const std::string stale = stale_title_number(claim, title->second); !stale.empty()) {
      out.add(Diagnostic{claim.location.file, 0, 0, claim.location.pointer + "/title",
                         "the title says " + stale + ", but the claim expects " + format_expected(claim.expected),
                         "say in the title what the claim expects (was the expected value edited?)", {}});
    }
    const std::pair<const char*, const std::string*> fields[] = {{"/title", &claim.title},
                                                                 {"/source/paper", &claim.source.paper},
                                                                 {"/source/where", &claim.source.where},
                                                                 {"/source/quote", &claim.source.quote}};
    for (const auto& [pointer, text] : fields) {
      if (text->rfind("TODO", 0) != 0) continue;
      out.add(Diagnostic{claim.location.file, 0, 0, claim.location.pointer + pointer, "still a TODO",
                         "write what the paper says here", {}});
    }
  }
  return out;
}

}  // namespace claimcheck
