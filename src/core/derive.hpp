#pragma once
// Derived claims: a number computed from other claims' measured values (a ratio, a difference,
// a percentage change, a relative error, a mean), judged like any claim once its operands are
// measured. The checks here need every claim of the audit, so the loader runs them last.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/claim.hpp"
#include "core/diagnostics.hpp"
#include "core/units.hpp"

namespace claimcheck {

// The tool name a derived claim records ("derived"); no adapter has it.
inline constexpr std::string_view k_derived_tool = "derived";

std::string_view derived_op_name(DerivedOp op);  // "ratio", "difference", ...
std::optional<DerivedOp> parse_derived_op(std::string_view name);
std::vector<std::string> derived_op_names();

// How many operands `op` takes: 2, or 0 for "one or more" (mean).
std::size_t operand_count(DerivedOp op);

// The dimension of `op`'s result over operands of dimension `operands`.
Dimension derived_dimension(DerivedOp op, Dimension operands);

// The metric shown for a derived claim: "ratio(a, b)", "mean(finish-npu*)".
std::string derived_metric(const Derivation& derivation);

// The claims an operand names, as indices into `claims` in claim order: the claim with that id,
// or for a glob ('*', '?', '[') every claim whose id matches.
std::vector<std::size_t> match_operand(const std::string& operand, const std::vector<Claim>& claims);

// Cross-claim checks of every derived claim: each operand names a claim (did you mean), a
// two-operand op names exactly two, operands share one dimension, the result's dimension is the
// expected unit's, and no claim depends on itself. Each diagnostic has the claim's file and a
// pointer from the file's root (e.g. "/2/derived/of/1"), for the loader to locate.
void check_derivations(const std::vector<Claim>& claims, Diagnostics& out);

// Indices of the derived claims in an order where every operand comes before the claims that
// use it (claim order otherwise). Assumes check_derivations found no cycle.
std::vector<std::size_t> derivation_order(const std::vector<Claim>& claims);

// `op` over `operands` (each in its own unit, all of one dimension): the result in the first
// operand's unit, or in "ratio" for a dimensionless result. nullopt, with `why`, when it divides by 0.
std::optional<Quantity> derive_value(DerivedOp op, const std::vector<Quantity>& operands, std::string& why);

}  // namespace claimcheck
