// finality_rule.h: when a block is final, and the proof of it (shared/CONSENSUS.md (b), "Final").
//
// A is final when QC(A) and QC(B) exist with parent(B) = A, slot(B) = slot(A) + 1 and
// justify(B) = QC(A); its ancestors are final too. The proof is headers A and B plus QC(B): QC(A)
// need not be carried, because B's header names it and the honest signers of QC(B) checked it
// before voting. Never drop slot(B) = slot(A) + 1: without it a quorum can vote a conflicting
// block between A and B before any lock reaches A (the model checker finds that run).
//
// Grammar (primitives as in core/codec.h):
//   block_ref       := slot:u64 height:u64 id:fixed<32> parent:fixed<32>
//                      justify_slot:u64 justify_id:fixed<32>                        (128 bytes)
//   finality_proof  := a:block_ref b:block_ref qc_on_b:quorum_certificate
//
// BlockRefs are summaries that nothing binds to their ids: a FinalityProof is sound only for
// BlockRefs the caller took from headers it has validated itself. The proof a client receives is
// BlockFinalityProof (finality_proof.h), which carries the headers and derives the BlockRefs.
#pragma once

#include "chain/finality/quorum_certificate.h"

namespace lingji::chain::finality {

inline constexpr size_t kBlockRefBytes = 8 + 8 + 32 + 32 + 8 + 32;

// What the finality rules need to know about a block header.
struct BlockRef {
  uint64_t slot = 0;
  uint64_t height = 0;
  Hash256 id;
  Hash256 parent;
  uint64_t justify_slot = 0;  // slot of the block certified by this block's justify QC
  Hash256 justify_id;         // id of that block

  Bytes encode() const;
  bool read(core::Reader& r);
  bool operator==(const BlockRef&) const = default;
};

// The vote that a voter casts for block b.
inline Vote vote_for(const BlockRef& b) { return Vote{b.slot, b.height, b.id, b.justify_slot}; }

// True iff B proves A final (given QC(B)): parent(B) = A, slot(B) = slot(A) + 1, height(B) =
// height(A) + 1 and justify(B) certifies A (its slot and id).
constexpr bool proves_final(const BlockRef& a, const BlockRef& b) {
  return a.slot != UINT64_MAX && a.height != UINT64_MAX && b.parent == a.id && b.slot == a.slot + 1 &&
         b.height == a.height + 1 && b.justify_id == a.id && b.justify_slot == a.slot;
}

struct FinalityProof {
  BlockRef a;  // the block proved final
  BlockRef b;  // its child in the next slot, whose justify is QC(A)
  QuorumCertificate qc_on_b;

  Bytes encode() const;
  // Errors: finality.malformed (truncated, trailing bytes), and QuorumCertificate::decode's.
  [[nodiscard]] static core::Result<FinalityProof> decode(ByteView bytes);

  // Ok iff qc_on_b is a vote for b (vote_for(b)), valid for producer_set, and proves_final(a, b).
  // Requires: a and b come from validated headers (see the TODO above).
  // Errors: finality.wrong_vote, finality.not_final, and QuorumCertificate::verify's.
  [[nodiscard]] core::Status verify(const Hash256& chain_id, const std::vector<PublicKey>& producer_set) const;
  // The same for a B in the pending phase of a set change: QC(B) needs both sets.
  [[nodiscard]] core::Status verify_joint(const Hash256& chain_id, const std::vector<PublicKey>& producer_set,
                                          const std::vector<PublicKey>& next_set) const;
};

}  // namespace lingji::chain::finality
