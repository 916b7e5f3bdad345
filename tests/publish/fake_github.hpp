#pragma once
// A local stand-in for the GitHub REST API's issue-comment endpoints, served on 127.0.0.1 by
// cpp-httplib: pagination with Link headers, authors per token, 401/403/404/422 and rate-limit
// answers shaped like GitHub's.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace claimcheck::test {

struct FakeComment {
  std::uint64_t id = 0;
  std::string login;
  std::string body;
};

class FakeGithub {
 public:
  FakeGithub();  // serves o/r issue 5; tokens: "bot-token" (login claimcheck-bot),
                 // "actions-token" (a workflow token: /user is 403, comments by github-actions[bot]),
                 // "read-only-token" (may read, not write)
  ~FakeGithub();
  FakeGithub(const FakeGithub&) = delete;
  FakeGithub& operator=(const FakeGithub&) = delete;

  std::string api() const;  // http://127.0.0.1:PORT

  // Adds a comment by `login`; returns its id.
  std::uint64_t add(const std::string& login, const std::string& body);
  std::vector<FakeComment> comments() const;
  // Requests served, as "METHOD /path?query".
  std::vector<std::string> requests() const;

  void set_rate_limited(bool on);
  // Link "next" URLs point at this origin instead of the server's own.
  void set_foreign_next(const std::string& origin);
  void set_page_size(int n);  // the largest page served (GitHub: 100)

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace claimcheck::test
