// `claimcheck publish` and the GitHub comment client against a local fake of the REST API.

#include <algorithm>
#include <cstdlib>
#include <optional>

#include <gtest/gtest.h>

#include "fake_github.hpp"
#include "report/comment.hpp"
#include "report/github_api.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

using test::ScopedEnv;

using test::FakeGithub;

const std::string k_marker = "<!-- claimcheck:claims -->";

CommentTarget target_for(const FakeGithub& github, const std::string& token) {
  CommentTarget t;
  t.api_base = github.api();
  t.owner = "o";
  t.repo = "r";
  t.issue = 5;
  t.token = token;
  return t;
}

int count_method(const FakeGithub& github, const std::string& method) {
  int n = 0;
  for (const auto& r : github.requests()) n += r.starts_with(method + " ") ? 1 : 0;
  return n;
}

TEST(NextLink, ParsesGithubLinkHeaders) {
  EXPECT_EQ(next_link("<https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=2>; rel=\"next\", "
                      "<https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=4>; rel=\"last\""),
            "https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=2");
  EXPECT_EQ(next_link("<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; rel=\"next\""), "https://a/x?page=3");
  EXPECT_EQ(next_link("<https://a/x?page=1>; rel=\"first\", <https://a/x?page=1>; rel=\"prev\""), "");
  EXPECT_EQ(next_link(""), "");
}

TEST(Publish, CreatesAfterReadingEveryPage) {
  FakeGithub github;
  for (int i = 0; i < 250; ++i) github.add(i % 2 ? "someone" : "claimcheck-bot", "comment " + std::to_string(i));
  CurlTransport http;
  const auto outcome = publish_comment(http, target_for(github, "bot-token"), k_marker + "\nreport", k_marker);
  EXPECT_EQ(outcome.action, PublishAction::created);
  EXPECT_EQ(outcome.pages, 3);  // 250 comments, 100 a page
  EXPECT_EQ(outcome.author, "claimcheck-bot");
  EXPECT_EQ(outcome.url, "https://github.com/o/r/issues/5#issuecomment-" + std::to_string(outcome.comment_id));
  const auto comments = github.comments();
  ASSERT_EQ(comments.size(), 251u);
  EXPECT_EQ(comments.back().body, k_marker + "\nreport");
  EXPECT_EQ(comments.back().login, "claimcheck-bot");
  const auto requests = github.requests();
  EXPECT_NE(std::find(requests.begin(), requests.end(), "GET /repos/o/r/issues/5/comments?page=3&per_page=100"),
            requests.end());
}

TEST(Publish, UpdatesOwnCommentOnALaterPageAndLeavesAnotherAuthorsMarkerAlone) {
  FakeGithub github;
  // Someone quoting the marker on page 1 must not be taken for claimcheck's comment.
  const auto quoted = github.add("someone", "> " + k_marker + "\n> old report, quoted");
  for (int i = 0; i < 120; ++i) github.add("someone", "chatter " + std::to_string(i));
  const auto own = github.add("claimcheck-bot", k_marker + "\nold report");
  CurlTransport http;
  const auto outcome = publish_comment(http, target_for(github, "bot-token"), k_marker + "\nnew report", k_marker);
  EXPECT_EQ(outcome.action, PublishAction::updated);
  EXPECT_EQ(outcome.comment_id, own);
  EXPECT_EQ(outcome.pages, 2);
  for (const auto& c : github.comments()) {
    if (c.id == own) {
      EXPECT_EQ(c.body, k_marker + "\nnew report");
    }
    if (c.id == quoted) {
      EXPECT_EQ(c.body, "> " + k_marker + "\n> old report, quoted");
    }
  }
  EXPECT_EQ(github.comments().size(), 122u);
  EXPECT_EQ(count_method(github, "PATCH"), 1);
  EXPECT_EQ(count_method(github, "POST"), 0);
}

TEST(Publish, SkipsTheWriteWhenUnchanged) {
  FakeGithub github;
  const auto own = github.add("claimcheck-bot", k_marker + "\nsame report");
  CurlTransport http;
  const auto outcome = publish_comment(http, target_for(github, "bot-token"), k_marker + "\nsame report", k_marker);
  EXPECT_EQ(outcome.action, PublishAction::unchanged);
  EXPECT_EQ(outcome.comment_id, own);
  EXPECT_EQ(count_method(github, "PATCH") + count_method(github, "POST"), 0);
}

TEST(Publish, AnotherKeyIsAnotherComment) {
  FakeGithub github;
  github.add("claimcheck-bot", "<!-- claimcheck:nightly -->\nnightly report");
  CurlTransport http;
  const auto outcome = publish_comment(http, target_for(github, "bot-token"), k_marker + "\npr report", k_marker);
  EXPECT_EQ(outcome.action, PublishAction::created);
  EXPECT_EQ(github.comments().front().body, "<!-- claimcheck:nightly -->\nnightly report");
}

TEST(Publish, WorkflowTokenActsAsGithubActionsBot) {
  FakeGithub github;
  github.add("claimcheck-bot", k_marker + "\nby a person's token");
  const auto own = github.add("github-actions[bot]", k_marker + "\nold");
  CurlTransport http;
  const auto outcome = publish_comment(http, target_for(github, "actions-token"), k_marker + "\nnew", k_marker);
  EXPECT_EQ(outcome.author, "github-actions[bot]");
  EXPECT_EQ(outcome.action, PublishAction::updated);
  EXPECT_EQ(outcome.comment_id, own);
}

