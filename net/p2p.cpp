// p2p.cpp: the Asio side of P2p (contract in p2p.h, wire format in frame.h, pure rules in
// peer_rules.h). This is the only file of lingji_net that includes Boost.Asio.
//
// Shape: one io_context run by one thread. Impl owns the acceptor, the dial targets and the live
// connections, and every step runs on that thread, so only the peer snapshot (which peers() reads
// from any thread) needs a lock. Public calls post their work to the thread.
//
// A connection (Conn) moves   kHandshake -> kOpen -> kClosing -> kClosed.
//   kHandshake  our hello is queued; only hello or goodbye may arrive; the timer is the deadline.
//   kOpen       frames flow; the timer wakes for the next ping or the idle deadline.
//   kClosing    drop() has run: the Conn left every map, the Handler was told, and nothing more
//               is delivered. If a goodbye is owed, it is written after the frame in flight (the
//               rest of the queue is discarded), then we half-close and discard input until the
//               peer closes or kCloseLinger passes (closing a socket with unread input makes the
//               kernel send RST, which can destroy the goodbye before the peer reads it).
//   kClosed     the socket is closed; pending handlers see it and return.
// Exactly one read is pending per Conn at any time (header, payload chunk or discard), and at
// most one write; each handler holds a shared_ptr<Conn>, so a Conn lives until its last handler.
//
// Stop: shutdown() runs on the thread, closes the acceptor and the dials, drops every Conn with
// goodbye net.shutdown (bounded by kStopLinger) and releases the work guard, so run() returns
// once the last socket is closed. Impl is destroyed only after the thread is joined.
#include "net/p2p.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "net/peer_rules.h"

namespace lingji::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using Frame = std::shared_ptr<const core::Bytes>;
using std::chrono::milliseconds;

// A large payload is read in chunks of this size, so memory grows with the bytes that actually
// arrive, not with what a peer announces (64 peers each announcing a 4 MiB block and then
// trickling would otherwise pin 256 MiB).
constexpr size_t kReadChunk = 64 * 1024;
constexpr milliseconds kCloseLinger{1000};
constexpr milliseconds kStopLinger{250};
// An accept error such as EMFILE repeats at once; a pause avoids a busy loop.
constexpr milliseconds kAcceptRetry{100};

// One key per host: an IPv4 peer reaching a dual-stack socket appears as ::ffff:a.b.c.d.
std::string ip_key(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  }
  return a.to_string();
}

std::string endpoint_string(const tcp::endpoint& ep) {
  const std::string ip = ip_key(ep.address());
  return (ep.address().is_v6() && ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" +
         std::to_string(ep.port());
}

Frame make_frame(uint8_t type, core::ByteView payload) {
  return std::make_shared<const core::Bytes>(encode_frame(type, payload));
}

std::string short_hex(const core::Hash256& h) { return h.hex().substr(0, 16); }

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
  std::optional<core::Hash256> node_id;   // learnt from the last hello on this address
};

struct Conn {
  enum class State { kHandshake, kOpen, kClosing, kClosed };
  Conn(asio::io_context& ioc, tcp::socket s) : sock(std::move(s)), timer(ioc) {}
  tcp::socket sock;
  asio::steady_timer timer;
  PeerId id = 0;
  bool inbound = false;
  DialTarget* target = nullptr;  // the address dialled, for outbound connections
  std::string remote;            // "ip:port"
  std::string remote_ip;         // the ban key
  State state = State::kHandshake;
  Hello hello;  // the peer's, once kOpen
  std::array<uint8_t, kFrameHeaderSize> header{};
  FrameHeader frame;
  core::Bytes payload;
  std::deque<Frame> queue;  // front is being written while `writing`
  size_t queued_bytes = 0;
  bool writing = false;
  Clock::time_point handshake_deadline, last_rx, next_ping;
  uint64_t ping_nonce = 0;
};

using ConnPtr = std::shared_ptr<Conn>;

}  // namespace

struct P2p::Impl {
  Impl(P2pOptions o, Handler& h) : options(std::move(o)), handler(h) {}

  P2pOptions options;
  Handler& handler;
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
  std::map<core::Hash256, PeerId> by_node;  // open connections by remote node_id
  BanList bans;
  PeerId next_id = 1;
  bool stopping = false;  // network thread only
  std::array<uint8_t, 4096> discard_buf{};  // input read while closing; never looked at

