// How precisely numbers are printed: the decimals of a literal and printing to significant digits.

#include <gtest/gtest.h>

#include "core/printed_number.hpp"

namespace claimcheck {
namespace {

TEST(PrintedNumber, DecimalsOfALiteral) {
  EXPECT_EQ(decimals_of("2.30"), 2);
  EXPECT_EQ(decimals_of("40"), 0);
  EXPECT_EQ(decimals_of("-0.005"), 3);
  EXPECT_EQ(decimals_of("1.5e6"), -5);   // rounded to hundreds of thousands
  EXPECT_EQ(decimals_of("4.05600000000000023e+01"), 16);
  EXPECT_EQ(decimals_of("2,326,112"), 0);
  EXPECT_EQ(decimals_of("1E-3"), 3);
  EXPECT_EQ(decimals_of("abc"), std::nullopt);
  EXPECT_EQ(decimals_of("1.2.3"), std::nullopt);
  EXPECT_EQ(decimals_of("1e"), std::nullopt);
  EXPECT_DOUBLE_EQ(resolution(2), 0.01);
  EXPECT_DOUBLE_EQ(resolution(-3), 1000.0);
}

TEST(PrintedNumber, PrintsToSignificantDigits) {
  const auto ms = print_significant(2.326112, 3);
  EXPECT_EQ(ms.text, "2.33");
  EXPECT_EQ(ms.decimals, 2);
  EXPECT_FALSE(ms.exact);
  const auto big = print_significant(452066342.24, 3);
  EXPECT_EQ(big.text, "4.52e8");
  EXPECT_EQ(big.decimals, -6);
  const auto whole = print_significant(32768, 0);
  EXPECT_EQ(whole.text, "32768");
  EXPECT_TRUE(whole.exact);
  const auto exact = print_significant(0.875, 3);
  EXPECT_EQ(exact.text, "0.875");
  EXPECT_TRUE(exact.exact);
  const auto up = print_significant(9.9996e8, 3);  // the mantissa rounds up to 10
  EXPECT_EQ(up.text, "1.00e9");
  EXPECT_EQ(up.decimals, -7);
  EXPECT_EQ(print_significant(-0.0123456, 2).text, "-0.012");
}

}  // namespace
}  // namespace claimcheck
