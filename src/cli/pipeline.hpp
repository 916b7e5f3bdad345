#pragma once
// The audit pipeline: claims -> expand -> shard -> plan -> reuse -> measure -> store -> judge ->
// provenance -> derive -> record.

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapter/adapter.hpp"
#include "cli/shard.hpp"
#include "core/record.hpp"
#include "provenance/environment.hpp"

namespace claimcheck {

struct AuditSettings {
  std::filesystem::path root;   // repository root: claims may read only below it
  int jobs = 1;                 // claims measured in parallel
  RunPolicy policy;
  EnvLookup env = process_env();
  std::optional<std::filesystem::path> cache;  // the result cache's folder; none: nothing reused or stored
  std::optional<ShardSpec> shard;              // audit only this shard of the claims
};

// What an audit reports while it runs. measuring() and measured() are called from the
// measuring threads, so an implementation locks what they share.
class AuditObserver {
 public:
  virtual ~AuditObserver() = default;
  // Once, before anything is measured: how many claims the audit judges (this shard's, after
  // expansion), derived ones included.
  virtual void planned(std::size_t claims) { (void)claims; }
  // An adapter starts measuring `claim`.
  virtual void measuring(const Claim& claim) { (void)claim; }
  // `claim`'s outcome is known: measured, shared with another claim's, or reused from the cache.
  virtual void measured(const Claim& claim, const Outcome& outcome) {
    (void)claim;
    (void)outcome;
  }
  // Something the user should know that is no claim's result (the cache could not be written).
  virtual void warning(const std::string& text) { (void)text; }
  // Once the audit is complete: every claim's result, in claim order (derived claims too).
  virtual void finished(const std::vector<ClaimResult>& results) { (void)results; }
};

// Measures and judges every claim (already loaded and validated; a derived claim's operands
// among them) and records the audit. The order and content of the record do not depend on
// settings.jobs, nor (apart from each claim's cache use and duration) on the cache.
AuditRecord run_audit(std::vector<Claim> claims, const AuditSettings& settings, AuditObserver& observer);

// Policy: which outcomes fail the audit (exit 1).
struct FailPolicy {
  bool discrepant = true;
  bool blocked = false;
  bool stale = false;
  bool nothing_measured = true;  // an audit in which no claim was verified or discrepant measured nothing
};

// Parses "discrepant,blocked,stale" (or "none"); "" when fine, else what is wrong. Every policy
// but "none" also fails an audit that measured nothing.
std::string parse_fail_policy(const std::string& text, FailPolicy& out);

bool fails(const ClaimResult& result, const FailPolicy& policy);

// Why the audit as a whole fails `policy` beyond its claims ("" when it does not): no claim
// was verified or discrepant, so it measured nothing.
std::string audit_failure(const Summary& summary, const FailPolicy& policy);

}  // namespace claimcheck
