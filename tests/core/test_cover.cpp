// Claims against their paper (core/cover.hpp), on papers read by io/paper_text.

#include <gtest/gtest.h>

#include "core/cover.hpp"
#include "io/claim_loader.hpp"
#include "io/paper_text.hpp"

namespace claimcheck {
namespace {

// A claim with the given quote and expected value, loaded like any claim (so its printed digits
// are its own), with source.file when `own` is set.
Claim claim(const std::string& id, const std::string& quote, const std::string& expected, bool own = true,
            const std::string& extra = "") {
  const std::string text = R"({"id": ")" + id + R"(", "title": "T", "source": {"paper": "P", )" +
                           (own ? R"("file": "paper.tex", )" : R"("where": "W", )") + R"("quote": )" +
                           nlohmann::json(quote).dump() + R"(}, "tool": "artifact", "mode": "reread", "metric": "m",
    "artifact": "a.json", "extract": {"json_pointer": "/a")" + extra + R"(}, "expected": )" + expected + "}";
  LoadResult r = parse_claim_text(text, "c.claim.json");
  EXPECT_TRUE(r.diagnostics.empty()) << text;
  return r.claims.at(0);
}

struct Fixture {
  std::vector<Claim> claims;
  std::vector<PaperText> papers;
  CoverReport run(bool own = true) const {
    std::vector<CoverClaim> inputs;
    for (const auto& c : claims) {
      CoverClaim in;
      in.claim = &c;
      if (own) in.own_paper = 0;
      for (PaperFormat f : {PaperFormat::latex, PaperFormat::markdown, PaperFormat::plain}) {
        in.quote.push_back(read_quote(c.source.quote, f));
      }
      inputs.push_back(std::move(in));
    }
    return cover(inputs, papers);
  }
};

PaperText latex(std::string_view text) { return read_paper(text, "paper.tex", PaperFormat::latex); }

TEST(Cover, FindsTheQuoteAndChecksItsNumberInTheClaimsUnit) {
  Fixture f;
  f.papers.push_back(latex("Intro.\n% draft: 9 ms\nAll-reduce takes \\SI{2.33}{\\milli\\second} on\n8~NPUs; "
                           "utilization is 58\\%.\nIt finishes at 2{,}326{,}112~ns."));
  f.claims.push_back(claim("ar", "takes 2.33 ms", R"({"value": 2.326112, "unit": "ms"}, "tolerance": {"absolute": 0.005})"));
  f.claims.push_back(claim("util", "utilization is 58%", R"({"value": 0.58, "unit": "ratio"})"));
  f.claims.push_back(claim("finish", "finishes at 2,326,112 ns", R"({"value": 2.326112, "unit": "ms"})"));
  const CoverReport r = f.run();
  ASSERT_EQ(r.claims.size(), 3u);
  for (const auto& c : r.claims) EXPECT_EQ(c.status, CoverStatus::linked) << c.id;
  EXPECT_EQ(r.claims[0].line, 3);
  EXPECT_EQ(r.claims[0].printed, "2.33 ms");
  EXPECT_EQ(r.claims[1].printed, "58%");
  EXPECT_EQ(r.claims[2].printed, "2326112 ns");
  // "8" is left: a number no claim covers.
  ASSERT_EQ(r.unclaimed.size(), 1u);
  EXPECT_EQ(r.unclaimed[0].number, "8");
  EXPECT_EQ(r.unclaimed[0].line, 4);
}

TEST(Cover, ThePrintingsDecideWhatIsEqual) {
  Fixture f;
  f.papers.push_back(latex("A takes 2.3 ms. B takes 2.326 ms. C takes 2.326 ms. D is 96\\%."));
  // The paper's 2.3 is every value from 2.25 to 2.35.
  f.claims.push_back(claim("a", "A takes 2.3 ms", R"({"value": 2.33, "unit": "ms"})"));
  // A claim of 2.33 allowed 0.0005 either way is not the paper's 2.326; allowed 0.005, it is.
  f.claims.push_back(claim("b", "B takes 2.326 ms", R"({"value": 2.33, "unit": "ms"}, "tolerance": {"absolute": 0.0005})"));
  f.claims.push_back(claim("c", "C takes 2.326 ms", R"({"value": 2.33, "unit": "ms"}, "tolerance": {"absolute": 0.005})"));
  // An exact claim of 1 is not the paper's 96%, however few digits it is written with.
  f.claims.push_back(claim("d", "D is 96%", R"({"value": 1.0, "unit": "ratio"})"));
  const CoverReport r = f.run();
  EXPECT_EQ(r.claims[0].status, CoverStatus::linked);
  EXPECT_EQ(r.claims[1].status, CoverStatus::drift);
  EXPECT_EQ(r.claims[1].drift, Drift::number_differs);
  EXPECT_EQ(r.claims[1].printed, "2.326 ms");
  EXPECT_EQ(r.claims[2].status, CoverStatus::linked);
  EXPECT_EQ(r.claims[3].status, CoverStatus::drift);
}

