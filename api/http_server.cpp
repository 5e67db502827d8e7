// http_server.cpp: the Beast side of HttpServer (contract in http_server.h).
//
// Shape: the accept loop runs on the io_context and gives each connection its own strand and
// Session. A Session owns its beast::tcp_stream, whose expiry is the idle timeout, and loops
//   read (request_parser with header and body limits) -> handler -> write
// until the peer closes, asks for Connection: close, errs, or times out. All of a Session's
// completion handlers run on its strand, so a Session needs no locks.
//
// Connection caps: Limits counts the sessions, in total and per IP address, and hands each a
// Slot that gives its place back when the Session is destroyed. A connection over a cap is
// answered and closed inside the accept handler (refuse_now), so it holds its descriptor for a
// few system calls: the server holds at most max_connections sockets plus the one being refused,
// whatever clients do (issue 14, item 9: unbounded connections took every descriptor, and the
// safety store then failed to persist votes).
//
// Lifetime: sessions keep themselves alive through the shared_ptr captured in their pending
// handlers. stop() stops and joins the threads, then destroys the io_context, which destroys the
// pending handlers and with them every Session and socket.
#include "api/http_server.h"

#include "api/api_errors.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace lingji::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Response = http::response<http::string_body>;

constexpr std::uint32_t kHeaderLimit = 8 * 1024;
// After an error response the server keeps reading, and discarding, for up to this long before
// it closes. Closing a socket that still has unread input makes the kernel send RST, which can
// destroy the response before the client reads it: a client still uploading an oversized body
// would see "connection reset" instead of the 413 that explains why.
constexpr std::chrono::seconds kLingerTime{5};
// An accept error such as EMFILE repeats at once; retrying after a pause avoids a busy loop.
constexpr std::chrono::milliseconds kAcceptRetry{100};
// Connections taken from the backlog per accept completion (see Impl::on_accept).
constexpr int kAcceptBatch = 64;

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

std::string error_json(ApiErrorRef e, std::string_view message) {
  return "{\"error\":{\"code\":" + std::to_string(e.def->code) + ",\"name\":\"" + json_escape(e.def->name) +
         "\",\"message\":\"" + json_escape(message) + "\"}}";
}

std::string endpoint_string(const tcp::endpoint& ep) {
  const std::string ip = ep.address().to_string();
  const std::string host = ep.address().is_v6() ? "[" + ip + "]" : ip;
  return host + ":" + std::to_string(ep.port());
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category();
}

// Header values must not carry CR/LF or other control characters: a handler that echoes user
// input into Content-Type would otherwise let a client inject headers (response splitting).
bool is_safe_header_value(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
  });
}

struct Config {
  HttpServerOptions options;
  HttpHandler handler;
};

// The open sessions, in total and per IP address (see the top of this file). Thread-safe.
class Limits : public std::enable_shared_from_this<Limits> {
 public:
  Limits(size_t max_total, size_t max_per_ip)
      : max_total_(max_total),
        max_per_ip_(max_per_ip),
        total_full_(refusal("the server already holds its maximum of " + std::to_string(max_total) +
                            " connections; retry later")),
        ip_full_(refusal("this address already holds its maximum of " + std::to_string(max_per_ip) +
                         " connections")) {}

  // A place held by one connection; gives it back when destroyed.
  class Slot {
   public:
    Slot(std::shared_ptr<Limits> limits, std::string ip) : limits_(std::move(limits)), ip_(std::move(ip)) {}
    Slot(Slot&&) = default;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (limits_) limits_->release(ip_);
    }

