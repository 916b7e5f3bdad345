#include "cli/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <memory>
#include <sstream>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "adapter/registry.hpp"
#include "cli/reuse.hpp"
#include "core/derive.hpp"
#include "core/judge.hpp"
#include "io/result_cache.hpp"
#include "provenance/git.hpp"
#include "report/format.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// A claim's outcome and how it was obtained.
struct Measured {
  std::shared_ptr<const Outcome> outcome;  // the claims sharing a measurement share it
  double duration_ms = 0.0;  // of the measurement (shared by the claims that share it)
  CacheUse cache;
};

// One claim an adapter measures, as planned.
struct Planned {
  std::size_t claim = 0;             // index into the claims
  const fs::path* claim_dir = nullptr;  // absolute folder of its claim file (held by ClaimFiles)
  const Adapter* adapter = nullptr;  // null: no adapter of that name (blocked)
  std::string key;                   // claim key: claims with equal keys share one measurement
  bool cacheable = false;            // the result cache may hold its measurement
  std::vector<std::size_t> sharing;  // a leader (first claim with its key): the claims that share its measurement
  bool leader = true;
};

// Runs work(k) for k in [0, n) on `jobs` threads.
template <typename Work>
void parallel_for(std::size_t n, int jobs, const Work& work) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < n; k = next++) work(k);
  };
  const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(n)));
  std::vector<std::jthread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
}

// Stage: expand. An adapter may stand one claim for several (astra-sim's options.npu "all").
// Most claims stand for themselves and stay where they are: the list is rebuilt (to its exact
// size) only when one expands.
std::vector<Claim> expand_claims(std::vector<Claim> listed, const Sandbox& sandbox, ClaimFiles& files) {
  std::vector<std::pair<std::size_t, std::vector<Claim>>> expanded;  // claim index -> the claims it stands for
  std::size_t total = listed.size();
  for (std::size_t i = 0; i < listed.size(); ++i) {
    Claim& claim = listed[i];
    const Adapter* adapter = find_adapter(claim.tool);
    if (!adapter || !adapter->may_expand(claim)) continue;
    const fs::path& claim_dir = files.dir(claim);
    std::vector<Claim> claims = adapter->expand(std::move(claim), sandbox, claim_dir);
    if (claims.size() == 1) {
      claim = std::move(claims.front());
      continue;
    }
    total = total - 1 + claims.size();
    expanded.emplace_back(i, std::move(claims));
  }
  if (expanded.empty()) return listed;
  std::vector<Claim> claims;
  claims.reserve(total);
  auto next = expanded.begin();
  for (std::size_t i = 0; i < listed.size(); ++i) {
    if (next != expanded.end() && next->first == i) {
      for (auto& c : next->second) claims.push_back(std::move(c));
      ++next;
    } else {
      claims.push_back(std::move(listed[i]));
    }
  }
  return claims;
}

