#pragma once
// HTTP at the process edge: a small seam (HttpTransport) with one real implementation over
// libcurl. Redirects are not followed, so a token is only ever sent to the URL it was meant for.

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace claimcheck {

struct HttpRequest {
  std::string method = "GET";                                // GET, POST, PATCH
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;                                          // sent when not empty
};

struct HttpResponse {
  long status = 0;                            // HTTP status code
  std::map<std::string, std::string> headers;  // names in lower case; the last value of a repeated header
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends the request and returns the response, whatever its status. Throws std::runtime_error
  // when no response arrives (DNS, connection, TLS, timeout), naming the URL and the cause.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(std::chrono::seconds timeout = std::chrono::seconds(60));
  HttpResponse send(const HttpRequest& request) override;

 private:
  std::chrono::seconds m_timeout;
};

}  // namespace claimcheck
