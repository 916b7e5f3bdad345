#include "fake_github.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

// Debian builds libcpp-httplib with these (pkg-config --cflags cpp-httplib); the header must
// see the same configuration as the library.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT 1
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT 1
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT 1
#endif
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace claimcheck::test {

using nlohmann::json;

struct FakeGithub::State {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::vector<FakeComment> comments;
  std::vector<std::string> requests;
  std::uint64_t next_id = 1000;
  std::atomic<bool> rate_limited = false;
  std::string foreign_next;
  int page_size = 100;
  const std::map<std::string, std::string> logins = {
      {"bot-token", "claimcheck-bot"}, {"actions-token", "github-actions[bot]"}, {"read-only-token", "reader"}};

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }

  void answer(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_header("X-RateLimit-Remaining", "4999");
    res.set_content(body.dump(), "application/json; charset=utf-8");
  }

  // The login of the request's token, or "" after answering 401.
  std::string authenticate(const httplib::Request& req, httplib::Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    const auto it = auth.starts_with("Bearer ") ? logins.find(auth.substr(7)) : logins.end();
    if (it == logins.end()) {
      answer(res, 401, {{"message", "Bad credentials"}, {"documentation_url", "https://docs.github.com/rest"}});
      return {};
    }
    return it->second;
  }

  bool rate_limit(httplib::Response& res) {
    if (!rate_limited) return false;
    res.status = 403;
    res.set_header("X-RateLimit-Remaining", "0");
    res.set_header("X-RateLimit-Reset", "1767225600");  // 2026-01-01 00:00:00 UTC
    res.set_content(json{{"message", "API rate limit exceeded for installation ID 1."}}.dump(), "application/json");
    return true;
  }

  bool check_body(const std::string& body, httplib::Response& res) {
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("body") || !j["body"].is_string()) {
      answer(res, 400, {{"message", "Problems parsing JSON"}});
      return false;
    }
    std::size_t chars = 0;
    for (char c : j["body"].get<std::string>()) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    if (chars > 65536) {
      answer(res, 422, {{"message", "Validation Failed"},
                        {"errors",
                         {{{"resource", "IssueComment"},
                           {"code", "custom"},
                           {"field", "body"},
                           {"message", "body is too long (maximum is 65536 characters)"}}}}});
      return false;
    }
    return true;
  }

  json comment_json(const FakeComment& c) const {
    return {{"id", c.id},
            {"html_url", "https://github.com/o/r/issues/5#issuecomment-" + std::to_string(c.id)},
            {"body", c.body},
            {"user", {{"login", c.login}, {"type", c.login.ends_with("[bot]") ? "Bot" : "User"}}}};
  }
};

FakeGithub::FakeGithub() : m_state(std::make_unique<State>()) {
  State& s = *m_state;
  // Recorded before routing: cpp-httplib calls its logger only after the response is on the wire,
  // so a client could see the answer before the logger has run.
  s.server.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response&) {
    std::string query;
    for (const auto& [k, v] : req.params) query += (query.empty() ? "?" : "&") + k + "=" + v;
    std::lock_guard lock(s.mutex);
    s.requests.push_back(req.method + " " + req.path + query);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.server.Get("/user", [&s](const httplib::Request& req, httplib::Response& res) {
    const std::string login = s.authenticate(req, res);
    if (login.empty() || s.rate_limit(res)) return;
    if (login == "github-actions[bot]") {
      s.answer(res, 403, {{"message", "Resource not accessible by integration"}});
      return;
    }
    s.answer(res, 200, {{"login", login}, {"type", "User"}});
  });
  s.server.Get(R"(/repos/([^/]+)/([^/]+)/issues/(\d+)/comments)", [&s](const httplib::Request& req,
                                                                       httplib::Response& res) {
    if (s.authenticate(req, res).empty() || s.rate_limit(res)) return;
    if (req.matches[1] != "o" || req.matches[2] != "r" || req.matches[3] != "5") {
      s.answer(res, 404, {{"message", "Not Found"}});
      return;
    }
    std::lock_guard lock(s.mutex);
    const int per_page = std::min(s.page_size, req.has_param("per_page") ? std::stoi(req.get_param_value("per_page")) : 30);
    const int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 1;
    const int total = static_cast<int>(s.comments.size());
    const int pages = std::max(1, (total + per_page - 1) / per_page);
    json out = json::array();
    for (int i = (page - 1) * per_page; i < std::min(total, page * per_page); ++i) out.push_back(s.comment_json(s.comments[i]));
    if (page < pages) {
      const std::string base = (s.foreign_next.empty() ? s.origin() : s.foreign_next) + req.path +
                               "?per_page=" + std::to_string(per_page) + "&page=";
      res.set_header("Link", "<" + base + std::to_string(page + 1) + ">; rel=\"next\", <" + base +
                                 std::to_string(pages) + ">; rel=\"last\"");
    }
    s.answer(res, 200, out);
  });
  s.server.Post(R"(/repos/([^/]+)/([^/]+)/issues/(\d+)/comments)", [&s](const httplib::Request& req,
                                                                        httplib::Response& res) {
    const std::string login = s.authenticate(req, res);
    if (login.empty() || s.rate_limit(res)) return;
    if (login == "reader") {
      s.answer(res, 403, {{"message", "Resource not accessible by integration"}});
      return;
    }
    if (!s.check_body(req.body, res)) return;
    std::lock_guard lock(s.mutex);
    s.comments.push_back({s.next_id++, login, json::parse(req.body)["body"].get<std::string>()});
    s.answer(res, 201, s.comment_json(s.comments.back()));
  });
  s.server.Patch(R"(/repos/([^/]+)/([^/]+)/issues/comments/(\d+))", [&s](const httplib::Request& req,
                                                                         httplib::Response& res) {
    const std::string login = s.authenticate(req, res);
    if (login.empty() || s.rate_limit(res)) return;
    std::lock_guard lock(s.mutex);
    const auto id = std::stoull(req.matches[3]);
    const auto it = std::find_if(s.comments.begin(), s.comments.end(), [&](auto& c) { return c.id == id; });
    if (it == s.comments.end()) {
      s.answer(res, 404, {{"message", "Not Found"}});
      return;
    }
    if (login == "reader" || it->login != login) {
      s.answer(res, 403, {{"message", "Resource not accessible by integration"}});
      return;
    }
    if (!s.check_body(req.body, res)) return;
    it->body = json::parse(req.body)["body"].get<std::string>();
    s.answer(res, 200, s.comment_json(*it));
  });
  s.port = s.server.bind_to_any_port("127.0.0.1");
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  while (!s.server.is_running()) std::this_thread::yield();
}

FakeGithub::~FakeGithub() {
  m_state->server.stop();
  m_state->thread.join();
}

std::string FakeGithub::api() const { return m_state->origin(); }

std::uint64_t FakeGithub::add(const std::string& login, const std::string& body) {
  std::lock_guard lock(m_state->mutex);
  m_state->comments.push_back({m_state->next_id++, login, body});
  return m_state->comments.back().id;
}

std::vector<FakeComment> FakeGithub::comments() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->comments;
}

std::vector<std::string> FakeGithub::requests() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->requests;
}

void FakeGithub::set_rate_limited(bool on) {
  m_state->rate_limited = on;
}

void FakeGithub::set_foreign_next(const std::string& origin) {
  std::lock_guard lock(m_state->mutex);
  m_state->foreign_next = origin;
}

void FakeGithub::set_page_size(int n) {
  std::lock_guard lock(m_state->mutex);
  m_state->page_size = n;
}

}  // namespace claimcheck::test
