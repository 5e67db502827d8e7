// p2p_impl.h: the Asio side of P2p (contract in p2p.h, wire format in frame.h, pure rules in
// peer_rules.h, peer_score.h and handshake.h), shared by the files that implement it:
//   p2p.cpp            accepting, dialling, stopping, and the public calls
//   p2p_handshake.cpp  hello, auth, the one-connection-per-node rule, bans and scores
//   p2p_conn.cpp       one connection's reads, writes, timers and close
// Internal: only these files include it (and with it Boost.Asio, which costs seconds of compile
// time in every includer).
//
// Shape: one io_context run by one thread. Impl owns the acceptor, the dial targets and the live
// connections, and every step runs on that thread, so only the peer snapshot (which peers() reads
// from any thread) needs a lock. Public calls post their work to the thread.
//
// A connection (Conn) moves   kHandshake -> kOpen -> kClosing -> kClosed.
//   kHandshake  our hello is queued (and our auth once their hello came); only hello, auth or
//               goodbye may arrive; the timer is the deadline.
//   kOpen       their proof verified; frames flow; the timer wakes for the next ping or the idle
//               deadline.
//   kClosing    drop() has run: the Conn left every map, the Handler was told, and nothing more
//               is delivered. If a goodbye is owed, it is written after the frame in flight (the
//               rest of the queue is discarded), then we half-close and discard input until the
//               peer closes or kCloseLinger passes (closing a socket with unread input makes the
//               kernel send RST, which can destroy the goodbye before the peer reads it).
//   kClosed     the socket is closed; pending handlers see it and return.
// Exactly one read is pending per Conn at any time (header, payload chunk or discard), or the
// read timer while its frame rate is over the limit, and at most one write; each handler holds a
// shared_ptr<Conn>, so a Conn lives until its last handler.
//
// Stop: shutdown() runs on the thread, closes the acceptor and the dials, drops every Conn with
// goodbye net.shutdown (bounded by kStopLinger) and releases the work guard, so run() returns
// once the last socket is closed. Impl is destroyed only after the thread is joined.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/p2p.h"
#include "net/peer_rules.h"
#include "net/peer_score.h"

namespace lingji::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using Frame = std::shared_ptr<const core::Bytes>;
using std::chrono::milliseconds;

// A large payload is read in chunks of this size, so memory grows with the bytes that actually
// arrive, not with what a peer announces (64 peers each announcing a 4 MiB block and then
// trickling would otherwise pin 256 MiB).
inline constexpr size_t kReadChunk = 64 * 1024;
inline constexpr milliseconds kCloseLinger{1000};
inline constexpr milliseconds kStopLinger{250};
// An accept error such as EMFILE repeats at once; a pause avoids a busy loop.
inline constexpr milliseconds kAcceptRetry{100};

// One key per host: an IPv4 peer reaching a dual-stack socket appears as ::ffff:a.b.c.d.
std::string ip_key(const asio::ip::address& a);
std::string endpoint_string(const tcp::endpoint& ep);
Frame make_frame(uint8_t type, core::ByteView payload);
inline std::string short_hex(const core::Hash256& h) { return h.hex().substr(0, 16); }

struct DialTarget {
  enum class State { kWaiting, kConnecting, kConnected, kWaitingForNode, kSelf };
  DialTarget(asio::io_context& ioc, std::string text_in, HostPort hp_in)
      : text(std::move(text_in)), hp(std::move(hp_in)), timer(ioc), resolver(ioc), sock(ioc) {}
  std::string text;
  HostPort hp;
  Backoff backoff;
  asio::steady_timer timer;  // the delay before a dial, then the connect deadline
  tcp::resolver resolver;
  tcp::socket sock;  // the socket being connected; moved into a Conn on success
  State state = State::kWaiting;
  bool self = false;                      // the address reached this very node
  std::optional<core::Hash256> node_id;   // proven by the last handshake on this address
};

struct Conn {
  enum class State { kHandshake, kOpen, kClosing, kClosed };
  Conn(asio::io_context& ioc, tcp::socket s, uint32_t frame_rate)
      : sock(std::move(s)), timer(ioc), read_timer(ioc), frames(frame_rate, 2 * frame_rate) {}
  tcp::socket sock;
  asio::steady_timer timer;
  asio::steady_timer read_timer;  // the pause while the frame rate is over the limit
  PeerId id = 0;
  bool inbound = false;
  DialTarget* target = nullptr;  // the address dialled, for outbound connections
  std::string remote;            // "ip:port"
  std::string remote_ip;         // the ban key
  State state = State::kHandshake;
  Hello mine;                    // our hello on this connection (its nonce is theirs to sign)
  std::optional<Hello> hello;    // the peer's, once received; its node_id is proven once kOpen
  std::array<uint8_t, kFrameHeaderSize> header{};
  FrameHeader frame;
  core::Bytes payload;
  std::deque<Frame> queue;  // front is being written while `writing`
  size_t queued_bytes = 0;
  bool writing = false;
  Clock::time_point handshake_deadline, last_rx, next_ping;
  uint64_t ping_nonce = 0;
  PeerScore score;
  TokenBucket frames;
};

