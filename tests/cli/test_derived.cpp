// Derived claims and for_each end to end: a ratio, a difference and a relative error verify and
// go discrepant as the numbers say; a blocked operand blocks them, by name; one claim over many
// selectors gives one result per selector.

#include <gtest/gtest.h>

#include "report/record_json.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

// Measured values, by hand: baseline 3.2 ms and ours 1.0 ms (3.2x faster, 2.2 ms less); energy
// 10 uJ and 6 uJ (40% less); predicted 97.7 ms against a measured 100 ms (2.3% error); finish
// times 100, 101, 99, 100 ns on four NPUs (mean 100 ns).
constexpr const char* k_data = R"({"base": {"ms": 3.2, "uj": 10.0}, "ours": {"ms": 1.0, "uj": 6.0},
  "npu": [{"finish": 100}, {"finish": 101}, {"finish": 99}, {"finish": 100}], "pred": 97.7, "meas": 100.0})";

std::string measured(const std::string& id, const std::string& pointer, const std::string& expected,
                     const std::string& artifact = "data.json") {
  return R"({"id": ")" + id + R"(", "title": ")" + id + R"(", "source": {"paper": "P", "where": "Table 1"},
    "tool": "artifact", "mode": "reread", "metric": "m", "artifact": ")" + artifact + R"(",
    "extract": {"json_pointer": ")" + pointer + R"("}, "expected": )" + expected + "}";
}

std::string derived(const std::string& id, const std::string& op, const std::string& of, const std::string& expected) {
  return R"({"id": ")" + id + R"(", "title": ")" + id + R"(", "source": {"paper": "P", "where": "Abstract"},
    "derived": {"op": ")" + op + R"(", "of": )" + of + R"(}, "expected": )" + expected + "}";
}

struct DerivedRepo {
  test::TempDir dir;
  explicit DerivedRepo(const std::vector<std::string>& claims) {
    dir.write("claims/data.json", k_data);
    std::string text = "[\n";
    for (std::size_t i = 0; i < claims.size(); ++i) text += (i ? ",\n" : "") + claims[i];
    dir.write("claims/c.claim.json", text + "\n]\n");
    test::sh("git init -q -b main . && git -c user.name=t -c user.email=t@e -c commit.gpgsign=false add -A && "
             "git -c user.name=t -c user.email=t@e -c commit.gpgsign=false commit -q -m c",
             dir.path());
  }
  AuditRecord audit(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"audit", "--format", "json", "--fail-on", "none", "-j", "3"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = test::run(args, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return record_from_json(r.out, "record");
  }
};

const ClaimResult& find(const AuditRecord& record, const std::string& id) {
  for (const auto& c : record.claims) {
    if (c.id == id) return c;
  }
  throw std::runtime_error("no claim " + id);
}

std::vector<std::string> operands() {
  return {measured("t-base", "/base/ms", R"({"value": 3.2, "unit": "ms"})"),
          measured("t-ours", "/ours/ms", R"({"value": 1.0, "unit": "ms"})"),
          measured("e-base", "/base/uj", R"({"value": 10, "unit": "uJ"})"),
          measured("e-ours", "/ours/uj", R"({"value": 6, "unit": "uJ"})"),
          measured("pred", "/pred", R"({"value": 97.7, "unit": "ms"})"),
          measured("meas", "/meas", R"({"value": 100, "unit": "ms"})")};
}

TEST(DerivedClaims, VerifyAndGoDiscrepantAsTheNumbersSay) {
  // t-ours is read in ms and claimed in us: the extract unit converts it.
  std::vector<std::string> claims = operands();
  claims[1] = R"({"id": "t-ours", "title": "t", "source": {"paper": "P", "where": "T"}, "tool": "artifact",
    "mode": "reread", "metric": "m", "artifact": "data.json", "extract": {"json_pointer": "/ours/ms", "unit": "ms"},
    "expected": {"value": 1000, "unit": "us"}})";
  claims.push_back(derived("speedup", "ratio", R"(["t-base", "t-ours"])", R"({"value": 3.2, "unit": "x"}, "tolerance": {"absolute": 0.05})"));
  claims.push_back(derived("speedup-wrong", "ratio", R"(["t-base", "t-ours"])", R"({"value": 4, "unit": "x"}, "tolerance": {"relative": 0.05})"));
  claims.push_back(derived("saving", "difference", R"(["t-base", "t-ours"])", R"({"value": 2200, "unit": "us"}, "tolerance": {"absolute": 1})"));
  claims.push_back(derived("saving-wrong", "difference", R"(["t-base", "t-ours"])", R"({"value": 2.5, "unit": "ms"}, "tolerance": {"absolute": 0.05})"));
  claims.push_back(derived("less-energy", "percent_change", R"(["e-ours", "e-base"])", R"({"value": -40, "unit": "%"}, "tolerance": {"absolute": 0.5})"));
  claims.push_back(derived("error", "relative_error", R"(["pred", "meas"])", R"({"value": 2.3, "unit": "%"}, "tolerance": {"absolute": 0.05})"));
  claims.push_back(derived("error-wrong", "relative_error", R"(["pred", "meas"])", R"({"at_most": 2, "unit": "%"})"));
  const DerivedRepo repo(claims);
  const AuditRecord r = repo.audit();
  EXPECT_EQ(find(r, "speedup").verdict, Verdict::verified);
  EXPECT_DOUBLE_EQ(*find(r, "speedup").measured, 3.2);
  EXPECT_EQ(find(r, "speedup").operands, (std::vector<std::string>{"t-base", "t-ours"}));
  EXPECT_EQ(find(r, "speedup").tool, "derived");
  EXPECT_EQ(find(r, "speedup").metric, "ratio(t-base, t-ours)");
  EXPECT_EQ(find(r, "speedup").details,
            (std::vector<std::pair<std::string, std::string>>{{"t-base", "3.2 ms (verified)"}, {"t-ours", "1000 us (verified)"}}));
  EXPECT_EQ(find(r, "speedup-wrong").verdict, Verdict::discrepant);
  EXPECT_NEAR(*find(r, "speedup-wrong").relative_error, -0.2, 1e-12);
  EXPECT_EQ(find(r, "saving").verdict, Verdict::verified);
  EXPECT_NEAR(*find(r, "saving").measured, 2200, 1e-9);
  EXPECT_EQ(find(r, "saving-wrong").verdict, Verdict::discrepant);
  EXPECT_EQ(find(r, "less-energy").verdict, Verdict::verified);
  EXPECT_NEAR(*find(r, "less-energy").measured, -40, 1e-9);
  EXPECT_EQ(find(r, "error").verdict, Verdict::verified);
  EXPECT_NEAR(*find(r, "error").measured, 2.3, 1e-9);
  EXPECT_EQ(find(r, "error-wrong").verdict, Verdict::discrepant);
}

