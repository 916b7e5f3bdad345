#pragma once
// Comparing a measured value with what the paper says, under the claim's tolerance.
//
// Rules (DESIGN.md "Verdicts"):
// - The measured value is converted to the expected unit first; different dimensions are a
//   unit mismatch (blocked), never a silent comparison.
// - NaN or infinite measured values are blocked.
// - `value` with no tolerance: exact equality (up to 1e-12 relative, for unit conversion only).
// - `value` with tolerance: verified when |measured - expected| <= max(relative * |expected|,
//   absolute); either alone when only one is given.
// - `min`/`max`: inclusive bounds. `at_most` / `at_least`: inclusive.
// - The error is signed: measured minus expected (or minus the violated bound, 0 inside a range
//   or bound); the relative error divides it by |expected| (or |bound|) and is absent when that is 0.

#include <optional>
#include <string>

#include "core/claim.hpp"
#include "core/units.hpp"
#include "core/verdict.hpp"

namespace claimcheck {

struct Judgement {
  Verdict verdict = Verdict::blocked;
  double measured = 0.0;                 // measured value in the expected unit
  std::optional<double> error;           // signed, in the expected unit
  std::optional<double> relative_error;  // signed fraction
  std::string reason;                    // for blocked: why it could not be judged
  bool operator==(const Judgement&) const = default;
};

Judgement judge(const Expected& expected, double measured_value, const Unit& measured_unit);

// The tolerance allowed around `expected.value` in the expected unit (0 when none).
double allowed_deviation(const Expected& expected);

}  // namespace claimcheck
