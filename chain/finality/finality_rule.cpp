#include "chain/finality/finality_rule.h"

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

core::Status check_shape(const FinalityProof& p) {
  if (!(p.qc_on_b.vote == vote_for(p.b)))
    return chain_error("finality.wrong_vote", "the QC is not on block B " + p.b.id.hex());
  if (!proves_final(p.a, p.b))
    return chain_error("finality.not_final",
                       "B is not A's child in the next slot with a justify on A");
  return core::Ok();
}

}  // namespace

Bytes BlockRef::encode() const {
  core::Writer w;
  w.u64(slot).u64(height).fixed(id).fixed(parent).u64(justify_slot).fixed(justify_id);
  return w.take();
}

bool BlockRef::read(core::Reader& r) {
  return r.u64(slot) && r.u64(height) && r.fixed(id) && r.fixed(parent) && r.u64(justify_slot) &&
         r.fixed(justify_id);
}

Bytes FinalityProof::encode() const {
  core::Writer w;
  w.raw(a.encode()).raw(b.encode()).raw(qc_on_b.encode());
  return w.take();
}

core::Result<FinalityProof> FinalityProof::decode(ByteView bytes) {
  FinalityProof p;
  core::Reader r(bytes);
  if (!p.a.read(r) || !p.b.read(r))
    return chain_error("finality.malformed", "finality proof: " + r.finish().error().message);
  auto qc = QuorumCertificate::decode_rest(r);  // checks size, order and trailing bytes
  if (!qc) return qc.error();
  p.qc_on_b = std::move(*qc);
  return p;
}

core::Status FinalityProof::verify(const Hash256& chain_id, const std::vector<PublicKey>& producer_set) const {
  if (auto st = check_shape(*this); !st) return st;
  return qc_on_b.verify(chain_id, producer_set);
}

core::Status FinalityProof::verify_joint(const Hash256& chain_id, const std::vector<PublicKey>& producer_set,
                                         const std::vector<PublicKey>& next_set) const {
  if (auto st = check_shape(*this); !st) return st;
  return qc_on_b.verify_joint(chain_id, producer_set, next_set);
}

}  // namespace lingji::chain::finality
