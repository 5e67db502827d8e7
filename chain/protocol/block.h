// block.h: blocks, their canonical encoding, and the transaction Merkle root.
//
// Grammar (primitives as in core/codec.h):
//   header    := height:u64 previous:fixed<32> timestamp:i64 producer:fixed<32>
//                tx_root:fixed<32> state_root:fixed<32> tx_count:u32
//   block     := header signature:fixed<64> transactions:vector<bytes>   (each a transaction)
// The block id is BLAKE2b-256(header). The producer signs
// kBlockSigningDomain || chain_id || header, so a block cannot be replayed on another chain.
// tx_root: binary Merkle tree over leaves BLAKE2b(0x00 || transaction bytes) with inner nodes
// BLAKE2b(0x01 || left || right); an unpaired last node moves up unchanged; no transactions
// give 32 zero bytes. Height 0 is the genesis, which has no block of its own: block 1's
// `previous` is the chain id.
#pragma once

#include <vector>

#include "chain/protocol/transaction.h"

namespace lingji::chain {

inline constexpr std::string_view kBlockSigningDomain = "LINGJI/BLOCK/v1";
inline constexpr size_t kMaxBlockBytes = 16 * 1024 * 1024;

struct BlockHeader {
  uint64_t height = 0;
  Hash256 previous;
  TimeMs timestamp = 0;
  PublicKey producer;
  Hash256 tx_root;
  Hash256 state_root;
  uint32_t tx_count = 0;

  Bytes encode() const;
  Hash256 id() const;
  bool operator==(const BlockHeader&) const = default;
};

struct Block {
  BlockHeader header;
  Signature signature;
  std::vector<SignedTransaction> transactions;

  Bytes encode() const;
  static core::Result<Block> decode(ByteView bytes);

  void sign(const Hash256& chain_id, const core::PrivateKey& key);
  bool verify_signature(const Hash256& chain_id) const;
};

Hash256 transactions_root(const std::vector<SignedTransaction>& txs);

}  // namespace lingji::chain
