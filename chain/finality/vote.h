// vote.h: a producer's finality vote on one block (shared/CONSENSUS.md (b)), its signature and
// its canonical encoding.
//
// Grammar (primitives as in core/codec.h, little-endian like every other Lingji encoding):
//   vote         := slot:u64 height:u64 block_id:fixed<32> justify_slot:u64          (56 bytes)
//   signed_vote  := vote voter:fixed<32> signature:fixed<64>                         (152 bytes)
// The voter signs kVoteSigningDomain || chain_id || vote, so a vote cannot be replayed on another
// chain, nor taken for a block or transaction signature (those have their own domains).
// `height` is CONSENSUS.md's block_num. justify_slot is the slot of the block that B's justify
// certifies. block_id commits to the whole header; once the header carries slot and justify (in
// progress, see finality_rule.h) it fixes every other field of the vote.
#pragma once

#include "chain/protocol/transaction.h"

namespace lingji::chain::finality {

inline constexpr std::string_view kVoteSigningDomain = "LINGJI/VOTE/v1";
inline constexpr size_t kVoteBytes = 8 + 8 + 32 + 8;
inline constexpr size_t kSignedVoteBytes = kVoteBytes + 32 + 64;

struct Vote {
  uint64_t slot = 0;
  uint64_t height = 0;
  Hash256 block_id;
  uint64_t justify_slot = 0;

  // The canonical 56-byte encoding (without domain or chain id).
  Bytes encode() const;
  // Reads exactly one vote from r (for encodings that embed votes).
  bool read(core::Reader& r);
  bool operator==(const Vote&) const = default;
};

// kVoteSigningDomain || chain_id || vote.encode(): the bytes a voter signs.
Bytes vote_signing_bytes(const Hash256& chain_id, const Vote& vote);

struct SignedVote {
  Vote vote;
  PublicKey voter;
  Signature signature;

  // Ed25519 is deterministic: the same key and vote always give the same SignedVote.
  static SignedVote sign(const Hash256& chain_id, const Vote& vote, const core::PrivateKey& key);
  // True iff `signature` is the voter's signature of vote_signing_bytes(chain_id, vote).
  [[nodiscard]] bool verify(const Hash256& chain_id) const;

  Bytes encode() const;
  bool read(core::Reader& r);
  // Exactly kSignedVoteBytes; anything shorter or longer is finality.malformed. Checks no signature.
  [[nodiscard]] static core::Result<SignedVote> decode(ByteView bytes);
  bool operator==(const SignedVote&) const = default;
};

}  // namespace lingji::chain::finality
