// relay_test_util.cpp: see relay_test_util.h.
#include "tests/relay/relay_test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace lingji::relay::test {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// 1 ready, 0 timeout, -1 error.
int wait_fd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    return r < 0 ? -1 : (r == 0 ? 0 : 1);
  }
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

}  // namespace

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

Socket Socket::connect(std::uint16_t port) {
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.fd_ < 0) throw std::runtime_error("socket() failed");
  const sockaddr_in a = loopback(port);
  if (::connect(s.fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed: " + std::strerror(errno));
  }
  const int one = 1;
  ::setsockopt(s.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return s;
}

bool Socket::send_all(const void* data, std::size_t n, int timeout_ms) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (n > 0) {
    if (wait_fd(fd_, POLLOUT, timeout_ms) != 1) return false;
    const ssize_t w = ::send(fd_, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

ReadOutcome Socket::read_some(Bytes& out, std::size_t cap, int timeout_ms) {
  out.resize(cap);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const int ready = wait_fd(fd_, POLLIN, ms_left(deadline));
    if (ready == 0) {
      out.clear();
      return ReadOutcome::kTimeout;
    }
    const ssize_t r = ::recv(fd_, out.data(), cap, MSG_DONTWAIT);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    out.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
    if (r > 0) return ReadOutcome::kData;
    return r == 0 ? ReadOutcome::kEof : ReadOutcome::kError;
  }
}

Bytes Socket::read_exact(std::size_t n, int timeout_ms) {
  Bytes all, part;
  all.reserve(n);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (all.size() < n) {
    if (read_some(part, std::min<std::size_t>(n - all.size(), 1 << 16), ms_left(deadline)) != ReadOutcome::kData) {
      break;
    }
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

void Socket::shutdown_send() { ::shutdown(fd_, SHUT_WR); }

Listener::Listener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port_ = ntohs(a.sin_port);
}

Listener::~Listener() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<Socket> Listener::accept(int timeout_ms) {
  if (wait_fd(fd_, POLLIN, timeout_ms) != 1) return std::nullopt;
  const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return Socket(fd);
}

Child::Child(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  const int rc = posix_spawn(&pid_, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  out_ = out[0];
  err_ = err[0];
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
}

Child::~Child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::close(out_);
  ::close(err_);
}

std::optional<std::string> Child::read_line(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (auto nl = pending_.find('\n'); nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    if (wait_fd(out_, POLLIN, ms_left(deadline)) != 1) return std::nullopt;
    char buf[512];
    const ssize_t r = ::read(out_, buf, sizeof buf);
    if (r <= 0) return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(r));
  }
}

std::string Child::read_stderr() {
  std::string all;
  char buf[512];
  while (wait_fd(err_, POLLIN, 2000) == 1) {
    const ssize_t r = ::read(err_, buf, sizeof buf);
    if (r <= 0) break;
    all.append(buf, static_cast<std::size_t>(r));
  }
  return all;
}

void Child::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

std::optional<int> Child::wait(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::uint64_t fnv1a(const Bytes& b) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::uint8_t c : b) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& c : b) c = static_cast<std::uint8_t>(rng());
  return b;
}

Bytes numbered(std::uint32_t first, std::uint32_t count) {
  Bytes b(std::size_t{count} * 4);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t v = first + i;
    for (int k = 0; k < 4; ++k) b[std::size_t{i} * 4 + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
  return b;
}

long first_out_of_order(const Bytes& b, std::uint32_t first) {
  for (std::size_t i = 0; i + 4 <= b.size(); i += 4) {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= std::uint32_t{b[i + k]} << (8 * k);
    if (v != first + i / 4) return static_cast<long>(i / 4);
  }
  return -1;
}

}  // namespace lingji::relay::test
