// What every report format shows of warnings, percentage-point errors, aggregate notes and derived
// claims, and the LaTeX macros of `render --format latex` (golden files, refreshed with
// UPDATE_GOLDEN=1).

#include <gtest/gtest.h>

#include "report/comment.hpp"
#include "report/formats.hpp"
#include "report/github.hpp"
#include "report/junit.hpp"
#include "report/latex.hpp"
#include "report/markdown.hpp"
#include "report/sample_records.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

TEST(PaperReports, MarkdownShowsWarningsNotesAndPoints) {
  const std::string md = render_markdown(test::notes_record());
  test::expect_golden("report/notes.md", md);
  // A verified claim's warning is in the report, not only in the record.
  EXPECT_NE(md.find("### Warnings\n- `mean-latency`: \"boost-mode\" is ignored\n"), std::string::npos) << md;
  // A percentage's error is in points, as its tolerance is.
  EXPECT_NE(md.find("| 2.3% | 2.4% | +0.1 pp | \u00b10.05 pp |"), std::string::npos) << md;
  EXPECT_NE(md.find("- Error: +0.1 pp (+4.35% relative), measured is higher than claimed"), std::string::npos) << md;
  // A derived claim says what it was computed from.
  EXPECT_NE(md.find("- Computed from: `t-base` 3.2016 ms (verified), `t-ours` 1 ms (verified)\n"), std::string::npos)
      << md;
  // An aggregate says how many rows it used.
  EXPECT_NE(md.find("| 1.58333 ms (mean of 3 rows of runs/latency.csv) |"), std::string::npos) << md;
}

TEST(PaperReports, EveryOtherFormatToo) {
  const AuditRecord record = test::notes_record();
  test::expect_golden("report/notes-comment.md", render_comment(record, RenderOptions{}));
  test::expect_golden("report/notes-github.txt", render_github_annotations(record));
  test::expect_golden("report/notes-junit.xml", render_junit(record, RenderOptions{}));
  EXPECT_NE(render_comment(record, RenderOptions{}).find("- `mean-latency`: \"boost-mode\" is ignored"), std::string::npos);
  EXPECT_NE(render_github_annotations(record).find("::notice file=claims/mean-latency.claim.json,line=1"),
            std::string::npos);
  EXPECT_NE(render_junit(record, RenderOptions{}).find("Warning: \"boost-mode\" is ignored"), std::string::npos);
}

TEST(PaperReports, LatexMacrosPrintValuesAsTheClaimPrintsThem) {
  const std::string tex = render_latex(test::notes_record());
  test::expect_golden("report/claims.tex", tex);
  EXPECT_NE(tex.find("\\@namedef{claimcheck@value@mean-latency}{1.58\\,ms}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("\\@namedef{claimcheck@value@error-rate}{2.4\\%}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("\\@namedef{claimcheck@value@speedup}{3.20\\ensuremath{\\times}}"), std::string::npos) << tex;
  // Blocked: a verdict but no value, so the paper cannot print an unaudited number.
  EXPECT_NE(tex.find("\\@namedef{claimcheck@verdict@speedup-blocked}{blocked}"), std::string::npos);
  EXPECT_EQ(tex.find("claimcheck@value@speedup-blocked"), std::string::npos);
  EXPECT_EQ(find_report_format("latex")->render(test::notes_record(), {}), tex);
}

TEST(PaperReports, LatexEscapesAndRefusesOddIds) {
  EXPECT_EQ(latex_escape("50% of a_b & {c} #1 ~ ^ \\"), "50\\% of a\\_b \\& \\{c\\} \\#1 \\textasciitilde{} "
                                                         "\\textasciicircum{} \\textbackslash{}");
  EXPECT_EQ(latex_unit("us"), "\\,\\ensuremath{\\mu}s");
  EXPECT_EQ(latex_unit("GB/s"), "\\,GB/s");
  EXPECT_EQ(latex_unit("count"), "");
  AuditRecord record = test::notes_record();
  record.claims[0].id = "x}\\immediate\\write18{rm}";
  const std::string tex = render_latex(record);
  EXPECT_EQ(tex.find("write18"), std::string::npos);
  EXPECT_NE(tex.find("% a claim whose id is not letters, digits, '.', '_' and '-' has no macros"), std::string::npos);
}

}  // namespace
}  // namespace claimcheck
