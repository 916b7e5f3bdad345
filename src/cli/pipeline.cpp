#include "cli/pipeline.hpp"

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <sstream>
#include <thread>

#include "adapter/registry.hpp"
#include "core/judge.hpp"
#include "provenance/git.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

struct Measured {
  Outcome outcome;
  double duration_ms = 0.0;
};

// Stage: measure. One claim through its adapter; never throws.
Measured measure_one(const Claim& claim, const Sandbox& sandbox, const RunPolicy& policy) {
  const auto start = std::chrono::steady_clock::now();
  Measured out;
  const Adapter* adapter = find_adapter(claim.tool);
  if (!adapter) {
    out.outcome = Blocked{BlockKind::unknown_adapter, "no adapter named \"" + claim.tool + "\"",
                          "run `claimcheck adapters` for the list", {}};
  } else {
    const fs::path claim_dir = fs::absolute(claim.location.file).parent_path();
    const Job job{claim, sandbox, claim_dir, policy};
    out.outcome = measure_safely(*adapter, job);
  }
  out.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

// Files a claim names itself (artifact and inputs), resolved when they exist.
std::vector<fs::path> named_files(const Claim& claim, const Sandbox& sandbox) {
  std::vector<fs::path> files;
  const fs::path claim_dir = fs::absolute(claim.location.file).parent_path();
  auto add = [&](const std::string& written) {
    try {
      files.push_back(sandbox.resolve(claim_dir, written));
    } catch (const PathError&) {
      // Reported by the adapter when it needs the file.
    }
  };
  if (claim.artifact) add(*claim.artifact);
  for (const auto& input : claim.inputs) add(input);
  if (claim.workload.path) add(*claim.workload.path);
  if (claim.hardware.path) add(*claim.hardware.path);
  return files;
}

// Stage: judge. The claim, its outcome and its verdict as one record entry.
ClaimResult judge_one(const Claim& claim, const Measured& measured, const Sandbox& sandbox) {
  ClaimResult r;
  r.id = claim.id;
  r.title = claim.title;
  r.source = claim.source;
  r.tool = claim.tool;
  r.mode = claim.mode == Mode::run ? "run" : "reread";
  r.metric = claim.metric;
  r.workload = claim.workload.name;
  r.hardware = claim.hardware.name;
  r.expected = claim.expected;
  r.file = sandbox.relative(fs::weakly_canonical(fs::absolute(claim.location.file)));
  r.line = claim.location.line;
  r.tags = claim.tags;
  r.duration_ms = measured.duration_ms;
  if (const Adapter* adapter = find_adapter(claim.tool)) r.adapter_version = adapter->version();
  if (const auto* blocked = std::get_if<Blocked>(&measured.outcome)) {
    r.verdict = Verdict::blocked;
    r.block_kind = std::string(block_kind_name(blocked->kind));
    r.reason = blocked->reason;
    r.unblock = blocked->unblock;
    return r;
  }
  const auto& m = std::get<Measurement>(measured.outcome);
  r.measured_raw = m.value;
  r.measured_unit = m.unit.symbol;
  r.tool_version = m.tool_version;
  r.warnings = m.warnings;
  r.notes = m.notes;
  for (const auto& d : m.details) r.details.emplace_back(d.name, d.value);
  const Judgement j = judge(claim.expected, m.value, m.unit);
  r.verdict = j.verdict;
  if (j.verdict == Verdict::blocked) {
    r.block_kind = "invalid measurement";
    r.reason = j.reason;
    r.unblock = "fix the claim's unit, or the metric it names";
    return r;
  }
  r.measured = j.measured;
  r.error = j.error;
  r.relative_error = j.relative_error;
  return r;
}

// Stage: provenance per claim. Evidence states, and staleness of a re-read artifact: an input
// changed (in the working tree, or in a later commit) after the artifact was last committed.
void add_evidence(ClaimResult& result, const Claim& claim, const Measured& measured, const Sandbox& sandbox,
                  const GitRepository& git, std::map<std::string, std::optional<std::int64_t>>& commit_times) {
  std::vector<fs::path> files = named_files(claim, sandbox);
  if (const auto* m = std::get_if<Measurement>(&measured.outcome)) {
    files.insert(files.end(), m->files.begin(), m->files.end());
  } else {
    const auto& b = std::get<Blocked>(measured.outcome);
    files.insert(files.end(), b.files.begin(), b.files.end());
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  for (const auto& file : files) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    Evidence e = git.evidence(file, sandbox.root());
    if (e.state != EvidenceState::clean) result.evidence_uncommitted = true;
    result.evidence.push_back(std::move(e));
  }
  if (claim.mode != Mode::reread || !claim.artifact || !git.found()) return;
  const fs::path claim_dir = fs::absolute(claim.location.file).parent_path();
  auto find = [&](const std::string& written) -> const Evidence* {
    try {
      const fs::path p = sandbox.resolve(claim_dir, written);
      const std::string rel = p.lexically_relative(fs::weakly_canonical(git.workdir())).generic_string();
      for (const auto& e : result.evidence) {
        if (e.path == rel) return &e;
      }
    } catch (const PathError&) {
    }
    return nullptr;
  };
  auto changed_at = [&](const Evidence& e) -> std::optional<std::int64_t> {
    if (e.state != EvidenceState::clean) return std::numeric_limits<std::int64_t>::max();
    auto it = commit_times.find(e.path);
    if (it == commit_times.end()) it = commit_times.emplace(e.path, git.last_commit_time(e.path)).first;
    return it->second;
  };
  const Evidence* artifact = find(*claim.artifact);
  if (!artifact) return;
  const auto artifact_time = changed_at(*artifact);
  for (const auto& input : claim.inputs) {
    const Evidence* e = find(input);
    if (!e) continue;
    const auto input_time = changed_at(*e);
    if (input_time && artifact_time && *input_time > *artifact_time) {
      result.stale = true;
      result.warnings.push_back("artifact " + artifact->path + " is stale: input " + e->path +
                                " changed after it was written");
    }
  }
  if (result.stale && result.verdict != Verdict::blocked) {
    result.verdict = Verdict::blocked;
    result.block_kind = std::string(block_kind_name(BlockKind::artifact_stale));
    result.reason = "the artifact is older than its inputs: the number it holds may no longer follow from them";
    result.unblock = "re-run the tool on the current inputs and commit the new artifact";
    result.measured.reset();
    result.error.reset();
    result.relative_error.reset();
  }
}

}  // namespace

