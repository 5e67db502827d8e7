// set_change_test.cpp: the producer-set change S -> S' (shared/CONSENSUS.md (c)): the elected
// set is proposed at a round boundary (P), the joint phase opens once P is proven final (R),
// certificates then need a quorum of both sets, and S' takes over once R is final (R2); a fork
// without the proof of P stays under S; keys in both sets count for both halves.
// On ConsensusSetChangeTest (chain/consensus_test_util.h).
#include "chain/producers/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "chain/consensus_test_util.h"
#include "chain/finality/ancestry.h"

namespace lingji::chain {
namespace {

using namespace testing;  // the consensus fixtures and helpers (chain/consensus_test_util.h)

TEST_F(ConsensusSetChangeTest, ElectedSetTakesOverThroughTheJointPhase) {
  const Keys old3 = pick(old_set, {0, 1, 2}), new3 = pick(new_set, {1, 2, 3});
  // Round [1,4]: the candidates register in block 1; the bootstrap set produces and certifies.
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 4; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));
  EXPECT_FALSE(load_schedule(a.state()).pending);  // the election runs at the round boundary

  // Block 5 opens round [5,8]: the elected set differs, generation 1 is proposed in P = 5.
  ASSERT_NO_FATAL_FAILURE(next_justifying(5, 4, old3));
  const uint64_t P = 5;
  {
    Schedule sc = load_schedule(a.state());
    EXPECT_EQ(sc.generation, 0u);
    ASSERT_TRUE(sc.pending);
    EXPECT_EQ(sc.pending->generation, 1u);
    EXPECT_EQ(sc.pending->proposed_height, P);
    EXPECT_EQ(sc.pending->joint_from, 0u);
    auto got = sc.pending->producers, want = new_members();
    auto by_key = [](const Member& x, const Member& y) { return x.signing_key < y.signing_key; };
    std::sort(got.begin(), got.end(), by_key);
    std::sort(want.begin(), want.end(), by_key);
    EXPECT_EQ(got, want);
    EXPECT_EQ(generation_keys(a.state(), 1), sorted_keys(new_set));
    EXPECT_EQ(public_keys(old_set).count(*a.producer_at(6)), 1u);  // the old set still produces
    EXPECT_FALSE(a.head_voters().next);
  }
  // Before the joint phase a certificate needs the old set only; the new set cannot certify.
  expect_refused(6, justify(P, new3), "block.bad_certificate");
  expect_refused(6, justify(P, concat(pick(old_set, {0, 1}), new3)), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, P, old3));
  EXPECT_EQ(load_schedule(a.state()).pending->joint_from, 0u);

  // Block 7 claims 6, whose claim is P in the slot before: P is final, and 7 is R.
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));
  const uint64_t R = 7;
  EXPECT_EQ(final_height(), P);
  {
    Schedule sc = load_schedule(a.state());
    ASSERT_TRUE(sc.pending);
    EXPECT_EQ(sc.pending->joint_from, R);
    EXPECT_EQ(sc.generation, 0u);
    auto anc = finality::load_ancestor(a.state(), R);
    ASSERT_TRUE(anc);
    EXPECT_EQ(anc->generation, 0u);
    EXPECT_TRUE(anc->joint);
    EXPECT_FALSE(finality::load_ancestor(a.state(), 6)->joint);
    auto voters = a.head_voters();
    EXPECT_EQ(voters.set, sorted_keys(old_set));
    ASSERT_TRUE(voters.next);
    EXPECT_EQ(*voters.next, sorted_keys(new_set));
    EXPECT_EQ(voters.set, b.head_voters().set);
    EXPECT_EQ(public_keys(old_set).count(*a.producer_at(8)), 1u);  // still the old set's slots
  }
  // A validator restored from the state in the joint phase follows from here on.
  extra.push_back(std::make_unique<Chain>(genesis));
  ASSERT_TRUE(extra.back()->restore(entries_of(a.state()), a.head()));

  // A certificate on R needs a quorum of both sets.
  expect_refused(8, justify(R, old3), "block.bad_certificate");
  expect_refused(8, justify(R, old_set), "block.bad_certificate");
  expect_refused(8, justify(R, new3), "block.bad_certificate");
  expect_refused(8, justify(R, new_set), "block.bad_certificate");
  expect_refused(8, justify(R, concat(pick(old_set, {0, 1}), new3)), "block.bad_certificate");
  expect_refused(8, justify(R, concat(old3, pick(new_set, {0, 3}))), "block.bad_certificate");
  expect_refused(8, justify(R, concat(concat(old3, new3), {outsider})), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, R, concat(old3, new3)));
  EXPECT_EQ(final_height(), 6u);
  EXPECT_TRUE(finality::load_ancestor(a.state(), 8)->joint);
  ASSERT_TRUE(a.head_voters().next);

  // Block 9 claims 8, whose claim is R in the slot before: R is final, 9 is R2: generation 1
  // is active, and the new set produces from slot 10.
  expect_refused(9, justify(8, old_set), "block.bad_certificate");
  expect_refused(9, justify(8, new_set), "block.bad_certificate");
  const PublicKey producer9 = *a.producer_at(9);
  EXPECT_EQ(public_keys(old_set).count(producer9), 1u);
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(pick(old_set, {1, 2, 3}), pick(new_set, {0, 1, 2}))));
  const uint64_t R2 = 9;
  EXPECT_EQ(final_height(), R);
  {
    Schedule sc = load_schedule(a.state());
    EXPECT_EQ(sc.generation, 1u);
    EXPECT_FALSE(sc.pending);
    EXPECT_EQ(sc.round_start, 10u);
    auto anc = finality::load_ancestor(a.state(), R2);
    ASSERT_TRUE(anc);
    EXPECT_EQ(anc->generation, 1u);
    EXPECT_FALSE(anc->joint);
    auto voters = a.head_voters();
    EXPECT_EQ(voters.set, sorted_keys(new_set));
    EXPECT_FALSE(voters.next);
  }
  // The new set produces a whole round [10,13], one slot each; the old keys are refused.
  std::set<PublicKey> seen;
  for (uint64_t slot = 10; slot <= 13; ++slot) {
    const PublicKey p = *a.producer_at(slot);
    EXPECT_EQ(public_keys(new_set).count(p), 1u) << "slot " << slot;
    seen.insert(p);
    for (const auto& k : old_set) expect_refused(slot, std::nullopt, "block.wrong_producer", k);
    // Certificates on generation-1 blocks: the new set alone; old-only or joint are refused.
    const uint64_t prev = a.head().height;
    expect_refused(slot, justify(prev, old_set), "block.bad_certificate");
    expect_refused(slot, justify(prev, concat(old3, new3)), "block.bad_certificate");
    expect_refused(slot, justify(prev, pick(new_set, {0, 1})), "block.bad_certificate");
    ASSERT_NO_FATAL_FAILURE(next_justifying(slot, prev, slot % 2 ? new3 : pick(new_set, {0, 2, 3})));
    EXPECT_EQ(final_height(), prev - 1);
  }
  EXPECT_EQ(seen, public_keys(new_set));
  // The next round boundary elects the same set: nothing pending.
  ASSERT_NO_FATAL_FAILURE(next_justifying(14, a.head().height, new_set));
  EXPECT_FALSE(load_schedule(a.state()).pending);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);

  // Records: the new producers' blocks and votes are kept under their dealer accounts.
  const Keys dealers = named_keys("d", 4);
  uint64_t new_blocks = 0;
  for (size_t i = 0; i < 4; ++i) {
    const auto r = record(dealers[i].public_key());
    new_blocks += r.produced;
    EXPECT_EQ(r.produced, produced[new_set[i].public_key()]);
    EXPECT_EQ(r.votes_cast, votes[new_set[i].public_key()]);
    EXPECT_EQ(r.missed, 0u);
  }
  EXPECT_EQ(new_blocks, 5u);
  for (const auto& k : old_set) {
    EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
    EXPECT_EQ(record(k.public_key()).produced, produced[k.public_key()]);
  }
}

