#include "net/wire_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/hash.h"
#include "net/handshake.h"
#include "net/net_errors.h"

namespace lingji::net {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kHandshakeWait{5000};

core::Error lost(const std::string& why) { return net_error("net.connection_lost", why); }

bool to_addr(const std::string& ip, uint16_t port, sockaddr_in& out) {
  std::memset(&out, 0, sizeof out);
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  return ::inet_pton(AF_INET, ip.c_str(), &out.sin_addr) == 1;
}

}  // namespace

core::Result<std::unique_ptr<WireClient>> WireClient::connect(const std::string& ip, uint16_t port,
                                                              const std::string& source_ip) {
  sockaddr_in to{}, from{};
  if (!to_addr(ip, port, to)) return net_error("net.bad_address", "not a numeric IPv4 address: " + ip);
  if (!source_ip.empty() && !to_addr(source_ip, 0, from))
    return net_error("net.bad_address", "not a numeric IPv4 address: " + source_ip);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return lost(std::strerror(errno));
  std::unique_ptr<WireClient> c(new WireClient(fd));
  if (!source_ip.empty() && ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
    return lost("bind " + source_ip + ": " + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
    return lost("connect " + ip + ":" + std::to_string(port) + ": " + std::strerror(errno));
  const int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return c;
}

WireClient::~WireClient() { ::close(fd_); }

bool WireClient::send_raw(core::ByteView bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool WireClient::send_frame(uint8_t type, core::ByteView payload) { return send_raw(encode_frame(type, payload)); }

bool WireClient::read_more(Clock::time_point deadline) {
  if (closed_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left)));
  if (ready <= 0) return false;
  std::array<uint8_t, 65536> buf{};
  const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  in_.insert(in_.end(), buf.begin(), buf.begin() + n);
  received_ += static_cast<size_t>(n);
  return true;
}

std::optional<std::pair<uint8_t, core::Bytes>> WireClient::read_frame(std::chrono::milliseconds timeout,
                                                                      bool keep_pings) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (in_.size() >= kFrameHeaderSize) {
      std::array<uint8_t, kFrameHeaderSize> h{};
      std::copy_n(in_.begin(), kFrameHeaderSize, h.begin());
      const FrameHeader fh = decode_frame_header(h);
      const size_t total = kFrameHeaderSize + fh.payload_size();
      if (in_.size() >= total) {
        core::Bytes payload(in_.begin() + kFrameHeaderSize, in_.begin() + static_cast<ptrdiff_t>(total));
        in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(total));
        if (fh.type == kPing && !keep_pings) {
          (void)send_frame(kPong, payload);
          continue;
        }
        return std::make_pair(fh.type, std::move(payload));
      }
    }
    if (!read_more(deadline)) return std::nullopt;
  }
}

bool WireClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (read_more(deadline)) {
  }
  return closed_;
}

int WireClient::goodbye_code() {
  while (auto f = read_frame(std::chrono::milliseconds(0))) {
    if (f->first != kGoodbye) continue;
    auto g = decode_goodbye(f->second);
    return g.ok() ? g->code : -1;
  }
  return 0;
}

core::Result<Hello> WireClient::send_hello(const core::Hash256& chain_id, const core::PrivateKey& identity,
                                           const HelloOptions& options) {
  core::ensure_sodium();
  mine_ = Hello{options.version, chain_id, options.claimed_id.value_or(identity.public_key()), options.listen_port,
                options.status, {}};
  randombytes_buf(mine_.nonce.bytes.data(), mine_.nonce.bytes.size());
  if (!send_frame(kHello, encode_hello(mine_))) return lost("cannot send hello");
  // The node's hello is its first frame; keep a goodbye for goodbye_code().
  auto f = read_frame(kHandshakeWait);
  if (!f) return lost("no hello from the node");
  if (f->first != kHello) {
    const core::Bytes frame = encode_frame(f->first, f->second);
    in_.insert(in_.begin(), frame.begin(), frame.end());  // for goodbye_code()
    return lost("the node sent frame type " + std::to_string(f->first) + " instead of hello");
  }
  auto h = decode_hello(f->second, options.version);
  if (!h) return h.error();
  theirs_ = *h;
  return *h;
}

core::Status WireClient::send_auth(const core::PrivateKey& identity) {
  if (!theirs_) return lost("no hello from the node yet");
  if (!send_frame(kAuth, encode_auth(identity, mine_, *theirs_))) return lost("cannot send auth");
  for (;;) {
    auto f = read_frame(kHandshakeWait);
    if (!f) return lost("no auth from the node");
    if (f->first == kGoodbye) {
      const core::Bytes frame = encode_frame(f->first, f->second);
      in_.insert(in_.begin(), frame.begin(), frame.end());  // for goodbye_code()
      return lost("the node said goodbye during the handshake");
    }
    if (f->first != kAuth) continue;
    return check_auth(f->second, *theirs_, mine_);
  }
}

core::Result<Hello> WireClient::handshake(const core::Hash256& chain_id, const core::PrivateKey& identity,
                                          const HelloOptions& options) {
  auto h = send_hello(chain_id, identity, options);
  if (!h) return h;
  if (auto st = send_auth(identity); !st) return st.error();
  return h;
}

}  // namespace lingji::net