TEST(DerivedClaims, ABlockedOperandBlocksThemByName) {
  std::vector<std::string> claims = operands();
  claims[5] = measured("meas", "/meas", R"({"value": 100, "unit": "ms"})", "missing.json");
  claims.push_back(derived("error", "relative_error", R"(["pred", "meas"])", R"({"value": 2.3, "unit": "%"}, "tolerance": {"absolute": 0.05})"));
  claims.push_back(derived("half-error", "mean", R"(["error"])", R"({"value": 2.3, "unit": "%"})"));
  const DerivedRepo repo(claims);
  const AuditRecord r = repo.audit();
  const ClaimResult& e = find(r, "error");
  EXPECT_EQ(e.verdict, Verdict::blocked);
  EXPECT_EQ(e.block_kind, "operand blocked");
  EXPECT_EQ(e.reason, "operand \"meas\" is blocked (input missing): file \"missing.json\" does not exist (looked for " +
                          (repo.dir.path() / "claims/missing.json").string() + ")");
  EXPECT_EQ(e.unblock, "unblock \"meas\" first: commit the file, or correct the path in the claim (relative to the claim file)");
  EXPECT_FALSE(e.measured);
  // Through a chain, the first blocked operand is the one named.
  EXPECT_EQ(find(r, "half-error").reason.rfind("operand \"error\" is blocked (operand blocked): operand \"meas\"", 0), 0u);
}

TEST(DerivedClaims, OnlyBringsTheirOperandsAlong) {
  std::vector<std::string> claims = operands();
  claims.push_back(derived("speedup", "ratio", R"(["t-base", "e-base"])", R"({"value": 1, "unit": "x"})"));
  {
    const DerivedRepo bad(claims);
    const auto r = test::run({"lint"}, bad.dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("(/6/derived/of): operands of different dimensions: \"t-base\" is time (ms), \"e-base\" is "
                         "energy (uJ)"),
              std::string::npos)
        << r.err;
  }
  claims.back() = derived("speedup", "ratio", R"(["t-base", "t-ours"])", R"({"value": 3.2, "unit": "x"}, "tolerance": {"absolute": 0.05})");
  const DerivedRepo repo(claims);
  const AuditRecord r = repo.audit({"--only", "speedup"});
  ASSERT_EQ(r.claims.size(), 3u);
  EXPECT_EQ(r.claims[0].id, "t-base");
  EXPECT_EQ(r.claims[2].id, "speedup");
}

TEST(ForEachClaims, OneResultPerSelector) {
  std::vector<std::string> claims = {
      R"({"id": "finish", "title": "NPU ${npu} finishes at 100 ns", "source": {"paper": "P", "where": "Fig. 3"},
          "tool": "artifact", "mode": "reread", "metric": "finish_time", "artifact": "data.json",
          "extract": {"json_pointer": "/npu/${npu}/finish"}, "expected": {"value": 100, "unit": "ns"},
          "tolerance": {"absolute": 0.5}, "for_each": {"npu": {"from": 0, "to": 3}}})",
      derived("mean-finish", "mean", R"(["finish-npu*"])", R"({"value": 100, "unit": "ns"})")};
  const DerivedRepo repo(claims);
  const test::TempDir out;  // outside the repository, and not shared with other tests running at the same time
  const auto r = test::run({"audit", "--fail-on", "none", "-o", (out.path() / "report.md").string()}, repo.dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "verified   finish-npu0  expected 100 ns  measured 100 ns  error 0%  tolerance \u00b10.5 ns\n"
            "discrepant finish-npu1  expected 100 ns  measured 101 ns  error +1%  tolerance \u00b10.5 ns\n"
            "discrepant finish-npu2  expected 100 ns  measured 99 ns  error -1%  tolerance \u00b10.5 ns\n"
            "verified   finish-npu3  expected 100 ns  measured 100 ns  error 0%  tolerance \u00b10.5 ns\n"
            "verified   mean-finish  expected 100 ns  measured 100 ns  error 0%  tolerance exact\n"
            "5 claims: 3 verified, 2 discrepant, 0 blocked\n");
}

}  // namespace
}  // namespace claimcheck
