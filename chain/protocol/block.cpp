#include "chain/protocol/block.h"

#include <algorithm>
#include <cstring>

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain {
namespace {

Bytes block_signing_bytes(const Hash256& chain_id, const BlockHeader& h) {
  core::Writer w;
  w.raw(core::as_bytes(kBlockSigningDomain)).fixed(chain_id).raw(h.encode());
  return w.take();
}

bool decode_header(core::Reader& r, BlockHeader& h) {
  return r.u64(h.height) && r.fixed(h.previous) && r.u64(h.slot) && r.i64(h.timestamp) && r.fixed(h.producer) &&
         r.fixed(h.tx_root) && r.fixed(h.state_root) && r.u32(h.tx_count) && r.u64(h.justify.slot) &&
         r.u64(h.justify.height) && r.fixed(h.justify.block_id);
}

// Reads the part of a block before its transactions.
bool decode_prefix(core::Reader& r, Block& b) {
  uint8_t has_qc = 0;
  if (!decode_header(r, b.header) || !r.fixed(b.signature) || !r.u8(has_qc)) return false;
  if (has_qc > 1) {
    // Fail the reader, not only this call: at the end of the input an unfailed reader would
    // finish() cleanly, and header || signature || 0x02 would be a second encoding of a block
    // without certificate or transactions (found by fuzz/block_fuzz).
    r.fail("has_qc " + std::to_string(has_qc) + " is neither 0 nor 1");
    return false;
  }
  if (has_qc) {
    finality::QuorumCertificate qc;
    if (!qc.read(r)) return false;
    b.justify_qc = std::move(qc);
  }
  return true;
}

}  // namespace

Bytes BlockHeader::encode() const {
  core::Writer w;
  w.u64(height).fixed(previous).u64(slot).i64(timestamp).fixed(producer).fixed(tx_root).fixed(state_root).u32(tx_count);
  w.u64(justify.slot).u64(justify.height).fixed(justify.block_id);
  return w.take();
}

core::Result<BlockHeader> BlockHeader::decode(ByteView bytes) {
  BlockHeader h;
  core::Reader r(bytes);
  if (!decode_header(r, h) || !r.finish()) return chain_error("block.malformed", "malformed block header");
  return h;
}

Hash256 BlockHeader::id() const { return core::blake2b_256(encode()); }

Bytes Block::encode() const {
  const Bytes head = header.encode();
  const Bytes qc = justify_qc ? justify_qc->encode() : Bytes{};
  size_t size = head.size() + signature.view().size() + 1 + qc.size() + 4;
  for (const auto& tx : transactions) size += 4 + tx.bytes().size();
  core::Writer w;
  w.reserve(size).raw(head).fixed(signature).u8(justify_qc ? 1 : 0);
  if (justify_qc) w.raw(qc);
  w.u32(static_cast<uint32_t>(transactions.size()));
  for (const auto& tx : transactions) w.bytes(tx.bytes());
  return w.take();
}

core::Result<Block> Block::decode(ByteView bytes) {
  if (bytes.size() > kMaxBlockBytes)
    return chain_error("block.too_large", "block exceeds " + std::to_string(kMaxBlockBytes) + " bytes");
  Block b;
  core::Reader r(bytes);
  uint32_t n = 0;
  if (decode_prefix(r, b) && r.count(n, 1u << 20)) {
    // Reserve no more than the input could hold (each transaction takes at least its 4-byte
    // length): a 200-byte block claiming 2^20 transactions must not allocate ~200 MB.
    b.transactions.reserve(std::min<size_t>(n, r.remaining() / 4));
    Bytes tx_bytes;
    for (uint32_t i = 0; i < n; ++i) {
      if (!r.bytes(tx_bytes, kMaxTransactionBytes)) break;
      auto tx = SignedTransaction::decode(tx_bytes);
      if (!tx) return chain_error("block.malformed", "transaction " + std::to_string(i) + ": " + tx.error().message);
      b.transactions.push_back(std::move(*tx));
    }
  }
  if (auto st = r.finish(); !st) return chain_error("block.malformed", "malformed block: " + st.error().message);
  if (b.header.tx_count != b.transactions.size())
    return chain_error("block.malformed", "header tx_count does not match the transactions");
  return b;
}

std::optional<SignedTransaction> Block::transaction_in(ByteView block_bytes, uint32_t index) {
  Block prefix;
  core::Reader r(block_bytes);
  uint32_t count = 0;
  if (!decode_prefix(r, prefix) || !r.u32(count) || index >= count) return std::nullopt;
  core::ByteView skip;
  for (uint32_t i = 0; i < index; ++i) {
    uint32_t len = 0;
    if (!r.u32(len) || !r.raw(len, skip)) return std::nullopt;
  }
  Bytes tx_bytes;
  if (!r.bytes(tx_bytes, kMaxTransactionBytes)) return std::nullopt;
  auto tx = SignedTransaction::decode(tx_bytes);
  if (!tx) return std::nullopt;
  return std::move(*tx);
}

void Block::sign(const Hash256& chain_id, const core::PrivateKey& key) {
  signature = key.sign(block_signing_bytes(chain_id, header));
}

bool Block::verify_signature(const Hash256& chain_id) const {
  return verify_header_signature(chain_id, header, signature);
}

bool verify_header_signature(const Hash256& chain_id, const BlockHeader& header, const Signature& signature) {
  return core::verify(header.producer, block_signing_bytes(chain_id, header), signature);
}

Hash256 transactions_root(const std::vector<SignedTransaction>& txs) {
  if (txs.empty()) return Hash256{};
  std::vector<Hash256> level;
  level.reserve(txs.size());
  for (const auto& tx : txs) {
    // The id is BLAKE2b(body), already computed when the transaction was signed or decoded, so
    // the leaf binds the whole transaction in one 97-byte compression instead of rehashing it.
    uint8_t leaf[1 + 32 + 64];
    leaf[0] = 0x00;
    std::memcpy(leaf + 1, tx.id().bytes.data(), 32);
    std::memcpy(leaf + 33, tx.signature().bytes.data(), 64);
    level.push_back(core::blake2b_256({leaf, sizeof leaf}));
  }
  while (level.size() > 1) {
    std::vector<Hash256> next;
    next.reserve((level.size() + 1) / 2);
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      uint8_t node[1 + 32 + 32];
      node[0] = 0x01;
      std::memcpy(node + 1, level[i].bytes.data(), 32);
      std::memcpy(node + 33, level[i + 1].bytes.data(), 32);
      next.push_back(core::blake2b_256({node, sizeof node}));
    }
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  return level[0];
}

}  // namespace lingji::chain