  std::thread thread;
  std::mutex stop_mu;  // serialises stop()
  bool stopped = false;
  std::atomic<bool> stop_requested{false};

  mutable std::mutex peers_mu;
  std::map<PeerId, PeerInfo> peer_snapshot;  // guarded by peers_mu

  // ---- accepting ----

  void accept() {
    acceptor.async_accept([this](ErrorCode ec, tcp::socket sock) {
      if (stopping || ec == asio::error::operation_aborted) return;
      if (ec) {
        accept_retry.expires_after(kAcceptRetry);
        accept_retry.async_wait([this](ErrorCode wait_ec) {
          if (!wait_ec && !stopping) accept();
        });
        return;
      }
      on_accept(std::move(sock));
      accept();
    });
  }

  void on_accept(tcp::socket sock) {
    ErrorCode ec;
    const tcp::endpoint ep = sock.remote_endpoint(ec);
    if (ec) return;  // already gone
    if (bans.is_banned(ip_key(ep.address()), Clock::now())) {
      sock.close(ec);  // no hello, no goodbye: a banned host learns nothing
      handler.on_handshake_failed(endpoint_string(ep), "net.banned: " + ip_key(ep.address()));
      return;
    }
    ConnPtr c = add_conn(std::move(sock), /*inbound=*/true, nullptr);
    const size_t inbound = static_cast<size_t>(std::count_if(
        conns.begin(), conns.end(), [](const auto& kv) { return kv.second->inbound; }));
    if (inbound > options.max_peers) {
      close_with(c, "net.too_many_peers", std::to_string(options.max_peers) + " peers", true, false);
      discard(c);
      return;
    }
    start_conn(c);
  }

  ConnPtr add_conn(tcp::socket sock, bool inbound, DialTarget* target) {
    auto c = std::make_shared<Conn>(ioc, std::move(sock));
    // Votes and blocks are small frames written back to back: with Nagle's algorithm a block
    // queued behind a vote waited for the peer's delayed ACK (~40 ms on Linux) on every hop.
    ErrorCode nodelay_ec;
    c->sock.set_option(tcp::no_delay(true), nodelay_ec);
    c->id = next_id++;
    c->inbound = inbound;
    c->target = target;
    ErrorCode ec;
    const tcp::endpoint ep = c->sock.remote_endpoint(ec);
    if (!ec) {
      c->remote = endpoint_string(ep);
      c->remote_ip = ip_key(ep.address());
    }
    c->last_rx = Clock::now();
    conns[c->id] = c;
    return c;
  }

  // ---- dialling ----

  void add_target(std::string text, HostPort hp) {
    targets.push_back(std::make_unique<DialTarget>(ioc, std::move(text), std::move(hp)));
    dial(*targets.back());
  }

  void schedule_dial(DialTarget& t, milliseconds delay) {
    if (stopping) return;  // a timer armed now would hold run() open until it fires
    t.state = DialTarget::State::kWaiting;
    t.timer.expires_after(delay);
    t.timer.async_wait([this, &t](ErrorCode ec) {
      if (!ec) dial(t);
    });
  }

  void dial(DialTarget& t) {
    if (stopping || t.state != DialTarget::State::kWaiting) return;
    // Already connected to that node through another connection (it dialled us, or another of
    // our addresses reaches it): a second dial would only make a duplicate to close.
    if (t.node_id && by_node.count(*t.node_id)) {
      t.state = DialTarget::State::kWaitingForNode;
      return;
    }
    t.state = DialTarget::State::kConnecting;
    ErrorCode ec;
    const asio::ip::address addr = asio::ip::make_address(t.hp.host, ec);
    if (!ec) return connect(t, {tcp::endpoint(addr, t.hp.port)});
    t.resolver.async_resolve(t.hp.host, std::to_string(t.hp.port),
                             [this, &t](ErrorCode rec, const tcp::resolver::results_type& res) {
                               if (stopping) return;
                               if (rec) return schedule_dial(t, t.backoff.next());
                               std::vector<tcp::endpoint> eps;
                               for (const auto& r : res) eps.push_back(r.endpoint());
                               connect(t, std::move(eps));
                             });
  }