   private:
    std::shared_ptr<Limits> limits_;
    std::string ip_;
  };

  // A slot for a new connection, or nullopt with the bytes of the 503 to send in *refusal.
  // The total is checked first, without the address: refusing a flood costs no formatting.
  std::optional<Slot> admit(const tcp::socket& socket, const std::string** refusal) {
    std::lock_guard lock(mu_);
    if (total_ >= max_total_) {
      *refusal = &total_full_;
      return std::nullopt;
    }
    beast::error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    const std::string ip = ec ? std::string() : peer.address().to_string();
    auto it = per_ip_.try_emplace(ip, 0).first;
    if (it->second >= max_per_ip_) {
      *refusal = &ip_full_;
      return std::nullopt;
    }
    ++it->second;
    ++total_;
    return Slot(shared_from_this(), ip);
  }

 private:
  void release(const std::string& ip) {
    std::lock_guard lock(mu_);
    --total_;
    auto it = per_ip_.find(ip);
    if (--it->second == 0) per_ip_.erase(it);  // the map holds only addresses with connections
  }

  // The whole HTTP response of a refusal: 503 api.too_many_connections, Connection: close.
  static std::string refusal(const std::string& why) {
    const std::string body = error_json("api.too_many_connections", why);
    return "HTTP/1.1 503 Service Unavailable\r\nServer: lingjid\r\nContent-Type: application/json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  const size_t max_total_, max_per_ip_;
  const std::string total_full_, ip_full_;
  std::mutex mu_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> per_ip_;  // at most max_total_ entries
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<const Config> config, Limits::Slot slot)
      : slot_(std::move(slot)), stream_(std::move(socket)), config_(std::move(config)) {
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint_string(peer);
  }

  // The socket was accepted onto a strand; run on it from the first step.
  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read_request, shared_from_this()));
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(static_cast<std::uint64_t>(config_->options.max_body_bytes));
    stream_.expires_after(config_->options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::end_of_stream) {  // clean close between requests
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      return;
    }
    if (ec == http::error::body_limit) {
      return send_error(
          http::status::payload_too_large, "api.request_too_large",
          "request body exceeds " + std::to_string(config_->options.max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return send_error(http::status::request_header_fields_too_large, "api.request_too_large",
                        "request header exceeds " + std::to_string(kHeaderLimit) + " bytes");
    }
    // partial_message is a peer that closed mid-request: nobody is left to read an answer.
    if (is_http_parse_error(ec) && ec != http::error::partial_message) {
      return send_error(http::status::bad_request, "api.malformed_http",
                        "malformed HTTP request: " + ec.message());
    }
    // Anything else is a timeout (the stream has closed the socket), a reset, or stop().
    if (ec) return;
    handle(parser_->release());
  }

  void handle(http::request<http::string_body> req) {
    const bool head = req.method() == http::verb::head;
    const bool keep_alive = req.keep_alive();
    const unsigned version = req.version();
    HttpRequest in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    in.content_type = std::string(req[http::field::content_type]);
    in.body = std::move(req.body());
    in.remote = remote_;
    HttpResponse out = call_handler(in);

    auto res = std::make_shared<Response>(static_cast<http::status>(out.status), version);
    res->set(http::field::server, "lingjid");
    if (!out.content_type.empty()) res->set(http::field::content_type, out.content_type);
    res->keep_alive(keep_alive);
    if (out.status == 204 || out.status == 304) {
      // No body and no Content-Length (RFC 9110 section 8.6).
    } else if (head) {
      res->content_length(out.body.size());  // what a GET would carry; no body bytes follow
    } else {
      res->body() = std::move(out.body);
      res->prepare_payload();
    }
    write(std::move(res), !keep_alive);
  }

  // Never throws: a throwing or misbehaving handler becomes a 500, never a dead process.
  HttpResponse call_handler(const HttpRequest& in) {
    std::optional<HttpResponse> out = run_handler(in);
    if (!out) return internal_error_response();
    if (out->status < 200 || out->status > 599) {
      report("handler returned HTTP status " + std::to_string(out->status));
      return internal_error_response();
    }
    if (!is_safe_header_value(out->content_type)) {
      report("handler returned a content_type with control characters");
      return internal_error_response();
    }
    return std::move(*out);
  }

  // The handler's response, or nullopt (reported) if it threw. A throwing handler is a bug in
  // it; this catch is the boundary that keeps the bug from taking the server down.
  std::optional<HttpResponse> run_handler(const HttpRequest& in) {
    try {
      return config_->handler(in);
    } catch (const std::exception& e) {
      report(e.what());
    } catch (...) {
      report("handler threw a non-std exception");
    }
    return std::nullopt;
  }

  static HttpResponse internal_error_response() {
    HttpResponse err;
    err.status = 500;
    err.body = error_json("api.internal_error", "internal error while handling the request");
    return err;
  }

  void report(const std::string& what) {
    if (!config_->options.on_handler_error) return;
    try {
      config_->options.on_handler_error(what);
    } catch (...) {  // a failing logger must not take the connection down with it
    }
  }

  void send_error(http::status status, ApiErrorRef error, const std::string& message) {
    auto res = std::make_shared<Response>(status, 11);
    res->set(http::field::server, "lingjid");
    res->set(http::field::content_type, "application/json");
    res->keep_alive(false);
    res->body() = error_json(error, message);
    res->prepare_payload();
    write(std::move(res), /*close_after=*/true);
  }

  void write(std::shared_ptr<Response> res, bool close_after) {
    res_ = std::move(res);
    stream_.expires_after(config_->options.idle_timeout);
    http::async_write(stream_, *res_,
                      [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                        self->res_.reset();
                        if (ec) return;
                        if (close_after) return self->linger_close();
                        self->read_request();
                      });
  }

  // Half-close, then discard input until the peer closes or kLingerTime passes (see kLingerTime).
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    const std::chrono::steady_clock::duration linger =
        std::min<std::chrono::steady_clock::duration>(kLingerTime, config_->options.idle_timeout);
    stream_.expires_after(linger);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(drain_buf_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) self->drain();
                            });
  }

  // Declared first so that it is destroyed last: the place is given back after the socket closes.
  Limits::Slot slot_;
  beast::tcp_stream stream_;
  std::shared_ptr<const Config> config_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Response> res_;
  std::array<char, 4096> drain_buf_{};
};

