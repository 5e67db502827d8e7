// schedule_test.cpp: the producer schedule on a running chain: one slot per producer in each
// round, the wrong producer refused, missed slots charged to their producers (also across long
// gaps and far-future slots) and the producers' records; and the shuffle that orders a round.
// The chain-level tests run on ConsensusTest (chain/consensus_test_util.h).
#include "chain/producers/schedule.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "chain/consensus_test_util.h"
#include "chain/finality/ancestry.h"

namespace lingji::chain {
namespace {

using namespace testing;  // the consensus fixtures and helpers (chain/consensus_test_util.h)

TEST_F(ConsensusTest, EveryProducerHasOneSlotPerRound) {
  const std::set<PublicKey> all = public_keys(old_set);
  // Rounds are slots [1,4], [5,8], ...: each is a permutation of the 4 producers.
  for (uint64_t round = 0; round < 5; ++round) {
    std::set<PublicKey> seen;
    for (uint64_t slot = 1 + 4 * round; slot <= 4 + 4 * round; ++slot) {
      auto p = a.producer_at(slot);
      ASSERT_TRUE(p);
      EXPECT_TRUE(all.contains(*p));
      seen.insert(*p);
      ASSERT_NO_FATAL_FAILURE(next(slot, a.head().height >= 1 ? std::optional(justify(a.head().height, pick(old_set, {0, 1, 2})))
                                                              : std::nullopt));
      EXPECT_EQ(a.head().producer, *p);
      EXPECT_EQ(load_schedule(a.state()).round_start, 1 + 4 * round);
    }
    EXPECT_EQ(seen, all) << "round " << round;
  }
  for (const auto& k : old_set) {
    EXPECT_EQ(record(k.public_key()).produced, 5u);
    EXPECT_EQ(record(k.public_key()).missed, 0u);
  }
  // producer_at names nobody for a slot that is not after the head.
  EXPECT_FALSE(a.producer_at(a.head().slot));
  EXPECT_FALSE(a.producer_at(0));
}

TEST_F(ConsensusTest, WrongProducerIsRefusedAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  const PublicKey scheduled_key = *a.producer_at(2);
  for (const auto& k : concat(old_set, {outsider, new_set[0]})) {
    if (k.public_key() == scheduled_key) continue;
    expect_refused(2, std::nullopt, "block.wrong_producer", k);
  }
  // A block claiming to be the scheduled producer's but signed by another key: bad signature.
  Block stolen = forge(2, std::nullopt, scheduled(2));
  stolen.signature = forge(2, std::nullopt, outsider).signature;
  expect_apply_refused(stolen, "block.bad_signature");
  ASSERT_NO_FATAL_FAILURE(next(2));
  EXPECT_EQ(record(scheduled_key).produced, 1u);
  EXPECT_EQ(record(outsider.public_key()).produced, 0u);
}

// --- Missed slots and records ---------------------------------------------------------------

TEST_F(ConsensusTest, MissedSlotsRecordsAndTheSlotPlusOneRule) {
  const Keys q012 = pick(old_set, {0, 1, 2}), q123 = pick(old_set, {1, 2, 3}), q013 = pick(old_set, {0, 1, 3});
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next_justifying(2, 1, q012));
  ASSERT_NO_FATAL_FAILURE(next_justifying(3, 2, q123));
  EXPECT_EQ(final_height(), 1u);
  const PublicKey skipped = *a.producer_at(4);
  // Height 4 at slot 5 (slot 4 missed) certifies 3, whose claim is 2 in the slot before: 2 is final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(5, 3, q013));
  EXPECT_EQ(final_height(), 2u);
  EXPECT_EQ(record(skipped).missed, 1u);
  for (const auto& k : old_set)
    if (k.public_key() != skipped) {
      EXPECT_EQ(record(k.public_key()).missed, 0u);
    }
  // Height 5 certifies 4 (slot 5), whose claim is 3 (slot 3): not the slot before, 3 is not final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, 4, q012));
  EXPECT_EQ(final_height(), 2u);
  EXPECT_TRUE(finality::load_ancestor(a.state(), 2));
  // Height 6 certifies 5 (slot 6), whose claim is 4 (slot 5): 4 is final, and 3 with it.
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 5, q123));
  EXPECT_EQ(final_height(), 4u);
  EXPECT_EQ(a.final_block().slot, 5u);
  EXPECT_EQ(a.final_block().id, header(4).id());
  EXPECT_FALSE(finality::load_ancestor(a.state(), 3));

  // A gap of 6 slots across a whole round: each missed slot is charged to its producer.
  std::map<PublicKey, uint64_t> missed_before;
  uint64_t total_before = 0;
  for (const auto& k : old_set) total_before += (missed_before[k.public_key()] = record(k.public_key()).missed);
  // Height 7 at slot 14 (slots 8..13 missed, round [9,12] entirely) certifies 6 (slot 7), whose
  // claim is 5 (slot 6): 5 is final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(14, 6, q013));
  uint64_t total_after = 0;
  for (const auto& k : old_set) {
    const uint64_t m = record(k.public_key()).missed;
    total_after += m;
    EXPECT_GE(m, missed_before[k.public_key()] + 1) << "everyone missed a slot of round [9,12]";
  }
  EXPECT_EQ(total_after - total_before, 6u);
  EXPECT_EQ(final_height(), 5u);
  // Height 8 certifies 7 (slot 14), whose claim is 6 (slot 7): the gap again, nothing new is final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(15, 7, q012));
  EXPECT_EQ(final_height(), 5u);
  // Height 9 certifies 8 (slot 15), whose claim is 7 (slot 14): finality resumes at 7.
  ASSERT_NO_FATAL_FAILURE(next_justifying(16, 8, q123));
  EXPECT_EQ(final_height(), 7u);

  // Producers' records: blocks, last block, votes.
  std::map<PublicKey, std::pair<uint64_t, uint64_t>> last;  // height, slot
  for (uint64_t h = 1; h < blocks.size(); ++h) last[header(h).producer] = {h, header(h).slot};
  for (const auto& k : old_set) {
    const auto r = record(k.public_key());
    EXPECT_EQ(r.produced, produced[k.public_key()]);
    EXPECT_EQ(r.votes_cast, votes[k.public_key()]);
    EXPECT_EQ(r.last_height, last[k.public_key()].first);
    EXPECT_EQ(r.last_slot, last[k.public_key()].second);
  }
  uint64_t total_produced = 0;
  for (const auto& k : old_set) total_produced += record(k.public_key()).produced;
  EXPECT_EQ(total_produced, a.head().height);
}