  void connect(DialTarget& t, std::vector<tcp::endpoint> eps) {
    const Clock::time_point now = Clock::now();
    std::erase_if(eps, [&](const tcp::endpoint& ep) {
      return bans.is_banned(ip_key(ep.address()), now);
    });
    if (eps.empty()) return schedule_dial(t, t.backoff.next());
    t.sock = tcp::socket(ioc);
    // A dial into a black hole would otherwise wait for the kernel's ~2 minute SYN timeout.
    t.timer.expires_after(options.handshake_timeout);
    t.timer.async_wait([&t](ErrorCode ec) {
      ErrorCode ignored;
      if (!ec && t.state == DialTarget::State::kConnecting) t.sock.close(ignored);
    });
    asio::async_connect(t.sock, eps, [this, &t](ErrorCode ec, const tcp::endpoint&) {
      if (stopping) return;
      t.timer.cancel();
      if (ec) return schedule_dial(t, t.backoff.next());
      t.state = DialTarget::State::kConnected;
      start_conn(add_conn(std::move(t.sock), /*inbound=*/false, &t));
    });
  }

  // The connection made from this target is gone.
  void target_closed(DialTarget& t, bool was_open) {
    if (stopping) return;
    if (t.self) {
      t.state = DialTarget::State::kSelf;  // never dialled again
      return;
    }
    if (was_open) t.backoff.reset();
    schedule_dial(t, t.backoff.next());
  }

  void wake_targets_waiting_for(const core::Hash256& node) {
    for (auto& t : targets) {
      if (t->state == DialTarget::State::kWaitingForNode && t->node_id == node) {
        schedule_dial(*t, t->backoff.next());
      }
    }
  }

  // ---- one connection ----

  void start_conn(const ConnPtr& c) {
    core::Bytes status = options.status ? options.status() : core::Bytes{};
    if (status.size() > kMaxStatusBytes) {
      close_with(c, "net.bad_options",
                 "status() returned " + std::to_string(status.size()) + " bytes, over 256", false,
                 false);
      return;
    }
    Hello h{options.protocol_version, options.chain_id, node_id, listen_port, std::move(status)};
    enqueue(c, make_frame(kHello, encode_hello(h)));
    c->handshake_deadline = Clock::now() + options.handshake_timeout;
    arm(c, c->handshake_deadline);
    continue_reading(c);
  }

  void arm(const ConnPtr& c, Clock::time_point when) {
    c->timer.expires_at(when);
    c->timer.async_wait([this, c](ErrorCode ec) {
      if (!ec) on_timer(c);
    });
  }

  void on_timer(const ConnPtr& c) {
    const Clock::time_point now = Clock::now();
    switch (c->state) {
      case Conn::State::kHandshake:
        if (now < c->handshake_deadline) return arm(c, c->handshake_deadline);
        return close_with(c, "net.handshake_timeout",
                          "no hello within " + std::to_string(options.handshake_timeout.count()) +
                              " ms",
                          true, false);
      case Conn::State::kOpen:
        if (now - c->last_rx >= options.idle_timeout) {
          return close_with(
              c, "net.idle_timeout",
              "nothing received for " + std::to_string(options.idle_timeout.count()) + " ms", true,
              false);
        }
        if (now >= c->next_ping) {
          enqueue(c, make_frame(kPing, encode_ping(++c->ping_nonce)));
          c->next_ping = now + options.ping_interval;
        }
        if (c->state == Conn::State::kOpen) arm_keepalive(c);
        return;
      case Conn::State::kClosing:
        return close_now(c);
      case Conn::State::kClosed:
        return;
    }
  }

  void arm_keepalive(const ConnPtr& c) {
    arm(c, std::min(c->next_ping, c->last_rx + options.idle_timeout));
  }

  void continue_reading(const ConnPtr& c) {
    switch (c->state) {
      case Conn::State::kHandshake:
      case Conn::State::kOpen:
        c->payload.clear();
        asio::async_read(c->sock, asio::buffer(c->header),
                         [this, c](ErrorCode ec, size_t) { on_header(c, ec); });
        return;
      case Conn::State::kClosing:
        return discard(c);
      case Conn::State::kClosed:
        return;
    }
  }

