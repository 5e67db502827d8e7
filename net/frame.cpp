#include "net/frame.h"

#include <algorithm>

#include "net/net_errors.h"

namespace lingji::net {
namespace {

core::Error violation(std::string message) {
  return net_error("net.protocol_violation", std::move(message));
}

void put_be(core::Bytes& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get_be(core::ByteView in, size_t pos, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | in[pos + i];
  return v;
}

}  // namespace

FrameHeader decode_frame_header(const std::array<uint8_t, kFrameHeaderSize>& raw) {
  FrameHeader h;
  h.length = static_cast<uint32_t>(get_be(raw, 0, 4));
  h.type = raw[4];
  return h;
}

uint32_t payload_limit(uint8_t type, const PayloadLimits& app_limits) {
  switch (type) {
    case kHello: return kHelloFrameLimit;
    case kGoodbye: return kGoodbyeFrameLimit;
    case kPing:
    case kPong: return kPingFrameLimit;
    case kAuth: return kAuthFrameLimit;
    default: break;
  }
  if (type < kFirstAppType) return 0;
  return app_limits[type];
}

core::Status check_frame_header(const FrameHeader& h, const PayloadLimits& app_limits) {
  // length 0 has no room for the type byte: the header itself is malformed.
  if (h.length == 0) return violation("frame length 0 (no type byte)");
  const uint32_t limit = payload_limit(h.type, app_limits);
  if (limit == 0) return violation("frame type " + std::to_string(h.type) + " is not allowed");
  if (h.payload_size() > limit) {
    return violation("frame type " + std::to_string(h.type) + " announces " +
                     std::to_string(h.payload_size()) + " payload bytes, over its limit " +
                     std::to_string(limit));
  }
  return core::Ok();
}

core::Bytes encode_frame(uint8_t type, core::ByteView payload) {
  core::Bytes out;
  out.reserve(kFrameHeaderSize + payload.size());
  put_be(out, payload.size() + 1, 4);
  out.push_back(type);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

core::Bytes encode_hello(const Hello& hello) {
  core::Bytes out(kHelloMagic.begin(), kHelloMagic.end());
  put_be(out, hello.version, 4);
  out.insert(out.end(), hello.chain_id.bytes.begin(), hello.chain_id.bytes.end());
  out.insert(out.end(), hello.node_id.bytes.begin(), hello.node_id.bytes.end());
  out.insert(out.end(), hello.nonce.bytes.begin(), hello.nonce.bytes.end());
  put_be(out, hello.listen_port, 2);
  put_be(out, hello.status.size(), 2);
  out.insert(out.end(), hello.status.begin(), hello.status.end());
  return out;
}

core::Result<Hello> decode_hello(core::ByteView p, uint32_t expected_version) {
  if (p.size() < 8 || !std::equal(kHelloMagic.begin(), kHelloMagic.end(), p.begin())) {
    return net_error("net.wrong_magic", "hello does not start with LJP2");
  }
  Hello h;
  h.version = static_cast<uint32_t>(get_be(p, 4, 4));
  if (h.version != expected_version) {
    return net_error("net.wrong_version", "protocol version " + std::to_string(h.version) +
                                              ", expected " + std::to_string(expected_version));
  }
  constexpr size_t kFixed = 4 + 4 + 32 + 32 + 32 + 2 + 2;
  if (p.size() < kFixed) return violation("hello truncated");
  std::copy_n(p.begin() + 8, 32, h.chain_id.bytes.begin());
  std::copy_n(p.begin() + 40, 32, h.node_id.bytes.begin());
  std::copy_n(p.begin() + 72, 32, h.nonce.bytes.begin());
  h.listen_port = static_cast<uint16_t>(get_be(p, 104, 2));
  const size_t status_len = get_be(p, 106, 2);
  if (status_len > kMaxStatusBytes) {
    return violation("hello status of " + std::to_string(status_len) + " bytes, over 256");
  }
  // Exactly one encoding per hello: a status length that disagrees with the frame is malformed.
  if (p.size() != kFixed + status_len) return violation("hello length does not match its status");
  h.status.assign(p.begin() + kFixed, p.end());
  return h;
}

core::Bytes encode_goodbye(const Goodbye& goodbye) {
  core::Bytes out;
  put_be(out, goodbye.code, 2);
  const size_t n = std::min(goodbye.text.size(), kMaxGoodbyeText);
  out.insert(out.end(), goodbye.text.begin(), goodbye.text.begin() + static_cast<ptrdiff_t>(n));
  return out;
}

core::Result<Goodbye> decode_goodbye(core::ByteView p) {
  if (p.size() < 2) return violation("goodbye shorter than its reason code");
  if (p.size() > kGoodbyeFrameLimit) return violation("goodbye text over 256 bytes");
  Goodbye g;
  g.code = static_cast<uint16_t>(get_be(p, 0, 2));
  g.text.assign(p.begin() + 2, p.end());
  return g;
}

core::Bytes encode_ping(uint64_t nonce) {
  core::Bytes out;
  put_be(out, nonce, 8);
  return out;
}

core::Result<uint64_t> decode_ping(core::ByteView p) {
  if (p.size() != 8) return violation("ping/pong payload is not 8 bytes");
  return get_be(p, 0, 8);
}

}  // namespace lingji::net
