#include "cli/pipeline.hpp"

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <sstream>
#include <thread>

#include "adapter/registry.hpp"
#include "core/derive.hpp"
#include "core/judge.hpp"
#include "provenance/git.hpp"
#include "report/format.hpp"

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

// Stage: plan. The claims an adapter measures, in claim order (derived claims are computed later).
std::vector<std::size_t> plan_measurements(const std::vector<Claim>& claims) {
  std::vector<std::size_t> planned;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (!claims[i].derived) planned.push_back(i);
  }
  return planned;
}

// Stage: measure, in parallel: outcomes land by claim index, so nothing depends on -j.
std::vector<Measured> measure_all(const std::vector<Claim>& claims, const std::vector<std::size_t>& planned,
                                  const Sandbox& sandbox, const AuditSettings& settings) {
  std::vector<Measured> measured(claims.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < planned.size(); k = next++) {
      measured[planned[k]] = measure_one(claims[planned[k]], sandbox, settings.policy);
    }
  };
  const int jobs = std::max(1, std::min<int>(settings.jobs, static_cast<int>(planned.size())));
  std::vector<std::jthread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  return measured;
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

// What was claimed, copied into the record so that it stands alone.
ClaimResult claimed(const Claim& claim, const Sandbox& sandbox) {
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
  return r;
}

// `value` (in `unit`) judged against the claim, into `r`.
void judge_into(ClaimResult& r, const Claim& claim, double value, const Unit& unit) {
  const Judgement j = judge(claim.expected, value, unit);
  r.verdict = j.verdict;
  if (j.verdict == Verdict::blocked) {
    r.block_kind = "invalid measurement";
    r.reason = j.reason;
    r.unblock = "fix the claim's unit, or the metric it names";
    return;
  }
  r.measured = j.measured;
  r.error = j.error;
  r.relative_error = j.relative_error;
}

// Stage: judge. The claim, its outcome and its verdict as one record entry.
ClaimResult judge_one(const Claim& claim, const Measured& measured, const Sandbox& sandbox) {
  ClaimResult r = claimed(claim, sandbox);
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
  r.measured_basis = m.basis;
  r.tool_version = m.tool_version;
  r.warnings = m.warnings;
  r.notes = m.notes;
  for (const auto& d : m.details) r.details.emplace_back(d.name, d.value);
  judge_into(r, claim, m.value, m.unit);
  return r;
}

// Stage: derive. A derived claim from its operands' results (final: judged, and blocked when
// stale), judged like a measured one. It inherits its operands' flags: its evidence is theirs.
ClaimResult derive_one(const Claim& claim, const std::vector<Claim>& claims, const std::vector<ClaimResult>& results,
                       const Sandbox& sandbox) {
  ClaimResult r = claimed(claim, sandbox);
  const Derivation& d = *claim.derived;
  std::vector<Quantity> operands;
  for (const auto& name : d.operands) {
    for (std::size_t j : match_operand(name, claims)) {
      const ClaimResult& o = results[j];
      r.operands.push_back(o.id);
      r.stale = r.stale || o.stale;
      r.evidence_uncommitted = r.evidence_uncommitted || o.evidence_uncommitted;
      if (o.verdict == Verdict::blocked || !o.measured) {
        if (r.verdict == Verdict::blocked && !r.reason.empty()) continue;  // the first blocked operand is named
        r.block_kind = "operand blocked";
        r.reason = "operand \"" + o.id + "\" is blocked (" + o.block_kind + "): " + o.reason;
        r.unblock = "unblock \"" + o.id + "\" first" + (o.unblock.empty() ? std::string() : ": " + o.unblock);
        continue;
      }
      operands.push_back(Quantity{*o.measured, o.expected.unit});
      r.details.emplace_back(o.id, format_quantity(*o.measured, o.expected.unit.symbol) + " (" +
                                       std::string(verdict_info(o.verdict).label) + ")");
    }
  }
  if (!r.reason.empty()) {
    r.details.clear();
    return r;
  }
  std::string why;
  const auto value = derive_value(d.op, operands, why);
  if (!value) {
    r.block_kind = "invalid measurement";
    r.reason = why;
    r.unblock = "derive it from other operands";
    return r;
  }
  r.measured_raw = value->value;
  r.measured_unit = value->unit.symbol;
  judge_into(r, claim, value->value, value->unit);
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

  // Plan: the claims an adapter measures; derived claims wait for their operands.
  const std::vector<std::size_t> planned = plan_measurements(claims);
  // Measure: each planned claim through its adapter, in parallel; outcomes land by index.
  const std::vector<Measured> measured = measure_all(claims, planned, sandbox, settings);
  // Judge: each measured claim against its expected value.
  std::vector<ClaimResult> results(claims.size());
  for (std::size_t i : planned) results[i] = judge_one(claims[i], measured[i], sandbox);
  // Provenance: the git state of the repository and of every measured claim's evidence.
  const GitRepository git(settings.root);
  record.provenance.git = git.info();
  record.provenance.environment = read_environment();
  record.provenance.claimcheck = read_tool_info();
  record.provenance.ci = read_ci_info(settings.env);
  std::map<std::string, std::optional<std::int64_t>> commit_times;
  for (std::size_t i : planned) add_evidence(results[i], claims[i], measured[i], sandbox, git, commit_times);
  // Derive: derived claims from their operands' final results, operands first, then judged.
  for (std::size_t i : derivation_order(claims)) results[i] = derive_one(claims[i], claims, results, sandbox);

  if (progress) {
    for (const auto& r : results) progress(r);
  }
  record.claims = std::move(results);
  record.summary = summarize(record.claims);
  record.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return record;
}

std::string parse_fail_policy(const std::string& text, FailPolicy& out) {
  out = FailPolicy{false, false, false, true};
  if (text == "none") {
    out.nothing_measured = false;
    return {};
  }
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

std::string audit_failure(const Summary& summary, const FailPolicy& policy) {
  if (!policy.nothing_measured || summary.verified + summary.discrepant > 0) return {};
  return "no claim was measured (" + std::to_string(summary.blocked) + " blocked): an audit that measures nothing "
         "is not a pass; unblock them, or pass --fail-on none";
}

bool fails(const ClaimResult& r, const FailPolicy& policy) {
  if (policy.stale && r.stale) return true;
  if (policy.discrepant && r.verdict == Verdict::discrepant) return true;
  if (policy.blocked && r.verdict == Verdict::blocked) return true;
  return false;
}

}  // namespace claimcheck