  void discard(const ConnPtr& c) {
    c->sock.async_read_some(asio::buffer(discard_buf), [this, c](ErrorCode ec, size_t) {
      if (c->state == Conn::State::kClosed) return;
      if (ec) return close_now(c);  // EOF: the peer has read our goodbye and closed
      discard(c);
    });
  }

  // True if the read handler should stop here (the connection is closing or failed).
  bool read_interrupted(const ConnPtr& c, const ErrorCode& ec) {
    if (c->state == Conn::State::kClosed) return true;
    if (c->state == Conn::State::kClosing) {
      discard(c);
      return true;
    }
    if (ec) {
      close_with(c, "net.connection_lost",
                 ec == asio::error::eof ? "closed by the remote" : ec.message(), false, false);
      return true;
    }
    return false;
  }

  void on_header(const ConnPtr& c, const ErrorCode& ec) {
    if (read_interrupted(c, ec)) return;
    c->frame = decode_frame_header(c->header);
    if (c->state == Conn::State::kHandshake && c->frame.type != kHello &&
        c->frame.type != kGoodbye) {
      violation(c, "frame type " + std::to_string(c->frame.type) + " before hello");
    } else if (core::Status st = check_frame_header(c->frame, options.max_payload); !st) {
      violation(c, st.error().message);
    } else {
      return read_payload(c);
    }
    continue_reading(c);
  }

  void read_payload(const ConnPtr& c) {
    const size_t have = c->payload.size();
    const size_t total = c->frame.payload_size();
    if (have == total) {
      on_frame(c);
      return continue_reading(c);
    }
    const size_t want = std::min(total - have, kReadChunk);
    c->payload.resize(have + want);
    asio::async_read(c->sock, asio::buffer(c->payload.data() + have, want),
                     [this, c](ErrorCode ec, size_t) {
                       if (!read_interrupted(c, ec)) read_payload(c);
                     });
  }

  void on_frame(const ConnPtr& c) {
    c->last_rx = Clock::now();
    switch (c->frame.type) {
      case kHello:
        if (c->state != Conn::State::kHandshake) return violation(c, "second hello");
        return on_hello(c);
      case kGoodbye: {
        auto g = decode_goodbye(c->payload);
        if (!g) return violation(c, g.error().message);
        const std::string reason =
            "remote goodbye " + std::string(net_error_name(g->code)) + ": " + g->text;
        return drop(c, reason, std::nullopt, false);
      }
      case kPing: {
        auto nonce = decode_ping(c->payload);
        if (!nonce) return violation(c, nonce.error().message);
        return enqueue(c, make_frame(kPong, encode_ping(*nonce)));
      }
      case kPong: {
        auto nonce = decode_ping(c->payload);
        if (!nonce) return violation(c, nonce.error().message);
        return;  // last_rx is all a pong is for
      }
      default:
        // check_frame_header allowed it and on_header refused app types before hello.
        handler.on_message(c->id, c->frame.type, std::move(c->payload));
        c->payload.clear();
        return;
    }
  }

  void on_hello(const ConnPtr& c) {
    auto h = decode_hello(c->payload, options.protocol_version);
    if (!h) {
      if (NetErrorRef("net.protocol_violation").matches(h.error())) {
        return violation(c, "bad hello: " + h.error().message);
      }
      return close_with(c, h.error(), true, false);
    }
    if (h->chain_id != options.chain_id) {
      return close_with(c, "net.wrong_chain",
                        "chain id " + short_hex(h->chain_id) + ", expected " +
                            short_hex(options.chain_id),
                        true, false);
    }
    if (h->node_id == node_id) {
      if (c->target) c->target->self = true;
      return close_with(c, "net.self_connection", "connected to our own node", false, false);
    }
    if (c->target) c->target->node_id = h->node_id;
    if (auto it = by_node.find(h->node_id); it != by_node.end()) {
      ConnPtr old = conns.at(it->second);
      if (!keep_new_connection(node_id, h->node_id, old->inbound, c->inbound)) {
        return close_with(c, "net.duplicate_connection",
                          "already connected to node " + short_hex(h->node_id), true, false);
      }
      close_with(old, "net.duplicate_connection", "replaced by connection " + c->remote, true, false);
    }
    c->hello = std::move(*h);
    c->state = Conn::State::kOpen;
    by_node[c->hello.node_id] = c->id;
    if (c->target) c->target->backoff.reset();
    PeerInfo info{c->id, c->remote, c->inbound, c->hello.node_id, c->hello.listen_port,
                  c->hello.status};
    {
      std::lock_guard<std::mutex> lock(peers_mu);
      peer_snapshot[c->id] = info;
    }
    c->next_ping = Clock::now() + options.ping_interval;
    arm_keepalive(c);
    handler.on_connected(info);
  }

