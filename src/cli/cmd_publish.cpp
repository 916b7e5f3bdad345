#include "cli/cmd_publish.hpp"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <ostream>
#include <regex>
#include <sstream>

#include <CLI/CLI.hpp>

#include "claimcheck/build_info.hpp"
#include "cli/cli.hpp"
#include "core/diagnostics.hpp"
#include "report/comment.hpp"
#include "report/github_api.hpp"

namespace claimcheck {
namespace {

struct PublishArgs {
  std::string repo;
  std::uint64_t issue = 0;
  std::string report;
  std::string api;
  std::string key;
  std::string author;
};

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

int run_publish(const PublishArgs& args, std::ostream& out, std::ostream& err) {
  static const std::regex repo_pattern("([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)");
  std::smatch repo;
  if (!std::regex_match(args.repo, repo, repo_pattern)) {
    err << "claimcheck: error: --repo \"" << args.repo << "\" is not OWNER/NAME\n";
    return k_exit_input;
  }
  CommentTarget target;
  target.owner = repo[1];
  target.repo = repo[2];
  target.issue = args.issue;
  target.author = args.author;
  target.user_agent = std::string("claimcheck/") + build_info::k_version;
  // --api, else the API of the GitHub (Enterprise) the workflow runs on, else github.com.
  target.api_base = !args.api.empty() ? args.api : !env("GITHUB_API_URL").empty() ? env("GITHUB_API_URL")
                                                                                   : std::string(k_github_api);
  while (target.api_base.ends_with('/')) target.api_base.pop_back();
  if (!target.api_base.starts_with("https://") && !target.api_base.starts_with("http://")) {
    err << "claimcheck: error: --api \"" << args.api << "\" is not an http(s) URL, e.g. https://github.example.com/api/v3\n";
    return k_exit_input;
  }
  target.token = env("GITHUB_TOKEN");
  if (target.token.empty()) {
    err << "claimcheck: error: GITHUB_TOKEN is not set; publish needs a token that may write issue comments\n";
    return k_exit_input;
  }

  std::ifstream in(args.report, std::ios::binary);
  if (!in) throw InputError(args.report, 0, 0, "cannot read the report", "render one with `--format comment`");
  std::ostringstream text;
  text << in.rdbuf();
  std::string body = text.str();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(args.report, 0, 0, "the report is empty", "an empty comment is not a report");
  }
  // --key, else the marker the report carries (as `--format comment` writes it), else the default.
  std::string key = args.key;
  if (key.empty()) key = find_comment_key(body);
  const std::string marker = comment_marker(key.empty() ? "claimcheck" : key);
  if (body.find(marker) == std::string::npos) body = marker + "\n" + body;

  CurlTransport http;
  PublishOutcome outcome;
  try {
    outcome = publish_comment(http, target, body, marker);
  } catch (const PublishError& e) {
    err << "claimcheck: error: " << e.what() << "\n";
    return k_exit_failed;
  } catch (const std::runtime_error& e) {
    err << "claimcheck: error: " << e.what() << "\n";
    return k_exit_failed;
  }
  const std::string where = target.owner + "/" + target.repo + "#" + std::to_string(target.issue);
  switch (outcome.action) {
    case PublishAction::created: err << "claimcheck: created comment " << outcome.comment_id << " on " << where; break;
    case PublishAction::updated: err << "claimcheck: updated comment " << outcome.comment_id << " on " << where; break;
    case PublishAction::unchanged:
      err << "claimcheck: comment " << outcome.comment_id << " on " << where << " is unchanged, not rewritten";
      break;
  }
  err << " (" << marker << ", author " << outcome.author << ")\n";
  if (!outcome.url.empty()) out << outcome.url << "\n";
  return k_exit_ok;
}

}  // namespace

ExtraCommand make_publish_command(CLI::App& app) {
  auto args = std::make_shared<PublishArgs>();
  CLI::App* cmd = app.add_subcommand(
      "publish", "post a report as an issue or pull-request comment, updating the one an earlier run posted");
  cmd->add_option("report", args->report, "the Markdown to post, e.g. from `audit --format comment`")->required();
  cmd->add_option("--repo", args->repo, "the repository, OWNER/NAME")->required();
  cmd->add_option("--issue", args->issue, "the issue or pull-request number")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--api", args->api,
                  "REST API base (default $GITHUB_API_URL, else https://api.github.com; "
                  "GitHub Enterprise: https://HOST/api/v3)");
  cmd->add_option("--key", args->key,
                  "KEY of the marker <!-- claimcheck:KEY --> (default: the report's own marker, else claimcheck)");
  cmd->add_option("--author", args->author,
                  "login whose comment is updated (default: the token's user; github-actions[bot] for a workflow token)");
  return ExtraCommand{cmd, [args](std::ostream& out, std::ostream& err) { return run_publish(*args, out, err); }};
}

}  // namespace claimcheck
