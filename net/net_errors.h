// net_errors.h: the errors of net/ (the P2P transport), one table (core/error_table.h).
//
// The same codes travel on the wire as the reason code of a goodbye frame (net/frame.h), so a
// row is never renumbered or renamed once released: a peer running another release must still
// read it.
//   5001-5009  local errors returned by P2p::start, send, broadcast and add_peer
//   5010-5039  reasons a connection is closed (sent in goodbye, passed to the Handler), and the
//              reasons a peer's misbehaviour score grows (net/peer_score.h)
// The classes never reach HTTP; they say what kind of refusal it is: kInvalid for a bad argument
// or option of this node, kRejected for a peer breaking the protocol or the chain's rules,
// kUnavailable for a transient condition (retry later), kInternal for a local fault.
#pragma once

#include <string>
#include <string_view>

#include "core/error_table.h"

namespace lingji::net {

inline constexpr core::ErrorDef kNetErrors[] = {
    {5001, "net.bind_failed", core::ErrorClass::kInternal},           // cannot listen on the address
    {5002, "net.bad_address", core::ErrorClass::kInvalid},            // not "host:port"
    {5003, "net.bad_options", core::ErrorClass::kInvalid},            // a P2pOptions field out of range
    {5004, "net.bad_message", core::ErrorClass::kInvalid},            // type or size the app may not send
    {5005, "net.bad_identity", core::ErrorClass::kInvalid},           // the identity key file is unusable

    {5010, "net.shutdown", core::ErrorClass::kUnavailable},           // the sender is stopping
    {5011, "net.wrong_magic", core::ErrorClass::kRejected},           // hello is not "LJP2"
    {5012, "net.wrong_version", core::ErrorClass::kRejected},         // other protocol_version
    {5013, "net.wrong_chain", core::ErrorClass::kRejected},           // other chain_id
    {5014, "net.protocol_violation", core::ErrorClass::kRejected},    // banned for it
    {5015, "net.penalized", core::ErrorClass::kRejected},             // the app found invalid data
    {5016, "net.duplicate_connection", core::ErrorClass::kConflict},  // one kept per node
    {5017, "net.too_many_peers", core::ErrorClass::kUnavailable},     // max_peers reached
    {5018, "net.handshake_timeout", core::ErrorClass::kUnavailable},  // no hello in time
    {5019, "net.idle_timeout", core::ErrorClass::kUnavailable},       // nothing received in time
    {5020, "net.send_queue_full", core::ErrorClass::kUnavailable},    // the peer reads too slowly
    {5021, "net.self_connection", core::ErrorClass::kInvalid},        // a peer address is our own node
    {5022, "net.connection_lost", core::ErrorClass::kUnavailable},    // EOF, reset or I/O error
    {5023, "net.banned", core::ErrorClass::kRejected},                // refused at accept (never sent)
    {5024, "net.bad_auth", core::ErrorClass::kRejected},              // handshake proof forged or replayed
    {5025, "net.too_many_from_ip", core::ErrorClass::kUnavailable},   // inbound slots of one IP used up
    {5026, "net.rate_limited", core::ErrorClass::kUnavailable},       // over a per-peer message rate
    {5027, "net.malformed_message", core::ErrorClass::kRejected},     // data that can never be valid
    {5028, "net.rejected_tx", core::ErrorClass::kRejected},           // a tx that failed state checks
    {5029, "net.unsolicited", core::ErrorClass::kRejected},           // a reply nobody asked for
    {5030, "net.misbehaving", core::ErrorClass::kRejected},           // misbehaviour score over the limit
};
static_assert(core::check_table(kNetErrors, "net"));

using NetErrorRef = core::ErrorRef<kNetErrors>;
inline core::Error net_error(NetErrorRef e, std::string message) {
  return core::make_error(*e.def, std::move(message));
}

// The dotted name of a code, or "net.unknown" (a newer peer may send codes we do not know).
inline std::string_view net_error_name(int code) {
  const core::ErrorDef* row = core::find_code(kNetErrors, code);
  return row ? row->name : "net.unknown";
}

// The codes by name, for comparing received goodbye codes and errors.
inline constexpr int kNetBindFailed = core::find_error(kNetErrors, "net.bind_failed").code;
inline constexpr int kNetBadAddress = core::find_error(kNetErrors, "net.bad_address").code;
inline constexpr int kNetBadOptions = core::find_error(kNetErrors, "net.bad_options").code;
inline constexpr int kNetBadMessage = core::find_error(kNetErrors, "net.bad_message").code;
inline constexpr int kNetShutdown = core::find_error(kNetErrors, "net.shutdown").code;
inline constexpr int kNetWrongMagic = core::find_error(kNetErrors, "net.wrong_magic").code;
inline constexpr int kNetWrongVersion = core::find_error(kNetErrors, "net.wrong_version").code;
inline constexpr int kNetWrongChain = core::find_error(kNetErrors, "net.wrong_chain").code;
inline constexpr int kNetProtocolViolation = core::find_error(kNetErrors, "net.protocol_violation").code;
inline constexpr int kNetPenalized = core::find_error(kNetErrors, "net.penalized").code;
inline constexpr int kNetDuplicate = core::find_error(kNetErrors, "net.duplicate_connection").code;
inline constexpr int kNetTooManyPeers = core::find_error(kNetErrors, "net.too_many_peers").code;
inline constexpr int kNetHandshakeTimeout = core::find_error(kNetErrors, "net.handshake_timeout").code;
inline constexpr int kNetIdleTimeout = core::find_error(kNetErrors, "net.idle_timeout").code;
inline constexpr int kNetSendQueueFull = core::find_error(kNetErrors, "net.send_queue_full").code;
inline constexpr int kNetSelfConnection = core::find_error(kNetErrors, "net.self_connection").code;
inline constexpr int kNetConnectionLost = core::find_error(kNetErrors, "net.connection_lost").code;
inline constexpr int kNetBanned = core::find_error(kNetErrors, "net.banned").code;
inline constexpr int kNetBadIdentity = core::find_error(kNetErrors, "net.bad_identity").code;
inline constexpr int kNetBadAuth = core::find_error(kNetErrors, "net.bad_auth").code;
inline constexpr int kNetTooManyFromIp = core::find_error(kNetErrors, "net.too_many_from_ip").code;
inline constexpr int kNetRateLimited = core::find_error(kNetErrors, "net.rate_limited").code;
inline constexpr int kNetMalformedMessage = core::find_error(kNetErrors, "net.malformed_message").code;
inline constexpr int kNetRejectedTx = core::find_error(kNetErrors, "net.rejected_tx").code;
inline constexpr int kNetUnsolicited = core::find_error(kNetErrors, "net.unsolicited").code;
inline constexpr int kNetMisbehaving = core::find_error(kNetErrors, "net.misbehaving").code;

}  // namespace lingji::net