TEST(Cover, AnEditedPaperIsDriftAtItsLine) {
  Fixture f;
  f.papers.push_back(latex("\\section{Results}\nThe all-reduce takes 2.41~ms on eight NPUs."));
  f.claims.push_back(claim("ar", "The all-reduce takes 2.33 ms", R"({"value": 2.33, "unit": "ms"})"));
  f.claims.push_back(claim("gone", "The reduce-scatter takes 1.2 ms", R"({"value": 1.2, "unit": "ms"})"));
  f.claims.push_back(claim("updated", "The all-reduce takes 2.33 ms", R"({"value": 2.41, "unit": "ms"})"));
  const CoverReport r = f.run();
  EXPECT_EQ(r.claims[0].status, CoverStatus::drift);
  EXPECT_EQ(r.claims[0].drift, Drift::paper_edited);
  EXPECT_EQ(r.claims[0].line, 2);
  EXPECT_EQ(r.claims[0].was, "2.33");
  EXPECT_EQ(r.claims[0].printed, "2.41 ms");
  EXPECT_FALSE(r.claims[0].claim_agrees);
  EXPECT_EQ(r.claims[1].drift, Drift::quote_gone);
  EXPECT_EQ(r.claims[2].drift, Drift::paper_edited);
  EXPECT_TRUE(r.claims[2].claim_agrees);  // only the quote is behind
  EXPECT_EQ(r.count(CoverStatus::drift), 3);
}

TEST(Cover, AClaimWithoutItsOwnPaperIsNotFoundRatherThanDrift) {
  Fixture f;
  f.papers.push_back(read_paper("sys[0] finished, 2326112 cycles, exposed communication 2326112 cycles.\n",
                                "stdout.log", PaperFormat::plain));
  // The log prints ns as "cycles": a bare reading in the claim's extract unit finds it.
  f.claims.push_back(claim("log", "sys[0] finished, 2326112 cycles", R"({"value": 2.33, "unit": "ms"}, "tolerance": {"relative": 0.005})",
                           false, R"(, "unit": "ns")"));
  f.claims.push_back(claim("elsewhere", "Cycles: 48", R"({"value": 48, "unit": "cycles"})", false));
  const CoverReport r = f.run(false);
  EXPECT_EQ(r.claims[0].status, CoverStatus::linked);
  EXPECT_EQ(r.claims[1].status, CoverStatus::not_found);
}

TEST(Cover, RangesAndMacros) {
  Fixture f;
  f.papers.push_back(latex("Finish times range over 8,624,165--9,972,570 ns.\nIt takes \\claimvalue{ar} "
                           "and \\claimvalue{missing}."));
  f.claims.push_back(claim("range", "8,624,165-9,972,570", R"({"min": 8.62, "max": 9.98, "unit": "ms"})"));
  Claim ar = claim("ar", "TODO: the words around the number", R"({"value": 1, "unit": "ms"})");
  f.claims.push_back(ar);
  const CoverReport r = f.run();
  ASSERT_EQ(r.claims.size(), 3u);
  EXPECT_EQ(r.claims[0].status, CoverStatus::linked);
  EXPECT_EQ(r.claims[1].status, CoverStatus::macro);
  EXPECT_EQ(r.claims[1].line, 2);
  EXPECT_EQ(r.claims[2].id, "missing");
  EXPECT_EQ(r.claims[2].drift, Drift::unknown_macro);
  EXPECT_TRUE(r.unclaimed.empty()) << r.unclaimed.front().number;
}

}  // namespace
}  // namespace claimcheck
