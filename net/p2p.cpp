// p2p.cpp: accepting, dialling, stopping, and P2p's public calls (the Asio side of P2p is in
// p2p_impl.h, which says what each file owns).
#include "net/p2p.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>

#include "net/identity.h"
#include "net/p2p_impl.h"

namespace lingji::net {

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

// ---- accepting ----

void P2p::Impl::accept() {
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

void P2p::Impl::on_accept(tcp::socket sock) {
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
  // One address may not take every slot (a host opening connections until max_peers is reached).
  const size_t from_ip = static_cast<size_t>(std::count_if(conns.begin(), conns.end(), [&](const auto& kv) {
    return kv.second->inbound && kv.second->remote_ip == c->remote_ip;
  }));
  if (from_ip > options.max_inbound_per_ip) {
    close_with(c, "net.too_many_from_ip", std::to_string(options.max_inbound_per_ip) + " from " + c->remote_ip, true,
               false);
    discard(c);
    return;
  }
  start_conn(c);
}

ConnPtr P2p::Impl::add_conn(tcp::socket sock, bool inbound, DialTarget* target) {
  auto c = std::make_shared<Conn>(ioc, std::move(sock), options.max_frames_per_second);
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

void P2p::Impl::add_target(std::string text, HostPort hp) {
  targets.push_back(std::make_unique<DialTarget>(ioc, std::move(text), std::move(hp)));
  dial(*targets.back());
}

void P2p::Impl::schedule_dial(DialTarget& t, milliseconds delay) {
  if (stopping) return;  // a timer armed now would hold run() open until it fires
  t.state = DialTarget::State::kWaiting;
  t.timer.expires_after(delay);
  t.timer.async_wait([this, &t](ErrorCode ec) {
    if (!ec) dial(t);
  });
}

void P2p::Impl::dial(DialTarget& t) {
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

void P2p::Impl::connect(DialTarget& t, std::vector<tcp::endpoint> eps) {
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
void P2p::Impl::target_closed(DialTarget& t, bool was_open) {
  if (stopping) return;
  if (t.self) {
    t.state = DialTarget::State::kSelf;  // never dialled again
    return;
  }
  if (was_open) t.backoff.reset();
  schedule_dial(t, t.backoff.next());
}

void P2p::Impl::wake_targets_waiting_for(const core::Hash256& node) {
  for (auto& t : targets) {
    if (t->state == DialTarget::State::kWaitingForNode && t->node_id == node) {
      schedule_dial(*t, t->backoff.next());
    }
  }
}

void P2p::Impl::shutdown() {
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

core::Status P2p::Impl::check_app_message(uint8_t type, size_t size) const {
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

// ---- P2p ----

namespace {

core::Status check_options(const P2pOptions& o) {
  auto bad = [](const std::string& why) { return net_error("net.bad_options", why); };
  if (o.handshake_timeout.count() <= 0 || o.ping_interval.count() <= 0 ||
      o.idle_timeout.count() <= 0 || o.ban_duration.count() < 0) {
    return bad("timeouts and ping_interval must be positive");
  }
  if (o.max_peers == 0) return bad("max_peers must be at least 1");
  if (o.max_inbound_per_ip == 0) return bad("max_inbound_per_ip must be at least 1");
  if (o.max_frames_per_second == 0 || o.max_frames_per_second > (1u << 24))
    return bad("max_frames_per_second must be 1 to 2^24");
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

  core::ensure_sodium();
  core::PrivateKey key = options.identity ? *options.identity : random_identity();
  options.identity.reset();  // one copy of the secret, in Impl
  auto impl = std::make_unique<Impl>(std::move(options), handler, std::move(key));

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

void P2p::report(PeerId peer, NetErrorRef reason, const std::string& detail) {
  if (impl_->stop_requested) return;
  asio::post(impl_->ioc, [s = impl_.get(), peer, reason, detail] {
    auto it = s->conns.find(peer);
    if (it == s->conns.end()) return;
    const ConnPtr c = it->second;  // report may drop c, erasing the map entry
    s->report(c, reason, detail);
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
