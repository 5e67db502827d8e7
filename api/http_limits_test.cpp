// http_limits_test.cpp: HttpServer's connection caps and slow-client timeout (issue 14, item 9):
// a connection over the total or the per-IP cap gets 503 api.too_many_connections at once and a
// freed place serves again; a client that dribbles its request a byte at a time is cut at
// idle_timeout, however steadily it sends.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/http_server.h"

namespace lingji::api {
namespace {

using namespace std::chrono_literals;

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends one GET on a new connection and reads until the server closes (or 5 s).
std::string get(uint16_t port) {
  const int fd = connect_to(port);
  if (fd < 0) return "<connect failed>";
  const std::string req = "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return got;
}

std::unique_ptr<HttpServer> start(HttpServerOptions o) {
  auto server = std::make_unique<HttpServer>(std::move(o), [](const HttpRequest&) {
    return HttpResponse{200, "ok", "text/plain"};
  });
  EXPECT_TRUE(server->start().ok());
  return server;
}

// Holds n idle connections; waits until the server has accepted them (a request on another
// connection is answered after the earlier accepts).
std::vector<int> hold(uint16_t port, int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) fds.push_back(connect_to(port));
  std::this_thread::sleep_for(100ms);
  return fds;
}

void release(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

TEST(HttpLimitsTest, OverTheTotalCapIs503AndAFreedPlaceServesAgain) {
  HttpServerOptions o;
  o.max_connections = 3;
  o.max_connections_per_ip = 100;
  auto server = start(o);
  std::vector<int> idle = hold(server->port(), 3);
  const std::string refused = get(server->port());
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503")) << refused;
  EXPECT_NE(refused.find("\"code\":4019,\"name\":\"api.too_many_connections\""), std::string::npos) << refused;
  EXPECT_NE(refused.find("maximum of 3 connections"), std::string::npos) << refused;
  ::close(idle.back());
  idle.pop_back();
  std::this_thread::sleep_for(100ms);  // the server sees the close and frees the place
  EXPECT_TRUE(get(server->port()).starts_with("HTTP/1.1 200")) << "a freed place serves again";
  release(idle);
}

TEST(HttpLimitsTest, OverThePerIpCapIs503) {
  HttpServerOptions o;
  o.max_connections = 100;
  o.max_connections_per_ip = 2;
  auto server = start(o);
  std::vector<int> idle = hold(server->port(), 2);
  const std::string refused = get(server->port());
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503")) << refused;
  EXPECT_NE(refused.find("this address already holds its maximum of 2"), std::string::npos) << refused;
  release(idle);
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(get(server->port()).starts_with("HTTP/1.1 200"));
}

TEST(HttpLimitsTest, ManyRefusalsHoldNoPlace) {
  HttpServerOptions o;
  o.max_connections = 2;
  auto server = start(o);
  std::vector<int> idle = hold(server->port(), 2);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(get(server->port()).starts_with("HTTP/1.1 503")) << i;
  release(idle);
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(get(server->port()).starts_with("HTTP/1.1 200"));
}

// Slowloris: a byte every 100 ms keeps the connection busy but never finishes the request.
TEST(HttpLimitsTest, ARequestDribbledAByteAtATimeIsCutAtTheIdleTimeout) {
  HttpServerOptions o;
  o.idle_timeout = 1s;
  auto server = start(o);
  const int fd = connect_to(server->port());
  ASSERT_GE(fd, 0);
  const std::string req = "GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: " + std::string(200, 'a');
  const auto t0 = std::chrono::steady_clock::now();
  bool cut = false;
  for (char c : req) {
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
      cut = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
    char b;
    if (::recv(fd, &b, 1, MSG_DONTWAIT) == 0) {  // orderly close by the server
      cut = true;
      break;
    }
  }
  const auto waited = std::chrono::steady_clock::now() - t0;
  ::close(fd);
  EXPECT_TRUE(cut);
  EXPECT_LT(waited, 3s) << "the timeout bounds the whole request, not the gap between bytes";
}

}  // namespace
}  // namespace lingji::api
