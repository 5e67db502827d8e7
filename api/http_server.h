// http_server.h: a small HTTP/1.1 server (Boost.Beast, pimpl) that hands every request to one
// HttpHandler and writes back its HttpResponse.
//
// This header includes only standard headers (and core/result.h, itself standard-only) on
// purpose: it is included from many files and the Beast headers alone cost ~20 s of compile
// time, so all Boost code lives in http_server.cpp.
//
// Behaviour:
//   - Keep-alive sessions, each served in order on its own strand. A connection idle (or stalled
//     mid-request) for idle_timeout is closed.
//   - Limits: request header 8 KiB, body max_body_bytes. Both are enforced while parsing, before
//     the handler runs, so an oversized request never reaches the handler or grows memory.
//   - Every method (GET, POST, HEAD, OPTIONS, custom verbs) is passed to the handler. For HEAD the
//     response carries Content-Length of the handler's body but no body bytes.
//   - Each response gets "Server: lingjid" and "Content-Length", except 204 and 304: those are
//     sent with neither body nor Content-Length (RFC 9110), whatever the handler returned.
//   - Errors the server answers itself, as JSON {"error":{"code":N,"name":"...","message":"..."}};
//     the handler never sees the first three, and the connection is closed after them:
//       413 api.request_too_large body over max_body_bytes
//       431 api.request_too_large header block over 8 KiB
//       400 api.malformed_http bytes that do not parse as HTTP/1.x
//       500 api.internal_error the handler threw, or returned a status outside 200..599 or a
//                                content_type with control characters (response splitting)
//     (the connection stays open after a 500 if the client asked for keep-alive).
//   - Connection caps: at most max_connections open at once, and max_connections_per_ip of them
//     from one IP address. A connection over a cap is answered at once, in the accept handler,
//     with 503 api.too_many_connections (JSON as above, Retry-After: 1) and closed: the server
//     never holds more than max_connections sockets (plus the one being refused), so a caller
//     can size max_connections to leave the rest of the process the descriptors it needs
//     (lingjid does, from its limit). The request a refused client sent first is read and
//     dropped; one that sends it only later may see a reset instead of the 503.
//   - Slow clients (slowloris): idle_timeout bounds the whole of one request, however slowly its
//     bytes come, not the gap between two bytes.
//
// Threading: the io_context runs on options.threads threads, and the handler may be called
// concurrently from all of them (never twice at once for one connection). A slow handler holds a
// thread, so with threads = 2 two slow requests stall every other client: keep handlers short.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace lingji::api {

struct HttpRequest {
  std::string method;  // as sent: "GET", "POST", "HEAD", ...
  std::string target;  // origin form as sent, query included: "/v1/info?x=1"
  std::string body;
  std::string content_type;  // value of the Content-Type header, "" if absent
  std::string remote;        // peer as "ip:port"; stable across requests on one connection
};

struct HttpResponse {
  int status = 200;  // must be 200..599 (1xx cannot be final), else the client gets a 500
  std::string body;
  std::string content_type = "application/json";
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6 address; no host names
  uint16_t port = 0;                  // 0: let the kernel pick; read it back with port()
  int threads = 2;                    // values below 1 are treated as 1
  size_t max_body_bytes = 1 << 20;
  std::chrono::seconds idle_timeout{30};  // Requires: > 0 (also bounds a slow request or reply)
  size_t max_connections = 512;           // open at once; values below 1 are treated as 1
  size_t max_connections_per_ip = 32;     // of them from one IP address; below 1 is 1
  // Called (possibly concurrently) with the what() of an exception thrown by the handler. The
  // client only ever sees a generic message, so that internals do not leak. May be empty.
  std::function<void(const std::string&)> on_handler_error;
};

class HttpServer {
 public:
  // Requires: handler is callable. Nothing is bound until start().
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // stop()s and joins the threads
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, then starts the threads. If it cannot listen, returns api.listen_failed
  // naming the address and the failing step and reason ("bind 127.0.0.1:80: Address already in
  // use", "invalid listen address"); the server is then unusable. Returns api.already_started if
  // start() or stop() was called before.
  core::Status start();

  // The bound port (the kernel's choice when options.port was 0); 0 before start().
  uint16_t port() const;

  // Stops accepting, closes every connection (in-flight requests are cut, their clients see the
  // connection close) and joins the threads. Idempotent; safe without start().
  // Requires: not called from inside the handler (it would join its own thread).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingji::api
