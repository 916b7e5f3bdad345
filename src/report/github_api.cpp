#include "report/github_api.hpp"

#include <ctime>
#include <optional>

#include <nlohmann/json.hpp>

#include "report/comment.hpp"

namespace claimcheck {
namespace {

using nlohmann::json;

// Stops a server whose Link headers loop forever.
constexpr int k_max_pages = 1'000;

std::string header(const HttpResponse& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

// scheme://host[:port] of a URL.
std::string origin_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

std::size_t count_characters(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string utc_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return out;
}

class Client {
 public:
  Client(HttpTransport& http, const CommentTarget& target) : m_http(http), m_target(target) {}

  // The answer, whatever its status.
  HttpResponse send(const std::string& method, const std::string& url, const std::string& body = {}) {
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers = {{"Accept", "application/vnd.github+json"},
                       {"Authorization", "Bearer " + m_target.token},
                       {"X-GitHub-Api-Version", "2022-11-28"},
                       {"User-Agent", m_target.user_agent}};
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = body;
    }
    return m_http.send(request);
  }

  // The answer when it is a success; else PublishError saying what went wrong.
  HttpResponse call(const std::string& method, const std::string& url, const std::string& what,
                    const std::string& body = {}) {
    HttpResponse response = send(method, url, body);
    if (response.status < 200 || response.status >= 300) {
      throw PublishError(describe_http_failure(response, what, m_body_chars));
    }
    return response;
  }

  json parse(const HttpResponse& response, const std::string& what) {
    json j = json::parse(response.body, nullptr, false);
    if (j.is_discarded()) throw PublishError("GitHub's answer to " + what + " is not JSON");
    return j;
  }

  std::string repo_path() const { return m_target.api_base + "/repos/" + m_target.owner + "/" + m_target.repo; }
  std::string issue_name() const {
    return m_target.owner + "/" + m_target.repo + "#" + std::to_string(m_target.issue);
  }
  void set_body_chars(std::size_t n) { m_body_chars = n; }

 private:
  HttpTransport& m_http;
  const CommentTarget& m_target;
  std::size_t m_body_chars = 0;
};

std::string resolve_author(Client& client, const CommentTarget& target) {
  if (!target.author.empty()) return target.author;
  const HttpResponse response = client.send("GET", target.api_base + "/user");
  // A workflow's GITHUB_TOKEN is an installation token: /user answers 403 "Resource not
  // accessible by integration", and its comments are written by github-actions[bot].
  if (response.status == 403 && header(response, "x-ratelimit-remaining") != "0" &&
      response.body.find("not accessible by integration") != std::string::npos) {
    return std::string(k_actions_bot);
  }
  if (response.status != 200) throw PublishError(describe_http_failure(response, "reading the token's user", 0));
  const json user = client.parse(response, "GET /user");
  if (!user.contains("login") || !user["login"].is_string()) {
    throw PublishError("GitHub's answer to GET /user has no login");
  }
  return user["login"].get<std::string>();
}

}  // namespace

std::string next_link(std::string_view link_header) {
  // <https://api.github.com/...&page=2>; rel="next", <...>; rel="last"
  std::size_t pos = 0;
  while (pos < link_header.size()) {
    const auto open = link_header.find('<', pos);
    if (open == std::string_view::npos) break;
    const auto close = link_header.find('>', open);
    if (close == std::string_view::npos) break;
    auto end = link_header.find('<', close);
    if (end == std::string_view::npos) end = link_header.size();
    const std::string_view params = link_header.substr(close + 1, end - close - 1);
    if (params.find("rel=\"next\"") != std::string_view::npos || params.find("rel=next") != std::string_view::npos) {
      return std::string(link_header.substr(open + 1, close - open - 1));
    }
    pos = close + 1;
  }
  return {};
}

std::string describe_http_failure(const HttpResponse& response, const std::string& what, std::size_t body_chars) {
  std::string said;
  const json j = json::parse(response.body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("message") && j["message"].is_string()) said = j["message"].get<std::string>();
    if (j.contains("errors") && j["errors"].is_array()) {
      for (const auto& e : j["errors"]) {
        if (e.is_object() && e.contains("message") && e["message"].is_string()) {
          said += "; " + e["message"].get<std::string>();
        } else if (e.is_string()) {
          said += "; " + e.get<std::string>();
        }
      }
    }
  }
  said = cut_utf8(said, 500);
  const std::string status = "HTTP " + std::to_string(response.status);
  const std::string quoted = said.empty() ? status : status + " \"" + said + "\"";
  const std::string remaining = header(response, "x-ratelimit-remaining");
  const std::string reset = header(response, "x-ratelimit-reset");
  const std::string retry_after = header(response, "retry-after");

