// messages.h: the payloads of the node's own peer messages (grammar in node/network.h), encoded
// and decoded without sockets or a controller, so that the fuzz harnesses (fuzz/) reach every
// decoder a peer's bytes meet. Transactions, blocks and votes have their own decoders in chain/.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/hash.h"
#include "net/frame.h"

namespace lingji::node {

enum MessageType : uint8_t { kTransaction = 16, kBlock = 17, kGetBlocks = 18, kBlocks = 19, kVote = 20 };
inline constexpr uint32_t kSyncBatchBlocks = 256;
inline constexpr size_t kSyncBatchBytes = 8 << 20;

// The largest payload of each message type (net/frame.h checks it before reading the payload).
net::PayloadLimits payload_limits();

// handshake status := head_height:u64 head_id:fixed<32> final_height:u64
struct PeerStatus {
  uint64_t head_height = 0;
  core::Hash256 head_id;
  uint64_t final_height = 0;
  bool operator==(const PeerStatus&) const = default;
};
core::Bytes encode_status(const PeerStatus& s);
// nullopt: truncated or trailing bytes.
std::optional<PeerStatus> decode_status(core::ByteView payload);

// get_blocks := from_height:u64 max_blocks:u32
struct GetBlocks {
  uint64_t from = 0;
  uint32_t max_blocks = 0;
  bool operator==(const GetBlocks&) const = default;
};
core::Bytes encode_get_blocks(const GetBlocks& g);
std::optional<GetBlocks> decode_get_blocks(core::ByteView payload);

// blocks := count:u32 (length:u32 block bytes)[count]
core::Bytes encode_blocks(const std::vector<core::Bytes>& blocks);
// The framing of a batch, checked whole before any block in it is decoded: the blocks' bytes as
// views into payload. nullopt: count over kSyncBatchBlocks, a length over chain::kMaxBlockBytes,
// truncated or trailing bytes.
std::optional<std::vector<core::ByteView>> decode_blocks(core::ByteView payload);

}  // namespace lingji::node