using ConnPtr = std::shared_ptr<Conn>;

struct P2p::Impl {
  Impl(P2pOptions o, Handler& h, core::PrivateKey key)
      : options(std::move(o)), handler(h), identity(std::move(key)), node_id(identity.public_key()) {}

  P2pOptions options;
  Handler& handler;
  core::PrivateKey identity;
  core::Hash256 node_id;
  uint16_t listen_port = 0;

  // Declared before every Asio object so that it is destroyed after them: they need it.
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_retry{ioc};
  std::vector<std::unique_ptr<DialTarget>> targets;
  std::map<PeerId, ConnPtr> conns;          // handshaking and open connections
  std::map<PeerId, ConnPtr> closing;        // kClosing: writing a goodbye or lingering
  std::map<core::Hash256, PeerId> by_node;  // open connections by proven node_id
  BanList bans;                             // IP addresses and identities (identity_ban_key)
  PeerId next_id = 1;
  bool stopping = false;  // network thread only
  std::array<uint8_t, 4096> discard_buf{};  // input read while closing; never looked at

  std::thread thread;
  std::mutex stop_mu;  // serialises stop()
  bool stopped = false;
  std::atomic<bool> stop_requested{false};

  mutable std::mutex peers_mu;
  std::map<PeerId, PeerInfo> peer_snapshot;  // guarded by peers_mu

  // p2p.cpp: accepting, dialling, stopping.
  void accept();
  void on_accept(tcp::socket sock);
  ConnPtr add_conn(tcp::socket sock, bool inbound, DialTarget* target);
  void add_target(std::string text, HostPort hp);
  void schedule_dial(DialTarget& t, milliseconds delay);
  void dial(DialTarget& t);
  void connect(DialTarget& t, std::vector<tcp::endpoint> eps);
  void target_closed(DialTarget& t, bool was_open);
  void wake_targets_waiting_for(const core::Hash256& node);
  void shutdown();
  core::Status check_app_message(uint8_t type, size_t size) const;

  // p2p_handshake.cpp: the handshake, bans and scores.
  void start_conn(const ConnPtr& c);
  void on_hello(const ConnPtr& c);
  void on_auth(const ConnPtr& c);
  void open_conn(const ConnPtr& c);
  // Bans c's IP address and (once proven) its identity for ban_duration.
  void ban(const Conn& c);
  void report(const ConnPtr& c, NetErrorRef reason, const std::string& detail);

  // p2p_conn.cpp: one connection's I/O.
  void arm(const ConnPtr& c, Clock::time_point when);
  void on_timer(const ConnPtr& c);
  void arm_keepalive(const ConnPtr& c);
  void continue_reading(const ConnPtr& c);
  void discard(const ConnPtr& c);
  bool read_interrupted(const ConnPtr& c, const ErrorCode& ec);
  void on_header(const ConnPtr& c, const ErrorCode& ec);
  void read_payload(const ConnPtr& c);
  void on_frame(const ConnPtr& c);
  void enqueue(const ConnPtr& c, Frame f);
  void write_next(const ConnPtr& c);
  void on_written(const ConnPtr& c, const ErrorCode& ec);
  void violation(const ConnPtr& c, const std::string& detail);
  void close_with(const ConnPtr& c, NetErrorRef reason, const std::string& detail, bool goodbye, bool ban);
  // reason is an error of kNetErrors: its code is the goodbye's, its message the goodbye's text.
  void close_with(const ConnPtr& c, const core::Error& reason, bool goodbye, bool ban);
  // Takes c out of service: bans, bookkeeping and the Handler call, then the goodbye (if any)
  // and the close. Runs once per connection; later calls return at once. c is a copy on purpose:
  // the caller's reference may be the very map entry that drop() erases.
  void drop(ConnPtr c, const std::string& reason, std::optional<Goodbye> goodbye, bool ban);
  void close_now(const ConnPtr& c);
};

}  // namespace lingji::net
