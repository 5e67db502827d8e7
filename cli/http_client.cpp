// http_client.cpp: the Beast side of http_request and HttpConnection (contract in http_client.h).
//
// Calls are synchronous for the caller but use Beast's async operations on a private
// io_context, because beast::tcp_stream enforces its expiry only on async operations; each call
// runs the io_context until its operations finish or the deadline closes the socket.
#include "cli/http_client.h"

#include <cctype>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace lingji::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Bounds memory if a server (or whatever answers on that port) sends an endless body.
constexpr std::uint64_t kMaxResponseBody = 64ull << 20;

struct Url {
  std::string host;  // without brackets
  uint16_t port = 80;
  std::string authority;  // for the Host header, as written in the URL
};

bool parse_url(const std::string& url, Url& out, std::string& error) {
  constexpr std::string_view kScheme = "http://";
  error = "unsupported URL \"" + url + "\": expected http://HOST[:PORT]";
  if (url.compare(0, kScheme.size(), kScheme) != 0) return false;
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) return false;
  out.authority = std::string(rest);

  std::string_view port_text;
  if (rest.front() == '[') {  // [IPv6]:port
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return false;
    out.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port_text = after.substr(1);
      if (port_text.empty()) return false;
    }
  } else {
    const size_t colon = rest.find(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return false;
    }
  }
  if (out.host.empty()) return false;
  if (!port_text.empty()) {
    if (port_text.size() > 5) return false;
    uint32_t port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535) return false;
    out.port = static_cast<uint16_t>(port);
  }
  error.clear();
  return true;
}

// One connection's state; shared by http_request (one shot) and HttpConnection (keep-alive).
struct Conn {
  Url url;
  std::chrono::milliseconds timeout{0};
  bool keep_alive = true;
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;
  int opened = 0;

  void run() {
    ioc.restart();
    ioc.run();
  }

  std::string describe(const beast::error_code& ec) const {
    if (ec == beast::error::timeout) {
      return "timed out after " + std::to_string(timeout.count()) + " ms";
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof) {
      return "connection closed by the server";
    }
    return ec.message();
  }

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    open = false;
  }

  bool connect(std::string& error) {
    close();
    const std::string where = url.authority;
    beast::error_code ec;
    std::vector<tcp::endpoint> endpoints;
    const net::ip::address address = net::ip::make_address(url.host, ec);
    if (!ec) {
      endpoints.emplace_back(address, url.port);
    } else {
      tcp::resolver resolver(ioc);
      const auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
      if (ec) {
        error = "cannot resolve " + url.host + ": " + ec.message();
        return false;
      }
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }
    stream.expires_after(timeout);
    stream.async_connect(endpoints, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) {
      error = "cannot connect to " + where + ": " + describe(ec);
      close();
      return false;
    }
    stream.socket().set_option(tcp::no_delay(true), ec);  // small requests, no Nagle delay
    open = true;
    ++opened;
    return true;
  }

  HttpOutcome request(const std::string& method, const std::string& target,
                      const std::string& body) {
    HttpOutcome out;
    // A connect made by this call shares its deadline: one timeout bounds the whole call.
    const bool connected_now = !open;
    if (connected_now && !connect(out.error)) return out;

    http::request<http::string_body> req;
    const http::verb verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) {
      req.method_string(method);
    } else {
      req.method(verb);
    }
    req.target(target);
    req.version(11);
    req.set(http::field::host, url.authority);
    req.set(http::field::user_agent, "lingji-cli");
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.keep_alive(keep_alive);
    req.body() = body;
    req.prepare_payload();

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    parser.skip(verb == http::verb::head);  // a HEAD response has Content-Length but no body

    // Write and read at the same time: a server may answer before it has read the whole
    // request (a 413 for an oversized body), and that answer must not be lost to a failed write.
    if (!connected_now) stream.expires_after(timeout);
    bool write_done = false;
    bool read_done = false;
    beast::error_code write_ec;
    beast::error_code read_ec;
    http::async_write(stream, req, [&](beast::error_code e, std::size_t) {
      write_done = true;
      write_ec = e;
    });
    http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) {
      read_done = true;
      read_ec = e;
      if (!write_done) stream.cancel();  // the server has answered; the rest is moot
    });
    run();

    if (read_ec) {
      out.error = describe(read_ec);
      close();
      return out;
    }
    out.ok = true;
    out.result.status = static_cast<int>(parser.get().result_int());
    out.result.body = std::move(parser.get().body());
    // A half-written request leaves the stream out of step; only a clean exchange is reused.
    if (!keep_alive || !write_done || write_ec || !parser.get().keep_alive()) close();
    return out;
  }
};

}  // namespace

struct HttpConnection::Impl {
  Conn conn;
};

HttpConnection::HttpConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpConnection::~HttpConnection() = default;

std::unique_ptr<HttpConnection> HttpConnection::connect(const std::string& url, std::string& error,
                                                        std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  if (!parse_url(url, impl->conn.url, error)) return nullptr;
  impl->conn.timeout = timeout;
  if (!impl->conn.connect(error)) return nullptr;
  error.clear();
  return std::unique_ptr<HttpConnection>(new HttpConnection(std::move(impl)));
}

HttpOutcome HttpConnection::request(const std::string& method, const std::string& target,
                                    const std::string& body) {
  return impl_->conn.request(method, target, body);
}

int HttpConnection::connections_opened() const { return impl_->conn.opened; }

HttpOutcome http_request(const std::string& url, const std::string& method,
                         const std::string& target, const std::string& body,
                         std::chrono::milliseconds timeout) {
  Conn conn;
  HttpOutcome out;
  if (!parse_url(url, conn.url, out.error)) return out;
  conn.timeout = timeout;
  conn.keep_alive = false;
  return conn.request(method, target, body);
}

}  // namespace lingji::cli
