// p2p_handshake.cpp: hello, auth, the one-connection-per-node rule, bans and scores (the protocol
// is in docs/p2p.md, the proof in handshake.h).
#include <sodium.h>

#include "net/handshake.h"
#include "net/p2p_impl.h"

namespace lingji::net {

void P2p::Impl::start_conn(const ConnPtr& c) {
  core::Bytes status = options.status ? options.status() : core::Bytes{};
  if (status.size() > kMaxStatusBytes) {
    close_with(c, "net.bad_options", "status() returned " + std::to_string(status.size()) + " bytes, over 256", false,
               false);
    return;
  }
  c->mine = Hello{options.protocol_version, options.chain_id, node_id, listen_port, std::move(status), {}};
  // Fresh per connection: the peer's proof signs it, so no proof is good on two connections.
  randombytes_buf(c->mine.nonce.bytes.data(), c->mine.nonce.bytes.size());
  enqueue(c, make_frame(kHello, encode_hello(c->mine)));
  c->handshake_deadline = Clock::now() + options.handshake_timeout;
  arm(c, c->handshake_deadline);
  continue_reading(c);
}

void P2p::Impl::on_hello(const ConnPtr& c) {
  auto h = decode_hello(c->payload, options.protocol_version);
  if (!h) {
    if (NetErrorRef("net.protocol_violation").matches(h.error())) return violation(c, "bad hello: " + h.error().message);
    return close_with(c, h.error(), true, false);
  }
  if (h->chain_id != options.chain_id) {
    return close_with(c, "net.wrong_chain",
                      "chain id " + short_hex(h->chain_id) + ", expected " + short_hex(options.chain_id), true, false);
  }
  c->hello = std::move(*h);
  // The claimed node_id means nothing until its proof (their auth) verifies: nothing is decided
  // by it here.
  enqueue(c, make_frame(kAuth, encode_auth(identity, c->mine, *c->hello)));
}

void P2p::Impl::on_auth(const ConnPtr& c) {
  if (core::Status st = check_auth(c->payload, *c->hello, c->mine); !st) {
    if (NetErrorRef("net.protocol_violation").matches(st.error())) return violation(c, st.error().message);
    return close_with(c, st.error(), true, true);  // forged or replayed: never an honest node
  }
  const core::Hash256& id = c->hello->node_id;
  if (id == node_id) {
    if (c->target) c->target->self = true;
    return close_with(c, "net.self_connection", "connected to our own node", false, false);
  }
  if (bans.is_banned(identity_ban_key(id), Clock::now())) {
    // As at accept: no goodbye, a banned node learns nothing.
    return close_with(c, "net.banned", "node " + short_hex(id), false, false);
  }
  if (c->target) c->target->node_id = id;
  if (auto it = by_node.find(id); it != by_node.end()) {
    // Both connections proved this identity, so it is one node that dialled twice or two nodes
    // dialling each other: the same choice at both ends keeps one.
    ConnPtr old = conns.at(it->second);
    if (!keep_new_connection(node_id, id, old->inbound, c->inbound)) {
      return close_with(c, "net.duplicate_connection", "already connected to node " + short_hex(id), true, false);
    }
    close_with(old, "net.duplicate_connection", "replaced by connection " + c->remote, true, false);
  }
  open_conn(c);
}

void P2p::Impl::open_conn(const ConnPtr& c) {
  c->state = Conn::State::kOpen;
  by_node[c->hello->node_id] = c->id;
  if (c->target) c->target->backoff.reset();
  PeerInfo info{c->id, c->remote, c->inbound, c->hello->node_id, c->hello->listen_port, c->hello->status};
  {
    std::lock_guard<std::mutex> lock(peers_mu);
    peer_snapshot[c->id] = info;
  }
  c->next_ping = Clock::now() + options.ping_interval;
  arm_keepalive(c);
  handler.on_connected(info);
}

void P2p::Impl::ban(const Conn& c) {
  const Clock::time_point until = Clock::now() + options.ban_duration;
  bans.ban(c.remote_ip, until);
  // Only a proven identity: banning a merely claimed one would let anyone ban an honest node.
  if (c.state == Conn::State::kOpen) bans.ban(identity_ban_key(c.hello->node_id), until);
}

void P2p::Impl::report(const ConnPtr& c, NetErrorRef reason, const std::string& detail) {
  if (c->state != Conn::State::kOpen) return;
  const Clock::time_point now = Clock::now();
  if (!c->score.add(misbehaviour_points(reason.def->code), now)) return;
  close_with(c, "net.misbehaving",
             "misbehaviour score " + std::to_string(kBanScore) + " reached; last: " + std::string(reason.def->name) +
                 ": " + detail,
             true, true);
}

}  // namespace lingji::net
