#include "core/judge.hpp"

#include <algorithm>
#include <cmath>

namespace claimcheck {
namespace {

// Unit conversion rounding (e.g. ns -> ms) must not turn an exact claim discrepant.
constexpr double k_conversion_slack = 1e-12;

std::optional<double> relative(double error, double reference) {
  if (reference == 0.0) return std::nullopt;
  return error / std::fabs(reference);
}

}  // namespace

double allowed_deviation(const Expected& expected) {
  double allowed = 0.0;
  if (expected.tolerance.relative) allowed = std::max(allowed, *expected.tolerance.relative * std::fabs(expected.value));
  if (expected.tolerance.absolute) allowed = std::max(allowed, *expected.tolerance.absolute);
  return allowed;
}

Judgement judge(const Expected& expected, double measured_value, const Unit& measured_unit) {
  Judgement out;
  if (!std::isfinite(measured_value)) {
    out.reason = "the measured value is " + std::string(std::isnan(measured_value) ? "NaN" : "infinite");
    return out;
  }
  auto converted = convert(measured_value, measured_unit, expected.unit);
  if (!converted) {
    out.reason = "unit mismatch: the claim expects " + std::string(dimension_name(expected.unit.dimension)) + " (" +
                 expected.unit.symbol + ") but the adapter measured " +
                 std::string(dimension_name(measured_unit.dimension)) + " (" + measured_unit.symbol + ")";
    return out;
  }
  const double m = *converted;
  out.measured = m;
  switch (expected.kind) {
    case Expected::Kind::value: {
      const double e = expected.value;
      const double error = m - e;
      out.error = error;
      out.relative_error = relative(error, e);
      const double slack = k_conversion_slack * std::max(std::fabs(e), std::fabs(m));
      const bool within = std::fabs(error) <= allowed_deviation(expected) + slack;
      out.verdict = within ? Verdict::verified : Verdict::discrepant;
      break;
    }
    case Expected::Kind::range: {
      double bound = m < expected.min ? expected.min : (m > expected.max ? expected.max : m);
      out.error = m - bound;
      out.relative_error = m == bound ? std::optional<double>(0.0) : relative(m - bound, bound);
      out.verdict = m == bound ? Verdict::verified : Verdict::discrepant;
      break;
    }
    case Expected::Kind::at_most:
    case Expected::Kind::at_least: {
      const bool ok = expected.kind == Expected::Kind::at_most ? m <= expected.value : m >= expected.value;
      out.error = ok ? 0.0 : m - expected.value;
      out.relative_error = ok ? std::optional<double>(0.0) : relative(m - expected.value, expected.value);
      out.verdict = ok ? Verdict::verified : Verdict::discrepant;
      break;
    }
  }
  return out;
}

}  // namespace claimcheck
