// ejection_test.cpp: equivocation evidence (two votes, or two blocks, by one key in one slot) reported on chain:
// the record it leaves, the offender's ejection from the slots (never the last producer), what
// invalid or duplicate evidence is refused with, and how ejection meets elections and the set
// change. On EvidenceTest (chain/consensus_test_util.h).
#include "chain/producers/ejection.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "chain/consensus_test_util.h"
#include "chain/executor.h"
#include "chain/finality/ancestry.h"

namespace lingji::chain {
namespace {

using namespace testing;  // the consensus fixtures and helpers (chain/consensus_test_util.h)
using finality::SignedVote;
using finality::Vote;

TEST_F(EvidenceTest, AnEquivocatingVoterIsRecordedAndLeavesTheSchedule) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  const core::PrivateKey offender = old_set[3];
  const PublicKey key = offender.public_key();
  const Keys honest = pick(old_set, {0, 1, 2});
  const auto ev = double_vote(chain_id(), offender, header(2));
  // Block 4 (slot 4) records it: from slot 5 a new round of the three others.
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, honest), {report_next(EvidenceKind::kDoubleVote, ev.encode())}));
  const ProducerRecord before = record(key);
  auto rec = load_evidence(a.state(), key, 2);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->kind, EvidenceKind::kDoubleVote);
  EXPECT_EQ(rec->offender, key);
  EXPECT_EQ(rec->slot, 2u);
  EXPECT_EQ(rec->account, key);  // a bootstrap producer: account = key
  EXPECT_EQ(rec->block_a, ev.a.vote.block_id);
  EXPECT_EQ(rec->block_b, ev.b.vote.block_id);
  EXPECT_EQ(rec->reporter, reporter.public_key());
  EXPECT_EQ(rec->height, 4u);
  EXPECT_EQ(list_evidence(a.state()), std::vector<EvidenceRecord>{*rec});
  EXPECT_TRUE(is_ejected(a.state(), key));
  EXPECT_EQ(load_ejection(a.state(), key)->height, 4u);
  for (const auto& k : honest) EXPECT_FALSE(is_ejected(a.state(), k.public_key()));
  const Schedule sc = load_schedule(a.state());
  EXPECT_EQ(sc.round_start, 5u);
  EXPECT_EQ(producer_keys(sc), sorted_keys(honest));
  // Who votes does not change: the generation's list, and so its quorum (3 of 4), is fixed.
  EXPECT_EQ(a.head_voters().set, sorted_keys(old_set));
  EXPECT_EQ(generation_keys(a.state(), 0), sorted_keys(old_set));

  // Three rounds of three slots: the others produce, certify and finalize.
  ASSERT_NO_FATAL_FAILURE(run_rounds(3, key, sorted_keys(honest), honest));
  // The ejected key still counts in a certificate of its generation (one of n, a faulty one).
  ASSERT_NO_FATAL_FAILURE(next_justifying(a.head().slot + 1, a.head().height, concat(pick(old_set, {0, 1}), {offender})));
  EXPECT_EQ(final_height(), a.head().height - 2);
  // It was charged no missed slot and produced nothing after the ejection.
  EXPECT_EQ(record(key).missed, before.missed);
  EXPECT_EQ(record(key).produced, before.produced);
}

TEST_F(EvidenceTest, AnEquivocatingProducerIsRecordedAndLeavesTheSchedule) {
  ASSERT_NO_FATAL_FAILURE(build(2));
  // The producer of block 2 signed a second header for slot 2.
  const PublicKey key = header(2).producer;
  const auto ev = double_block(chain_id(), blocks.at(2), key_of(key));
  ASSERT_NE(ev.a.header.id(), ev.b.header.id());
  Keys honest;
  for (const auto& k : old_set)
    if (k.public_key() != key) honest.push_back(k);
  ASSERT_NO_FATAL_FAILURE(next(3, justify(2, old_set), {report_next(EvidenceKind::kDoubleBlock, ev.encode())}));
  auto rec = load_evidence(a.state(), key, 2);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->kind, EvidenceKind::kDoubleBlock);
  EXPECT_EQ(rec->block_a, ev.a.header.id());
  EXPECT_EQ(rec->block_b, ev.b.header.id());
  EXPECT_TRUE(rec->block_a == header(2).id() || rec->block_b == header(2).id());
  EXPECT_EQ(rec->height, 3u);
  EXPECT_TRUE(is_ejected(a.state(), key));
  EXPECT_EQ(load_schedule(a.state()).round_start, 4u);
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(honest));
  ASSERT_NO_FATAL_FAILURE(run_rounds(3, key, sorted_keys(honest), honest));
  // No conflicting final blocks: block 2 as applied is final on both chains, its twin is not.
  EXPECT_GE(final_height(), 2u);
  EXPECT_EQ(finality::ancestor_id(a.state(), a.head(), a.final_block().height), std::optional(a.final_block().id));
  EXPECT_EQ(b.final_block().id, a.final_block().id);
}

