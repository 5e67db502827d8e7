// p2p_frames_fuzz.cpp: the byte stream a peer sends, read the way net/p2p.cpp reads it: a frame
// header, the check of its type and announced length against the node's limits (before any
// payload is read), then the payload's decoder: hello (and the node's status inside it), auth
// (checked against the stream's last hello), goodbye, ping/pong, and the node's messages (transaction, block, get_blocks, blocks, vote).
// The stream ends at the first frame the session would refuse. Properties: nothing crashes; a
// refused header is never read on; every payload that decodes re-encodes to the same bytes, and
// so does its frame.
#include "chain/finality/vote.h"
#include "chain/protocol/block.h"
#include "fuzz/fuzz_common.h"
#include "net/frame.h"
#include "net/handshake.h"
#include "node/messages.h"

using namespace lingji;

namespace {

constexpr uint32_t kProtocolVersion = 2;  // net::P2pOptions::protocol_version

// This node's side of the handshake, against which an auth is checked.
const net::Hello& our_hello() {
  static const net::Hello h{kProtocolVersion, fuzz::chain_id(), core::blake2b_256(core::as_bytes("fuzz node")), 7000,
                            {}, core::blake2b_256(core::as_bytes("fuzz nonce"))};
  return h;
}

void read_payload(uint8_t type, core::ByteView p, net::Hello& theirs) {
  switch (type) {
    case net::kHello:
      if (auto h = net::decode_hello(p, kProtocolVersion)) {
        fuzz::require(fuzz::same_bytes(net::encode_hello(*h), p), "hello: decode -> encode changed the bytes");
        (void)node::decode_status(h->status);
        theirs = *h;
      }
      break;
    case net::kAuth:
      (void)net::check_auth(p, theirs, our_hello());
      break;
    case net::kGoodbye:
      if (auto g = net::decode_goodbye(p))
        fuzz::require(fuzz::same_bytes(net::encode_goodbye(*g), p), "goodbye: decode -> encode changed the bytes");
      break;
    case net::kPing:
    case net::kPong:
      if (auto nonce = net::decode_ping(p))
        fuzz::require(fuzz::same_bytes(net::encode_ping(*nonce), p), "ping: decode -> encode changed the bytes");
      break;
    case node::kTransaction:
      (void)chain::SignedTransaction::decode(p);
      break;
    case node::kBlock:
      (void)chain::Block::decode(p);
      break;
    case node::kGetBlocks:
      (void)node::decode_get_blocks(p);
      break;
    case node::kBlocks:
      if (auto batch = node::decode_blocks(p))
        for (const auto& b : *batch) (void)chain::Block::decode(b);
      break;
    case node::kVote:
      (void)chain::finality::SignedVote::decode(p);
      break;
    default:
      fuzz::require(false, "frame: a type the limits do not allow got through");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const net::PayloadLimits limits = node::payload_limits();
  core::ByteView rest = fuzz::input(data, size);
  net::Hello theirs{};
  while (rest.size() >= net::kFrameHeaderSize) {
    std::array<uint8_t, net::kFrameHeaderSize> raw{};
    std::copy_n(rest.begin(), raw.size(), raw.begin());
    const net::FrameHeader h = net::decode_frame_header(raw);
    if (!net::check_frame_header(h, limits)) return 0;  // the session ends here
    fuzz::require(h.payload_size() <= net::payload_limit(h.type, limits), "frame: over its limit yet accepted");
    rest = rest.subspan(net::kFrameHeaderSize);
    if (rest.size() < h.payload_size()) return 0;  // the peer has not sent it (yet)
    const core::ByteView payload = rest.first(h.payload_size());
    fuzz::require(fuzz::same_bytes(net::encode_frame(h.type, payload),
                                   fuzz::input(payload.data() - net::kFrameHeaderSize, payload.size() + net::kFrameHeaderSize)),
                  "frame: decode -> encode changed the bytes");
    read_payload(h.type, payload, theirs);
    rest = rest.subspan(h.payload_size());
  }
  return 0;
}
