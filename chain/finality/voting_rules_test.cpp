// voting_rules_test.cpp: every branch of CONSENSUS.md (b) rules 1-3, and the safety-state codec.
#include <gtest/gtest.h>

#include "chain/finality/finality_test_util.h"
#include "chain/finality/voting_rules.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

using namespace test_util;

// Chain: genesis <- A(1) <- B(2, justify A) ; a fork: genesis <- X(3, justify genesis).
const BlockRef kA = block(1, "A", kGenesis, kGenesis);
const BlockRef kB = block(2, "B", kA, kA);
const BlockRef kC = block(3, "C", kB, kB);
const BlockRef kX = block(3, "X", kGenesis, kGenesis);

const CastVote& cast(const VoteDecision& d) {
  static const CastVote none{};
  EXPECT_TRUE(std::holds_alternative<CastVote>(d));
  return std::holds_alternative<CastVote>(d) ? std::get<CastVote>(d) : none;
}
std::string refusal(const VoteDecision& d) {
  if (auto* r = std::get_if<RefuseVote>(&d)) return r->reason.name;
  return std::holds_alternative<CastVote>(d) ? "vote" : "resend";
}

// The state after voting `b` with signature by key 1 stored, as the safety store would leave it.
SafetyState after(const SafetyState& s, const BlockRef& b, bool extends_lock) {
  CastVote c = cast(decide_vote(s, b, extends_lock));
  c.next.last_vote = SignedVote::sign(kChain, c.vote, test_key(1));
  return c.next;
}

const SafetyState kFresh = SafetyState::initial(kGenesis.slot, kGenesis.id);

TEST(VotingRulesTest, FirstVoteOnAChildOfTheLock) {
  VoteDecision d = decide_vote(kFresh, kA, true);
  const CastVote& c = cast(d);
  EXPECT_EQ(c.vote, vote_for(kA));
  EXPECT_EQ(c.next.last_vote_slot, 1u);
  EXPECT_EQ(c.next.last_vote_id, kA.id);
  EXPECT_FALSE(c.next.last_vote.has_value());  // the caller signs and stores it
  // justify(A) = genesis, not newer than the lock at genesis: the lock stays.
  EXPECT_EQ(c.next.lock_slot, 0u);
  EXPECT_EQ(c.next.lock_id, kGenesis.id);
}

TEST(VotingRulesTest, LockMovesOnlyWhenTheJustifyIsNewer) {
  SafetyState s = after(kFresh, kA, true);
  s = after(s, kB, true);  // justify(B) = A, slot 1 > 0: lock := A
  EXPECT_EQ(s.lock_slot, 1u);
  EXPECT_EQ(s.lock_id, kA.id);
  // A block whose justify is the lock itself (not newer): the lock does not move.
  BlockRef d = block(4, "D", kB, kA);
  SafetyState s2 = after(s, d, true);
  EXPECT_EQ(s2.lock_slot, 1u);
  EXPECT_EQ(s2.lock_id, kA.id);
  // A justify older than the lock on a block extending the lock: voted, lock unchanged (never back).
  BlockRef e = block(5, "E", d, kGenesis);
  SafetyState s3 = after(s2, e, true);
  EXPECT_EQ(s3.lock_slot, 1u);
  EXPECT_EQ(s3.lock_id, kA.id);
  // C's justify is B (slot 2 > 1): lock := B.
  SafetyState s4 = after(s, kC, true);
  EXPECT_EQ(s4.lock_slot, 2u);
  EXPECT_EQ(s4.lock_id, kB.id);
}

TEST(VotingRulesTest, ConflictingBlockWithOldJustifyIsRefused) {
  SafetyState s = after(after(kFresh, kA, true), kB, true);  // locked on A (slot 1)
  // X conflicts with A and its justify (genesis, slot 0) is not newer than the lock.
  VoteDecision d = decide_vote(s, kX, false);
  EXPECT_EQ(refusal(d), "finality.lock_conflict");
  EXPECT_EQ(std::get<RefuseVote>(d).reason.code, 2713);
  // Justify exactly at the lock's slot (not newer) on a conflicting block: refused too.
  BlockRef y = BlockRef{4, 2, id_of("Y"), id_of("Y-parent"), 1, id_of("A'")};
  EXPECT_EQ(refusal(decide_vote(s, y, false)), "finality.lock_conflict");
}

TEST(VotingRulesTest, ConflictingBlockWithNewerJustifyIsAcceptedAndMovesTheLock) {
  SafetyState s = after(after(kFresh, kA, true), kB, true);  // locked on A (slot 1)
  // A fork certified at slot 2 (A' in slot 2 conflicts with A), and Z in slot 4 justifies it.
  BlockRef a2 = block(2, "A'", kGenesis, kGenesis);
  BlockRef z = block(4, "Z", a2, a2);
  VoteDecision d = decide_vote(s, z, false);
  const CastVote& c = cast(d);
  EXPECT_EQ(c.next.lock_slot, 2u);
  EXPECT_EQ(c.next.lock_id, a2.id);
  EXPECT_EQ(c.next.last_vote_slot, 4u);
}