// A pair with a slot gap does not prove P final: the joint phase waits for a real proof, and a
// proof of something below P does not open it.
TEST_F(ConsensusSetChangeTest, JointPhaseWaitsForAFinalityProofOfP) {
  const Keys old3 = pick(old_set, {1, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));
  const uint64_t P = 5;
  ASSERT_TRUE(load_schedule(a.state()).pending);
  ASSERT_EQ(load_schedule(a.state()).pending->proposed_height, P);
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, P, old3));  // 6 at slot 7: slot 6 missed
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 6, old3));  // 6 claims P two slots before: no proof
  EXPECT_EQ(final_height(), 4u);
  EXPECT_EQ(load_schedule(a.state()).pending->joint_from, 0u);
  EXPECT_FALSE(a.head_voters().next);
  // The old set alone still certifies 7.
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 7, old3));  // 7 (slot 8) claims 6 (slot 7): 6 final
  EXPECT_EQ(final_height(), 6u);
  const uint64_t R = 8;
  EXPECT_EQ(load_schedule(a.state()).pending->joint_from, R);
  expect_refused(10, justify(R, old_set), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(10, R, concat(old3, new_set)));
  ASSERT_NO_FATAL_FAILURE(next_justifying(11, 9, concat(old3, new_set)));
  EXPECT_EQ(final_height(), R);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);
  EXPECT_EQ(public_keys(new_set).count(*a.producer_at(12)), 1u);
  ASSERT_NO_FATAL_FAILURE(next_justifying(12, 10, new_set));
}

