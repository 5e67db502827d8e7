// p2p.h: the P2P transport. Connections over TCP to other nodes of the same chain, a handshake,
// keepalive and bans; the application sends and receives typed opaque payloads and knows nothing
// of sockets. The transport knows nothing of blocks or transactions. Wire format: net/frame.h.
//
// This header includes only standard and core headers on purpose: Boost.Asio lives in p2p.cpp
// alone (pimpl), because its headers cost seconds of compile time in every includer.
//
// Behaviour:
//   - Every address in options.peers (and add_peer) is dialled and re-dialled while not connected,
//     after 0.5 s, doubling per failure up to 30 s, back to 0.5 s after a handshake. An address
//     that turned out to be this node is never dialled again; one whose node is already connected
//     through another connection waits until that connection closes.
//   - Handshake (docs/p2p.md): both sides send hello at once, each with its identity key as
//     node_id and a fresh nonce, then auth: a signature proving the key (net/handshake.h). A wrong
//     magic, protocol_version or chain_id gets a goodbye with the reason, and the connection
//     closes (no ban: an honest node of another chain or release). A proof that does not verify
//     (forged, replayed, or made for another node) is net.bad_auth and bans. Only then is the
//     node_id looked at: at most one connection per node_id; of two, both proven, the one dialled
//     by the smaller node_id is kept (the same choice at both ends), the other closed. So a
//     connection never replaces a live one unless it proved the same identity.
//   - Misbehaviour bans the remote IP address and the node's identity for ban_duration, then
//     disconnects: an undecodable frame, a type that is not allowed (max_payload 0, reserved or
//     unknown), a payload over its type's limit (checked on the 5-byte header, before anything is
//     allocated), data before the handshake, a second or malformed hello or auth, a bad proof, or
//     penalize(). Lesser faults (report()) add to a decaying score (net/peer_score.h) that bans at
//     kBanScore. A banned IP's inbound connections are closed at accept, dials to it are skipped
//     while the ban lasts, and a banned identity is closed after its proof.
//   - No handshake within handshake_timeout, or nothing received for idle_timeout (a ping is sent
//     every ping_interval and answered with a pong; a frame trickled in slower than that counts
//     as nothing), closes the connection without a ban. So does a send queue over
//     max_send_queue_bytes (a slow reader), more than max_peers inbound connections, or more than
//     max_inbound_per_ip from one address (the new one gets goodbye net.too_many_peers or
//     net.too_many_from_ip). A peer sending more than max_frames_per_second (twice that at once)
//     is not read from until its rate is back under the limit.
//   - Memory per connection is bounded: at most max_send_queue_bytes queued, and one frame being
//     read, at most its type's max_payload (read in 64 KiB chunks as bytes arrive).
//   - A deliberate close sends goodbye(code, text) first; codes are those of net/net_errors.h.
//
// Threading: one network thread runs all I/O and calls the Handler, one call at a time. send,
// broadcast, penalize, add_peer and peers may be called from any thread, the Handler included;
// they hand their work to the network thread and return at once.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/hash.h"
#include "core/keys.h"
#include "core/result.h"
#include "net/frame.h"
#include "net/net_errors.h"