  // ---- writing ----

  void enqueue(const ConnPtr& c, Frame f) {
    if (c->state != Conn::State::kHandshake && c->state != Conn::State::kOpen) return;
    if (c->queued_bytes + f->size() > options.max_send_queue_bytes) {
      return close_with(c, "net.send_queue_full",
                        "over " + std::to_string(options.max_send_queue_bytes) + " bytes queued",
                        false, false);
    }
    c->queued_bytes += f->size();
    c->queue.push_back(std::move(f));
    if (!c->writing) write_next(c);
  }

  void write_next(const ConnPtr& c) {
    c->writing = true;
    asio::async_write(c->sock, asio::buffer(*c->queue.front()),
                      [this, c](ErrorCode ec, size_t) { on_written(c, ec); });
  }

  void on_written(const ConnPtr& c, const ErrorCode& ec) {
    c->writing = false;
    if (c->state == Conn::State::kClosed) return;
    c->queued_bytes -= c->queue.front()->size();
    c->queue.pop_front();
    if (ec) {
      if (c->state == Conn::State::kClosing) return close_now(c);
      return close_with(c, "net.connection_lost", ec.message(), false, false);
    }
    if (!c->queue.empty()) return write_next(c);
    if (c->state == Conn::State::kClosing) {
      if (stopping) return close_now(c);
      ErrorCode ignored;
      c->sock.shutdown(tcp::socket::shutdown_send, ignored);  // discard() waits for the EOF
    }
  }

  // ---- closing ----

  void violation(const ConnPtr& c, const std::string& detail) {
    close_with(c, "net.protocol_violation", detail, true, true);
  }

  void close_with(const ConnPtr& c, NetErrorRef reason, const std::string& detail, bool goodbye,
                  bool ban) {
    close_with(c, net_error(reason, detail), goodbye, ban);
  }

  // reason is an error of kNetErrors: its code is the goodbye's, its message the goodbye's text.
  void close_with(const ConnPtr& c, const core::Error& reason, bool goodbye, bool ban) {
    std::optional<Goodbye> g;
    if (goodbye) g = Goodbye{static_cast<uint16_t>(reason.code), reason.message};
    drop(c, reason.name + ": " + reason.message, std::move(g), ban);
  }

  // Takes c out of service: bans, bookkeeping and the Handler call, then the goodbye (if any)
  // and the close. Runs once per connection; later calls return at once. c is a copy on purpose:
  // the caller's reference may be the very map entry that drop() erases.
  void drop(ConnPtr c, const std::string& reason, std::optional<Goodbye> goodbye, bool ban) {
    if (c->state == Conn::State::kClosing || c->state == Conn::State::kClosed) return;
    const bool was_open = c->state == Conn::State::kOpen;
    c->state = Conn::State::kClosing;
    if (ban) bans.ban(c->remote_ip, Clock::now() + options.ban_duration);
    conns.erase(c->id);
    closing[c->id] = c;
    if (was_open) {
      auto it = by_node.find(c->hello.node_id);
      if (it != by_node.end() && it->second == c->id) by_node.erase(it);
      std::lock_guard<std::mutex> lock(peers_mu);
      peer_snapshot.erase(c->id);
    }

    if (!goodbye) {
      close_now(c);
    } else {
      // Keep only the frame being written (its buffer is in use), then the goodbye.
      while (c->queue.size() > (c->writing ? 1u : 0u)) {
        c->queued_bytes -= c->queue.back()->size();
        c->queue.pop_back();
      }
      Frame g = make_frame(kGoodbye, encode_goodbye(*goodbye));
      c->queued_bytes += g->size();
      c->queue.push_back(std::move(g));
      arm(c, Clock::now() + (stopping ? kStopLinger : kCloseLinger));
      if (!c->writing) write_next(c);
    }

    if (c->target) target_closed(*c->target, was_open);
    if (was_open) wake_targets_waiting_for(c->hello.node_id);
    if (was_open) {
      handler.on_disconnected(c->id, reason);
    } else {
      handler.on_handshake_failed(c->remote, reason);
    }
  }