// Each branch follows its own finality: a fork from P without a finality proof of P stays under
// S (old-only certificates), while the branch that proved P final is in the joint phase.
TEST_F(ConsensusSetChangeTest, AForkWithoutTheProofOfPStaysUnderTheOldSet) {
  const Keys old3 = pick(old_set, {0, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));
  const uint64_t P = 5;
  ASSERT_EQ(load_schedule(a.state()).pending->proposed_height, P);
  Chain fork(genesis);
  ASSERT_TRUE(fork.restore(entries_of(a.state()), a.head()));
  // Main branch: 6, 7 in consecutive slots; 7 proves P final and is R.
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, P, old3));
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));
  ASSERT_EQ(load_schedule(a.state()).pending->joint_from, 7u);
  expect_refused(8, justify(7, old3), "block.bad_certificate");
  // Fork: 6' at slot 8 certifies P, 7' at slot 9 certifies 6' (whose claim is P, 3 slots before).
  auto produce_on_fork = [&](uint64_t slot, const BlockHeader& target, const Keys& signers) {
    auto p = fork.produce_block({}, slot, key_of(*fork.producer_at(slot)),
                                Chain::Justify{claim_of(target), qc_on(chain_id(), target, signers)});
    EXPECT_TRUE(p) << p.error().name << ": " << p.error().message;
    return p ? p->block.header : BlockHeader{};
  };
  const BlockHeader f6 = produce_on_fork(8, header(P), old3);
  const BlockHeader f7 = produce_on_fork(9, f6, old3);
  ASSERT_EQ(fork.head().height, 7u);
  EXPECT_NE(fork.head_id(), a.head_id());
  EXPECT_EQ(fork.final_block().height, 4u);
  Schedule sc = load_schedule(fork.state());
  ASSERT_TRUE(sc.pending);
  EXPECT_EQ(sc.pending->joint_from, 0u);
  EXPECT_FALSE(fork.head_voters().next);
  // On the fork the old set alone still certifies 7', and a joint-looking certificate is refused.
  auto j = fork.produce_block({}, 10, key_of(*fork.producer_at(10)),
                              Chain::Justify{claim_of(f7), qc_on(chain_id(), f7, concat(old3, new_set))});
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().name, "block.bad_certificate");
  produce_on_fork(10, f7, old3);
  EXPECT_EQ(fork.final_block().height, 6u);  // 6' (slot 8) and 7' (slot 9): 6' is final, after P
  EXPECT_EQ(load_schedule(fork.state()).pending->joint_from, 8u);  // the fork's own R
  EXPECT_TRUE(fork.head_voters().next);
}

