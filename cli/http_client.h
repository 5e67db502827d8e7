// http_client.h: a small synchronous HTTP/1.1 client (Boost.Beast, pimpl) for the CLI and for
// load generators talking to a lingjid API server.
//
// This header includes only standard headers on purpose: it is included from many files and the
// Beast headers alone cost ~20 s of compile time, so all Boost code lives in http_client.cpp.
//
// URLs: "http://HOST[:PORT][/]" only; HOST is a name, an IPv4 address or a bracketed IPv6
// address ("http://[::1]:8080"); PORT defaults to 80. No https, user info, path or query: the
// path goes in `target`. A non-empty request body is sent as application/json.
//
// Outcomes: ok == true means an HTTP response arrived, whatever its status (a 413 or 500 is
// still ok == true; look at result.status). ok == false means no response: bad URL, name not
// resolved, connection refused or reset, timeout, or a malformed or oversized (> 64 MiB)
// response; `error` then says which, and result is {0, ""}.
//
// Timeouts cover connect, write and read together, as one deadline per call. Name resolution of
// a non-numeric host is not covered (it uses the system resolver), so prefer numeric hosts.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace lingji::cli {

struct HttpResult {
  int status = 0;
  std::string body;
};

struct HttpOutcome {
  bool ok = false;
  HttpResult result;
  std::string error;  // empty when ok
};

// One request on a fresh connection, closed afterwards ("Connection: close").
// Example: http_request("http://127.0.0.1:8080", "GET", "/v1/info").
HttpOutcome http_request(const std::string& url, const std::string& method,
                         const std::string& target, const std::string& body = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A keep-alive connection that sends requests one after another. Not thread-safe: use one per
// thread. If the server answers "Connection: close" (as it does after a 413) or a request fails,
// the next request opens a new connection; a failed request itself is never retried, because
// it may not be idempotent.
class HttpConnection {
 public:
  // Connects now. On failure returns nullptr and sets `error`.
  static std::unique_ptr<HttpConnection> connect(
      const std::string& url, std::string& error,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends one request and reads its response; `timeout` (from connect) bounds each call.
  HttpOutcome request(const std::string& method, const std::string& target,
                      const std::string& body = "");

  // How many TCP connections this object has opened (1 if keep-alive always held).
  int connections_opened() const;

  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

 private:
  struct Impl;
  explicit HttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingji::cli
