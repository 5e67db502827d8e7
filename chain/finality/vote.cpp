#include "chain/finality/vote.h"

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

void write_vote(core::Writer& w, const Vote& v) {
  w.u64(v.slot).u64(v.height).fixed(v.block_id).u64(v.justify_slot);
}

}  // namespace

Bytes Vote::encode() const {
  core::Writer w;
  write_vote(w, *this);
  return w.take();
}

bool Vote::read(core::Reader& r) {
  return r.u64(slot) && r.u64(height) && r.fixed(block_id) && r.u64(justify_slot);
}

Bytes vote_signing_bytes(const Hash256& chain_id, const Vote& vote) {
  core::Writer w;
  w.raw(core::as_bytes(kVoteSigningDomain)).fixed(chain_id);
  write_vote(w, vote);
  return w.take();
}

SignedVote SignedVote::sign(const Hash256& chain_id, const Vote& vote, const core::PrivateKey& key) {
  return SignedVote{vote, key.public_key(), key.sign(vote_signing_bytes(chain_id, vote))};
}

bool SignedVote::verify(const Hash256& chain_id) const {
  return core::verify(voter, vote_signing_bytes(chain_id, vote), signature);
}

Bytes SignedVote::encode() const {
  core::Writer w;
  write_vote(w, vote);
  w.fixed(voter).fixed(signature);
  return w.take();
}

bool SignedVote::read(core::Reader& r) { return vote.read(r) && r.fixed(voter) && r.fixed(signature); }

core::Result<SignedVote> SignedVote::decode(ByteView bytes) {
  SignedVote v;
  core::Reader r(bytes);
  v.read(r);
  if (auto st = r.finish(); !st) return chain_error("finality.malformed", "signed vote: " + st.error().message);
  return v;
}

}  // namespace lingji::chain::finality