TEST(VotingRulesTest, ExtendingTheLockWithOldJustifyIsAccepted) {
  SafetyState s = after(after(kFresh, kA, true), kB, true);  // locked on A
  BlockRef d = block(7, "D", kA, kGenesis);  // extends A, justify older than the lock
  const CastVote c = cast(decide_vote(s, d, true));  // a copy: the decision is a temporary
  EXPECT_EQ(c.next.lock_id, kA.id);
}

TEST(VotingRulesTest, Rule1MonotonyAndResend) {
  SafetyState s = after(after(kFresh, kA, true), kB, true);  // last vote: B in slot 2
  ASSERT_TRUE(s.last_vote);
  // The same block again: the stored vote, byte for byte.
  VoteDecision again = decide_vote(s, kB, true);
  ASSERT_TRUE(std::holds_alternative<ResendVote>(again));
  EXPECT_EQ(std::get<ResendVote>(again).stored, *s.last_vote);
  // Resend does not depend on rule 2 (the decision was already taken).
  EXPECT_TRUE(std::holds_alternative<ResendVote>(decide_vote(s, kB, false)));
  // Another block in the same slot: an equivocating vote.
  BlockRef b2 = block(2, "B2", kA, kA);
  EXPECT_EQ(refusal(decide_vote(s, b2, true)), "finality.already_voted_in_slot");
  // An older slot is refused, whatever rule 2 would say.
  EXPECT_EQ(refusal(decide_vote(s, kA, true)), "finality.slot_not_newer");
  BlockRef old = BlockRef{1, 1, id_of("old"), kGenesis.id, 0, kGenesis.id};
  EXPECT_EQ(refusal(decide_vote(s, old, true)), "finality.slot_not_newer");
  // The next slot is fine.
  cast(decide_vote(s, kC, true));
}

TEST(VotingRulesTest, ResendNeedsTheMatchingStoredVote) {
  SafetyState s = after(kFresh, kA, true);
  SafetyState no_vote = s;
  no_vote.last_vote.reset();
  EXPECT_EQ(refusal(decide_vote(no_vote, kA, true)), "finality.bad_safety_state");
  // Same id but different fields claimed by the caller: not the stored vote, not re-signed.
  BlockRef odd = kA;
  odd.height = 9;
  EXPECT_EQ(refusal(decide_vote(s, odd, true)), "finality.bad_safety_state");
}

TEST(VotingRulesTest, JustifyNotBelowTheBlockIsRefused) {
  BlockRef self = BlockRef{5, 3, id_of("S"), kGenesis.id, 5, id_of("S")};
  EXPECT_EQ(refusal(decide_vote(kFresh, self, true)), "finality.bad_justify");
  BlockRef future = BlockRef{5, 3, id_of("F"), kGenesis.id, 9, id_of("F9")};
  EXPECT_EQ(refusal(decide_vote(kFresh, future, false)), "finality.bad_justify");
  BlockRef zero = BlockRef{0, 0, id_of("Z0"), Hash256{}, 0, Hash256{}};
  EXPECT_EQ(refusal(decide_vote(kFresh, zero, true)), "finality.bad_justify");
}

TEST(SafetyStateTest, EncodingRoundTripsAndIsStrict) {
  SafetyState s = after(after(kFresh, kA, true), kB, true);
  SafetyState signed_too = s;
  signed_too.last_signed_slot = 0x0102030405060708;  // every byte of the field is read back
  for (const SafetyState& st : {kFresh, s, signed_too}) {
    Bytes bytes = st.encode();
    auto back = SafetyState::decode(bytes);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, st);
    for (size_t len = 0; len < bytes.size(); ++len) {
      auto r = SafetyState::decode(ByteView(bytes).first(len));
      ASSERT_FALSE(r) << len;
      EXPECT_EQ(r.error().name, "finality.malformed");
    }
    bytes.push_back(0);
    EXPECT_EQ(SafetyState::decode(bytes).error().name, "finality.malformed");
  }
  Bytes bytes = s.encode();
  EXPECT_EQ(bytes.size(), 8 + 32 + 1 + kSignedVoteBytes + 8 + 32 + 8);
  bytes[40] = 2;  // has_last_vote is 0 or 1
  EXPECT_EQ(SafetyState::decode(bytes).error().name, "finality.malformed");
  SafetyState inconsistent = s;
  inconsistent.last_vote_slot = 3;
  EXPECT_EQ(SafetyState::decode(inconsistent.encode()).error().name, "finality.bad_safety_state");
  inconsistent = s;
  inconsistent.last_vote_id = kC.id;
  EXPECT_EQ(SafetyState::decode(inconsistent.encode()).error().code, 2715);
}

}  // namespace
}  // namespace lingji::chain::finality
