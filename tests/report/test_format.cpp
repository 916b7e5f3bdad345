// Numbers as reports show them.

#include "report/format.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace claimcheck {
namespace {

// format_number as printf writes it: "%.0f" for an integer below 1e15 ("-0" as "0"), else "%.*g".
std::string printf_number(double value, int significant) {
  char out[512];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(out, sizeof out, "%.0f", value);
    return out == std::string("-0") ? "0" : out;
  }
  std::snprintf(out, sizeof out, "%.*g", significant, value);
  return out;
}

TEST(Format, NumbersAsWritten) {
  EXPECT_EQ(format_number(2326112.0), "2326112");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(40.3), "40.3");
  EXPECT_EQ(format_number(0.000125), "0.000125");
  EXPECT_EQ(format_number(1.5e-9), "1.5e-09");
  EXPECT_EQ(format_number(123456789.5), "1.23457e+08");
  EXPECT_EQ(format_number(1e15), "1e+15");
  EXPECT_EQ(format_number(999999999999999.0), "999999999999999");
  EXPECT_EQ(format_number(9.18, 3), "9.18");
  EXPECT_EQ(format_number(-0.0081, 3), "-0.0081");
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(Format, NumbersAreWhatPrintfWrites) {
  std::vector<double> values = {0.0,    -0.0,   0.5,     -0.5,    1e-320, 5e-324, 1e-5,  0.1 + 0.2, 1e15 - 0.5,
                                1e15,   -1e15,  1e16,    1e300,   9.9995, 9.9994999, 0.00099995,
                                std::numeric_limits<double>::max(), std::numeric_limits<double>::min()};
  std::mt19937_64 random(20261203);
  for (int i = 0; i < 20000; ++i) {
    // Any bit pattern of a finite double, and values of few digits (the ones claims print).
    double value = 0.0;
    do {
      const std::uint64_t bits = random();
      std::memcpy(&value, &bits, sizeof value);
    } while (!std::isfinite(value));
    values.push_back(value);
    const double scale = std::pow(10.0, static_cast<int>(random() % 40) - 20);
    values.push_back(static_cast<double>(random() % 100000) / 1000.0 * scale);
  }
  for (const double value : values) {
    for (const int significant : {3, 6, 1, 17}) {
      ASSERT_EQ(format_number(value, significant), printf_number(value, significant))
          << std::hexfloat << value << " to " << significant << " digits";
    }
  }
}

}  // namespace
}  // namespace claimcheck
