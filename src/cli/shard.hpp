#pragma once
// Sharding an audit: `audit --shard K/N` audits one of N parts of the claims, so that N machines
// (a CI matrix, a Slurm array) share an audit; `claimcheck merge` joins their records.
//
// Which claims a shard gets depends only on the claims (never on the machine, its cache or
// timing), so every shard of one commit cuts the same parts:
// - claims that share a run (same tool, folder and run fields: everything but the metric and
//   the adapter's metric_options()) and claims linked by a derivation form one unit, audited
//   whole by one shard (a run is never computed twice, a derived claim finds its operands);
// - units are ordered by a hash of their run fields, and that order is cut into N ranges of
//   about equal expected cost (the adapter's expected_cost() per run, plus a little per claim).
// Adding a claim moves at most the unit it joins and the units next to the N-1 cut points.

#include <optional>
#include <string>
#include <vector>

#include "core/claim.hpp"
#include "io/sandbox.hpp"

namespace claimcheck {

struct ShardSpec {
  int index = 1;  // K: 1..count
  int count = 1;  // N
  bool operator==(const ShardSpec&) const = default;
};

// Parses "K/N" (1 <= K <= N <= 10000); "" when fine, else what is wrong.
std::string parse_shard(const std::string& text, ShardSpec& out);

// The indexes (into `claims`, ascending) of the claims shard `spec` audits.
std::vector<std::size_t> shard_claims(const std::vector<Claim>& claims, const ShardSpec& spec, const Sandbox& sandbox);

// Digest of the ids of every claim of the audit, in order: equal in every shard of one audit.
std::string selection_digest(const std::vector<Claim>& claims);

}  // namespace claimcheck