// Stage: shard. The claims this audit judges: all, or those of its shard.
std::vector<std::size_t> select_claims(const std::vector<Claim>& claims, const AuditSettings& settings,
                                       const Sandbox& sandbox) {
  if (settings.shard) return shard_claims(claims, *settings.shard, sandbox);
  std::vector<std::size_t> all(claims.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

// Stage: plan. The claims an adapter measures (derived claims are computed later), each with its
// claim key; the first claim of each key leads, the others share its measurement.
std::vector<Planned> plan_measurements(const std::vector<Claim>& claims, const std::vector<std::size_t>& selected,
                                       ClaimFiles& files, int jobs) {
  std::vector<Planned> plan;
  plan.reserve(selected.size());
  for (std::size_t i : selected) {
    if (claims[i].derived) continue;
    Planned p;
    p.claim = i;
    p.adapter = find_adapter(claims[i].tool);
    plan.push_back(std::move(p));
  }
  // The fields a claim key digests, claim by claim in parallel (specs and options are serialised).
  std::vector<std::string> fields(plan.size());
  parallel_for(plan.size(), jobs, [&](std::size_t k) {
    Planned& p = plan[k];
    const Claim& claim = claims[p.claim];
    p.claim_dir = &files.dir(claim);
    if (!p.adapter) return;
    p.cacheable = cacheable(claim, *p.adapter);
    fields[k] = claim_key_fields(claim, *p.adapter, files.folder(claim));
  });
  // By those fields: the first claim of each leads; the others share its measurement and key.
  std::unordered_map<std::string_view, std::size_t> leaders;
  std::vector<std::size_t> leader_of(plan.size());
  for (std::size_t k = 0; k < plan.size(); ++k) {
    if (!plan[k].adapter) continue;
    auto [it, added] = leaders.try_emplace(fields[k], k);
    leader_of[k] = it->second;
    if (!added) {
      plan[k].leader = false;
      plan[it->second].sharing.push_back(k);
    }
  }
  parallel_for(plan.size(), jobs, [&](std::size_t k) {
    if (plan[k].adapter && plan[k].leader) plan[k].key = claim_key_of(fields[k]);
  });
  for (std::size_t k = 0; k < plan.size(); ++k) {
    if (plan[k].adapter && !plan[k].leader) plan[k].key = plan[leader_of[k]].key;
  }
  return plan;
}

// One claim through its adapter; never throws.
Measured measure_one(const Claim& claim, const Planned& planned, const Sandbox& sandbox, const RunPolicy& policy,
                     RunMemo& memo, AuditObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  observer.measuring(claim);
  Measured out;
  if (!planned.adapter) {
    out.outcome = std::make_shared<const Outcome>(Blocked{BlockKind::unknown_adapter,
                                                          "no adapter named \"" + claim.tool + "\"",
                                                          "run `claimcheck adapters` for the list", {}});
  } else {
    const Job job{claim, sandbox, *planned.claim_dir, policy, &memo};
    out.outcome = std::make_shared<const Outcome>(measure_safely(*planned.adapter, job));
  }
  out.duration_ms = ms_since(start);
  return out;
}

// The files a claim names itself (artifact, inputs, specs), resolved once per folder and path.
// Safe to use from several threads.
class NamedFiles {
 public:
  NamedFiles(const Sandbox& sandbox, ClaimFiles& claim_files) : m_sandbox(sandbox), m_claim_files(claim_files) {}
  std::vector<fs::path> of(const Claim& claim) {
    std::vector<fs::path> files;
    const fs::path& claim_dir = m_claim_files.dir(claim);
    auto add = [&](const std::string& written) {
      std::string key = claim_dir.native() + '\0' + written;
      {
        const std::shared_lock lock(m_mutex);
        if (auto it = m_resolved.find(key); it != m_resolved.end()) {
          if (it->second) files.push_back(*it->second);
          return;
        }
      }
      std::optional<fs::path> resolved;
      try {
        resolved = m_sandbox.resolve(claim_dir, written);
      } catch (const PathError&) {
        // Reported by the adapter when it needs the file.
      }
      if (resolved) files.push_back(*resolved);
      const std::unique_lock lock(m_mutex);
      m_resolved.try_emplace(std::move(key), std::move(resolved));
    };
    if (claim.artifact) add(*claim.artifact);
    for (const auto& input : claim.inputs) add(input);
    if (claim.workload.path) add(*claim.workload.path);
    if (claim.hardware.path) add(*claim.hardware.path);
    return files;
  }

 private:
  const Sandbox& m_sandbox;
  ClaimFiles& m_claim_files;
  std::shared_mutex m_mutex;
  std::unordered_map<std::string, std::optional<fs::path>> m_resolved;  // key: folder '\0' path as written
};

// The files a measurement's result depends on: those it read and those its claim names.
std::vector<fs::path> result_files(const Measurement& m, const Claim& claim, NamedFiles& named) {
  std::vector<fs::path> files = named.of(claim);
  files.insert(files.end(), m.files.begin(), m.files.end());
  return files;
}

// A file's hash by its path relative to the root, for the cache; nothing outside the root.
std::optional<std::string> hash_below_root(const std::string& relative, const Sandbox& sandbox, FileHashes& hashes) {
  const fs::path path(relative);
  if (path.empty() || path.is_absolute()) return std::nullopt;
  for (const auto& part : path) {
    if (part == "..") return std::nullopt;
  }
  return hashes.of(sandbox.root() / path);
}

// Stage: reuse. Leaders whose measurement the cache holds for the current files.
void reuse_cached(const std::vector<Planned>& plan, const ResultCache& cache, const Sandbox& sandbox,
                  FileHashes& hashes, std::vector<std::optional<Measured>>& measured, int jobs) {
  parallel_for(plan.size(), jobs, [&](std::size_t k) {
    const Planned& p = plan[k];
    if (!p.leader || !p.cacheable) return;
    const auto start = std::chrono::steady_clock::now();
    const auto found = cache.find(
        p.key, [&](const std::string& relative) { return hash_below_root(relative, sandbox, hashes); });
    if (!found) return;
    auto m = measurement_from_payload(found->payload, sandbox);
    if (m) {
      measured[p.claim] = Measured{std::make_shared<const Outcome>(std::move(*m)), ms_since(start),
                                   CacheUse{CacheStatus::hit, found->key}};
    }
  });
}

// Whether the claims sharing a leader's measurement may take its outcome: not a blocked one that
// names the leader itself.
bool shareable(const Outcome& outcome) {
  const auto* blocked = std::get_if<Blocked>(&outcome);
  return !blocked || !blocked->names_claim;
}

// Stage: measure. The leaders the cache did not hold, through their adapters in parallel, each
// run once (the memo); the claims sharing a leader's measurement take it, or are measured
// themselves when its outcome names the leader. Outcomes land by claim index, so nothing depends
// on -j.
void measure_all(const std::vector<Claim>& claims, const std::vector<Planned>& plan, const Sandbox& sandbox,
                 const AuditSettings& settings, RunMemo& memo, std::vector<std::optional<Measured>>& measured,
                 AuditObserver& observer) {
  auto finish_leader = [&](const Planned& p) {
    Measured& m = *measured[p.claim];
    observer.measured(claims[p.claim], *m.outcome);
    if (!shareable(*m.outcome)) return;
    for (std::size_t f : p.sharing) {
      measured[plan[f].claim] = m;
      observer.measured(claims[plan[f].claim], *m.outcome);
    }
  };
  // Leaders, the costliest first (the Timeloop mapper's searches): a long one started last would
  // leave the other threads idle while it runs. The rest keep their order (those the cache gave
  // last); results do not depend on it.
  std::vector<std::size_t> order;  // plan entries of the leaders
  std::vector<double> cost(plan.size(), 0.0);
  for (std::size_t k = 0; k < plan.size(); ++k) {
    const Planned& p = plan[k];
    if (!p.leader) continue;
    order.push_back(k);
    if (!measured[p.claim]) cost[k] = p.adapter ? p.adapter->expected_cost(claims[p.claim]) : 1.0;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  parallel_for(order.size(), settings.jobs, [&](std::size_t n) {
    const Planned& p = plan[order[n]];
    if (!measured[p.claim]) {
      measured[p.claim] = measure_one(claims[p.claim], p, sandbox, settings.policy, memo, observer);
      if (p.cacheable && settings.cache) measured[p.claim]->cache.status = CacheStatus::miss;
    }
    finish_leader(p);
  });
  parallel_for(plan.size(), settings.jobs, [&](std::size_t k) {
    const Planned& p = plan[k];
    if (measured[p.claim]) return;
    measured[p.claim] = measure_one(claims[p.claim], p, sandbox, settings.policy, memo, observer);
    if (p.cacheable && settings.cache) measured[p.claim]->cache.status = CacheStatus::miss;
    observer.measured(claims[p.claim], *measured[p.claim]->outcome);
  });
}

// An entry the store stage writes.
struct PendingEntry {
  std::string claim_key;
  std::vector<FileHash> files;
  std::string payload;
};

// Stage: store. New measurements get their result keys now; their entries are written by a
// thread of their own while the audit goes on (the returned thread; joined when it is dropped).
std::jthread store_measured(const std::vector<Claim>& claims, const std::vector<Planned>& plan,
                            const ResultCache& cache, const Sandbox& sandbox, FileHashes& hashes, NamedFiles& named,
                            std::vector<std::optional<Measured>>& measured, std::vector<std::string>& problems) {
  std::vector<PendingEntry> pending;
  for (const Planned& p : plan) {
    Measured& m = *measured[p.claim];
    if (!p.leader || m.cache.status != CacheStatus::miss) continue;
    const auto* measurement = std::get_if<Measurement>(m.outcome.get());
    if (!measurement) continue;
    std::string payload = measurement_payload(*measurement, sandbox);
    auto files = hashed_files(result_files(*measurement, claims[p.claim], named), sandbox, hashes);
    if (payload.empty() || !files) continue;
    m.cache.key = ResultCache::result_key(p.key, *files);
    for (std::size_t f : p.sharing) measured[plan[f].claim]->cache = m.cache;
    pending.push_back({p.key, std::move(*files), std::move(payload)});
  }
  return std::jthread([&cache, &problems, pending = std::move(pending)] {
    for (const auto& entry : pending) {
      std::string error;
      cache.store(entry.claim_key, entry.files, entry.payload, error);
      if (!error.empty() && problems.empty()) problems.push_back(error);
    }
  });
}

// What was claimed, copied into the record so that it stands alone. The texts no later stage
// reads of the claim (title, source, display names, tags) are moved, not copied: thousands of
// claims would hold them twice.
ClaimResult claimed(Claim& claim, ClaimFiles& files) {
  ClaimResult r;
  r.id = claim.id;
  r.title = std::move(claim.title);
  r.source = std::move(claim.source);
  r.tool = claim.tool;
  r.mode = claim.mode == Mode::run ? "run" : "reread";
  r.metric = claim.metric;
  r.workload = std::move(claim.workload.name);
  r.hardware = std::move(claim.hardware.name);
  r.expected = claim.expected;
  r.file = files.relative(claim);
  r.line = claim.location.line;
  r.tags = std::move(claim.tags);
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

// Stage: judge. The claim, its outcome and its verdict as one record entry; `sharing` (null for
// none) is the entry of a claim with the same outcome, whose details this one shares.
ClaimResult judge_one(Claim& claim, const Measured& measured, ClaimFiles& files, const ClaimResult* sharing) {
  ClaimResult r = claimed(claim, files);
  r.duration_ms = measured.duration_ms;
  r.cache = measured.cache;
  if (const Adapter* adapter = find_adapter(claim.tool)) r.adapter_version = adapter->version();
  if (const auto* blocked = std::get_if<Blocked>(measured.outcome.get())) {
    r.verdict = Verdict::blocked;
    r.block_kind = std::string(block_kind_name(blocked->kind));
    r.reason = blocked->reason;
    r.unblock = blocked->unblock;
    return r;
  }
  const auto& m = std::get<Measurement>(*measured.outcome);
  r.measured_raw = m.value;
  r.measured_unit = m.unit.symbol;
  r.measured_basis = m.basis;
  r.tool_version = m.tool_version;
  r.warnings = m.warnings;
  r.notes = m.notes;
  if (sharing) {
    r.details = sharing->details;
  } else {
    std::vector<std::pair<std::string, std::string>> details;
    details.reserve(m.details.size());
    for (const auto& d : m.details) details.emplace_back(d.name, d.value);
    r.details = std::move(details);
  }
  judge_into(r, claim, m.value, m.unit);
  return r;
}

// Stage: derive. A derived claim from its operands' results (final: judged, and blocked when
// stale), judged like a measured one. It inherits its operands' flags: its evidence is theirs.
ClaimResult derive_one(Claim& claim, const std::vector<Claim>& claims, const std::vector<ClaimResult>& results,
                       ClaimFiles& files) {
  ClaimResult r = claimed(claim, files);
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

// The git facts the provenance stage needs, looked up once per audit whatever the number of
// claims reading them: each file's evidence and each path's last commit. Safe to use from several
// threads once prepared; the repository is asked one question at a time.
class EvidenceFacts {
 public:
  EvidenceFacts(const GitRepository& git, const Sandbox& sandbox, FileHashes& hashes)
      : m_git(git), m_sandbox(sandbox), m_hashes(hashes) {
    if (m_git.found()) m_workdir = fs::weakly_canonical(m_git.workdir());
  }

  // Looks up the evidence of `files` in one pass (of() then finds it).
  void prepare(std::vector<fs::path> files) {
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    std::vector<fs::path> regular;
    std::vector<std::string> blobs;
    for (const auto& file : files) {
      if (m_evidence.count(file.native())) continue;
      if (auto blob = m_hashes.of(file)) {
        regular.push_back(file);
        blobs.push_back(std::move(*blob));
      } else {
        m_evidence.emplace(file.native(), std::nullopt);
      }
    }
    auto found = m_git.evidence(regular, m_sandbox.root(), blobs);
    for (std::size_t i = 0; i < regular.size(); ++i) m_evidence.emplace(regular[i].native(), std::move(found[i]));
  }

  // The evidence of a regular file; null for anything else.
  const Evidence* of(const fs::path& file) {
    {
      const std::shared_lock lock(m_mutex);
      if (auto it = m_evidence.find(file.native()); it != m_evidence.end()) return it->second ? &*it->second : nullptr;
    }
    std::optional<Evidence> found;
    if (auto blob = m_hashes.of(file)) {
      const std::lock_guard asking(m_git_mutex);
      found = m_git.evidence(file, m_sandbox.root(), *blob);
    }
    const std::unique_lock lock(m_mutex);
    const auto& held = m_evidence.try_emplace(file.native(), std::move(found)).first->second;
    return held ? &*held : nullptr;
  }

  // When the file at `path` last changed: its last commit, or "now" for a file not committed as it is.
  std::optional<std::int64_t> changed_at(const Evidence& e) {
    if (e.state != EvidenceState::clean) return std::numeric_limits<std::int64_t>::max();
    const std::lock_guard asking(m_git_mutex);
    auto it = m_commit_times.find(e.path);
    if (it == m_commit_times.end()) it = m_commit_times.emplace(e.path, m_git.last_commit_time(e.path)).first;
    return it->second;
  }

  const GitRepository& git() const { return m_git; }
  // The repository's work tree, canonical (evidence paths are relative to it).
  const fs::path& workdir() const { return m_workdir; }

 private:
  const GitRepository& m_git;
  const Sandbox& m_sandbox;
  FileHashes& m_hashes;
  std::shared_mutex m_mutex;  // of m_evidence
  std::unordered_map<std::string, std::optional<Evidence>> m_evidence;  // by absolute path (nodes: stable)
  std::mutex m_git_mutex;  // of m_git and m_commit_times
  std::map<std::string, std::optional<std::int64_t>> m_commit_times;
  fs::path m_workdir;
};

// Stage: provenance per claim. Every file the claim names or its measurement read, sorted.
std::vector<fs::path> evidence_files(const Claim& claim, const Measured& measured, NamedFiles& named) {
  std::vector<fs::path> files = named.of(claim);
  if (const auto* m = std::get_if<Measurement>(measured.outcome.get())) {
    files.insert(files.end(), m->files.begin(), m->files.end());
  } else {
    const auto& b = std::get<Blocked>(*measured.outcome);
    files.insert(files.end(), b.files.begin(), b.files.end());
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

// Their evidence (files that are not regular files have none).
SharedList<Evidence> evidence_of(const std::vector<fs::path>& files, EvidenceFacts& facts) {
  std::vector<Evidence> evidence;
  for (const auto& file : files) {
    if (const Evidence* e = facts.of(file)) evidence.push_back(*e);
  }
  return evidence;
}

// Evidence states into the result, and staleness of a re-read artifact: an input changed (in the
// working tree, or in a later commit) after the artifact was last committed.
void add_evidence(ClaimResult& result, const Claim& claim, SharedList<Evidence> evidence, const Sandbox& sandbox,
                  EvidenceFacts& facts, ClaimFiles& files) {
  for (const auto& e : evidence) {
    if (e.state != EvidenceState::clean) result.evidence_uncommitted = true;
  }
  result.evidence = std::move(evidence);
  if (claim.mode != Mode::reread || !claim.artifact || !facts.git().found()) return;
  const fs::path& claim_dir = files.dir(claim);
  auto find = [&](const std::string& written) -> const Evidence* {
    try {
      const fs::path p = sandbox.resolve(claim_dir, written);
      const std::string rel = p.lexically_relative(facts.workdir()).generic_string();
      for (const auto& e : result.evidence) {
        if (e.path == rel) return &e;
      }
    } catch (const PathError&) {
    }
    return nullptr;
  };
  const Evidence* artifact = find(*claim.artifact);
  if (!artifact) return;
  const auto artifact_time = facts.changed_at(*artifact);
  for (const auto& input : claim.inputs) {
    const Evidence* e = find(input);
    if (!e) continue;
    const auto input_time = facts.changed_at(*e);
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

// What, besides the claims, decides a shard's results: every shard of one audit has the same.
std::string settings_text(const AuditSettings& settings) {
  return std::string("commands ") + (settings.policy.allow_commands ? "allowed" : "not allowed") + ", timeout " +
         std::to_string(settings.policy.timeout.count()) + " ms";
}

}  // namespace

AuditRecord run_audit(std::vector<Claim> listed, const AuditSettings& settings, AuditObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  AuditRecord record;
  const Sandbox sandbox(settings.root);
  ClaimFiles claim_files(sandbox);
  NamedFiles named(sandbox, claim_files);
  FileHashes hashes;
  std::optional<ResultCache> cache;
  if (settings.cache) cache.emplace(*settings.cache);

  // Expand: every claim the audit stands for, in claim order.
  std::vector<Claim> claims = expand_claims(std::move(listed), sandbox, claim_files);
  record.provenance.started_at = utc_now();
  // Shard: the claims this audit judges (all of them, or the shard's: whole runs and derivations).
  const std::vector<std::size_t> selected = select_claims(claims, settings, sandbox);
  if (settings.shard) {
    record.shard = ShardInfo{settings.shard->index, settings.shard->count, claims.size(), selection_digest(claims),
                             settings_text(settings)};
  }
  // Plan: the claims an adapter measures, each with its claim key; equal keys share a measurement.
  std::vector<Planned> plan = plan_measurements(claims, selected, claim_files, settings.jobs);
  observer.planned(plan.size());
  // Reuse: measurements the result cache holds for these claims and the files as they are now.
  std::vector<std::optional<Measured>> measured(claims.size());
  if (cache) reuse_cached(plan, *cache, sandbox, hashes, measured, settings.jobs);
  // Measure: every other claim through its adapter, in parallel, each run once.
  {
    RunMemo memo;
    measure_all(claims, plan, sandbox, settings, memo, measured, observer);
    record.measuring.runs = static_cast<int>(memo.runs());
  }
  // Store: the new measurements into the cache (written on while the audit goes on).
  std::vector<std::string> cache_problems;
  std::jthread storing;
  if (cache) storing = store_measured(claims, plan, *cache, sandbox, hashes, named, measured, cache_problems);
  // The repository's state and the machine's, looked up on a thread of their own while the
  // claims are judged (git's status of the work tree takes as long as judging thousands).
  const GitRepository git(settings.root);
  auto repository_and_machine = std::async(std::launch::async, [&git] {
    return std::pair<GitInfo, EnvironmentInfo>(git.info(), read_environment());
  });
  // Judge: each measured claim against its expected value.
  std::vector<ClaimResult> results(claims.size());
  // The plan entry of the leader whose outcome a claim shares (npos: none); such a claim shares
  // the leader's details and evidence. Leaders are judged first.
  constexpr std::size_t k_none = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> shares_with(plan.size(), k_none);
  for (std::size_t k = 0; k < plan.size(); ++k) {
    for (std::size_t f : plan[k].sharing) {
      if (measured[plan[f].claim]->outcome == measured[plan[k].claim]->outcome) shares_with[f] = k;
    }
  }
  for (const bool leaders : {true, false}) {
    parallel_for(plan.size(), settings.jobs, [&](std::size_t k) {
      const Planned& p = plan[k];
      if (p.leader != leaders) return;
      const ClaimResult* sharing = shares_with[k] == k_none ? nullptr : &results[plan[shares_with[k]].claim];
      results[p.claim] = judge_one(claims[p.claim], *measured[p.claim], claim_files, sharing);
    });
  }
  // Provenance: the git state of the repository and of every measured claim's evidence.
  std::tie(record.provenance.git, record.provenance.environment) = repository_and_machine.get();
  record.provenance.claimcheck = read_tool_info();
  record.provenance.ci = read_ci_info(settings.env);
  // The claims sharing a leader's measurement share its evidence (same fields, same files).
  std::vector<std::shared_ptr<const std::vector<fs::path>>> evidence(plan.size());
  const auto list_evidence = [&](std::size_t k) {
    if (!evidence[k]) {
      const Planned& p = plan[k];
      evidence[k] = std::make_shared<const std::vector<fs::path>>(evidence_files(claims[p.claim], *measured[p.claim], named));
    }
  };
  parallel_for(plan.size(), settings.jobs, [&](std::size_t k) {
    if (plan[k].leader) list_evidence(k);
  });
  for (std::size_t k = 0; k < plan.size(); ++k) {
    if (shares_with[k] != k_none) evidence[k] = evidence[shares_with[k]];
  }
  parallel_for(plan.size(), settings.jobs, list_evidence);
  // Each distinct list once: its files are looked up together, and the claims holding it share
  // its evidence.
  std::unordered_map<const std::vector<fs::path>*, std::size_t> list_index;
  std::vector<const std::vector<fs::path>*> lists;
  std::vector<std::size_t> list_of(plan.size());
  std::vector<fs::path> every_file;
  for (std::size_t k = 0; k < plan.size(); ++k) {
    auto [it, added] = list_index.try_emplace(evidence[k].get(), lists.size());
    if (added) {
      lists.push_back(evidence[k].get());
      every_file.insert(every_file.end(), evidence[k]->begin(), evidence[k]->end());
    }
    list_of[k] = it->second;
  }
  measured = {};
  EvidenceFacts facts(git, sandbox, hashes);
  facts.prepare(std::move(every_file));
  std::vector<SharedList<Evidence>> found(lists.size());
  parallel_for(lists.size(), settings.jobs, [&](std::size_t i) { found[i] = evidence_of(*lists[i], facts); });
  parallel_for(plan.size(), settings.jobs, [&](std::size_t k) {
    Claim& claim = claims[plan[k].claim];
    add_evidence(results[plan[k].claim], claim, found[list_of[k]], sandbox, facts, claim_files);
    // The claim is in the record now; what follows needs only its id (an operand of a derived claim).
    Claim done = std::move(claim);  // takes the claim's buffers, freed at the end of this scope
    claim = Claim{};
    claim.id = std::move(done.id);
  });
  evidence = {};
  found = {};
  // Derive: derived claims from their operands' final results, operands first, then judged.
  std::vector<bool> in_audit(claims.size(), false);
  for (std::size_t i : selected) in_audit[i] = true;
  for (std::size_t i : derivation_order(claims)) {
    if (in_audit[i]) results[i] = derive_one(claims[i], claims, results, claim_files);
  }

  // Record: this audit's results, in claim order (the claims are no longer needed).
  plan = {};
  claims = {};
  if (settings.shard) {
    record.claims.reserve(selected.size());
    for (std::size_t i : selected) {
      results[i].position = i;
      record.claims.push_back(std::move(results[i]));
    }
  } else {
    record.claims = std::move(results);
  }
  for (const auto& c : record.claims) {
    if (c.cache.status == CacheStatus::hit) {
      ++record.measuring.reused;
    } else if (c.tool != k_derived_tool) {
      ++record.measuring.measured;
    }
  }
  record.summary = summarize(record.claims);
  if (storing.joinable()) storing.join();
  for (const auto& problem : cache_problems) observer.warning("the result cache could not be written: " + problem);
  observer.finished(record.claims);
  record.duration_ms = ms_since(start);
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
