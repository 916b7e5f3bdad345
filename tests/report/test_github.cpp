#include "report/github.hpp"

#include <cstdlib>
#include <optional>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "report/sample_records.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::ScopedEnv;

using test::record_of;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(GithubEscape, DataAndProperties) {
  // As actions/toolkit's escapeData / escapeProperty: % first, then CR, LF (and : , in properties).
  EXPECT_EQ(escape_command_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
  EXPECT_EQ(escape_command_data("a::b, c:d"), "a::b, c:d");
  EXPECT_EQ(escape_command_property("a::b, c:d"), "a%3A%3Ab%2C c%3Ad");
  EXPECT_EQ(escape_command_property("%0A"), "%250A");
}

TEST(GithubAnnotations, Golden) {
  test::expect_golden("report/github.txt", render_github_annotations(test::sample_record()));
}

TEST(GithubAnnotations, PointAtFileAndLine) {
  const std::string out = render_github_annotations(test::sample_record());
  EXPECT_NE(out.find("::error file=claims/b-discrepant.claim.json,line=3,title=claimcheck%3A b-discrepant discrepant::"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("::warning file=claims/c-blocked.claim.json,line=7,title=claimcheck%3A c-blocked blocked::"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("a-verified"), std::string::npos);
}

TEST(GithubAnnotations, HostileTextCannotStartOrEndACommand) {
  ClaimResult c = test::discrepant_claim("x");
  c.title = test::k_hostile_text;
  c.file = "claims/a,b:c.claim.json";
  ClaimResult b = test::blocked_claim("y");
  b.reason = test::k_hostile_text;
  b.unblock = "\n::stop-commands::token\n";
  const std::string out = render_github_annotations(record_of({c, b}));
  const auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  // Each line is one of ours: the command name and properties come from claimcheck only.
  EXPECT_TRUE(lines[0].starts_with("::error file=claims/a%2Cb%3Ac.claim.json,line=3,title=claimcheck%3A x discrepant::"))
      << lines[0];
  EXPECT_TRUE(lines[1].starts_with("::warning file=claims/y.claim.json,line=7,title=claimcheck%3A y blocked::"))
      << lines[1];
  EXPECT_EQ(lines[2], "claimcheck: 2 claims: 0 verified, 1 discrepant, 1 blocked");
  EXPECT_NE(lines[0].find(":\u200b:error:\u200b:pwned%0A:\u200b:set-env name=X:\u200b:1%0D%0A%250A%2525 50%25 done"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("To unblock: %0A:\u200b:stop-commands:\u200b:token%0A"), std::string::npos) << lines[1];
  // Past the command's own "::", no command mark is left.
  for (const auto& line : {lines[0], lines[1]}) {
    const auto data = line.find("::", 2);
    ASSERT_NE(data, std::string::npos);
    EXPECT_EQ(line.find("::", data + 2), std::string::npos) << line;
  }
  EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(GithubAnnotations, TenOfEachKindThenHowManyMore) {
  std::vector<ClaimResult> claims;
  for (int i = 0; i < 25; ++i) claims.push_back(test::discrepant_claim("d" + std::to_string(i)));
  for (int i = 0; i < 12; ++i) claims.push_back(test::blocked_claim("b" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) claims.push_back(test::verified_claim("v" + std::to_string(i)));
  const auto lines = lines_of(render_github_annotations(record_of(claims)));
  int errors = 0, warnings = 0;
  for (const auto& line : lines) {
    errors += line.starts_with("::error ") ? 1 : 0;
    warnings += line.starts_with("::warning ") ? 1 : 0;
  }
  EXPECT_EQ(errors, 10);
  EXPECT_EQ(warnings, 10);
  ASSERT_EQ(lines.size(), 21u);
  EXPECT_NE(lines[8].find("title=claimcheck%3A d8 discrepant"), std::string::npos);
  EXPECT_EQ(lines[9],
            "::error title=claimcheck%3A 16 more discrepant::16 more discrepant claims are not annotated (GitHub shows "
            "10 per step): they are in the report and the job summary");
  EXPECT_NE(lines[19].find("3 more blocked claims are not annotated"), std::string::npos);
}

TEST(GithubAnnotations, ExactlyTenAreAllShown) {
  std::vector<ClaimResult> claims;
  for (int i = 0; i < 10; ++i) claims.push_back(test::discrepant_claim("d" + std::to_string(i)));
  const std::string out = render_github_annotations(record_of(claims));
  EXPECT_NE(out.find("title=claimcheck%3A d9 discrepant"), std::string::npos);
  EXPECT_EQ(out.find("more discrepant"), std::string::npos);
}

TEST(GithubAnnotations, NoClaimsIsAnError) {
  const std::string out = render_github_annotations(record_of({}));
  EXPECT_TRUE(out.starts_with("::error title=claimcheck%3A no claims::No claims were audited: this is not a pass.\n"));
}

TEST(GithubStepSummary, AppendsAndStaysUnderTheCap) {
  test::TempDir dir;
  const auto path = dir.write("summary.md", "# earlier step output\n");
  ScopedEnv env("GITHUB_STEP_SUMMARY", path.string());
  std::vector<ClaimResult> claims;
  for (int i = 0; i < 20'000; ++i) claims.push_back(test::verified_claim("v" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) claims.push_back(test::discrepant_claim("d" + std::to_string(i)));
  const std::string annotations = render_github(record_of(claims), RenderOptions{});
  EXPECT_NE(annotations.find("::error file=claims/d0.claim.json"), std::string::npos);
  const std::string summary = test::read_file(path);
  EXPECT_TRUE(summary.starts_with("# earlier step output\n## claimcheck: 20003 claims:")) << summary.substr(0, 200);
  EXPECT_LT(summary.size(), k_step_summary_limit);
  EXPECT_GT(summary.size(), k_step_summary_limit / 2);
  EXPECT_EQ(summary.find("<!-- claimcheck:"), std::string::npos);
  EXPECT_NE(summary.find("it is cut to fit GitHub's 1 MiB cap on a job summary"), std::string::npos);
}

TEST(GithubStepSummary, UnsetMeansNoFile) {
  ScopedEnv env("GITHUB_STEP_SUMMARY", "");
  EXPECT_NO_THROW(render_github(test::sample_record(), RenderOptions{}));
}

TEST(GithubStepSummary, FullFileIsAClearError) {
  test::TempDir dir;
  const auto path = dir.write("summary.md", std::string(k_step_summary_limit - 100, 'x'));
  ScopedEnv env("GITHUB_STEP_SUMMARY", path.string());
  try {
    append_step_summary(test::sample_record(), RenderOptions{});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no room under GitHub's 1 MiB cap"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace claimcheck
