#include "report/comment.hpp"

#include <gtest/gtest.h>

#include "report/record_json.hpp"
#include "report/sample_records.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::record_of;

std::size_t characters(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

// Lines of a Markdown table row start with "| " and end with " |".
void expect_rows_whole(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.starts_with("| ")) {
      EXPECT_TRUE(line.ends_with(" |")) << line;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

AuditRecord big_record(int discrepant, int blocked, int verified) {
  std::vector<ClaimResult> claims;
  for (int i = 0; i < discrepant; ++i) claims.push_back(test::discrepant_claim("d" + std::to_string(i)));
  for (int i = 0; i < blocked; ++i) claims.push_back(test::blocked_claim("b" + std::to_string(i)));
  for (int i = 0; i < verified; ++i) claims.push_back(test::verified_claim("v" + std::to_string(i)));
  return record_of(std::move(claims));
}

TEST(Comment, Golden) {
  RenderOptions options;
  options.comment_key = "claims";
  test::expect_golden("report/comment.md", render_comment(test::sample_record(), options));
}

TEST(Comment, MarkerFirstThenProblemsThenCollapsedVerified) {
  const std::string out = render_comment(test::sample_record(), RenderOptions{});
  EXPECT_TRUE(out.starts_with("<!-- claimcheck:claimcheck -->\n## claimcheck: 4 claims: 2 verified, 1 discrepant, 1 blocked"));
  const auto discrepant = out.find("`b-discrepant`");
  const auto blocked = out.find("`c-blocked`");
  const auto details = out.find("<details><summary>2 verified claims</summary>");
  const auto verified = out.find("`a-verified`");
  ASSERT_NE(discrepant, std::string::npos);
  ASSERT_NE(blocked, std::string::npos);
  ASSERT_NE(details, std::string::npos);
  EXPECT_LT(discrepant, blocked);
  EXPECT_LT(blocked, details);
  EXPECT_LT(details, verified);
  // Everything fits: no truncation notice.
  EXPECT_EQ(out.find("[!WARNING]"), std::string::npos);
  // Blocked rows say why and how to unblock.
  EXPECT_NE(out.find("artifact missing: results/run.json does not exist; to unblock: run the experiment"),
            std::string::npos);
}

TEST(Comment, FiveThousandClaimsStayUnderTheLimitWithNotice) {
  const AuditRecord record = big_record(2'000, 500, 2'500);
  RenderOptions options;
  options.full_report_url = "https://example.org/runs/7#artifacts";
  const std::string out = render_comment(record, options);
  EXPECT_LE(out.size(), k_github_comment_limit);
  EXPECT_LT(characters(out), k_github_comment_limit);
  EXPECT_GT(out.size(), k_github_comment_limit / 2) << "the budget should be used, not wasted";
  EXPECT_TRUE(out.starts_with("<!-- claimcheck:claimcheck -->\n"));
  // The notice is visible (outside any collapsed section), counts what is listed, and names
  // where the full report is.
  const auto notice = out.find("> [!WARNING]\n> This comment lists ");
  ASSERT_NE(notice, std::string::npos);
  EXPECT_NE(out.find(" of 5000 claims ("), std::string::npos);
  EXPECT_NE(out.find(" of 2000 discrepant, 0 of 500 blocked, 0 of 2500 verified): it is cut to fit GitHub's limit of "
                     "65,536 characters per comment. The full report is at https://example.org/runs/7#artifacts."),
            std::string::npos);
  // No room is left for verified claims: no empty collapsed section either.
  EXPECT_EQ(out.find("<details>"), std::string::npos);
  // Discrepant claims come first: the first listed rows are discrepant ones.
  EXPECT_NE(out.find("`d0`"), std::string::npos);
  EXPECT_NE(out.find("`d100`"), std::string::npos);
  // The number of rows listed is what the notice says.
  const std::size_t rows = count(out, "| \u274c discrepant |") + count(out, "| \u26d4 blocked |") + count(out, "| `v");
  EXPECT_NE(out.find("lists " + std::to_string(rows) + " of 5000"), std::string::npos);
  expect_rows_whole(out);
  EXPECT_TRUE(out.ends_with("</sub>\n"));
}

TEST(Comment, AllVerifiedBigRecordIsCutInsideTheCollapsedSection) {
  const std::string out = render_comment(big_record(0, 0, 5'000), RenderOptions{});
  EXPECT_LE(out.size(), k_comment_budget);
  EXPECT_EQ(out.find("Needs attention"), std::string::npos);
  EXPECT_EQ(count(out, "<details>"), 1u);
  EXPECT_EQ(count(out, "</details>"), 1u);
  // Without a URL the notice points at the run's artifacts (the run URL is in the record).
  EXPECT_NE(out.find("The full report is in the artifacts of the workflow run https://github.com/o/r/actions/runs/42"),
            std::string::npos);
}

TEST(Comment, TinyBudgetStillHoldsSummaryAndNotice) {
  CommentLayout layout;
  layout.max_bytes = 2'000;
  const std::string out = render_comment(big_record(30, 0, 30), RenderOptions{}, layout);
  EXPECT_LE(out.size(), 2'000u);
  EXPECT_NE(out.find("## claimcheck: 60 claims: 30 verified, 30 discrepant, 0 blocked"), std::string::npos);
  EXPECT_NE(out.find("This comment lists"), std::string::npos);
}

TEST(Comment, NoClaimsIsNotAPass) {
  const std::string out = render_comment(record_of({}), RenderOptions{});
  EXPECT_NE(out.find("No claims were audited: this is not a pass."), std::string::npos);
}

TEST(Comment, HostileClaimTextIsInert) {
  ClaimResult c = test::discrepant_claim("x");
  c.title = test::k_hostile_text;
  c.source.paper = test::k_hostile_text;
  c.file = "claims/a|b.claim.json";
  ClaimResult b = test::blocked_claim("y");
  b.reason = test::k_hostile_text;
  const std::string out = render_comment(record_of({c, b}), RenderOptions{});
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_EQ(out.find("@octocat"), std::string::npos);
  EXPECT_EQ(out.find("\n::"), std::string::npos);
  EXPECT_EQ(out.find("[x](http"), std::string::npos);
  EXPECT_NE(out.find("&lt;script&gt;"), std::string::npos);
  // Each attention row has exactly the 7 pipes of its 6 cells: none from the text.
  std::size_t start = out.find("| \u274c discrepant");
  ASSERT_NE(start, std::string::npos);
  const std::string row = out.substr(start, out.find('\n', start) - start);
  EXPECT_EQ(count(row, "|"), 7u) << row;
  expect_rows_whole(out);
}

TEST(Comment, MarkerKeyCannotCloseTheComment) {
  EXPECT_EQ(comment_marker("pr-gate"), "<!-- claimcheck:pr-gate -->");
  EXPECT_EQ(comment_marker("a-->b"), "<!-- claimcheck:a-b -->");
  EXPECT_EQ(comment_marker("x y\nz"), "<!-- claimcheck:x-y-z -->");
  EXPECT_EQ(comment_marker(""), "<!-- claimcheck:claimcheck -->");
  EXPECT_EQ(comment_marker("--"), "<!-- claimcheck:claimcheck -->");
  EXPECT_EQ(find_comment_key("<!-- claimcheck:nightly/a100 -->\n## x"), "nightly/a100");
  EXPECT_EQ(find_comment_key("no marker"), "");
}

TEST(Comment, CutNeverSplitsACharacter) {
  EXPECT_EQ(cut_utf8("abc", 3), "abc");
  EXPECT_EQ(cut_utf8("abcdef", 5), "ab\u2026");
  // "é" is 2 bytes: a cut at byte 5 would fall inside the second one.
  EXPECT_EQ(cut_utf8("\u00e9\u00e9\u00e9\u00e9", 6), "\u00e9\u2026");
  EXPECT_EQ(cut_utf8("abcdef", 2), "");
}

TEST(Comment, RenderCommandWritesTheKeyedMarker) {
  test::TempDir dir;
  dir.write("r.json", record_to_text(test::sample_record()));
  const auto result = test::run({"render", "r.json", "--format", "comment", "--comment-key", "nightly"}, dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("<!-- claimcheck:nightly -->\n")) << result.out;
}

}  // namespace
}  // namespace claimcheck
