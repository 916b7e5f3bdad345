// Derived claims: the arithmetic of each op, and the cross-claim checks the loader runs.

#include <gtest/gtest.h>

#include "core/derive.hpp"

namespace claimcheck {
namespace {

Quantity q(double value, const char* unit) { return Quantity{value, *parse_unit(unit)}; }

Claim measured(const std::string& id, const char* unit) {
  Claim c;
  c.id = id;
  c.tool = "artifact";
  c.expected.unit = *parse_unit(unit);
  c.location.file = "claims/a.claim.json";
  c.location.pointer = "/" + id;
  return c;
}

Claim derived(const std::string& id, DerivedOp op, std::vector<std::string> of, const char* unit) {
  Claim c = measured(id, unit);
  c.tool = std::string(k_derived_tool);
  c.derived = Derivation{op, std::move(of)};
  c.metric = derived_metric(*c.derived);
  return c;
}

std::vector<std::string> problems(const std::vector<Claim>& claims) {
  Diagnostics d;
  check_derivations(claims, d);
  std::vector<std::string> out;
  for (const auto& x : d.items()) out.push_back(x.pointer + ": " + x.message + (x.hint.empty() ? "" : " | " + x.hint));
  return out;
}

TEST(Derive, EachOpComputesWhatItsNameSays) {
  std::string why;
  // 3.2 ms against 1000 us: the second operand is converted to the first's unit.
  auto ratio = derive_value(DerivedOp::ratio, {q(3.2, "ms"), q(1000, "us")}, why);
  ASSERT_TRUE(ratio);
  EXPECT_DOUBLE_EQ(ratio->value, 3.2);
  EXPECT_EQ(ratio->unit.symbol, "ratio");
  auto difference = derive_value(DerivedOp::difference, {q(3.2, "ms"), q(1000, "us")}, why);
  EXPECT_DOUBLE_EQ(difference->value, 2.2);
  EXPECT_EQ(difference->unit.symbol, "ms");
  // "A uses 40% less energy than B": (6 - 10) / 10.
  auto change = derive_value(DerivedOp::percent_change, {q(6, "uJ"), q(10, "uJ")}, why);
  EXPECT_DOUBLE_EQ(change->value, -0.4);
  auto error = derive_value(DerivedOp::relative_error, {q(97.7, "ms"), q(100, "ms")}, why);
  EXPECT_NEAR(error->value, 0.023, 1e-12);
  auto below = derive_value(DerivedOp::relative_error, {q(102.3, "ms"), q(100, "ms")}, why);
  EXPECT_NEAR(below->value, 0.023, 1e-12);  // the error's size, either way
  auto mean = derive_value(DerivedOp::mean, {q(100, "ns"), q(101, "ns"), q(99, "ns"), q(0.1, "us")}, why);
  EXPECT_DOUBLE_EQ(mean->value, 100);
  EXPECT_FALSE(derive_value(DerivedOp::ratio, {q(1, "ms"), q(0, "ms")}, why));
  EXPECT_EQ(why, "ratio divides by the second operand, which is 0");
}

TEST(Derive, MetricNamesTheOperands) {
  EXPECT_EQ(derived_metric({DerivedOp::percent_change, {"a", "b"}}), "percent_change(a, b)");
  EXPECT_EQ(parse_derived_op("relative_error"), DerivedOp::relative_error);
  EXPECT_EQ(parse_derived_op("quotient"), std::nullopt);
  EXPECT_EQ(derived_dimension(DerivedOp::ratio, Dimension::time), Dimension::ratio);
  EXPECT_EQ(derived_dimension(DerivedOp::mean, Dimension::energy), Dimension::energy);
}

TEST(Derive, OperandsAreIdsOrForMeanGlobs) {
  const std::vector<Claim> claims = {measured("finish-npu0", "ns"), measured("finish-npu1", "ns"),
                                     measured("other", "ns")};
  EXPECT_EQ(match_operand("finish-npu*", claims), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(match_operand("other", claims), (std::vector<std::size_t>{2}));
  EXPECT_TRUE(match_operand("finish", claims).empty());
}

TEST(Derive, ChecksAcrossClaims) {
  EXPECT_TRUE(problems({measured("a", "ms"), measured("b", "us"), derived("r", DerivedOp::ratio, {"a", "b"}, "x")})
                  .empty());
  EXPECT_EQ(problems({measured("time-a", "ms"), derived("r", DerivedOp::ratio, {"time-a", "time-b"}, "x")}),
            std::vector<std::string>{"/r/derived/of/1: no claim has the id \"time-b\" | did you mean \"time-a\"?"});
  EXPECT_EQ(problems({measured("a", "ms"), measured("b", "ms"), measured("c", "ms"),
                      derived("r", DerivedOp::ratio, {"a", "b", "c"}, "x")}),
            std::vector<std::string>{"/r/derived/of: ratio takes 2 operands, not 3"});
  EXPECT_EQ(problems({measured("a", "ms"), measured("e", "pJ"), derived("r", DerivedOp::difference, {"a", "e"}, "ms")}),
            std::vector<std::string>{"/r/derived/of: operands of different dimensions: \"a\" is time (ms), \"e\" is "
                                     "energy (pJ) | difference compares numbers of one kind"});
  EXPECT_EQ(problems({measured("a", "ms"), measured("b", "ms"), derived("r", DerivedOp::ratio, {"a", "b"}, "ms")}),
            std::vector<std::string>{"/r/expected/unit: ratio of time gives ratio, but the claim expects time (ms) | "
                                     "use a ratio unit: \"x\", \"%\" or \"ratio\""});
  EXPECT_EQ(problems({measured("a", "ms"), measured("b", "ms"), derived("r", DerivedOp::ratio, {"a*", "b"}, "x")}),
            std::vector<std::string>{"/r/derived/of/0: ratio takes claim ids, not a pattern (\"a*\") | only mean "
                                     "takes patterns"});
}

TEST(Derive, ADependencyCycleIsFoundOnce) {
  const auto found = problems({measured("a", "ms"), derived("p", DerivedOp::mean, {"q", "a"}, "ms"),
                               derived("q", DerivedOp::mean, {"p"}, "ms")});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "/p/derived/of: \"p\" depends on itself through its operands | a derived claim uses measured "
                      "claims, or derived claims that do not use it");
}

TEST(Derive, OrderPutsOperandsFirst) {
  const std::vector<Claim> claims = {derived("top", DerivedOp::ratio, {"mid", "a"}, "x"), measured("a", "ms"),
                                     derived("mid", DerivedOp::mean, {"a"}, "ms")};
  EXPECT_EQ(derivation_order(claims), (std::vector<std::size_t>{2, 0}));
}

}  // namespace
}  // namespace claimcheck

namespace claimcheck {
namespace {

// Claims are untrusted: a chain of derived claims too deep to walk is refused, not recursed into.
TEST(Derive, DeepChainsAreRefused) {
  std::vector<Claim> claims = {measured("m", "ms")};
  for (int i = 0; i < 200; ++i) {
    // Each uses the next one, so a walk from the first goes 200 deep.
    claims.push_back(derived("d" + std::to_string(i), DerivedOp::mean, {i == 199 ? "m" : "d" + std::to_string(i + 1)}, "ms"));
  }
  const auto found = problems(claims);
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found.front().find("derived claims nest deeper than 64 levels here"), std::string::npos) << found.front();
  std::vector<Claim> shallow = {measured("m", "ms")};
  for (int i = 0; i < 60; ++i) {
    shallow.push_back(derived("d" + std::to_string(i), DerivedOp::mean, {i == 59 ? "m" : "d" + std::to_string(i + 1)}, "ms"));
  }
  EXPECT_TRUE(problems(shallow).empty());
  EXPECT_EQ(derivation_order(shallow).front(), 60u);  // the deepest first
}

}  // namespace
}  // namespace claimcheck
