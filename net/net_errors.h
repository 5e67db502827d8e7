// net_errors.h: error codes 5000-5099, owned by net/ (the P2P transport).
//
// The same numbers travel on the wire as the reason code of a goodbye frame (net/frame.h), so a
// code is never renumbered once released: a peer running another release must still read it.
//   5001-5009  local errors returned by P2p::start, send, broadcast and add_peer
//   5010-5039  reasons a connection is closed (sent in goodbye, passed to the Handler)
#pragma once

#include <string_view>

namespace lingji::net {

inline constexpr int kNetBindFailed = 5001;      // net.bind_failed: cannot listen on the address
inline constexpr int kNetBadAddress = 5002;      // net.bad_address: not "host:port"
inline constexpr int kNetBadOptions = 5003;      // net.bad_options: a P2pOptions field out of range
inline constexpr int kNetBadMessage = 5004;      // net.bad_message: type or size the app may not send

inline constexpr int kNetShutdown = 5010;           // net.shutdown: the sender is stopping
inline constexpr int kNetWrongMagic = 5011;         // net.wrong_magic: hello is not "LJP2"
inline constexpr int kNetWrongVersion = 5012;       // net.wrong_version: other protocol_version
inline constexpr int kNetWrongChain = 5013;         // net.wrong_chain: other chain_id
inline constexpr int kNetProtocolViolation = 5014;  // net.protocol_violation: banned for it
inline constexpr int kNetPenalized = 5015;          // net.penalized: the app found invalid data
inline constexpr int kNetDuplicate = 5016;          // net.duplicate_connection: one kept per node
inline constexpr int kNetTooManyPeers = 5017;       // net.too_many_peers: max_peers reached
inline constexpr int kNetHandshakeTimeout = 5018;   // net.handshake_timeout: no hello in time
inline constexpr int kNetIdleTimeout = 5019;        // net.idle_timeout: nothing received in time
inline constexpr int kNetSendQueueFull = 5020;      // net.send_queue_full: the peer reads too slowly
inline constexpr int kNetSelfConnection = 5021;     // net.self_connection: dialled our own node
inline constexpr int kNetConnectionLost = 5022;     // net.connection_lost: EOF, reset or I/O error
inline constexpr int kNetBanned = 5023;             // net.banned: refused at accept (never sent)

// The dotted name of a code above, or "net.unknown" (a newer peer may send codes we do not know).
std::string_view net_error_name(int code);

}  // namespace lingji::net
