// wire_client.h: a blocking client of the P2P wire protocol (frame.h, handshake.h), for tests and
// tools such as a hostile-peer tool: it connects from a chosen local address, does the
// authenticated handshake with any identity (or claims one it cannot prove), and sends arbitrary
// frames or raw bytes. POSIX sockets, no Asio; one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/keys.h"
#include "core/result.h"
#include "net/frame.h"

namespace lingji::net {

class WireClient {
 public:
  // Connects to ip:port (numeric IPv4) from source_ip ("" = any; on Linux every 127/8 address
  // reaches loopback, so a test's misbehaving client can be banned without banning 127.0.0.1).
  // Errors: net.bad_address, net.connection_lost.
  [[nodiscard]] static core::Result<std::unique_ptr<WireClient>> connect(const std::string& ip, uint16_t port,
                                                                        const std::string& source_ip = "");
  ~WireClient();
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  struct HelloOptions {
    uint32_t version = 2;
    uint16_t listen_port = 0;
    core::Bytes status;
    std::optional<core::Hash256> claimed_id;  // node_id to claim; default: the identity's own
  };
  // Sends our hello (fresh nonce) and reads the node's; returns the node's hello.
  // Errors: net.connection_lost (closed or no hello within the timeout; a goodbye is kept for
  // goodbye_code()), or the node's hello does not decode.
  [[nodiscard]] core::Result<Hello> send_hello(const core::Hash256& chain_id, const core::PrivateKey& identity,
                                               const HelloOptions& options);
  [[nodiscard]] core::Result<Hello> send_hello(const core::Hash256& chain_id, const core::PrivateKey& identity) {
    return send_hello(chain_id, identity, HelloOptions{});
  }
  // Sends the auth proving `identity` for the node's hello; then reads the node's auth and checks
  // it. Requires: send_hello succeeded. Errors: net.connection_lost, net.bad_auth.
  [[nodiscard]] core::Status send_auth(const core::PrivateKey& identity);
  // send_hello, then send_auth: a complete handshake as an honest node.
  [[nodiscard]] core::Result<Hello> handshake(const core::Hash256& chain_id, const core::PrivateKey& identity,
                                              const HelloOptions& options);
  [[nodiscard]] core::Result<Hello> handshake(const core::Hash256& chain_id, const core::PrivateKey& identity) {
    return handshake(chain_id, identity, HelloOptions{});
  }

  // Our hello and the node's, once sent and received.
  const Hello& mine() const { return mine_; }
  const std::optional<Hello>& theirs() const { return theirs_; }

  bool send_frame(uint8_t type, core::ByteView payload);
  bool send_raw(core::ByteView bytes);
  // Reads one frame within the timeout; nullopt on timeout, close or error. Pings are answered
  // and skipped unless keep_pings.
  std::optional<std::pair<uint8_t, core::Bytes>> read_frame(std::chrono::milliseconds timeout, bool keep_pings = false);
  // Reads until the node closes the connection; false on timeout. Frames arriving meanwhile are
  // kept for read_frame.
  bool wait_closed(std::chrono::milliseconds timeout);
  // The code of the first goodbye among the buffered frames, or 0 (frames before it are dropped).
  int goodbye_code();
  bool closed() const { return closed_; }
  size_t received() const { return received_; }

 private:
  explicit WireClient(int fd) : fd_(fd) {}
  bool read_more(std::chrono::steady_clock::time_point deadline);

  int fd_;
  core::Bytes in_;
  size_t received_ = 0;
  bool closed_ = false;
  Hello mine_;
  std::optional<Hello> theirs_;
};

}  // namespace lingji::net