TEST_F(EvidenceTest, InvalidEvidenceIsRefusedAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  const core::PrivateKey k = old_set[1];
  const BlockHeader& h2 = header(2);
  const auto vote = [&](const core::PrivateKey& key, const BlockHeader& h, const std::string& id, uint64_t height) {
    return SignedVote::sign(chain_id(), Vote{h.slot, height, core::blake2b_256(core::as_bytes(id)), h.justify.slot}, key);
  };
  const SignedVote x = vote(k, h2, "x", 2);
  const auto refuse_votes = [&](finality::DoubleVoteEvidence e, const std::string& name) {
    expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote, e.encode()), name);
  };
  // Votes: one vote twice; the same block at two heights; two slots; two keys.
  refuse_votes({x, x}, "finality.not_equivocation");
  refuse_votes(finality::DoubleVoteEvidence::make(x, vote(k, h2, "x", 3)), "finality.not_equivocation");
  refuse_votes(finality::DoubleVoteEvidence::make(x, vote(k, header(3), "y", 2)), "finality.not_equivocation");
  refuse_votes(finality::DoubleVoteEvidence::make(x, vote(old_set[2], h2, "y", 2)), "finality.not_equivocation");
  // A bad signature; votes signed for another chain.
  auto forged = double_vote(chain_id(), k, h2);
  forged.b.signature.bytes[7] ^= 1;
  refuse_votes(forged, "finality.bad_signature");
  refuse_votes(double_vote(core::blake2b_256(core::as_bytes("other chain")), k, h2), "finality.bad_signature");
  // Keys that vote in no generation of this chain (yet).
  refuse_votes(double_vote(chain_id(), outsider, h2), "finality.evidence_unknown_key");
  refuse_votes(double_vote(chain_id(), new_set[0], h2), "finality.evidence_unknown_key");

  // Blocks: one header twice; two slots; two producers; a bad signature; an outsider's headers.
  const Block& b2 = blocks.at(2);
  const Block& b3 = blocks.at(3);
  const finality::SignedHeader s2{b2.header, b2.signature}, s3{b3.header, b3.signature};
  const auto refuse_blocks = [&](finality::DoubleBlockEvidence e, const std::string& name) {
    expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleBlock, e.encode()), name);
  };
  refuse_blocks({s2, s2}, "finality.not_equivocation");
  {
    BlockHeader later = b2.header;  // the same producer's header for another slot
    later.slot = 7;
    refuse_blocks(finality::DoubleBlockEvidence::make(s2, finality::SignedHeader::sign(chain_id(), later, key_of(b2.header.producer))),
                  "finality.not_equivocation");
    BlockHeader by_other = b2.header;  // another producer's header for slot 2
    const core::PrivateKey& other = key_of(b3.header.producer);
    by_other.producer = other.public_key();
    refuse_blocks(finality::DoubleBlockEvidence::make(s2, finality::SignedHeader::sign(chain_id(), by_other, other)),
                  "finality.not_equivocation");
  }
  refuse_blocks(finality::DoubleBlockEvidence::make(s2, s3), "finality.not_equivocation");
  auto forged_block = double_block(chain_id(), b2, key_of(b2.header.producer));
  forged_block.a.signature.bytes[0] ^= 1;
  refuse_blocks(forged_block, "finality.bad_signature");
  {
    Block theirs = b2;
    theirs.header.producer = outsider.public_key();
    theirs.sign(chain_id(), outsider);
    refuse_blocks(double_block(chain_id(), theirs, outsider), "finality.evidence_unknown_key");
  }
  // The wrong kind for the bytes, an unknown kind, truncated bytes.
  const Bytes good = double_vote(chain_id(), k, h2).encode();
  expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleBlock, good), "finality.malformed");
  expect_report_refused(report(chain_id(), reporter, 0, static_cast<EvidenceKind>(3), good), "finality.bad_evidence_kind");
  expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote, Bytes(good.begin(), good.end() - 1)),
                        "finality.malformed");
  // Shape errors are stateless (check_transaction); signatures and keys need the chain.
  EXPECT_EQ(check_transaction(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote,
                                     finality::DoubleVoteEvidence{x, x}.encode()),
                              chain_id())
                .error()
                .name,
            "finality.not_equivocation");
  EXPECT_TRUE(check_transaction(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote,
                                       double_vote(chain_id(), outsider, h2).encode()),
                                chain_id()));

  // Nothing was recorded; the schedule is whole; the chain goes on and finalizes.
  EXPECT_TRUE(list_evidence(a.state()).empty());
  for (const auto& key : old_set) EXPECT_FALSE(is_ejected(a.state(), key.public_key()));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(old_set));
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, old_set), {report_next(EvidenceKind::kDoubleVote, good)}));
  EXPECT_EQ(list_evidence(a.state()).size(), 1u);
  EXPECT_EQ(final_height(), 2u);
}

