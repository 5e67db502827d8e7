#include "chain/finality/evidence.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

core::Error not_equivocation(std::string why) {
  return chain_error(ErrorCode::kFinalityNotEquivocation, std::move(why));
}

bool header_less(const SignedHeader& x, const SignedHeader& y) {
  return std::lexicographical_compare(x.header.begin(), x.header.end(), y.header.begin(), y.header.end());
}

void write_header(core::Writer& w, const SignedHeader& h) {
  w.u64(h.slot).fixed(h.producer).bytes(h.header).fixed(h.signature);
}

bool read_header(core::Reader& r, SignedHeader& h) {
  return r.u64(h.slot) && r.fixed(h.producer) && r.bytes(h.header, kMaxEvidenceHeaderBytes) && r.fixed(h.signature);
}

}  // namespace

DoubleVoteEvidence DoubleVoteEvidence::make(SignedVote x, SignedVote y) {
  if (y.vote.block_id < x.vote.block_id) std::swap(x, y);
  return DoubleVoteEvidence{std::move(x), std::move(y)};
}

Bytes DoubleVoteEvidence::encode() const {
  core::Writer w;
  w.raw(a.encode()).raw(b.encode());
  return w.take();
}

core::Result<DoubleVoteEvidence> DoubleVoteEvidence::decode(ByteView bytes) {
  DoubleVoteEvidence e;
  core::Reader r(bytes);
  if (e.a.read(r)) e.b.read(r);
  if (auto st = r.finish(); !st) return chain_error(ErrorCode::kFinalityMalformed, "DoubleVoteEvidence: " + st.error().message);
  if (!(e.a.vote.block_id < e.b.vote.block_id)) return not_equivocation("votes are not in canonical order");
  return e;
}

core::Status DoubleVoteEvidence::verify(const Hash256& chain_id) const {
  if (a.voter != b.voter) return not_equivocation("the votes are by different keys");
  if (a.vote.slot != b.vote.slot) return not_equivocation("the votes are for different slots");
  if (a.vote.block_id == b.vote.block_id) return not_equivocation("the votes are for the same block");
  if (!(a.vote.block_id < b.vote.block_id)) return not_equivocation("votes are not in canonical order");
  // Signatures last: they are the expensive check, and junk evidence should cost nothing.
  if (!a.verify(chain_id) || !b.verify(chain_id))
    return chain_error(ErrorCode::kFinalityBadSignature, "a vote's signature is not valid");
  return core::Ok();
}

DoubleBlockEvidence DoubleBlockEvidence::make(SignedHeader x, SignedHeader y) {
  if (header_less(y, x)) std::swap(x, y);
  return DoubleBlockEvidence{std::move(x), std::move(y)};
}

Bytes DoubleBlockEvidence::encode() const {
  core::Writer w;
  write_header(w, a);
  write_header(w, b);
  return w.take();
}

core::Result<DoubleBlockEvidence> DoubleBlockEvidence::decode(ByteView bytes) {
  DoubleBlockEvidence e;
  core::Reader r(bytes);
  if (read_header(r, e.a)) read_header(r, e.b);
  if (auto st = r.finish(); !st) return chain_error(ErrorCode::kFinalityMalformed, "DoubleBlockEvidence: " + st.error().message);
  if (!header_less(e.a, e.b)) return not_equivocation("headers are not in canonical order");
  return e;
}

core::Status DoubleBlockEvidence::verify(const Hash256& chain_id, const HeaderCheck& check) const {
  if (a.producer != b.producer) return not_equivocation("the headers are by different producers");
  if (a.slot != b.slot) return not_equivocation("the headers are for different slots");
  if (a.header == b.header) return not_equivocation("the headers are the same");
  if (!header_less(a, b)) return not_equivocation("headers are not in canonical order");
  if (auto st = check(chain_id, a); !st) return st;
  return check(chain_id, b);
}

}  // namespace lingji::chain::finality
