#pragma once
// The AuditRecord: everything one audit found, the single source of truth that every report
// format is rendered from (and that `claimcheck render` / `diff` read back).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/claim.hpp"
#include "core/shared_list.hpp"
#include "core/verdict.hpp"

namespace claimcheck {

// Version 2 writes what claims share once (report/record_json.hpp); version 1 records are still read.
inline constexpr int k_record_schema_version = 2;

// Where a file used as evidence stands in git.
enum class EvidenceState {
  clean,         // committed, unchanged at HEAD
  modified,      // tracked, but the working copy differs from HEAD
  untracked,     // in the repository folder, not in git
  ignored,       // ignored by .gitignore
  not_in_git,    // the audit is not inside a git repository
};

struct Evidence {
  std::string path;                      // relative to the repository root, '/' separated
  std::string blob;                      // git blob id (SHA-1 of "blob <size>\0<content>") of the working file
  EvidenceState state = EvidenceState::not_in_git;
  bool operator==(const Evidence&) const = default;
};

struct GitInfo {
  bool in_repository = false;       // false when the audit root is not in a git work tree
  std::string root;                 // work tree root
  std::string head;                 // HEAD commit id ("" in a repository with no commits)
  std::string branch;               // "" when detached
  bool detached = false;
  std::string describe;             // `git describe --tags --always --dirty`-like
  std::string remote_url;           // origin's URL ("" when none), credentials stripped
  bool dirty = false;               // any tracked file modified, or untracked files present
  std::vector<std::string> dirty_paths;      // tracked and modified (staged or not)
  std::vector<std::string> untracked_paths;  // not ignored, not tracked
  bool operator==(const GitInfo&) const = default;
};

struct CiInfo {
  std::string provider;       // "github-actions" or ""
  std::string event;          // GITHUB_EVENT_NAME
  std::string sha;            // GITHUB_SHA (the merge commit on pull_request)
  std::string head_sha;       // the PR head commit on pull_request (from the event payload)
  std::string ref;            // GITHUB_REF
  std::string run_url;        // link to the run
  bool operator==(const CiInfo&) const = default;
};

struct EnvironmentInfo {
  std::string os;             // PRETTY_NAME from /etc/os-release
  std::string kernel;         // uname -r
  std::string arch;           // uname -m
  std::string cpu_model;
  int cores = 0;
  std::uint64_t memory_bytes = 0;
  std::string hostname;
  bool operator==(const EnvironmentInfo&) const = default;
};

struct ToolInfo {
  std::string version;        // claimcheck version
  std::string compiler;       // compiler that built it
  std::string build_type;
  std::string flags;
  bool operator==(const ToolInfo&) const = default;
};

struct Provenance {
  GitInfo git;
  EnvironmentInfo environment;
  ToolInfo claimcheck;
  CiInfo ci;
  std::string started_at;     // UTC, ISO 8601 (timestamp: excluded from determinism)
  bool operator==(const Provenance&) const = default;
};

// How a claim's measurement met the result cache.
enum class CacheStatus {
  none,  // not looked up: the cache was off, or the claim may not be cached (it runs a program)
  hit,   // reused from the cache: nothing was measured
  miss,  // measured; stored under the key unless it was blocked
};

struct CacheUse {
  CacheStatus status = CacheStatus::none;
  std::string key;  // the result's address in the cache (hit, or stored after a miss); "" otherwise
  bool operator==(const CacheUse&) const = default;
};

std::string_view cache_status_name(CacheStatus status);
std::optional<CacheStatus> parse_cache_status(std::string_view name);

struct ClaimResult {
  // What was claimed (copied from the claim so the record stands alone).
  std::string id;
  std::string title;
  Source source;
  std::string tool;
  std::string mode;                    // "run" | "reread"
  std::string metric;
  std::string workload;                // display name
  std::string hardware;                // display name
  Expected expected;
  std::string file;                    // claim file, relative to the repository root
  int line = 0;                        // line of the claim object in its file
  std::vector<std::string> tags;

  // What was found.
  Verdict verdict = Verdict::blocked;
  std::optional<double> measured;          // in the expected unit
  std::optional<double> measured_raw;      // as the adapter measured it
  std::string measured_unit;               // unit of measured_raw
  std::string measured_basis;               // how it was obtained when not one reading ("mean of 3 rows of
                                           // runs.csv"); "" otherwise
  std::optional<double> error;             // signed, expected unit
  std::optional<double> relative_error;    // signed fraction
  std::string block_kind;                  // for blocked: e.g. "input missing"
  std::string reason;                      // for blocked: why
  std::string unblock;                     // for blocked: what would unblock it
  bool stale = false;                      // reread artifact older than its inputs
  bool evidence_uncommitted = false;       // some evidence is not committed and clean at HEAD
  SharedList<Evidence> evidence;           // shared by the claims of one measurement
  SharedList<std::pair<std::string, std::string>> details;  // likewise
  std::vector<std::string> warnings;
  std::vector<std::string> notes;          // what the measurement accepted without using (e.g. ignored keys)
  std::vector<std::string> operands;       // derived claims: the ids of the claims it was computed from
  std::string adapter_version;
  std::string tool_version;
  double duration_ms = 0.0;                // timing: excluded from determinism
  CacheUse cache;                          // depends on the cache's state: excluded from determinism
  std::optional<std::size_t> position;     // in a shard's record: the claim's place in the whole audit
  bool operator==(const ClaimResult&) const = default;
};

struct Summary {
  int total = 0;
  int verified = 0;
  int discrepant = 0;
  int blocked = 0;
  int stale = 0;
  int uncommitted = 0;
  bool operator==(const Summary&) const = default;
};

// How much of the audit was measured, and how much reused (depends on the cache's state).
struct MeasuringStats {
  int reused = 0;    // claims whose measurement came from the result cache
  int measured = 0;  // claims measured by their adapter in this audit (several may share one run)
  int runs = 0;      // runs the adapters computed (model evaluations, simulations, parsed artifacts)
  bool operator==(const MeasuringStats&) const = default;
};

// The part of a sharded audit (`audit --shard K/N`) a record holds; `merge` joins the N parts.
struct ShardInfo {
  int index = 1;              // K, from 1
  int count = 1;              // N
  std::size_t total = 0;      // claims in the whole audit (every shard's)
  std::string selection;      // digest of the whole audit's claim ids, in order: equal in every shard
  std::string settings;       // what else decides the results (allowed commands, timeout); equal too
  bool operator==(const ShardInfo&) const = default;
};

struct AuditRecord {
  int schema_version = k_record_schema_version;
  Provenance provenance;
  std::vector<ClaimResult> claims;   // sorted by claim file then position: independent of -j
  Summary summary;
  MeasuringStats measuring;          // depends on the cache's state
  std::optional<ShardInfo> shard;    // set in a shard's record
  double duration_ms = 0.0;          // timing
  bool operator==(const AuditRecord&) const = default;
};

Summary summarize(const std::vector<ClaimResult>& claims);

std::string_view evidence_state_name(EvidenceState state);
std::optional<EvidenceState> parse_evidence_state(std::string_view name);

}  // namespace claimcheck
