#pragma once
// The audit pipeline: claims -> plan -> measure -> judge -> provenance -> record.

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "adapter/adapter.hpp"
#include "core/record.hpp"
#include "provenance/environment.hpp"

namespace claimcheck {

struct AuditSettings {
  std::filesystem::path root;   // repository root: claims may read only below it
  int jobs = 1;                 // claims measured in parallel
  RunPolicy policy;
  EnvLookup env = process_env();
};

// Called once per claim, in claim order, as soon as it and every claim before it are done.
using ProgressFn = std::function<void(const ClaimResult&)>;

// Measures and judges every claim (already loaded and validated; a derived claim's operands
// among them) and records the audit. The order and content of the record do not depend on
// settings.jobs.
AuditRecord run_audit(const std::vector<Claim>& claims, const AuditSettings& settings, const ProgressFn& progress);

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