  void close_now(const ConnPtr& c) {
    closing.erase(c->id);
    c->state = Conn::State::kClosed;
    ErrorCode ignored;
    c->sock.close(ignored);
    c->timer.cancel();
  }

  void shutdown() {
    stopping = true;
    ErrorCode ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    for (auto& t : targets) {
      t->timer.cancel();
      t->resolver.cancel();
      t->sock.close(ignored);
    }
    // A connection lingering for its peer to read an earlier goodbye is closed now; one still
    // writing it gets kStopLinger.
    const std::map<PeerId, ConnPtr> lingering = closing;
    for (const auto& [id, c] : lingering) {
      if (c->queue.empty()) {
        close_now(c);
      } else {
        arm(c, Clock::now() + kStopLinger);
      }
    }
    const std::map<PeerId, ConnPtr> live = conns;  // drop() erases from conns
    for (const auto& [id, c] : live) close_with(c, "net.shutdown", "node stopping", true, false);
    work.reset();  // run() returns once the last goodbye is written or kStopLinger passes
  }

  core::Status check_app_message(uint8_t type, size_t size) const {
    if (type < kFirstAppType) {
      return net_error("net.bad_message", "type " + std::to_string(type) + " is reserved");
    }
    if (size > options.max_payload[type]) {
      return net_error("net.bad_message", "payload of " + std::to_string(size) +
                                              " bytes for type " + std::to_string(type) +
                                              ", limit " + std::to_string(options.max_payload[type]));
    }
    return core::Ok();
  }
};

// ---- P2p ----

namespace {

core::Status check_options(const P2pOptions& o) {
  auto bad = [](const std::string& why) { return net_error("net.bad_options", why); };
  if (o.handshake_timeout.count() <= 0 || o.ping_interval.count() <= 0 ||
      o.idle_timeout.count() <= 0 || o.ban_duration.count() < 0) {
    return bad("timeouts and ping_interval must be positive");
  }
  if (o.max_peers == 0) return bad("max_peers must be at least 1");
  if (o.max_send_queue_bytes == 0) return bad("max_send_queue_bytes must be positive");
  for (size_t t = kFirstAppType; t < o.max_payload.size(); ++t) {
    if (o.max_payload[t] > kMaxAppPayloadLimit) {
      return bad("max_payload[" + std::to_string(t) + "] over " +
                 std::to_string(kMaxAppPayloadLimit));
    }
  }
  return core::Ok();
}

}  // namespace

core::Result<std::unique_ptr<P2p>> P2p::start(P2pOptions options, Handler& handler) {
  if (core::Status st = check_options(options); !st) return st.error();
  std::vector<HostPort> dials;
  for (const std::string& p : options.peers) {
    auto hp = parse_host_port(p, /*allow_port_zero=*/false);
    if (!hp) return hp.error();
    dials.push_back(*hp);
  }

  auto impl = std::make_unique<Impl>(std::move(options), handler);
  core::ensure_sodium();
  randombytes_buf(impl->node_id.bytes.data(), impl->node_id.bytes.size());

  const std::string& listen = impl->options.listen;
  if (!listen.empty()) {
    auto hp = parse_host_port(listen, /*allow_port_zero=*/true);
    if (!hp) return hp.error();
    ErrorCode ec;
    const asio::ip::address addr = asio::ip::make_address(hp->host, ec);
    if (ec) return net_error("net.bad_address", "listen address must be a numeric IP: " + listen);
    const tcp::endpoint ep(addr, hp->port);
    tcp::acceptor& a = impl->acceptor;
    auto failed = [&](const char* step) {
      return net_error("net.bind_failed",
                       std::string("cannot ") + step + " " + listen + ": " + ec.message());
    };
    if (a.open(ep.protocol(), ec); ec) return failed("open a socket for");
    // SO_REUSEADDR lets a restarted node bind while old connections sit in TIME_WAIT; Linux still
    // refuses a port that another socket listens on.
    if (a.set_option(asio::socket_base::reuse_address(true), ec); ec) return failed("configure");
    if (a.bind(ep, ec); ec) return failed("bind");
    if (a.listen(asio::socket_base::max_listen_connections, ec); ec) return failed("listen on");
    const tcp::endpoint bound = a.local_endpoint(ec);
    if (ec) return failed("read the port of");
    impl->listen_port = bound.port();
  }

  Impl* s = impl.get();
  s->work.emplace(asio::make_work_guard(s->ioc));
  asio::post(s->ioc, [s, peers = s->options.peers, dials = std::move(dials)] {
    if (s->acceptor.is_open()) s->accept();
    for (size_t i = 0; i < dials.size(); ++i) s->add_target(peers[i], dials[i]);
  });
  s->thread = std::thread([s] {
    // An exception thrown by a Handler callback must not end the process through this thread;
    // the transport keeps serving the other connections.
    for (;;) {
      try {
        s->ioc.run();
        return;
      } catch (...) {
      }
    }
  });
  return std::unique_ptr<P2p>(new P2p(std::move(impl)));
}

