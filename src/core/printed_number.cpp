#include "core/printed_number.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace claimcheck {

std::optional<int> decimals_of(std::string_view literal) {
  std::size_t i = 0;
  if (i < literal.size() && (literal[i] == '-' || literal[i] == '+')) ++i;
  int digits = 0;
  int fraction = 0;
  bool in_fraction = false;
  for (; i < literal.size(); ++i) {
    const char c = literal[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
      if (in_fraction) ++fraction;
    } else if (c == '.' && !in_fraction) {
      in_fraction = true;
    } else if ((c == ',' || c == '_' || c == '\'') && !in_fraction) {
      continue;
    } else {
      break;
    }
  }
  if (digits == 0) return std::nullopt;
  if (i == literal.size()) return fraction;
  if (literal[i] != 'e' && literal[i] != 'E') return std::nullopt;
  ++i;
  const std::string exponent(literal.substr(i));
  if (exponent.empty()) return std::nullopt;
  char* end = nullptr;
  const long value = std::strtol(exponent.c_str(), &end, 10);
  if (end != exponent.c_str() + exponent.size() || value > 400 || value < -400) return std::nullopt;
  return fraction - static_cast<int>(value);
}

double resolution(int decimals) { return std::pow(10.0, -decimals); }

PrintedNumber print_significant(double value, int significant) {
  char buffer[64];
  if (significant <= 0 || value == 0.0) {
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
      std::snprintf(buffer, sizeof buffer, "%.0f", value);
      return {buffer, 0, true};
    }
    significant = 17;
  }
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  int decimals = significant - 1 - magnitude;
  if (decimals >= 0) {
    std::snprintf(buffer, sizeof buffer, "%.*f", std::min(decimals, 40), value);
  } else {
    // Above the last significant digit: mantissa and exponent ("4.52e8"), so the literal says
    // how it was rounded.
    const double mantissa = value / std::pow(10.0, magnitude);
    std::snprintf(buffer, sizeof buffer, "%.*fe%d", significant - 1, mantissa, magnitude);
    const std::string text = buffer;
    if (text.rfind("10.", 0) == 0 || text.rfind("-10.", 0) == 0) {  // the mantissa rounded up to 10
      std::snprintf(buffer, sizeof buffer, "%.*fe%d", significant - 1, mantissa / 10.0, magnitude + 1);
      decimals -= 1;
    }
  }
  const std::string text = buffer;
  const double printed = std::strtod(text.c_str(), nullptr);
  const bool exact = std::fabs(printed - value) <= 1e-12 * std::fabs(value);
  return {text, decimals_of(text).value_or(decimals), exact};
}

}  // namespace claimcheck