// "One member swapped" (CONSENSUS.md (c)): three bootstrap keys stand again as the signing keys
// of approved dealers, with one new key. A key in both sets counts for both halves of a joint
// quorum, so 3 signatures of shared keys certify in the joint phase.
TEST_F(ConsensusSetChangeTest, OneMemberSwappedSharedKeysCountForBothSets) {
  // Three bootstrap producers stand as candidates with the keys they produce with: their dealer
  // accounts are their keys' own accounts (a signing key belongs to one producer, so another
  // account could not register it: producer.signing_key_in_use).
  const Keys dealers = concat(pick(old_set, {0, 1, 2}), {named_keys("d", 4)[3]});
  const Keys next_keys = concat(pick(old_set, {0, 1, 2}), {new_set[3]});
  std::vector<SignedTransaction> txs;
  for (size_t i = 0; i < 4; ++i)
    txs.push_back(make_tx(chain_id(), dealers[i], 0, kExpires, {DealerApply{"Shop", "Jakarta", "ID", "+62"}}));
  std::vector<Operation> approvals;
  for (const auto& d : dealers) approvals.push_back(DealerSetStatus{d.public_key(), DealerStatus::kApproved});
  txs.push_back(make_tx(chain_id(), dev_key("foundation"), 0, kExpires, approvals));
  for (size_t i = 0; i < 4; ++i)
    txs.push_back(make_tx(chain_id(), dealers[i], 1, kExpires, {ProducerRegister{next_keys[i].public_key(), "https://x", "ID"}}));
  // Only candidates somebody voted for are elected (kMinElectedProducers of them at least).
  std::vector<PublicKey> candidates;
  for (const auto& d : dealers) candidates.push_back(d.public_key());
  txs.push_back(make_tx(chain_id(), dev_key("team"), 0, kExpires, {VoteProducers{candidates}}));
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, txs));
  const Keys shared = pick(old_set, {0, 1, 2});
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, shared));
  ASSERT_TRUE(load_schedule(a.state()).pending);
  EXPECT_EQ(generation_keys(a.state(), 1), sorted_keys(next_keys));
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, 5, shared));
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, shared));  // P = 5 final: 7 is R
  ASSERT_EQ(load_schedule(a.state()).pending->joint_from, 7u);
  // p3 and d3 are each in one set only: {p1, p2, p3} lacks a quorum of S' (p1, p2), {p1, p2, d3}
  // one of S (p1, p2). The shared keys p0, p1, p2 are a quorum of both.
  expect_refused(8, justify(7, pick(old_set, {1, 2, 3})), "block.bad_certificate");
  expect_refused(8, justify(7, concat(pick(old_set, {1, 2}), {new_set[3]})), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 7, shared));
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(pick(old_set, {1, 2, 3}), {new_set[3]})));
  EXPECT_EQ(final_height(), 7u);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);
  // Generation 1: p3 is out, d3 is in.
  expect_refused(10, justify(9, pick(old_set, {1, 2, 3})), "block.bad_certificate");
  uint64_t produced_before[4];  // the three shared keys' accounts produced as bootstrap producers too
  for (size_t i = 0; i < 4; ++i) produced_before[i] = record(dealers[i].public_key()).produced;
  std::set<PublicKey> seen;
  for (uint64_t slot = 10; slot <= 13; ++slot) {
    seen.insert(*a.producer_at(slot));
    expect_refused(slot, std::nullopt, "block.wrong_producer", old_set[3]);
    ASSERT_NO_FATAL_FAILURE(next_justifying(slot, a.head().height, concat(pick(old_set, {1, 2}), {new_set[3]})));
  }
  EXPECT_EQ(seen, public_keys(next_keys));
  // Each member of generation 1 produced once in its first round, for its dealer account.
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(record(dealers[i].public_key()).produced, produced_before[i] + 1) << i;
  EXPECT_EQ(produced_before[3], 0u);
  EXPECT_GE(record(dealers[1].public_key()).votes_cast, 4u);
}

}  // namespace
}  // namespace lingji::chain