// A gap longer than the listed missed slots (4 * 101): whole rounds are counted, not listed, and
// every missed slot is still charged once.
TEST_F(ConsensusTest, LongGapChargesEveryMissedSlot) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next_justifying(2, 1, old_set));
  const uint64_t gap_end = 1005;  // slots 3..1004 missed: 1002 of them
  ASSERT_NO_FATAL_FAILURE(next_justifying(gap_end, 2, old_set));
  uint64_t missed = 0;
  for (const auto& k : old_set) {
    const auto r = record(k.public_key());
    missed += r.missed;
    EXPECT_GE(r.missed, 250u);  // 250 whole rounds (slots 5..1004), and slots 3, 4
    EXPECT_LE(r.missed, 251u);
  }
  EXPECT_EQ(missed, gap_end - 3);
  EXPECT_EQ(load_schedule(a.state()).round_start, 1005u);  // rounds of 4 from slot 1
  // The schedule goes on from there: one slot each in round [1005, 1008].
  std::set<PublicKey> seen{a.head().producer};
  for (uint64_t slot = 1006; slot <= 1008; ++slot) {
    seen.insert(*a.producer_at(slot));
    ASSERT_NO_FATAL_FAILURE(next_justifying(slot, a.head().height, old_set));
  }
  EXPECT_EQ(seen, public_keys(old_set));
}

// A block far in the future costs one shuffle, not one per round in between: were each round's
// order derived from the previous one, this test would not finish (10^12 slots).
TEST_F(ConsensusTest, FarFutureSlotIsCheckedWithoutWalkingEveryRound) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next_justifying(2, 1, old_set));
  const uint64_t far = 1'000'000'000'000;
  ASSERT_TRUE(a.producer_at(far));
  ASSERT_NO_FATAL_FAILURE(next_justifying(far, 2, old_set));
  uint64_t missed = 0;
  for (const auto& k : old_set) missed += record(k.public_key()).missed;
  EXPECT_EQ(missed, far - 3);  // slots 3 .. far-1
  EXPECT_EQ(load_schedule(a.state()).round_start, far - (far - 1) % 4);
}

// --- The shuffle of a round ---------------------------------------------------------------------

TEST(ScheduleTest, ShuffleIsADeterministicPermutation) {
  std::vector<PublicKey> ps;
  for (int i = 0; i < 101; ++i) ps.push_back(dev_key("p" + std::to_string(i)).public_key());
  Hash256 seed = core::blake2b_256(core::as_bytes("round 7"));
  auto s1 = shuffle_schedule(ps, seed), s2 = shuffle_schedule(ps, seed);
  EXPECT_EQ(s1, s2);
  EXPECT_NE(s1, ps);
  EXPECT_EQ(std::set<PublicKey>(s1.begin(), s1.end()), std::set<PublicKey>(ps.begin(), ps.end()));
  EXPECT_NE(shuffle_schedule(ps, core::blake2b_256(core::as_bytes("round 8"))), s1);
}

}  // namespace
}  // namespace lingji::chain
