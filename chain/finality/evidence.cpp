#include "chain/finality/evidence.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

core::Error not_equivocation(std::string why) {
  return chain_error("finality.not_equivocation", std::move(why));
}

core::Error bad_signature(std::string why) { return chain_error("finality.bad_signature", std::move(why)); }

void write_header(core::Writer& w, const SignedHeader& h) { w.raw(h.header.encode()).fixed(h.signature); }

bool read_header(core::Reader& r, SignedHeader& h) {
  ByteView header;
  if (!r.raw(BlockHeader::kEncodedBytes, header)) return false;
  auto decoded = BlockHeader::decode(header);  // exactly kEncodedBytes: cannot fail
  if (!decoded) {
    r.fail("malformed block header");
    return false;
  }
  h.header = *decoded;
  return r.fixed(h.signature);
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
  if (auto st = r.finish(); !st) return chain_error("finality.malformed", "DoubleVoteEvidence: " + st.error().message);
  if (!(e.a.vote.block_id < e.b.vote.block_id)) return not_equivocation("votes are not in canonical order");
  return e;
}

core::Status DoubleVoteEvidence::verify_shape() const {
  if (a.voter != b.voter) return not_equivocation("the votes are by different keys");
  if (a.vote.slot != b.vote.slot) return not_equivocation("the votes are for different slots");
  if (a.vote.block_id == b.vote.block_id) return not_equivocation("the votes are for the same block");
  if (!(a.vote.block_id < b.vote.block_id)) return not_equivocation("votes are not in canonical order");
  return core::Ok();
}

core::Status DoubleVoteEvidence::verify(const Hash256& chain_id) const {
  if (auto st = verify_shape(); !st) return st;
  // Signatures last: they are the expensive check, and junk evidence should cost nothing.
  if (!a.verify(chain_id) || !b.verify(chain_id)) return bad_signature("a vote's signature is not valid");
  return core::Ok();
}

SignedHeader SignedHeader::sign(const Hash256& chain_id, const BlockHeader& header, const core::PrivateKey& key) {
  Block block;
  block.header = header;
  block.sign(chain_id, key);
  return SignedHeader{header, block.signature};
}

bool SignedHeader::verify(const Hash256& chain_id) const { return verify_header_signature(chain_id, header, signature); }

DoubleBlockEvidence DoubleBlockEvidence::make(SignedHeader x, SignedHeader y) {
  if (y.header.id() < x.header.id()) std::swap(x, y);
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
  if (auto st = r.finish(); !st) return chain_error("finality.malformed", "DoubleBlockEvidence: " + st.error().message);
  if (!(e.a.header.id() < e.b.header.id())) return not_equivocation("headers are not in canonical order");
  return e;
}

core::Status DoubleBlockEvidence::verify_shape() const {
  if (a.header.producer != b.header.producer) return not_equivocation("the headers are by different producers");
  if (a.header.slot != b.header.slot) return not_equivocation("the headers are for different slots");
  const Hash256 ia = a.header.id(), ib = b.header.id();
  if (ia == ib) return not_equivocation("the headers are the same block");
  if (!(ia < ib)) return not_equivocation("headers are not in canonical order");
  return core::Ok();
}

core::Status DoubleBlockEvidence::verify(const Hash256& chain_id) const {
  if (auto st = verify_shape(); !st) return st;
  if (!a.verify(chain_id) || !b.verify(chain_id)) return bad_signature("a header's signature is not valid");
  return core::Ok();
}

}  // namespace lingji::chain::finality
