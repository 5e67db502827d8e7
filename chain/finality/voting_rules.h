// voting_rules.h: the vote decision of one signing key, shared/CONSENSUS.md (b) rules 1-3, as a
// pure function of the key's safety state and the candidate block. Persisting (rule 4) and
// signing are the caller's (consensus/safety_store.h), in that order: persist, then send.
//
// Rules, for a candidate B that the caller fully validated (justify verified, slot <= now + 1):
//   1. slot(B) > last_vote_slot. If equal and the id matches, re-send the stored vote; else refuse.
//   2. B extends lock_id (the locked block itself counts) OR justify_slot(B) > lock_slot.
//   3. last_vote := B; if justify_slot(B) > lock_slot then lock := justify(B). This is the only
//      place the lock moves, and it only moves forward.
// Rule 1 alone prevents equivocating votes; rule 2 is what makes the 2-chain final rule safe.
//
// Grammar of the state (primitives as in core/codec.h):
//   safety_state := last_vote_slot:u64 last_vote_id:fixed<32> has_last_vote:u8 (0 or 1)
//                   [signed_vote, iff has_last_vote = 1] lock_slot:u64 lock_id:fixed<32>
//                   last_signed_slot:u64
// last_signed_slot is not a voting rule's: it is the slot of the last block header the key
// signed, kept with the vote state so that one durable write covers both (CONSENSUS.md
// "Evidence": a producer never signs two headers in one slot, also across a restart).
// Invariant (checked by decode): a stored last_vote is the vote for (last_vote_slot, last_vote_id).
#pragma once

#include <optional>
#include <variant>

#include "chain/finality/finality_rule.h"

namespace lingji::chain::finality {

struct SafetyState {
  uint64_t last_vote_slot = 0;
  Hash256 last_vote_id;
  std::optional<SignedVote> last_vote;  // kept so an identical request re-sends the same bytes
  uint64_t lock_slot = 0;
  Hash256 lock_id;
  uint64_t last_signed_slot = 0;  // 0: no header signed yet (slot 0 is genesis's)

  // A key's first state: nothing voted, locked on `lock` (genesis, or the R of a set change).
  static SafetyState initial(uint64_t lock_slot, const Hash256& lock_id);

  Bytes encode() const;
  bool read(core::Reader& r);
  // Errors: finality.malformed (bad grammar, trailing bytes), finality.bad_safety_state (a stored
  // vote that is not for last_vote_slot/last_vote_id).
  [[nodiscard]] static core::Result<SafetyState> decode(ByteView bytes);
  bool operator==(const SafetyState&) const = default;
};

// Vote for `vote`: sign it, store the signed vote in next.last_vote, persist next, then send.
struct CastVote {
  Vote vote;
  SafetyState next;  // next.last_vote is empty until the caller signs
};
// The same block again in the slot already voted: send the stored vote, change nothing.
struct ResendVote {
  SignedVote stored;
};
// Do not vote. reason.code is one of the finality codes listed at decide_vote.
struct RefuseVote {
  core::Error reason;
};
using VoteDecision = std::variant<CastVote, ResendVote, RefuseVote>;

// Applies rules 1-3 to `candidate`. extends_lock: the caller's fork database says candidate
// extends (or is) the block state.lock_id.
// Refusals: finality.bad_justify (justify_slot >= slot: a justify certifies an ancestor, so this
//           header is malformed; refused so a bad caller cannot move the lock past the vote),
//           finality.slot_not_newer (slot < last_vote_slot),
//           finality.already_voted_in_slot (same slot, another block: the vote would equivocate),
//           finality.bad_safety_state (same slot and block, but no matching stored vote),
//           finality.lock_conflict (rule 2).
[[nodiscard]] VoteDecision decide_vote(const SafetyState& state, const BlockRef& candidate, bool extends_lock);

}  // namespace lingji::chain::finality
