// evidence.h: proof that a key equivocated (shared/CONSENSUS.md (b), "Evidence"). Anyone checks
// it with the two signed messages alone; the report_evidence operation (chain/producers/
// ejection.h) records it on the chain and ejects the offender from the schedule.
//
// Grammar (primitives as in core/codec.h):
//   double_vote_evidence  := a:signed_vote b:signed_vote                 (304 bytes)
//   double_block_evidence := a:signed_header b:signed_header             (536 bytes)
//   signed_header         := header signature:fixed<64>                  (header as in block.h)
// Canonical order: a.block_id < b.block_id (votes), a.header.id() < b.header.id() (blocks), so
// the same pair of messages has exactly one encoding; decode rejects the other order.
// Evidence judges signatures only: whether the key was in the schedule, and what the penalty is,
// belong to the operation that consumes it.
#pragma once

#include "chain/finality/vote.h"
#include "chain/protocol/block.h"

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
  // verify() without the signatures: what a stateless check can afford.
  [[nodiscard]] core::Status verify_shape() const;
  bool operator==(const DoubleVoteEvidence&) const = default;
};

// One block header with its producer's signature: the half of a DoubleBlockEvidence.
struct SignedHeader {
  BlockHeader header;
  Signature signature;
  static SignedHeader sign(const Hash256& chain_id, const BlockHeader& header, const core::PrivateKey& key);
  // True iff signature is header.producer's block signature of header on chain_id.
  [[nodiscard]] bool verify(const Hash256& chain_id) const;
  bool operator==(const SignedHeader&) const = default;
};

// Two different headers signed by one producer for one slot.
struct DoubleBlockEvidence {
  SignedHeader a, b;

  static DoubleBlockEvidence make(SignedHeader x, SignedHeader y);
  Bytes encode() const;
  // Errors: finality.malformed (grammar, trailing bytes), finality.not_equivocation (order).
  [[nodiscard]] static core::Result<DoubleBlockEvidence> decode(ByteView bytes);
  // Ok iff same producer, same slot, a.header.id() < b.header.id(), both signatures valid.
  // Errors: finality.not_equivocation, finality.bad_signature.
  [[nodiscard]] core::Status verify(const Hash256& chain_id) const;
  [[nodiscard]] core::Status verify_shape() const;
  bool operator==(const DoubleBlockEvidence&) const = default;
};

}  // namespace lingji::chain::finality
