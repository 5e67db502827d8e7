// vote_flood_test.cpp: floods of votes against the vote collector and the equivocation watch
// (issue 14, item 7): forged votes cost no storage, a Byzantine voter's valid votes are bounded
// per voter, and a real double vote is still detected afterwards.
#include <gtest/gtest.h>

#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

core::Hash256 tag(const std::string& s) { return core::blake2b_256(core::as_bytes(std::string_view(s))); }

finality::SignedVote unsigned_vote(uint64_t slot, uint64_t height, const core::Hash256& id, const core::PublicKey& voter) {
  finality::SignedVote v;
  v.vote = finality::Vote{slot, height, id, 0};
  v.voter = voter;
  v.signature.bytes[0] = 1;  // not a signature of anything
  return v;
}

// 30,000 votes by keys that are no producer's, 2,000 with a producer's key and a bad signature
// for as many block ids, and 2,000 for slots far ahead: none is kept (today's code keeps them
// unverified until its table of first votes is full, and from then on sees no double vote), and
// a real double vote afterwards is detected.
TEST_F(FourKeyPartsTest, AFloodOfForgedVotesLeavesMemoryBoundedAndEquivocationDetected) {
  for (uint64_t slot = 1; slot <= 4; ++slot) ASSERT_NO_FATAL_FAILURE(produce_and_vote(slot));
  const BlockHeader head = node_chain->head();
  const size_t remembered = watch->votes_remembered();
  const uint64_t s = head.slot + 1;
  std::map<std::string, size_t> refusals;
  auto send = [&](const finality::SignedVote& v) {
    auto r = votes->add(v);
    ++refusals[r ? (*r ? "added" : "ignored") : r.error().name];
  };
  for (int i = 0; i < 30'000; ++i)
    send(unsigned_vote(s + i % 3, head.height + 1, tag("id " + std::to_string(i)), tag("stranger " + std::to_string(i))));
  for (int i = 0; i < 2'000; ++i)
    send(unsigned_vote(s + i % 3, head.height + 1 + i % 3, tag("forged " + std::to_string(i)), key_of(1).public_key()));
  for (int i = 0; i < 2'000; ++i)
    send(unsigned_vote(s + 1'000'000 + i, head.height + 1, tag("far " + std::to_string(i)), key_of(1).public_key()));
  EXPECT_EQ(refusals["finality.signer_not_in_set"], 30'000u);
  EXPECT_EQ(refusals["finality.bad_signature"], 2'000u);
  EXPECT_EQ(refusals["consensus.vote_outside_window"], 2'000u);
  EXPECT_EQ(watch->votes_remembered(), remembered) << "no forged vote is stored";
  EXPECT_EQ(votes->early_votes_held(), 0u);
  EXPECT_EQ(votes->early_vote_blocks(), 0u);

  const finality::Vote a{s, head.height + 1, tag("block a"), head.justify.slot};
  finality::Vote b = a;
  b.block_id = tag("block b");
  (void)votes->add(finality::SignedVote::sign(chain_id(), a, key_of(2)));
  (void)votes->add(finality::SignedVote::sign(chain_id(), b, key_of(2)));
  EXPECT_EQ(watch->equivocations_seen(), 1u);
  ASSERT_EQ(watch->double_votes().size(), 1u);
  EXPECT_EQ(watch->double_votes()[0].a.voter, key_of(2).public_key());
}

// A Byzantine producer signs valid votes for random block ids: 300 in three slots (double votes,
// reported once) and 300 in as many slots. What is kept of them is bounded per voter, and
// another voter's double vote is still detected.
TEST_F(FourKeyPartsTest, AByzantineVotersValidVotesAreBoundedPerVoter) {
  for (uint64_t slot = 1; slot <= 4; ++slot) ASSERT_NO_FATAL_FAILURE(produce_and_vote(slot));
  const BlockHeader head = node_chain->head();
  const size_t remembered = watch->votes_remembered();
  const uint64_t s = head.slot + 1;
  const auto& byz = key_of(1);
  for (int i = 0; i < 300; ++i) {
    const finality::Vote v{s + i % 3, head.height + 1 + i % 3, tag("random " + std::to_string(i)), head.justify.slot};
    (void)votes->add(finality::SignedVote::sign(chain_id(), v, byz));
  }
  for (int i = 0; i < 300; ++i) {
    const finality::Vote v{s + 3 + i, head.height + 1, tag("spread " + std::to_string(i)), head.justify.slot};
    (void)votes->add(finality::SignedVote::sign(chain_id(), v, byz));
  }
  EXPECT_LE(votes->early_votes_held(), VoteCollector::kMaxEarlyVotesPerVoter);
  EXPECT_LE(watch->votes_remembered() - remembered, VoteCollector::kVoteSlotsAhead) << "one first vote per slot";
  EXPECT_EQ(watch->double_votes().size(), 1u) << "one piece of evidence per offender is enough";
  EXPECT_EQ(watch->equivocations_seen(), 1u);
  EXPECT_LE(admission->size(), 1u) << "one report, not one per pair";

  const finality::Vote a{s, head.height + 1, tag("block a"), head.justify.slot};
  finality::Vote b = a;
  b.block_id = tag("block b");
  (void)votes->add(finality::SignedVote::sign(chain_id(), a, key_of(2)));
  (void)votes->add(finality::SignedVote::sign(chain_id(), b, key_of(2)));
  EXPECT_EQ(watch->equivocations_seen(), 2u);
}

// The watch alone, at its capacity: the lowest slots make room for higher ones (never a flood's
// arrival order), so a double vote in a recent slot is detected when the table is full.
TEST_F(FourKeyPartsTest, AFullWatchEvictsTheLowestSlotsAndKeepsDetecting) {
  const uint64_t base = 10;
  const size_t cap = EquivocationWatch::kMaxVotesRemembered;
  const auto& k = key_of(0);
  // Filling the table with valid votes is too slow to sign; one signature per slot is reused
  // for many voters, which the watch (whose caller verifies signatures) cannot tell apart.
  for (size_t i = 0; i < cap + 10; ++i) {
    auto v = unsigned_vote(base + i / 200, 1, tag("x"), tag("voter " + std::to_string(i % 200)));
    watch->watch_for_double_vote(v);
  }
  EXPECT_EQ(watch->votes_remembered(), cap);
  const uint64_t late = base + (cap + 10) / 200 + 1;
  const finality::Vote a{late, 9, tag("a"), 0};
  finality::Vote b = a;
  b.block_id = tag("b");
  watch->watch_for_double_vote(finality::SignedVote::sign(chain_id(), a, k));
  watch->watch_for_double_vote(finality::SignedVote::sign(chain_id(), b, k));
  EXPECT_EQ(watch->votes_remembered(), cap);
  EXPECT_EQ(watch->equivocations_seen(), 1u);
}

}  // namespace
}  // namespace lingji::consensus