P2p::P2p(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

P2p::~P2p() { stop(); }

uint16_t P2p::listen_port() const { return impl_->listen_port; }

const core::Hash256& P2p::node_id() const { return impl_->node_id; }

core::Status P2p::send(PeerId peer, uint8_t type, core::Bytes payload) {
  if (core::Status st = impl_->check_app_message(type, payload.size()); !st) return st;
  if (impl_->stop_requested) return core::Ok();
  asio::post(impl_->ioc, [s = impl_.get(), peer, f = make_frame(type, payload)]() mutable {
    auto it = s->conns.find(peer);
    if (it == s->conns.end() || it->second->state != Conn::State::kOpen) return;
    const ConnPtr c = it->second;  // enqueue may drop c, erasing the map entry
    s->enqueue(c, std::move(f));
  });
  return core::Ok();
}

core::Status P2p::broadcast(uint8_t type, const core::Bytes& payload,
                            std::optional<PeerId> except) {
  if (core::Status st = impl_->check_app_message(type, payload.size()); !st) return st;
  if (impl_->stop_requested) return core::Ok();
  asio::post(impl_->ioc, [s = impl_.get(), except, f = make_frame(type, payload)] {
    // Copy: enqueue can drop a slow peer, which erases it from conns.
    const std::map<PeerId, ConnPtr> live = s->conns;
    for (const auto& [id, c] : live) {
      if (c->state == Conn::State::kOpen && id != except) s->enqueue(c, f);
    }
  });
  return core::Ok();
}

void P2p::penalize(PeerId peer, const std::string& reason) {
  if (impl_->stop_requested) return;
  asio::post(impl_->ioc, [s = impl_.get(), peer, reason] {
    auto it = s->conns.find(peer);
    if (it == s->conns.end()) return;
    const ConnPtr c = it->second;  // drop erases the map entry
    s->close_with(c, "net.penalized", reason, true, true);
  });
}

core::Status P2p::add_peer(const std::string& host_port) {
  auto hp = parse_host_port(host_port, /*allow_port_zero=*/false);
  if (!hp) return hp.error();
  if (impl_->stop_requested) return core::Ok();
  asio::post(impl_->ioc, [s = impl_.get(), host_port, hp = *hp] {
    if (!s->stopping) s->add_target(host_port, hp);
  });
  return core::Ok();
}

std::vector<PeerInfo> P2p::peers() const {
  std::lock_guard<std::mutex> lock(impl_->peers_mu);
  std::vector<PeerInfo> out;
  out.reserve(impl_->peer_snapshot.size());
  for (const auto& [id, info] : impl_->peer_snapshot) out.push_back(info);
  return out;
}

void P2p::stop() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.stop_mu);
  if (s.stopped) return;
  if (std::this_thread::get_id() == s.thread.get_id()) {
    throw std::logic_error("P2p::stop called from a Handler callback (it would join itself)");
  }
  s.stopped = true;
  s.stop_requested = true;
  asio::post(s.ioc, [&s] { s.shutdown(); });
  s.thread.join();
}

}  // namespace lingji::net