TEST_F(EvidenceTest, OneRecordPerKeyAndSlot) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  const core::PrivateKey offender = old_set[0];
  const PublicKey key = offender.public_key();
  const Keys honest = pick(old_set, {1, 2, 3});
  const Bytes first = double_vote(chain_id(), offender, header(2)).encode();
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, old_set), {report_next(EvidenceKind::kDoubleVote, first)}));
  const Schedule sc = load_schedule(a.state());
  ASSERT_EQ(sc.round_start, 5u);
  // The same evidence again, another pair for the same key and slot, or a DoubleBlockEvidence there.
  expect_report_refused(report_next(EvidenceKind::kDoubleVote, first), "finality.evidence_duplicate");
  --reporter_sequence;
  expect_report_refused(report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), offender, header(2), "third").encode()),
                        "finality.evidence_duplicate");
  --reporter_sequence;
  if (header(2).producer == key) {
    expect_report_refused(report_next(EvidenceKind::kDoubleBlock, double_block(chain_id(), blocks.at(2), offender).encode()),
                          "finality.evidence_duplicate");
    --reporter_sequence;
  }
  EXPECT_EQ(list_evidence(a.state()).size(), 1u);
  // Another slot is another offence: recorded, by another reporter; the key is already out, so
  // the round goes on as it was and the first ejection height stays.
  ASSERT_NO_FATAL_FAILURE(next(5, justify(4, honest),
                               {report(chain_id(), dev_key("bob"), 0, EvidenceKind::kDoubleVote,
                                       double_vote(chain_id(), offender, header(3)).encode())}));
  EXPECT_EQ(list_evidence(a.state()).size(), 2u);
  EXPECT_EQ(load_evidence(a.state(), key, 3)->reporter, dev_key("bob").public_key());
  EXPECT_EQ(load_evidence(a.state(), key, 3)->height, 5u);
  EXPECT_EQ(load_ejection(a.state(), key)->height, 4u);
  EXPECT_EQ(load_schedule(a.state()).round_start, 5u);
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(honest));
}

// The last producer of a list keeps its slots: the chain is never left without one.
TEST_F(EvidenceTest, TheLastProducerIsNeverRemoved) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  std::vector<SignedTransaction> txs;
  for (const auto& k : old_set) txs.push_back(report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), k, header(2)).encode()));
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, old_set), txs));
  EXPECT_EQ(list_evidence(a.state()).size(), 4u);
  for (const auto& k : old_set) EXPECT_TRUE(is_ejected(a.state(), k.public_key()));
  const Schedule sc = load_schedule(a.state());
  ASSERT_EQ(sc.producers.size(), 1u);
  EXPECT_EQ(sc.producers[0].signing_key, old_set[3].public_key());  // the last one reported
  ASSERT_NO_FATAL_FAILURE(next_justifying(5, 4, old_set));
}

