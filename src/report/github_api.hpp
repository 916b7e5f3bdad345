#pragma once
// Posting a report as a GitHub issue or pull-request comment that later runs update in place:
// the comment is found by its hidden marker AND its author (another user's comment that quotes
// the marker is never touched), through every page of comments (Link headers), then updated,
// created, or left alone when its body is already the same. Works against github.com and
// GitHub Enterprise Server (API base https://HOST/api/v3).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "report/http_client.hpp"

namespace claimcheck {

inline constexpr std::string_view k_github_api = "https://api.github.com";

// The author GitHub shows for comments written with a workflow's GITHUB_TOKEN, which may not
// read /user.
inline constexpr std::string_view k_actions_bot = "github-actions[bot]";

struct CommentTarget {
  std::string api_base = std::string(k_github_api);  // no trailing '/'
  std::string owner;
  std::string repo;
  std::uint64_t issue = 0;      // issue or pull-request number
  std::string token;            // sent as a Bearer token
  std::string author;           // login whose comment is updated; "" = the token's user (GET /user),
                                // or github-actions[bot] when the token cannot read /user
  std::string user_agent = "claimcheck";
};

enum class PublishAction { created, updated, unchanged };

struct PublishOutcome {
  PublishAction action = PublishAction::created;
  std::uint64_t comment_id = 0;
  std::string url;     // html_url of the comment
  std::string author;  // whose comments were searched
  int pages = 0;       // pages of comments read
};

// A refusal or failure of the API, with a message that says what to do.
class PublishError : public std::runtime_error {
 public:
  explicit PublishError(const std::string& message) : std::runtime_error(message) {}
};

// Creates or updates the comment holding `marker`; `body` must contain the marker.
// Throws PublishError (HTTP refusals) or std::runtime_error (no answer).
PublishOutcome publish_comment(HttpTransport& http, const CommentTarget& target, const std::string& body,
                               const std::string& marker);

// The URL of rel="next" in an HTTP Link header, or "".
std::string next_link(std::string_view link_header);

// A message for an HTTP answer that is not a success: what GitHub said and what to do about it.
// `what` names the request, e.g. "listing the comments of o/r#5".
std::string describe_http_failure(const HttpResponse& response, const std::string& what, std::size_t body_chars);

}  // namespace claimcheck
