#include "chain/finality/voting_rules.h"

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

RefuseVote refuse(ChainErrorRef code, std::string why) { return RefuseVote{chain_error(code, std::move(why))}; }

std::string slot_text(uint64_t s) { return "slot " + std::to_string(s); }

}  // namespace

SafetyState SafetyState::initial(uint64_t lock_slot, const Hash256& lock_id) {
  SafetyState s;
  s.lock_slot = lock_slot;
  s.lock_id = lock_id;
  return s;
}

Bytes SafetyState::encode() const {
  core::Writer w;
  w.u64(last_vote_slot).fixed(last_vote_id).u8(last_vote ? 1 : 0);
  if (last_vote) w.raw(last_vote->encode());
  w.u64(lock_slot).fixed(lock_id).u64(last_signed_slot);
  return w.take();
}

bool SafetyState::read(core::Reader& r) {
  uint8_t has = 0;
  if (!r.u64(last_vote_slot) || !r.fixed(last_vote_id) || !r.u8(has)) return false;
  last_vote.reset();
  if (has > 1) {
    r.fail("has_last_vote must be 0 or 1");  // one encoding per state
    return false;
  }
  if (has) {
    last_vote.emplace();
    if (!last_vote->read(r)) return false;
  }
  return r.u64(lock_slot) && r.fixed(lock_id) && r.u64(last_signed_slot);
}

core::Result<SafetyState> SafetyState::decode(ByteView bytes) {
  SafetyState s;
  core::Reader r(bytes);
  s.read(r);
  if (auto st = r.finish(); !st) return chain_error("finality.malformed", "safety state: " + st.error().message);
  if (s.last_vote && (s.last_vote->vote.slot != s.last_vote_slot || s.last_vote->vote.block_id != s.last_vote_id))
    return chain_error("finality.bad_safety_state", "the stored vote is not the last vote");
  return s;
}

VoteDecision decide_vote(const SafetyState& state, const BlockRef& candidate, bool extends_lock) {
  if (candidate.justify_slot >= candidate.slot)
    return refuse("finality.bad_justify",
                  "justify " + slot_text(candidate.justify_slot) + " is not below block " + slot_text(candidate.slot));

  // Rule 1: one vote per slot, slots strictly increasing.
  if (candidate.slot < state.last_vote_slot)
    return refuse("finality.slot_not_newer",
                  slot_text(candidate.slot) + " is before the last vote's " + slot_text(state.last_vote_slot));
  if (candidate.slot == state.last_vote_slot) {
    if (candidate.id != state.last_vote_id)
      return refuse("finality.already_voted_in_slot",
                    "already voted for another block in " + slot_text(candidate.slot));
    // Re-send only the exact stored bytes (never re-sign): whatever was sent before is what the
    // network has, and a fresh signature over different fields would be a second vote.
    if (!state.last_vote || !(state.last_vote->vote == vote_for(candidate)))
      return refuse("finality.bad_safety_state", "no stored vote for this block to re-send");
    return ResendVote{*state.last_vote};
  }

  // Rule 2: safety (extends the lock) or liveness (its justify is newer than the lock).
  const bool newer_justify = candidate.justify_slot > state.lock_slot;
  if (!extends_lock && !newer_justify)
    return refuse("finality.lock_conflict",
                  "conflicts with the lock at " + slot_text(state.lock_slot) + " and its justify (" +
                      slot_text(candidate.justify_slot) + ") is not newer");

  // Rule 3.
  CastVote out{vote_for(candidate), state};
  out.next.last_vote_slot = candidate.slot;
  out.next.last_vote_id = candidate.id;
  out.next.last_vote.reset();
  if (newer_justify) {
    out.next.lock_slot = candidate.justify_slot;
    out.next.lock_id = candidate.justify_id;
  }
  return out;
}

}  // namespace lingji::chain::finality