namespace lingji::net {

// Local id of one connection; never reused within a process (a reconnect gets a new id).
using PeerId = uint64_t;

struct PeerInfo {
  PeerId id = 0;
  std::string remote;  // "ip:port" of the socket's other end
  bool inbound = false;
  core::Hash256 node_id;     // the peer's identity key, proven in the handshake
  uint16_t listen_port = 0;  // from the peer's hello; 0 if it does not listen
  core::Bytes status;        // the peer's status bytes from its hello (<= 256)
};

// Called on the network thread, one call at a time. A callback must not block for long (it holds
// up every connection) and must not call P2p::stop().
class Handler {
 public:
  virtual ~Handler() = default;
  // After a successful handshake. Exactly one on_disconnected follows, unless the process ends.
  virtual void on_connected(const PeerInfo& peer) = 0;
  // type >= kFirstAppType and payload.size() <= max_payload[type], already checked.
  virtual void on_message(PeerId peer, uint8_t type, core::Bytes payload) = 0;
  // reason starts with the dotted name of the code ("net.idle_timeout: ..."); a goodbye from the
  // peer reads "remote goodbye net.shutdown: ...".
  virtual void on_disconnected(PeerId peer, const std::string& reason) = 0;
  // A connection that closed before its handshake completed (wrong chain, banned, timeout, self).
  // For diagnostics only; the default ignores it.
  virtual void on_handshake_failed(const std::string& /*remote*/, const std::string& /*reason*/) {}
};

struct P2pOptions {
  core::Hash256 chain_id;
  uint32_t protocol_version = 2;  // 2: hello with a nonce, and auth
  // This node's identity key (net/identity.h); none: a random one for this process only.
  std::optional<core::PrivateKey> identity;
  std::string listen;              // numeric "ip:port"; "127.0.0.1:0" = any free port; "" = none
  std::vector<std::string> peers;  // "host:port" to dial and keep dialling
  // The app's status (e.g. head height and id), sent in each hello; called on the network thread.
  // More than 256 bytes fails that handshake. Empty function = empty status.
  std::function<core::Bytes()> status;
  // Largest payload per type; 0 = type not allowed. Entries below kFirstAppType are ignored
  // (transport types have fixed limits). Requires: every entry <= kMaxAppPayloadLimit.
  PayloadLimits max_payload{};
  size_t max_peers = 64;  // inbound connections beyond this (counting handshakes) are refused
  size_t max_inbound_per_ip = 8;  // inbound connections from one IP address beyond this are refused
  uint32_t max_frames_per_second = 20'000;  // per connection; a burst of twice that is allowed
  size_t max_send_queue_bytes = size_t{64} << 20;
  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds ping_interval{10000};
  std::chrono::milliseconds idle_timeout{30000};
  std::chrono::milliseconds ban_duration{600000};
};

class P2p {
 public:
  // Checks the options, binds the listen address (SO_REUSEADDR, so a restarted node gets its
  // port back) and starts the network thread, which begins dialling.
  // Errors: net.bad_address (listen or a peer is not host:port), net.bind_failed,
  // net.bad_options (a zero timeout, interval or limit, a max_payload over the limit).
  [[nodiscard]] static core::Result<std::unique_ptr<P2p>> start(P2pOptions options,
                                                               Handler& handler);
  ~P2p();  // stop()
  P2p(const P2p&) = delete;
  P2p& operator=(const P2p&) = delete;

  uint16_t listen_port() const;  // the bound port; 0 if not listening
  const core::Hash256& node_id() const;  // the identity key's public half

  // Queues the payload for one connected peer; silently dropped if that peer is gone (the app
  // learns it from on_disconnected). Error net.bad_message if type < kFirstAppType or the
  // payload is over max_payload[type]: the remote would ban us for it.
  [[nodiscard]] core::Status send(PeerId peer, uint8_t type, core::Bytes payload);
  // Queues the payload for every connected peer but `except`; encoded once. Errors as send().
  [[nodiscard]] core::Status broadcast(uint8_t type, const core::Bytes& payload,
                                       std::optional<PeerId> except = {});
  // The app found invalid data from this peer: ban its IP and identity, send goodbye
  // net.penalized, close.
  void penalize(PeerId peer, const std::string& reason);
  // A lesser fault of this peer, one of net/net_errors.h's reasons (net.rejected_tx,
  // net.rate_limited, net.unsolicited, net.malformed_message): adds misbehaviour_points(reason)
  // to its score; at kBanScore it is banned as by penalize(), with goodbye net.misbehaving.
  void report(PeerId peer, NetErrorRef reason, const std::string& detail);
  // Adds an address to dial and keep dialling, as in options.peers. Error net.bad_address.
  [[nodiscard]] core::Status add_peer(const std::string& host_port);
  // Peers with a completed handshake, ordered by id.
  std::vector<PeerInfo> peers() const;

  // Sends goodbye net.shutdown to every peer (best effort, bounded to a quarter second), calls
  // on_disconnected for each connected peer, and joins the network thread: no callback runs
  // after it returns. Idempotent. Requires: not called from a Handler callback.
  void stop();

 private:
  struct Impl;
  explicit P2p(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingji::net
