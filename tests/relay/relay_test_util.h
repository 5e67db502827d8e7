// relay_test_util.h: plain blocking POSIX sockets and a child process for relay_test.
//
// Every wait has a timeout, so that a broken relay fails a test instead of hanging it; this is
// why the tests do not use Asio's synchronous calls, which ignore SO_RCVTIMEO.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lingji::relay::test {

using Bytes = std::vector<std::uint8_t>;

// What a read saw: data, the peer's FIN, a reset or other error, or nothing before the timeout.
enum class ReadOutcome { kData, kEof, kError, kTimeout };

class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket();
  Socket(Socket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Socket& operator=(Socket&& o) noexcept;

  // Connects to 127.0.0.1:port with TCP_NODELAY; throws std::runtime_error on failure.
  static Socket connect(std::uint16_t port);

  // Sends everything; false on error or if the peer does not take data for timeout_ms.
  bool send_all(const void* data, std::size_t n, int timeout_ms = 5000);
  bool send_all(const std::string& s) { return send_all(s.data(), s.size()); }
  bool send_all(const Bytes& b) { return send_all(b.data(), b.size()); }
  // One read of up to `cap` bytes into out (resized to what was read).
  ReadOutcome read_some(Bytes& out, std::size_t cap, int timeout_ms);
  // Reads exactly n bytes (fewer on EOF, error or once timeout_ms has passed in total).
  Bytes read_exact(std::size_t n, int timeout_ms);
  void shutdown_send();

 private:
  int fd_;
};

// A listener on 127.0.0.1, port chosen by the kernel.
class Listener {
 public:
  Listener();
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  std::uint16_t port() const { return port_; }
  // The next accepted connection, or nullopt after timeout_ms.
  std::optional<Socket> accept(int timeout_ms);

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A child process with its stdout and stderr on pipes; SIGKILLed by the destructor if running.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // The next line of stdout without its newline, or nullopt on EOF or timeout.
  std::optional<std::string> read_line(int timeout_ms);
  // All of stderr until EOF (call after the child exited).
  std::string read_stderr();
  void signal(int sig);
  // The exit code (128 + signal if killed), or nullopt if it is still running after timeout_ms.
  std::optional<int> wait(int timeout_ms);

 private:
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string pending_;
};

// 64-bit FNV-1a, to compare large transfers with a readable failure message.
std::uint64_t fnv1a(const Bytes& b);
Bytes random_bytes(std::size_t n, std::uint32_t seed);
// 0, 1, 2, ... as little-endian uint32s, and the check that reads them back.
Bytes numbered(std::uint32_t first, std::uint32_t count);
// The index of the first uint32 that is not first+i, or -1 if all are in order.
long first_out_of_order(const Bytes& b, std::uint32_t first);

}  // namespace lingji::relay::test