void validate_with_adapter(const Claim& claim, Diagnostics& out) {
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
  const auto modes = adapter->modes();
  if (std::find(modes.begin(), modes.end(), claim.mode) == modes.end()) {
    out.add({}, "/mode",
            "the " + adapter->name() + " adapter does not support mode \"" +
                (claim.mode == Mode::run ? "run" : "reread") + "\"");
  }
  adapter->validate(claim, out);
}

AuditRecord run_audit(const std::vector<Claim>& listed, const AuditSettings& settings, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  AuditRecord record;
  const Sandbox sandbox(settings.root);
  // Expand: an adapter may stand one claim for several (astra-sim's options.npu "all").
  std::vector<Claim> claims;
  for (const auto& claim : listed) {
    const Adapter* adapter = find_adapter(claim.tool);
    if (!adapter) {
      claims.push_back(claim);
      continue;
    }
    auto expanded = adapter->expand(claim, sandbox, fs::absolute(claim.location.file).parent_path());
    for (auto& c : expanded) claims.push_back(std::move(c));
  }
  record.provenance.started_at = utc_now();

  // Measure: claims in parallel; results land by index, so their order never depends on -j.
  std::vector<Measured> measured(claims.size());
  std::vector<ClaimResult> results(claims.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < claims.size(); i = next++) {
      measured[i] = measure_one(claims[i], sandbox, settings.policy);
      results[i] = judge_one(claims[i], measured[i], sandbox);
    }
  };
  const int jobs = std::max(1, std::min<int>(settings.jobs, static_cast<int>(claims.size())));
  {
    std::vector<std::jthread> threads;
    for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
    worker();
  }

  // Provenance: git (libgit2 handles are not shared across threads, so this runs here).
  const GitRepository git(settings.root);
  record.provenance.git = git.info();
  record.provenance.environment = read_environment();
  record.provenance.claimcheck = read_tool_info();
  record.provenance.ci = read_ci_info(settings.env);
  std::map<std::string, std::optional<std::int64_t>> commit_times;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    add_evidence(results[i], claims[i], measured[i], sandbox, git, commit_times);
    if (progress) progress(results[i]);
  }
  record.claims = std::move(results);
  record.summary = summarize(record.claims);
  record.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return record;
}

std::string parse_fail_policy(const std::string& text, FailPolicy& out) {
  out = FailPolicy{false, false, false};
  if (text == "none") return {};
  std::stringstream words(text);
  std::string word;
  while (std::getline(words, word, ',')) {
    if (word == "discrepant") {
      out.discrepant = true;
    } else if (word == "blocked") {
      out.blocked = true;
    } else if (word == "stale") {
      out.stale = true;
    } else {
      return "unknown --fail-on value \"" + word + "\"; expected a list of discrepant, blocked, stale, or none";
    }
  }
  return {};
}

bool fails(const ClaimResult& r, const FailPolicy& policy) {
  if (policy.stale && r.stale) return true;
  if (policy.discrepant && r.verdict == Verdict::discrepant) return true;
  if (policy.blocked && r.verdict == Verdict::blocked) return true;
  return false;
}

}  // namespace claimcheck