TEST(Publish, RefusesALinkHeaderToAnotherHost) {
  FakeGithub github;
  for (int i = 0; i < 150; ++i) github.add("someone", "x");
  github.set_foreign_next("http://198.51.100.7:1");
  CurlTransport http;
  try {
    publish_comment(http, target_for(github, "bot-token"), k_marker + "\nr", k_marker);
    FAIL() << "expected a refusal";
  } catch (const PublishError& e) {
    EXPECT_NE(std::string(e.what()).find("Link header points outside " + github.api()), std::string::npos) << e.what();
  }
}

// The command line, end to end.
class PublishCommand : public ::testing::Test {
 protected:
  test::CliResult publish(const std::string& body, const std::vector<std::string>& extra = {},
                          const std::optional<std::string>& token = "bot-token") {
    const auto report = m_dir.write("report.md", body);
    ScopedEnv env("GITHUB_TOKEN", token);
    ScopedEnv api("GITHUB_API_URL", std::nullopt);
    std::vector<std::string> args = {"publish", "--repo", "o/r", "--issue", "5", "--api", m_github.api(),
                                     report.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run(args, m_dir.path());
  }
  FakeGithub m_github;
  test::TempDir m_dir;
};

TEST_F(PublishCommand, CreatesThenUpdatesThenSkips) {
  auto r = publish(k_marker + "\nfirst");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("claimcheck: created comment "), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.starts_with("https://github.com/o/r/issues/5#issuecomment-")) << r.out;
  r = publish(k_marker + "\nsecond");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("claimcheck: updated comment "), std::string::npos) << r.err;
  r = publish(k_marker + "\nsecond");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(" is unchanged, not rewritten (<!-- claimcheck:claims -->, author claimcheck-bot)"),
            std::string::npos)
      << r.err;
  ASSERT_EQ(m_github.comments().size(), 1u);
  EXPECT_EQ(m_github.comments()[0].body, k_marker + "\nsecond");
}

TEST_F(PublishCommand, AddsTheMarkerWhenTheReportHasNone) {
  const auto r = publish("plain report\n", {"--key", "nightly"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(m_github.comments().size(), 1u);
  EXPECT_EQ(m_github.comments()[0].body, "<!-- claimcheck:nightly -->\nplain report\n");
}

TEST_F(PublishCommand, OversizeBodyIsA422WithAHint) {
  const auto r = publish(k_marker + "\n" + std::string(70'000, 'x'));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("GitHub refused the comment while creating a comment on o/r#5 (HTTP 422 \"Validation Failed; "
                       "body is too long (maximum is 65536 characters)\"): the body has 70027 characters, GitHub "
                       "allows 65536; render it with `--format comment`, which always fits."),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(m_github.comments().empty());
}

TEST_F(PublishCommand, ReadOnlyTokenIsA403ThatNamesTheFix) {
  const auto r = publish(k_marker + "\nreport", {}, "read-only-token");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("GitHub refused creating a comment on o/r#5 (HTTP 403 \"Resource not accessible by "
                       "integration\"): the token may not write comments here."),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("workflow_run"), std::string::npos) << r.err;
}

TEST_F(PublishCommand, UnknownIssueIsA404) {
  const auto report = m_dir.write("r.md", "x");
  ScopedEnv env("GITHUB_TOKEN", "bot-token");
  const auto r = test::run({"publish", "--repo", "o/other", "--issue", "5", "--api", m_github.api(), report.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("GitHub found nothing while listing the comments of o/other#5 (HTTP 404 \"Not Found\"): check "
                       "--repo OWNER/NAME"),
            std::string::npos)
      << r.err;
}

TEST_F(PublishCommand, RateLimitSaysWhenItResets) {
  m_github.set_rate_limited(true);
  const auto r = publish(k_marker + "\nreport");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("GitHub's rate limit stopped reading the token's user (HTTP 403 \"API rate limit exceeded for "
                       "installation ID 1.\"): the limit resets at 2026-01-01 00:00:00 UTC."),
            std::string::npos)
      << r.err;
}

TEST_F(PublishCommand, BadTokenIsA401) {
  const auto r = publish(k_marker + "\nreport", {}, "wrong");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("GitHub rejected the token while reading the token's user (HTTP 401 \"Bad credentials\")"),
            std::string::npos)
      << r.err;
}

TEST_F(PublishCommand, InputErrors) {
  auto r = publish("report", {}, std::nullopt);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "claimcheck: error: GITHUB_TOKEN is not set; publish needs a token that may write issue comments\n");
  ScopedEnv env("GITHUB_TOKEN", "bot-token");
  r = test::run({"publish", "--repo", "not a repo", "--issue", "5", "r.md"}, m_dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "claimcheck: error: --repo \"not a repo\" is not OWNER/NAME\n");
  r = test::run({"publish", "--repo", "o/r", "--issue", "5", "--api", m_github.api(), "missing.md"}, m_dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.md"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot read the report"), std::string::npos) << r.err;
  r = test::run({"publish", "--repo", "o/r", "--issue", "0", "x.md"}, m_dir.path());
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(PublishCommand, UnreachableApiIsAClearError) {
  // Port 1 on loopback: nothing listens there.
  const auto report = m_dir.write("r.md", "x");
  ScopedEnv env("GITHUB_TOKEN", "bot-token");
  const auto r = test::run({"publish", "--repo", "o/r", "--issue", "5", "--api", "http://127.0.0.1:1", report.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("claimcheck: error: GET http://127.0.0.1:1/user failed: "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace claimcheck
