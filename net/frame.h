// frame.h: the P2P wire format, encoded and decoded without sockets (the I/O is in p2p.cpp).
//
// Grammar (every integer is big-endian, "network order", unlike the little-endian core/codec.h:
// nothing here is hashed or signed, and a frame length is read before anything else):
//   frame    := length:u32 type:u8 payload[length - 1]         length >= 1
//   hello    := magic:"LJP2" version:u32 chain_id:fixed<32> node_id:fixed<32> nonce:fixed<32>
//               listen_port:u16 status_len:u16 status[status_len]      status_len <= 256
//   auth     := signature:fixed<64>                             (net/handshake.h)
//   goodbye  := code:u16 text[rest]                             text <= 256 bytes
//   ping     := nonce:u64
//   pong     := nonce:u64                                       the nonce of the ping it answers
// Types: 1 hello, 2 goodbye, 3 ping, 4 pong, 5 auth; 0 and 6..15 are reserved and never valid;
// 16..255 belong to the application, each with its own payload limit (0 = not allowed).
// node_id is the node's Ed25519 identity key (net/identity.h); nonce is fresh random per
// connection. Version 2 added the nonce and auth (version 1 had neither).
//
// Session rules (enforced in p2p.cpp, documented in docs/p2p.md): each side sends hello first,
// then, once it has the peer's hello, auth: its signature over the peer's nonce (handshake.h).
// Until the peer's hello and auth have arrived only hello, auth and goodbye are accepted (goodbye
// before them is how a full or refusing node explains itself). A second hello or auth, an auth
// before hello, a frame that does not decode, a type that is not allowed, or a payload over its
// type's limit is a protocol violation. listen_port 0 means "not listening".
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/hash.h"
#include "core/result.h"

namespace lingji::net {

inline constexpr uint8_t kHello = 1;
inline constexpr uint8_t kGoodbye = 2;
inline constexpr uint8_t kPing = 3;
inline constexpr uint8_t kPong = 4;
inline constexpr uint8_t kAuth = 5;
inline constexpr uint8_t kFirstAppType = 16;

inline constexpr size_t kFrameHeaderSize = 5;  // length:u32 type:u8
inline constexpr size_t kMaxStatusBytes = 256;
inline constexpr size_t kMaxGoodbyeText = 256;
inline constexpr std::array<uint8_t, 4> kHelloMagic = {'L', 'J', 'P', '2'};
// A hello of our version is at most 364 bytes. The frame limit is looser so that a peer of a
// later version with a longer hello gets a polite net.wrong_version rather than a ban.
inline constexpr uint32_t kHelloFrameLimit = 1024;
inline constexpr uint32_t kGoodbyeFrameLimit = 2 + kMaxGoodbyeText;
inline constexpr uint32_t kPingFrameLimit = 8;
inline constexpr uint32_t kAuthFrameLimit = 64;
// Largest limit an app type may have: the length field (payload + 1) must fit in a u32, and a
// gigabyte is already far beyond any sane message.
inline constexpr uint32_t kMaxAppPayloadLimit = 1u << 30;

using PayloadLimits = std::array<uint32_t, 256>;

struct FrameHeader {
  uint32_t length = 0;  // type byte + payload
  uint8_t type = 0;
  size_t payload_size() const { return length == 0 ? 0 : length - 1; }
};

FrameHeader decode_frame_header(const std::array<uint8_t, kFrameHeaderSize>& raw);

// The largest payload allowed for `type`: fixed for transport types, app_limits[type] for
// application types, 0 for reserved types. 0 means the type is not allowed at all.
uint32_t payload_limit(uint8_t type, const PayloadLimits& app_limits);

// Ok if the header announces an allowed type and a payload within its limit. Checked before the
// payload is read, so a peer announcing 4 GiB never makes us allocate it. Fails with
// net.protocol_violation (kNetProtocolViolation).
[[nodiscard]] core::Status check_frame_header(const FrameHeader& h, const PayloadLimits& app_limits);

// Requires: payload.size() < 2^32 - 1.
core::Bytes encode_frame(uint8_t type, core::ByteView payload);

struct Hello {
  uint32_t version = 0;
  core::Hash256 chain_id;
  core::Hash256 node_id;
  uint16_t listen_port = 0;
  core::Bytes status;  // <= kMaxStatusBytes
  core::Hash256 nonce;  // fresh per connection; the peer signs it in its auth
};

// Requires: hello.status.size() <= kMaxStatusBytes.
core::Bytes encode_hello(const Hello& hello);
// Errors: net.wrong_magic (payload shorter than 8 bytes or not "LJP2"), net.wrong_version (the
// rest is not parsed: another version may lay it out differently), net.protocol_violation
// (truncated, status too long, trailing bytes).
[[nodiscard]] core::Result<Hello> decode_hello(core::ByteView payload, uint32_t expected_version);

struct Goodbye {
  uint16_t code = 0;  // an error code of net/net_errors.h
  std::string text;   // <= kMaxGoodbyeText bytes
};

// Longer text is cut to kMaxGoodbyeText bytes.
core::Bytes encode_goodbye(const Goodbye& goodbye);
[[nodiscard]] core::Result<Goodbye> decode_goodbye(core::ByteView payload);

core::Bytes encode_ping(uint64_t nonce);  // also the pong payload
[[nodiscard]] core::Result<uint64_t> decode_ping(core::ByteView payload);

}  // namespace lingji::net