// An elected producer equivocates: it is ejected, elections skip it, and it comes back only with
// a new signing key, as a member of a new generation.
TEST_F(EvidenceTest, AnEjectedCandidateIsReElectedOnlyWithANewKey) {
  const Keys dealers = named_keys("d", 4);
  const Keys old3 = pick(old_set, {0, 1, 2}), new3 = pick(new_set, {1, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));  // P = 5
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, 5, old3));
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));                 // R = 7
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 7, concat(old3, new3)));
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(old3, new3)));   // R2 = 9: generation 1
  ASSERT_EQ(load_schedule(a.state()).generation, 1u);

  // d0's signing key voted twice in slot 9; block 10 records it.
  const PublicKey d0 = dealers[0].public_key(), old_key = new_set[0].public_key();
  ASSERT_NO_FATAL_FAILURE(next(10, justify(9, new3),
                               {report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), new_set[0], header(9)).encode())}));
  auto rec = load_evidence(a.state(), old_key, 9);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->account, d0);
  EXPECT_TRUE(is_ejected(a.state(), d0));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(new3));
  for (const auto& c : elect(a.state(), kMaxActiveProducers)) EXPECT_NE(c.account, d0);
  // Two rounds of three: at each boundary the election skips d0; three candidates are too few
  // for a new set (kMinElectedProducers), so nothing is proposed.
  ASSERT_NO_FATAL_FAILURE(run_rounds(2, old_key, sorted_keys(new3), new3));
  EXPECT_FALSE(load_schedule(a.state()).pending);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);

  // d0 registers a new signing key: no longer ejected, it is elected at the next boundary.
  const core::PrivateKey fresh = dev_key("d0-signing-2");
  keys.emplace(fresh.public_key(), fresh);
  ASSERT_NO_FATAL_FAILURE(next(a.head().slot + 1, justify(a.head().height, new3),
                               {make_tx(chain_id(), dealers[0], 2, kExpires, {ProducerUpdateKey{fresh.public_key()}})}));
  EXPECT_FALSE(is_ejected(a.state(), d0));
  EXPECT_TRUE(load_ejection(a.state(), d0));  // the record stays, naming the old key
  // d1..d3's keys are in both generations, so they certify every phase of the change.
  ASSERT_NO_FATAL_FAILURE(certify_until_generation(2, new3, 20));
  const std::vector<PublicKey> gen2 = generation_keys(a.state(), 2);
  EXPECT_EQ(std::count(gen2.begin(), gen2.end(), fresh.public_key()), 1);
  EXPECT_EQ(std::count(gen2.begin(), gen2.end(), old_key), 0);
  std::vector<PublicKey> want = sorted_keys(new3);
  want.push_back(fresh.public_key());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(producer_keys(load_schedule(a.state())), want);
  ASSERT_NO_FATAL_FAILURE(run_rounds(1, old_key, want, new3));
  EXPECT_GE(record(d0).produced, 1u);

  // Going back to the ejected key makes d0 ejected again: that key stays barred.
  ASSERT_NO_FATAL_FAILURE(next(a.head().slot + 1, justify(a.head().height, new3),
                               {make_tx(chain_id(), dealers[0], 3, kExpires, {ProducerUpdateKey{old_key}})}));
  EXPECT_TRUE(is_ejected(a.state(), d0));
  for (const auto& c : elect(a.state(), kMaxActiveProducers)) EXPECT_NE(c.account, d0);
}

