#include "chain/finality/finality_proof.h"

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain::finality {

BlockRef block_ref(const BlockHeader& h) {
  return BlockRef{h.slot, h.height, h.id(), h.previous, h.justify.slot, h.justify.block_id};
}

Bytes BlockFinalityProof::encode() const {
  core::Writer w;
  w.u32(static_cast<uint32_t>(headers.size()));
  for (const auto& h : headers) w.raw(h.encode());
  w.raw(qc_on_b.encode());
  return w.take();
}

core::Result<BlockFinalityProof> BlockFinalityProof::decode(ByteView bytes) {
  BlockFinalityProof p;
  core::Reader r(bytes);
  uint32_t n = 0;
  if (!r.u32(n) || n < 2 || n > kMaxProofHeaders)
    return chain_error("finality.malformed", "finality proof: 2 to 256 headers expected");
  for (uint32_t i = 0; i < n; ++i) {
    ByteView raw;
    if (!r.raw(BlockHeader::kEncodedBytes, raw))
      return chain_error("finality.malformed", "finality proof: truncated header");
    auto h = BlockHeader::decode(raw);
    if (!h) return chain_error("finality.malformed", "finality proof: " + h.error().message);
    p.headers.push_back(*h);
  }
  auto qc = QuorumCertificate::decode_rest(r);  // checks size, order and trailing bytes
  if (!qc) return qc.error();
  p.qc_on_b = std::move(*qc);
  return p;
}

core::Status BlockFinalityProof::verify(const Hash256& chain_id, const std::vector<PublicKey>& producer_set,
                                        const std::optional<std::vector<PublicKey>>& next_set) const {
  if (headers.size() < 2) return chain_error("finality.malformed", "finality proof: fewer than 2 headers");
  for (size_t i = 1; i < headers.size(); ++i)
    if (headers[i].previous != headers[i - 1].id() || headers[i].height != headers[i - 1].height + 1)
      return chain_error("finality.malformed",
                         "finality proof: header " + std::to_string(i) + " is not the child of the one before");
  FinalityProof last{block_ref(headers[headers.size() - 2]), block_ref(headers.back()), qc_on_b};
  return next_set ? last.verify_joint(chain_id, producer_set, *next_set) : last.verify(chain_id, producer_set);
}

}  // namespace lingji::chain::finality