// Answers a connection over a cap with 503 api.too_many_connections and closes it, without
// waiting for anything: a flood of connections must not hold descriptors while being refused.
// The request the client may already have sent is read (and dropped) first, because closing a
// socket with unread input sends RST, which can destroy the answer before the client reads it.
// Best effort: a client that sends its request later may see a reset instead.
void refuse_now(tcp::socket& socket, const std::string& response) {
  beast::error_code ec;
  socket.non_blocking(true, ec);
  std::array<char, 4096> scratch;
  for (int i = 0; i < 4 && !ec; ++i) socket.read_some(net::buffer(scratch), ec);
  socket.write_some(net::buffer(response), ec);  // fits the empty send buffer of a new socket
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

}  // namespace

struct HttpServer::Impl {
  std::shared_ptr<const Config> config;
  std::shared_ptr<Limits> limits;
  int thread_count = 1;
  // Destroyed by stop() in reverse order of construction: the acceptor and timer need the
  // io_context, and destroying the io_context destroys every remaining Session.
  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> retry_timer;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> port{0};
  std::mutex mu;  // guards started and stopped, and serialises start() against stop()
  bool started = false;
  bool stopped = false;

  // Only one accept or retry wait is pending at a time, so this chain needs no strand.
  void accept() {
    acceptor->async_accept(net::make_strand(*ioc), [this](beast::error_code ec, tcp::socket sock) {
      on_accept(ec, std::move(sock));
    });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;  // stop()
    if (ec) {
      retry_timer->expires_after(kAcceptRetry);
      retry_timer->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    take(std::move(socket));
    // Whatever else is queued is taken at once, without a round trip through the reactor per
    // connection: a flood in the backlog is refused at the speed of accept(2), so an honest
    // client behind it waits milliseconds (the acceptor is non-blocking: this never waits).
    for (int i = 0; i < kAcceptBatch; ++i) {
      beast::error_code next_ec;
      tcp::socket next = acceptor->accept(net::make_strand(*ioc), next_ec);
      if (next_ec) break;
      take(std::move(next));
    }
    accept();
  }

  void take(tcp::socket socket) {
    const std::string* refusal = nullptr;
    std::optional<Limits::Slot> slot = limits->admit(socket, &refusal);
    if (slot) std::make_shared<Session>(std::move(socket), config, std::move(*slot))->run();
    else refuse_now(socket, *refusal);
  }

  void run_thread() {
    // Handlers catch what they expect; anything else (bad_alloc, say) must not terminate the
    // process through an uncaught exception on this thread, so keep serving.
    for (;;) {
      try {
        ioc->run();
        return;
      } catch (...) {
      }
    }
  }
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->thread_count = std::max(1, options.threads);
  impl_->limits = std::make_shared<Limits>(std::max<size_t>(1, options.max_connections),
                                           std::max<size_t>(1, options.max_connections_per_ip));
  impl_->config = std::make_shared<const Config>(Config{std::move(options), std::move(handler)});
  impl_->ioc = std::make_unique<net::io_context>(impl_->thread_count);
  impl_->acceptor = std::make_unique<tcp::acceptor>(*impl_->ioc);
  impl_->retry_timer = std::make_unique<net::steady_timer>(*impl_->ioc);
}

HttpServer::~HttpServer() { stop(); }

core::Status HttpServer::start() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.started || s.stopped)
    return api_error("api.already_started", "HttpServer::start: already started or stopped");
  s.started = true;

  const HttpServerOptions& o = s.config->options;
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(o.address, ec);
  if (ec) {
    return api_error("api.listen_failed", "http server: invalid listen address \"" + o.address + "\"");
  }
  const tcp::endpoint ep(address, o.port);
  auto fail = [&](const std::string& step) -> core::Status {
    beast::error_code ignored;
    s.acceptor->close(ignored);
    return api_error("api.listen_failed",
                     "http server: cannot " + step + " " + endpoint_string(ep) + ": " + ec.message());
  };
  s.acceptor->open(ep.protocol(), ec);
  if (ec) return fail("open a socket for");
  // SO_REUSEADDR lets a restarted node bind while old connections sit in TIME_WAIT; on Linux it
  // still refuses a port that another socket is listening on.
  s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR on");
  s.acceptor->bind(ep, ec);
  if (ec) return fail("bind");
  s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  s.acceptor->non_blocking(true, ec);  // for the batch of synchronous accepts in on_accept
  if (ec) return fail("set non-blocking mode on");
  const tcp::endpoint bound = s.acceptor->local_endpoint(ec);
  if (ec) return fail("read the bound port of");
  s.port = bound.port();

  s.accept();
  for (int i = 0; i < s.thread_count; ++i) s.threads.emplace_back([&s] { s.run_thread(); });
  return core::Ok();
}

uint16_t HttpServer::port() const { return impl_->port.load(); }

void HttpServer::stop() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.stopped) return;
  s.stopped = true;
  s.ioc->stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  s.retry_timer.reset();
  s.acceptor.reset();
  s.ioc.reset();
}

}  // namespace lingji::api
