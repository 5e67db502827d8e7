// finality_proof.h: the proof that a block is final, as the API serves it, which a client checks
// with the producer set alone (no chain state): the headers from the block F in question up to B,
// each the parent of the next, where A (B's parent) is final by the two-chain rule
// (finality_rule.h: B is A's child in the next slot and its justify certifies A) and F is A or an
// ancestor of it; plus QC(B). The ids are recomputed from the headers, so nothing in the proof
// is taken on trust.
//
// Grammar (primitives as in core/codec.h):
//   block_finality_proof := count:u32 header^count qc_on_b:quorum_certificate   (2 <= count <= 256)
//   header               := BlockHeader, kEncodedBytes (chain/protocol/block.h)
#pragma once

#include <optional>
#include <vector>

#include "chain/finality/finality_rule.h"
#include "chain/protocol/block.h"

namespace lingji::chain::finality {

inline constexpr size_t kMaxProofHeaders = 256;

// What the finality rules read from a header (the id is the header's hash).
BlockRef block_ref(const BlockHeader& h);

struct BlockFinalityProof {
  std::vector<BlockHeader> headers;  // F, ..., A, B
  QuorumCertificate qc_on_b;

  Bytes encode() const;
  // Errors: finality.malformed (count out of range, a bad header, trailing bytes), and
  // QuorumCertificate::decode's.
  [[nodiscard]] static core::Result<BlockFinalityProof> decode(ByteView bytes);
  // Ok iff the headers link (each one's previous is the id of the one before, heights + 1), the
  // last two prove the second-to-last final, and qc_on_b is a quorum of producer_set on
  // vote_for(B) (of both sets when next_set is given: the pending phase of a set change).
  // Errors: finality.malformed (no link), finality.wrong_vote, finality.not_final, and
  //         QuorumCertificate::verify's.
  [[nodiscard]] core::Status verify(const Hash256& chain_id, const std::vector<PublicKey>& producer_set,
                                    const std::optional<std::vector<PublicKey>>& next_set = {}) const;
};

}  // namespace lingji::chain::finality
