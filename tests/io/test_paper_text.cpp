// Reading a paper's source as the words and numbers a reader sees (io/paper_text.hpp).

#include <gtest/gtest.h>

#include "io/paper_text.hpp"

namespace claimcheck {
namespace {

// "2.33[ms]@3" per number: text, unit, line, and '~' when it is not a claim candidate.
std::string numbers(std::string_view text, PaperFormat format = PaperFormat::latex) {
  std::string out;
  for (const auto& t : read_paper(text, "p", format).tokens) {
    if (t.kind != PaperToken::Kind::number) continue;
    if (!out.empty()) out += " ";
    out += (t.candidate ? "" : "~") + t.text + (t.unit.empty() ? "" : "[" + t.unit + "]") + "@" + std::to_string(t.line);
  }
  return out;
}

std::string words(std::string_view text, PaperFormat format = PaperFormat::latex) {
  std::string out;
  for (const auto& t : read_paper(text, "p", format).tokens) out += (out.empty() ? "" : " ") + t.text;
  return out;
}

TEST(PaperText, FormatFromTheExtension) {
  EXPECT_EQ(paper_format_of("paper/main.tex"), PaperFormat::latex);
  EXPECT_EQ(paper_format_of("README.md"), PaperFormat::markdown);
  EXPECT_EQ(paper_format_of("timeloop-model.stats.txt"), PaperFormat::plain);
}

TEST(PaperText, LatexSpacingAndSeparatorsReadAsPrinted) {
  EXPECT_EQ(numbers("takes 2.33~ms and 2\\,326\\,112\\,ns, or 2{,}326{,}112 ns, or 2,326,112 ns"),
            "2.33[ms]@1 2326112[ns]@1 2326112[ns]@1 2326112[ns]@1");
  EXPECT_EQ(numbers("an error of 2.3\\% and 58 \\% more"), "2.3[%]@1 58[%]@1");
  EXPECT_EQ(numbers("3.2$\\times$ faster, 16\\,GB/s"), "3.2[x]@1 16[GB/s]@1");
  EXPECT_EQ(words("takes 2.33~ms."), "takes 2.33 ms .");
}

TEST(PaperText, SiunitxReadsAsNumberAndUnit) {
  EXPECT_EQ(numbers("\\SI{2.33}{\\milli\\second}, \\qty{40}{\\micro\\joule}, \\SI{3}{\\giga\\byte\\per\\second}"),
            "2.33[ms]@1 40[\u00b5J]@1 3[GB/s]@1");
  EXPECT_EQ(numbers("\\num{12345} runs, \\SI[round-precision=2]{1.5e3}{\\nano\\second}, \\SI{58}{\\percent}"),
            "12345@1 1.5e3[ns]@1 58[%]@1");
  EXPECT_EQ(numbers("between \\SIrange{8.6}{9.98}{\\milli\\second} and \\numrange{1}{2}"),
            "8.6[ms]@1 9.98[ms]@1 1@1 2@1");
}

TEST(PaperText, CommentsAreSkippedAndLinesKept) {
  EXPECT_EQ(numbers("first 12 ms % was 11 ms\nsecond 13\\% % 14\n\nthird 2{,}048 tokens"),
            "12[ms]@1 13[%]@2 2048@4");
  // A comment joins its line to the next, as in TeX: "2.3%\n3 ms" is 2.33 ms.
  EXPECT_EQ(numbers("2.3%\n3 ms"), "2.33[ms]@1");
  EXPECT_EQ(words("a line\\\\ broken"), "a line broken");
}

TEST(PaperText, ReferencesIdentifiersAndMarkupAreNotClaims) {
  EXPECT_EQ(numbers("Table~3, Fig.~9 and Section 4.2 show ResNet-50 on H100 with v3.0.3 \\cite{x2019} \\ref{s4}"),
            "~3@1 ~9@1 ~4.2@1 ~50@1 ~0.3@1");
  EXPECT_EQ(numbers("a 3-level tree, the 2nd run, conv3_1, \\label{t1} \\includegraphics[width=0.5\\linewidth]{f2}"),
            "~3@1 ~2@1");
  EXPECT_EQ(numbers("$2^{10}$ and $x_{12}$ but 64 NPUs"), "2@1 ~10@1 ~12@1 64@1");
  EXPECT_EQ(numbers("\\begin{tabular}{l|r}\n a & 1.5 \\\\ \\end{tabular}"), "1.5@2");
  EXPECT_EQ(numbers("\\begin{verbatim}\n99 ms\n\\end{verbatim} 7 ms"), "7[ms]@3");
}

TEST(PaperText, TheAuthorMarksNumbersThatAreNotClaims) {
  EXPECT_EQ(numbers("on \\notaclaim{8} NPUs in 4 ms"), "~8@1 4[ms]@1");
  EXPECT_EQ(numbers("we ran 64 configs % claimcheck: ignore\nin 4 ms"), "~64@1 4[ms]@2");
  EXPECT_EQ(numbers("% claimcheck: ignore-begin\nwith 32 PEs\nand 16 banks\n% claimcheck: ignore-end\n9 ms"),
            "~32@2 ~16@3 9[ms]@5");
  EXPECT_EQ(numbers("<!-- claimcheck: ignore -->64 NPUs\n\n12 ms", PaperFormat::markdown), "~64@1 12[ms]@3");
}

TEST(PaperText, ClaimMacrosAreRecorded) {
  const PaperText paper = read_paper("takes \\claimvalue{ar-ring8}\nor \\claimnumber{x.y_z}\\,ms", "p.tex",
                                     PaperFormat::latex);
  ASSERT_EQ(paper.macros.size(), 2u);
  EXPECT_EQ(paper.macros[0].id, "ar-ring8");
  EXPECT_EQ(paper.macros[0].macro, "claimvalue");
  EXPECT_EQ(paper.macros[1].id, "x.y_z");
  EXPECT_EQ(paper.macros[1].line, 2);
}

TEST(PaperText, MarkdownCodeCommentsAndLinksAreNotProse) {
  EXPECT_EQ(numbers("# Results\n\nIt takes **2.33 ms** ([log](runs/2024/log.txt)), `--npus 64`.\n\n"
                    "```\nsize = 1024\n```\n| 3.5 | 7 GB |\n",
                    PaperFormat::markdown),
            "2.33[ms]@3 ~64@3 ~1024@6 3.5@8 7[GB]@8");
}

TEST(PaperText, PlainTextIsReadAsItIs) {
  EXPECT_EQ(numbers("sys[0] finished, 2326112 cycles\nUtilization: 100.00%", PaperFormat::plain),
            "~0@1 2326112[cycles]@1 100.00[%]@2");
}

TEST(PaperText, AQuoteKeepsItsPercentSign) {
  const auto quote = read_quote("Utilization is 100%", PaperFormat::latex);
  ASSERT_EQ(quote.size(), 4u);
  EXPECT_EQ(quote[2].unit, "%");
  EXPECT_EQ(quote[3].text, "%");
}

}  // namespace
}  // namespace claimcheck
