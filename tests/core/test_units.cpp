#include "core/units.hpp"

#include <gtest/gtest.h>

namespace claimcheck {
namespace {

double conv(double v, const char* from, const char* to) { return *convert(v, *parse_unit(from), *parse_unit(to)); }

TEST(Units, TimeConversions) {
  EXPECT_DOUBLE_EQ(conv(1, "s", "ms"), 1000);
  EXPECT_DOUBLE_EQ(conv(2326112, "ns", "ms"), 2.326112);
  EXPECT_DOUBLE_EQ(conv(1, "min", "s"), 60);
  EXPECT_DOUBLE_EQ(conv(1, "\u00b5s", "ns"), 1000);
}

TEST(Units, DecimalAndBinaryDataStayApart) {
  EXPECT_DOUBLE_EQ(conv(1, "GiB", "B"), 1073741824.0);
  EXPECT_DOUBLE_EQ(conv(1, "GB", "B"), 1e9);
  EXPECT_DOUBLE_EQ(conv(64, "MiB", "MB"), 67.108864);
  EXPECT_DOUBLE_EQ(conv(50, "GiB/s", "GB/s"), 53.687091200000004);
}

TEST(Units, EnergyAndRatio) {
  EXPECT_DOUBLE_EQ(conv(199312179.2, "pJ", "uJ"), 199.3121792);
  EXPECT_DOUBLE_EQ(conv(0.58, "ratio", "%"), 58.00000000000001);
  EXPECT_DOUBLE_EQ(conv(2.3, "x", "ratio"), 2.3);
  EXPECT_DOUBLE_EQ(conv(3879.16, "fJ/compute", "pJ/compute"), 3.87916);
}

TEST(Units, DifferentDimensionsDoNotConvert) {
  EXPECT_FALSE(convert(1, *parse_unit("cycles"), *parse_unit("ns")).has_value());
  EXPECT_FALSE(convert(1, *parse_unit("GB"), *parse_unit("GB/s")).has_value());
  EXPECT_FALSE(convert(1, *parse_unit("%"), *parse_unit("count")).has_value());
}

TEST(Units, UnknownSymbolsAreRejected) {
  EXPECT_FALSE(parse_unit("Gb").has_value());
  EXPECT_FALSE(parse_unit("msec").has_value());
  EXPECT_FALSE(parse_unit("").has_value());
}

TEST(Units, EverySymbolIsUniqueAndParses) {
  const auto symbols = known_unit_symbols();
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    EXPECT_TRUE(parse_unit(symbols[i]).has_value()) << symbols[i];
    for (std::size_t j = i + 1; j < symbols.size(); ++j) EXPECT_NE(symbols[i], symbols[j]);
  }
}

}  // namespace
}  // namespace claimcheck
