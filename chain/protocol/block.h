// block.h: blocks, their canonical encoding, and the transaction Merkle root.
//
// Grammar (primitives as in core/codec.h):
//   header    := height:u64 previous:fixed<32> slot:u64 timestamp:i64 producer:fixed<32>
//                tx_root:fixed<32> state_root:fixed<32> tx_count:u32 justify:qc_claim
//   qc_claim  := slot:u64 height:u64 block_id:fixed<32>
//   block     := header signature:fixed<64> has_qc:u8 [quorum_certificate iff has_qc = 1]
//                transactions:vector<bytes>   (each a transaction)
// slot: the block's time slot, timestamp = genesis_time + slot * block_interval (shared/CONSENSUS.md
// (b)); the producer is the one the schedule names for that slot. justify: the block certified by
// the highest quorum certificate the producer knew, an ancestor (the genesis is slot 0, height 0,
// id = chain id, and needs no certificate). The certificate itself travels in the body when the
// claim is newer than the parent's (it is self-verifying, so the id need not commit to it).
// The block id is BLAKE2b-256(header). The producer signs
// kBlockSigningDomain || chain_id || header, so a block cannot be replayed on another chain.
// tx_root: binary Merkle tree over leaves BLAKE2b(0x00 || id || signature) with inner nodes
// BLAKE2b(0x01 || left || right); an unpaired last node moves up unchanged; no transactions
// give 32 zero bytes. Height 0 is the genesis, which has no block of its own: block 1's
// `previous` is the chain id.
#pragma once

#include <vector>

#include "chain/finality/quorum_certificate.h"
#include "chain/protocol/transaction.h"

namespace lingji::chain {

inline constexpr std::string_view kBlockSigningDomain = "LINGJI/BLOCK/v1";
inline constexpr size_t kMaxBlockBytes = 16 * 1024 * 1024;

// The block a header's justify certificate is on.
struct QcClaim {
  uint64_t slot = 0;
  uint64_t height = 0;
  Hash256 block_id;
  bool operator==(const QcClaim&) const = default;
};

struct BlockHeader {
  uint64_t height = 0;
  Hash256 previous;
  uint64_t slot = 0;
  TimeMs timestamp = 0;
  PublicKey producer;
  Hash256 tx_root;
  Hash256 state_root;
  uint32_t tx_count = 0;
  QcClaim justify;

  static constexpr size_t kEncodedBytes = 8 + 32 + 8 + 8 + 32 + 32 + 32 + 4 + (8 + 8 + 32);
  Bytes encode() const;
  // Reads exactly kEncodedBytes. Errors: block.malformed.
  [[nodiscard]] static core::Result<BlockHeader> decode(ByteView bytes);
  Hash256 id() const;
  bool operator==(const BlockHeader&) const = default;
};

struct Block {
  BlockHeader header;
  Signature signature;
  std::optional<finality::QuorumCertificate> justify_qc;
  std::vector<SignedTransaction> transactions;

  Bytes encode() const;
  static core::Result<Block> decode(ByteView bytes);
  // Transaction `index` of an encoded block, decoding only that one (the API's lookups).
  static std::optional<SignedTransaction> transaction_in(ByteView block_bytes, uint32_t index);

  void sign(const Hash256& chain_id, const core::PrivateKey& key);
  bool verify_signature(const Hash256& chain_id) const;
};

// True iff `signature` is header.producer's block signature of `header` on chain_id (what
// Block::verify_signature checks; DoubleBlockEvidence checks headers alone).
[[nodiscard]] bool verify_header_signature(const Hash256& chain_id, const BlockHeader& header, const Signature& signature);

// Binary Merkle root of the transactions in block order: leaf BLAKE2b(0x00 || id || signature)
// (the id is BLAKE2b of the body, so the leaf binds every byte), node BLAKE2b(0x01 || left ||
// right), an odd last node carried up unchanged; 32 zero bytes for no transactions.
Hash256 transactions_root(const std::vector<SignedTransaction>& txs);

}  // namespace lingji::chain
