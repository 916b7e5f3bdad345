#pragma once
// Numbers as reports show them. Templates only place these strings (STYLE.md 11).

#include <optional>
#include <string>

#include "core/claim.hpp"

namespace claimcheck {

// A number with up to `significant` significant digits; integers below 1e15 in full
// (2326112, not 2.33e+06); no trailing zeros ("40.3", "0.000125", "1.5e-09").
std::string format_number(double value, int significant = 6);

// "40.3 ms"; a "%" or "x" unit is attached without a space ("12%", "2.3x").
std::string format_quantity(double value, const std::string& unit);

// Signed percentage of a fraction: "+1.23%", "-0.5%", "0%"; "n/a" when absent.
std::string format_relative(std::optional<double> fraction);

// Signed value with unit: "+1200 ns"; "n/a" when absent.
std::string format_signed(std::optional<double> value, const std::string& unit);

// The error as the tolerance reads it: for a claim in "%", signed percentage points ("+0.0081 pp",
// since a tolerance on a percentage is in points); otherwise the signed relative error ("+1.16%").
// "n/a" when absent.
std::string format_error(const Expected& expected, std::optional<double> error, std::optional<double> relative);

// The error at length: "+9.18% (+3.7 ms)", or for "%" claims "+0.0081 pp (+1.16% relative)".
std::string format_error_detail(const Expected& expected, std::optional<double> error,
                                std::optional<double> relative);

// `value` printed as the claim prints its own number: with the claim file's digits after the
// point (expected.decimals; "2.33" for 2.32611 when the claim says 2.30), else format_number.
// A value that would print as zero but is not gets three significant digits instead.
std::string format_printed(double value, const Expected& expected);

// What the paper says: "40.3 ms", "1 to 2 ms", "at most 9%", "at least 2x".
std::string format_expected(const Expected& expected);

// The tolerance: "exact", "±5%", "±0.1 ms", "±5% or ±0.1 ms"; "inclusive range" / "bound".
std::string format_tolerance(const Expected& expected);

}  // namespace claimcheck
