// messages.cpp: the node's peer message payloads of messages.h.
#include "node/messages.h"

#include "chain/finality/vote.h"
#include "chain/protocol/block.h"
#include "core/codec.h"

namespace lingji::node {

net::PayloadLimits payload_limits() {
  net::PayloadLimits l{};
  l[kTransaction] = static_cast<uint32_t>(chain::kMaxTransactionBytes);
  l[kBlock] = static_cast<uint32_t>(chain::kMaxBlockBytes);
  l[kGetBlocks] = 12;
  l[kBlocks] = static_cast<uint32_t>(kSyncBatchBytes + chain::kMaxBlockBytes + 4 * (kSyncBatchBlocks + 1));
  l[kVote] = static_cast<uint32_t>(chain::finality::kSignedVoteBytes);
  return l;
}

core::Bytes encode_status(const PeerStatus& s) {
  core::Writer w;
  w.u64(s.head_height).fixed(s.head_id).u64(s.final_height);
  return w.take();
}

std::optional<PeerStatus> decode_status(core::ByteView payload) {
  core::Reader r(payload);
  PeerStatus s;
  if (!r.u64(s.head_height) || !r.fixed(s.head_id) || !r.u64(s.final_height) || !r.finish()) return std::nullopt;
  return s;
}

core::Bytes encode_get_blocks(const GetBlocks& g) {
  core::Writer w;
  w.u64(g.from).u32(g.max_blocks);
  return w.take();
}

std::optional<GetBlocks> decode_get_blocks(core::ByteView payload) {
  core::Reader r(payload);
  GetBlocks g;
  if (!r.u64(g.from) || !r.u32(g.max_blocks) || !r.finish()) return std::nullopt;
  return g;
}

core::Bytes encode_blocks(const std::vector<core::Bytes>& blocks) {
  core::Writer w;
  w.u32(static_cast<uint32_t>(blocks.size()));
  for (const auto& b : blocks) w.bytes(b);
  return w.take();
}

std::optional<std::vector<core::ByteView>> decode_blocks(core::ByteView payload) {
  core::Reader r(payload);
  uint32_t n = 0;
  if (!r.count(n, kSyncBatchBlocks)) return std::nullopt;
  std::vector<core::ByteView> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t length = 0;
    core::ByteView block;
    if (!r.u32(length) || length > chain::kMaxBlockBytes || !r.raw(length, block)) return std::nullopt;
    out.push_back(block);
  }
  if (!r.finish()) return std::nullopt;
  return out;
}

}  // namespace lingji::node