// Ejection takes a key out of the slots at once; the next election takes it out of the voters,
// through the usual set change, even when no candidate other than the offender changed.
TEST_F(EvidenceTest, TheNextElectionTakesTheEjectedKeyOutOfTheVoters) {
  const Keys dealers = named_keys("d", 5), signing = named_keys("d", 5, "-signing");
  keys.emplace(signing[4].public_key(), signing[4]);
  const Keys old3 = pick(old_set, {0, 1, 2}), rest = pick(signing, {1, 2, 3, 4});  // 4 of 5: a quorum
  // A fifth candidate beside registrations()' four; the team votes for all five.
  std::vector<SignedTransaction> txs = registrations();
  txs.pop_back();
  txs.push_back(make_tx(chain_id(), dealers[4], 0, kExpires, {DealerApply{"Shop d4", "Jakarta", "ID", "+62 21 555"}}));
  txs.push_back(make_tx(chain_id(), dev_key("foundation"), 1, kExpires,
                        {DealerSetStatus{dealers[4].public_key(), DealerStatus::kApproved}}));
  txs.push_back(make_tx(chain_id(), dealers[4], 1, kExpires, {ProducerRegister{signing[4].public_key(), "https://d4", "ID"}}));
  std::vector<PublicKey> candidates;
  for (const auto& d : dealers) candidates.push_back(d.public_key());
  txs.push_back(make_tx(chain_id(), dev_key("team"), 0, kExpires, {VoteProducers{candidates}}));
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, txs));
  for (uint64_t h = 2; h <= 7; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));  // P = 5, R = 7
  ASSERT_NO_FATAL_FAILURE(certify_until_generation(1, concat(old3, rest), 4));
  ASSERT_EQ(generation_keys(a.state(), 1), sorted_keys(signing));

  const PublicKey bad = signing[0].public_key();
  ASSERT_NO_FATAL_FAILURE(next(a.head().slot + 1, justify(a.head().height, rest),
                               {report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), signing[0], a.head()).encode())}));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(rest));
  EXPECT_EQ(a.head_voters().set, sorted_keys(signing));  // still a voter of generation 1
  // The round of four ends; the election proposes generation 2 without it, which takes over.
  ASSERT_NO_FATAL_FAILURE(certify_until_generation(2, rest, 16));
  EXPECT_EQ(generation_keys(a.state(), 2), sorted_keys(rest));
  EXPECT_EQ(a.head_voters().set, sorted_keys(rest));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(rest));
  // Its key no longer certifies: three of the new four do, with it or without it.
  expect_refused(a.head().slot + 1, justify(a.head().height, concat(pick(signing, {1, 2}), {signing[0]})),
                 "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(run_rounds(1, bad, sorted_keys(rest), pick(signing, {1, 2, 3})));
}

// A key of the pending set equivocates: it leaves the pending producers, and never produces
// once that set is active; the pending generation's voters (its quorum) stay as proposed.
TEST_F(EvidenceTest, AKeyOfThePendingSetIsEjectedBeforeItProduces) {
  const Keys old3 = pick(old_set, {0, 1, 2}), new3 = pick(new_set, {1, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));  // P = 5
  ASSERT_TRUE(load_schedule(a.state()).pending);
  const PublicKey bad = new_set[0].public_key();
  ASSERT_NO_FATAL_FAILURE(next(6, justify(5, old3),
                               {report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), new_set[0], header(5)).encode())}));
  EXPECT_EQ(load_evidence(a.state(), bad, 5)->account, named_keys("d", 1)[0].public_key());
  {
    Schedule sc = load_schedule(a.state());
    EXPECT_EQ(sc.round_start, 5u);  // not in the round in force: it goes on as it was
    EXPECT_EQ(producer_keys(sc), sorted_keys(old_set));
    ASSERT_TRUE(sc.pending);
    std::vector<PublicKey> pending;
    for (const auto& m : sc.pending->producers) pending.push_back(m.signing_key);
    std::sort(pending.begin(), pending.end());
    EXPECT_EQ(pending, sorted_keys(new3));
    EXPECT_EQ(generation_keys(a.state(), 1), sorted_keys(new_set));
  }
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));                 // R = 7
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 7, concat(old3, new3)));
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(old3, new3)));   // generation 1 active
  ASSERT_EQ(load_schedule(a.state()).generation, 1u);
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(new3));
  ASSERT_NO_FATAL_FAILURE(run_rounds(2, bad, sorted_keys(new3), new3));
}

}  // namespace
}  // namespace lingji::chain
