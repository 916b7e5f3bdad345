#include "report/format.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace claimcheck {

std::string format_number(double value, int significant) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // std::to_chars writes what printf's "%.0f" and "%.*g" write, without printf's cost (reports
  // format several numbers for each of thousands of claims).
  std::array<char, 128> out{};
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    // An integer below 1e15 is exact as a long long; -0 prints as "0".
    const auto end = std::to_chars(out.data(), out.data() + out.size(), static_cast<long long>(value)).ptr;
    return std::string(out.data(), end);
  }
  const auto end = std::to_chars(out.data(), out.data() + out.size(), value, std::chars_format::general, significant).ptr;
  return std::string(out.data(), end);
}

std::string format_quantity(double value, const std::string& unit) {
  if (unit == "%" || unit == "x") return format_number(value) + unit;
  if (unit.empty() || unit == "count" || unit == "1") return format_number(value);
  return format_number(value) + " " + unit;
}

std::string format_relative(std::optional<double> fraction) {
  if (!fraction) return "n/a";
  const double percent = *fraction * 100.0;
  // Below a billionth the error is floating-point noise of unit conversion, not a deviation.
  if (std::fabs(*fraction) < 1e-9) return "0%";
  std::string number = format_number(percent, 3);
  return (percent > 0 ? "+" : "") + number + "%";
}

std::string format_signed(std::optional<double> value, const std::string& unit) {
  if (!value) return "n/a";
  if (*value == 0.0) return format_quantity(0.0, unit);
  return (*value > 0 ? "+" : "") + format_quantity(*value, unit);
}

std::string format_error(const Expected& expected, std::optional<double> error, std::optional<double> relative) {
  if (expected.unit.symbol != "%") return format_relative(relative);
  if (!error) return "n/a";
  if (std::fabs(*error) < 1e-12) return "0 pp";
  return (*error > 0 ? "+" : "") + format_number(*error, 3) + " pp";
}

std::string format_error_detail(const Expected& expected, std::optional<double> error,
                                std::optional<double> relative) {
  if (expected.unit.symbol == "%") {
    return format_error(expected, error, relative) + " (" + format_relative(relative) + " relative)";
  }
  return format_relative(relative) + " (" + format_signed(error, expected.unit.symbol) + ")";
}

std::string format_printed(double value, const Expected& expected) {
  if (!expected.decimals || !std::isfinite(value)) return format_number(value);
  const int decimals = *expected.decimals;
  std::string out;
  if (decimals >= 0) {
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%.*f", std::min(decimals, 30), value);
    out = buffer;
  } else {
    const double step = std::pow(10.0, -decimals);
    out = format_number(std::round(value / step) * step);
  }
  if (out.rfind('-', 0) == 0 && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);  // "-0.00"
  if (value != 0.0 && out.find_first_not_of("-0.") == std::string::npos) return format_number(value, 3);
  return out;
}

std::string format_expected(const Expected& e) {
  const std::string& unit = e.unit.symbol;
  switch (e.kind) {
    case Expected::Kind::value: return format_quantity(e.value, unit);
    case Expected::Kind::range: return format_quantity(e.min, unit) + " to " + format_quantity(e.max, unit);
    case Expected::Kind::at_most: return "at most " + format_quantity(e.value, unit);
    case Expected::Kind::at_least: return "at least " + format_quantity(e.value, unit);
  }
  return {};
}

std::string format_tolerance(const Expected& e) {
  switch (e.kind) {
    case Expected::Kind::range: return "inclusive range";
    case Expected::Kind::at_most:
    case Expected::Kind::at_least: return "inclusive bound";
    case Expected::Kind::value: break;
  }
  std::string out;
  if (e.tolerance.relative) out = "\u00b1" + format_number(*e.tolerance.relative * 100.0, 3) + "%";
  if (e.tolerance.absolute) {
    if (!out.empty()) out += " or ";
    // An absolute tolerance on a percentage is in percentage points, not a relative 5%.
    out += "\u00b1" + (e.unit.symbol == "%" ? format_number(*e.tolerance.absolute) + " pp"
                                             : format_quantity(*e.tolerance.absolute, e.unit.symbol));
  }
  return out.empty() || (e.tolerance.relative == 0.0 && !e.tolerance.absolute) ? "exact" : out;
}

}  // namespace claimcheck
