// evidence.h: proof that a key equivocated, for slashing (shared/CONSENSUS.md (b), "Evidence").
//
// Grammar (primitives as in core/codec.h):
//   double_vote_evidence  := a:signed_vote b:signed_vote               (304 bytes)
//   double_block_evidence := a:signed_header b:signed_header
//   signed_header         := slot:u64 producer:fixed<32> header:bytes (<= kMaxEvidenceHeaderBytes)
//                            signature:fixed<64>
// Canonical order: a.block_id < b.block_id (votes), a.header < b.header bytewise (blocks), so the
// same pair of messages has exactly one encoding and one evidence id; decode rejects the other
// order, which stops one equivocation from being submitted (and slashed) twice under two ids.
// Evidence judges signatures only: whether the key was in the schedule, and what the penalty is,
// belong to the slashing operation that consumes it.
#pragma once

#include <functional>

#include "chain/finality/vote.h"

namespace lingji::chain::finality {

// Two votes by one key in one slot for different blocks. No honest key ever signs this pair
// (rule 1), and two QCs in one slot need such a pair from > n/3 keys.
struct DoubleVoteEvidence {
  SignedVote a, b;

  // Puts x and y in canonical order (whatever they are; verify judges them).
  static DoubleVoteEvidence make(SignedVote x, SignedVote y);
  Bytes encode() const;
  // Errors: finality.malformed (grammar, trailing bytes), finality.not_equivocation (order).
  [[nodiscard]] static core::Result<DoubleVoteEvidence> decode(ByteView bytes);
  // Ok iff same voter, same slot, a.block_id < b.block_id, both signatures valid.
  // Errors: finality.not_equivocation, finality.bad_signature.
  [[nodiscard]] core::Status verify(const Hash256& chain_id) const;
  bool operator==(const DoubleVoteEvidence&) const = default;
};

inline constexpr size_t kMaxEvidenceHeaderBytes = 4096;

// One signed block header, as the generic half of DoubleBlockEvidence.
// TODO(header): BlockHeader has no slot field yet, so this layer cannot read slot and producer
// out of `header` itself; a HeaderCheck supplied by the caller does it. When the header gains
// its slot, replace this by the decoded header and chain/protocol/block.h's signature check.
struct SignedHeader {
  uint64_t slot = 0;
  PublicKey producer;
  Bytes header;  // the encoded header, exactly as signed
  Signature signature;
  bool operator==(const SignedHeader&) const = default;
};

// Ok iff h.header decodes to a header of slot h.slot by h.producer and h.signature is the
// producer's block signature of it on chain_id.
using HeaderCheck = std::function<core::Status(const Hash256& chain_id, const SignedHeader& h)>;

// Two different headers signed by one producer for one slot.
struct DoubleBlockEvidence {
  SignedHeader a, b;

  static DoubleBlockEvidence make(SignedHeader x, SignedHeader y);
  Bytes encode() const;
  // Errors: finality.malformed, finality.not_equivocation (order).
  [[nodiscard]] static core::Result<DoubleBlockEvidence> decode(ByteView bytes);
  // Ok iff same producer, same slot, a.header < b.header, and check() accepts both.
  // Errors: finality.not_equivocation, and whatever check returns.
  [[nodiscard]] core::Status verify(const Hash256& chain_id, const HeaderCheck& check) const;
  bool operator==(const DoubleBlockEvidence&) const = default;
};

}  // namespace lingji::chain::finality
