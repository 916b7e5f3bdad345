#include "core/judge.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace claimcheck {
namespace {

Unit unit(const char* symbol) { return *parse_unit(symbol); }

Expected value(double v, const char* u, std::optional<double> rel = {}, std::optional<double> abs = {}) {
  Expected e;
  e.kind = Expected::Kind::value;
  e.value = v;
  e.unit = unit(u);
  e.tolerance.relative = rel;
  e.tolerance.absolute = abs;
  return e;
}

TEST(Judge, ExactValueWithoutToleranceMustMatch) {
  EXPECT_EQ(judge(value(200704, "cycles"), 200704, unit("cycles")).verdict, Verdict::verified);
  const Judgement off = judge(value(200704, "cycles"), 200705, unit("cycles"));
  EXPECT_EQ(off.verdict, Verdict::discrepant);
  EXPECT_DOUBLE_EQ(*off.error, 1.0);
  EXPECT_DOUBLE_EQ(*off.relative_error, 1.0 / 200704);
}

TEST(Judge, RelativeToleranceBoundaryIsInclusive) {
  // 5% of 40 ms is 2 ms: 42 ms is inside, 42.001 ms is outside.
  EXPECT_EQ(judge(value(40, "ms", 0.05), 42, unit("ms")).verdict, Verdict::verified);
  EXPECT_EQ(judge(value(40, "ms", 0.05), 38, unit("ms")).verdict, Verdict::verified);
  const Judgement j = judge(value(40, "ms", 0.05), 42.001, unit("ms"));
  EXPECT_EQ(j.verdict, Verdict::discrepant);
  EXPECT_NEAR(*j.relative_error, 0.050025, 1e-12);
}

TEST(Judge, ConvertsUnitsBeforeComparing) {
  // 2,326,112 ns is 2.326112 ms.
  const Judgement j = judge(value(2.326112, "ms"), 2326112, unit("ns"));
  EXPECT_EQ(j.verdict, Verdict::verified);
  EXPECT_DOUBLE_EQ(j.measured, 2.326112);
  // 1 GiB is 1.073741824 GB: not equal to 1 GB.
  EXPECT_EQ(judge(value(1, "GB"), 1, unit("GiB")).verdict, Verdict::discrepant);
  EXPECT_EQ(judge(value(1.073741824, "GB"), 1, unit("GiB")).verdict, Verdict::verified);
}

TEST(Judge, DimensionMismatchIsBlockedWithReason) {
  const Judgement j = judge(value(40, "ms"), 1000, unit("cycles"));
  EXPECT_EQ(j.verdict, Verdict::blocked);
  EXPECT_EQ(j.reason, "unit mismatch: the claim expects time (ms) but the adapter measured cycles (cycles)");
}

TEST(Judge, NanAndInfinityAreBlocked) {
  EXPECT_EQ(judge(value(1, "s"), std::nan(""), unit("s")).reason, "the measured value is NaN");
  EXPECT_EQ(judge(value(1, "s"), std::numeric_limits<double>::infinity(), unit("s")).reason,
            "the measured value is infinite");
}

TEST(Judge, ExpectedZeroHasNoRelativeError) {
  const Judgement j = judge(value(0, "%", 0.1), 0.5, unit("%"));
  EXPECT_EQ(j.verdict, Verdict::discrepant);  // 10% of 0 is 0
  EXPECT_FALSE(j.relative_error.has_value());
  EXPECT_EQ(judge(value(0, "%", 0.1, 1.0), 0.5, unit("%")).verdict, Verdict::verified);
}

TEST(Judge, NegativeExpectedUsesMagnitude) {
  const Judgement j = judge(value(-10, "%", 0.1), -11, unit("%"));
  EXPECT_EQ(j.verdict, Verdict::verified);
  EXPECT_DOUBLE_EQ(*j.relative_error, -0.1);
}

TEST(Judge, EitherToleranceSuffices) {
  // relative 1% of 100 = 1, absolute 3: 102.5 passes through the absolute one.
  EXPECT_EQ(judge(value(100, "us", 0.01, 3.0), 102.5, unit("us")).verdict, Verdict::verified);
  EXPECT_EQ(judge(value(100, "us", 0.01, 3.0), 103.5, unit("us")).verdict, Verdict::discrepant);
}

TEST(Judge, RangeBoundsAreInclusive) {
  Expected e;
  e.kind = Expected::Kind::range;
  e.min = 1;
  e.max = 2;
  e.unit = unit("ms");
  EXPECT_EQ(judge(e, 1, unit("ms")).verdict, Verdict::verified);
  EXPECT_EQ(judge(e, 2, unit("ms")).verdict, Verdict::verified);
  const Judgement above = judge(e, 2.5, unit("ms"));
  EXPECT_EQ(above.verdict, Verdict::discrepant);
  EXPECT_DOUBLE_EQ(*above.error, 0.5);
  EXPECT_DOUBLE_EQ(*above.relative_error, 0.25);
  const Judgement below = judge(e, 0.5, unit("ms"));
  EXPECT_DOUBLE_EQ(*below.error, -0.5);
}

TEST(Judge, AtMostAndAtLeast) {
  Expected most;
  most.kind = Expected::Kind::at_most;
  most.value = 9;
  most.unit = unit("%");
  EXPECT_EQ(judge(most, 9, unit("%")).verdict, Verdict::verified);
  EXPECT_EQ(judge(most, 0.089, unit("ratio")).verdict, Verdict::verified);
  const Judgement over = judge(most, 9.5, unit("%"));
  EXPECT_EQ(over.verdict, Verdict::discrepant);
  EXPECT_DOUBLE_EQ(*over.error, 0.5);
  Expected least = most;
  least.kind = Expected::Kind::at_least;
  least.value = 2;
  least.unit = unit("x");
  EXPECT_EQ(judge(least, 2, unit("x")).verdict, Verdict::verified);
  EXPECT_EQ(judge(least, 1.9, unit("x")).verdict, Verdict::discrepant);
}

}  // namespace
}  // namespace claimcheck