  if ((response.status == 403 || response.status == 429) && (remaining == "0" || !retry_after.empty() ||
                                                              said.find("rate limit") != std::string::npos)) {
    std::string when;
    if (!retry_after.empty()) {
      when = "retry after " + retry_after + " s";
    } else if (!reset.empty()) {
      try {
        when = "the limit resets at " + utc_time(static_cast<std::time_t>(std::stoll(reset)));
      } catch (const std::exception&) {
        when = "the limit resets at " + reset + " (epoch seconds)";
      }
    } else {
      when = "wait a minute and retry";
    }
    return "GitHub's rate limit stopped " + what + " (" + quoted + "): " + when +
           ". Fewer runs, or a token with a larger quota, avoid it.";
  }
  switch (response.status) {
    case 401:
      return "GitHub rejected the token while " + what + " (" + quoted +
             "): GITHUB_TOKEN is missing, expired or mistyped.";
    case 403:
      return "GitHub refused " + what + " (" + quoted +
             "): the token may not write comments here. A workflow needs `permissions: issues: write` and "
             "`pull-requests: write`; on a pull_request from a fork GITHUB_TOKEN is always read-only, so post from a "
             "separate workflow_run workflow (.github/actions/claimcheck/README.md).";
    case 404:
      return "GitHub found nothing while " + what + " (" + quoted +
             "): check --repo OWNER/NAME, the issue number and --api; a private repository also answers 404 to a "
             "token that cannot see it.";
    case 410:
      return "GitHub says the issue is gone while " + what + " (" + quoted + "): issues may be disabled or deleted.";
    case 422: {
      std::string out = "GitHub refused the comment while " + what + " (" + quoted + ")";
      if (body_chars > k_github_comment_limit) {
        out += ": the body has " + std::to_string(body_chars) + " characters, GitHub allows " +
               std::to_string(k_github_comment_limit) + "; render it with `--format comment`, which always fits";
      }
      return out + ".";
    }
    default: break;
  }
  if (response.status >= 500) {
    return "GitHub failed while " + what + " (" + quoted + "): a server error; retry later.";
  }
  return "GitHub answered " + quoted + " while " + what + ".";
}

PublishOutcome publish_comment(HttpTransport& http, const CommentTarget& target, const std::string& body,
                               const std::string& marker) {
  if (body.find(marker) == std::string::npos) {
    throw std::invalid_argument("publish_comment: the body does not hold the marker " + marker);
  }
  Client client(http, target);
  client.set_body_chars(count_characters(body));
  PublishOutcome outcome;
  outcome.author = resolve_author(client, target);

  // Every page of comments, oldest first; the first comment by the author with the marker wins.
  const std::string origin = origin_of(target.api_base);
  std::string url = client.repo_path() + "/issues/" + std::to_string(target.issue) + "/comments?per_page=100";
  std::optional<json> found;
  while (!url.empty() && !found) {
    if (++outcome.pages > k_max_pages) {
      throw PublishError("more than " + std::to_string(k_max_pages) + " pages of comments on " + client.issue_name());
    }
    const HttpResponse response = client.call("GET", url, "listing the comments of " + client.issue_name());
    const json page = client.parse(response, "listing the comments");
    if (!page.is_array()) throw PublishError("GitHub's list of comments on " + client.issue_name() + " is not an array");
    for (const auto& c : page) {
      if (!c.is_object() || !c.contains("body") || !c["body"].is_string()) continue;
      const bool by_author = c.contains("user") && c["user"].is_object() && c["user"].contains("login") &&
                             c["user"]["login"] == outcome.author;
      if (by_author && c["body"].get<std::string>().find(marker) != std::string::npos) {
        found = c;
        break;
      }
    }
    url = next_link(header(response, "link"));
    // The token goes only to the API it was given for.
    if (!url.empty() && !url.starts_with(origin + "/")) {
      throw PublishError("GitHub's Link header points outside " + origin + ": " + cut_utf8(url, 200));
    }
  }

  const json payload = {{"body", body}};
  const std::string text = payload.dump(-1, ' ', false, json::error_handler_t::replace);
  if (found) {
    outcome.comment_id = (*found).value("id", std::uint64_t{0});
    outcome.url = (*found).value("html_url", std::string());
    if ((*found)["body"].get<std::string>() == body) {
      outcome.action = PublishAction::unchanged;
      return outcome;
    }
    const HttpResponse response =
        client.call("PATCH", client.repo_path() + "/issues/comments/" + std::to_string(outcome.comment_id),
                    "updating comment " + std::to_string(outcome.comment_id) + " on " + client.issue_name(), text);
    const json updated = client.parse(response, "updating the comment");
    outcome.url = updated.value("html_url", outcome.url);
    outcome.action = PublishAction::updated;
    return outcome;
  }
  const HttpResponse response =
      client.call("POST", client.repo_path() + "/issues/" + std::to_string(target.issue) + "/comments",
                  "creating a comment on " + client.issue_name(), text);
  const json created = client.parse(response, "creating the comment");
  outcome.comment_id = created.value("id", std::uint64_t{0});
  outcome.url = created.value("html_url", std::string());
  outcome.action = PublishAction::created;
  return outcome;
}

}  // namespace claimcheck
