// chain_block_test.cpp: the block rules of chain.cpp seen from the consensus side: slots
// increase and a block's time is its slot's start; every way a justify claim or its certificate
// is refused (and that a refused block changes nothing, on the producer and on a validator); and
// that validators replaying the blocks, or restored from a stored state, agree on every root.
// On ConsensusTest (chain/consensus_test_util.h).
#include "chain/chain.h"

#include <gtest/gtest.h>

#include "chain/consensus_test_util.h"
#include "chain/finality/ancestry.h"

namespace lingji::chain {
namespace {

using namespace testing;  // the consensus fixtures and helpers (chain/consensus_test_util.h)
using finality::Vote;

TEST_F(ConsensusTest, SlotsIncreaseAndTimestampIsTheSlotStart) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next(3));
  const auto any = old_set[0];
  // Not after the parent's slot: refused, by the producer and by a validator.
  expect_refused(3, std::nullopt, "block.bad_slot", any);
  expect_refused(2, std::nullopt, "block.bad_slot", any);
  expect_refused(0, std::nullopt, "block.bad_slot", any);
  // Beyond the last slot whose start is representable.
  expect_apply_refused(forge(UINT64_MAX, std::nullopt, any), "block.bad_slot");
  // The timestamp is exactly the start of the slot.
  for (TimeMs delta : {TimeMs{1}, TimeMs{-1}, TimeMs{999}, TimeMs{1000}}) {
    Block blk = forge(4, std::nullopt, scheduled(4));
    blk.header.timestamp += delta;
    blk.sign(b.chain_id(), scheduled(4));
    expect_apply_refused(blk, "block.bad_timestamp");
  }
  ASSERT_NO_FATAL_FAILURE(next(4));
  EXPECT_EQ(a.head().timestamp, kT0 + 4000);
  EXPECT_EQ(a.slot_time(4), kT0 + 4000);
  EXPECT_EQ(a.slot_at(kT0 + 4999), 4u);
  EXPECT_EQ(a.slot_at(kT0 - 1), 0u);
}

// --- Justify and certificate rejections ----------------------------------------------------

TEST_F(ConsensusTest, EveryJustifyAndCertificateRejection) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  for (uint64_t h = 2; h <= 4; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, pick(old_set, {0, 1, 2})));
  ASSERT_EQ(final_height(), 2u);
  ASSERT_EQ(a.head().justify, claim_of(header(3)));
  const uint64_t s = 5;
  const Keys q = pick(old_set, {1, 2, 3});

  // Justify not an ancestor: a block that is not on this branch (another block at height 3)...
  BlockHeader other = header(3);
  other.state_root.bytes[0] ^= 1;
  expect_refused(s, Chain::Justify{claim_of(other), qc_on(chain_id(), other, q)}, "block.bad_justify");
  // ... the right block with the wrong slot ...
  Chain::Justify wrong_slot = justify(4, q);
  wrong_slot.claim.slot = 5;
  expect_refused(s, wrong_slot, "block.bad_justify");
  // ... the block itself, or a height above the head ...
  BlockHeader self = header(4);
  self.height = 5;
  self.slot = 5;
  expect_refused(s, Chain::Justify{claim_of(self), qc_on(chain_id(), self, q)}, "block.bad_justify");
  // ... a block below the last final block (2), whose summary is gone.
  expect_refused(s, justify(1, q), "block.bad_justify");
  // Older than the parent's justify (3): 2 is an ancestor, still kept, but older.
  ASSERT_TRUE(finality::load_ancestor(a.state(), 2));
  expect_refused(s, justify(2, q), "block.bad_justify");

  // A new justify without its certificate.
  expect_refused(s, Chain::Justify{claim_of(header(4)), std::nullopt}, "block.bad_certificate");
  // Only 2 of 4 signers; 3 signatures but one of them twice (non-canonical).
  expect_refused(s, justify(4, pick(old_set, {0, 3})), "block.bad_certificate");
  {
    Chain::Justify dup = justify(4, pick(old_set, {0, 1}));
    dup.qc->signers.push_back(dup.qc->signers.back());
    expect_refused(s, dup, "block.bad_certificate");
  }
  // A certificate on another block (3), claimed for 4.
  expect_refused(s, Chain::Justify{claim_of(header(4)), qc_on(chain_id(), header(3), q)}, "block.bad_certificate");
  // A certificate with the wrong justify_slot (validly signed over it).
  {
    Vote v{header(4).slot, 4, header(4).id(), header(4).justify.slot + 1};
    expect_refused(s, Chain::Justify{claim_of(header(4)), sign_qc(chain_id(), v, q)}, "block.bad_certificate");
    v.justify_slot = header(4).justify.slot;
    v.height = 3;
    expect_refused(s, Chain::Justify{claim_of(header(4)), sign_qc(chain_id(), v, q)}, "block.bad_certificate");
  }
  // A certificate by a non-member key: with only 2 members, and even next to 3 members.
  expect_refused(s, justify(4, concat(pick(old_set, {0, 1}), {outsider})), "block.bad_certificate");
  expect_refused(s, justify(4, concat(q, {outsider})), "block.bad_certificate");
  expect_refused(s, justify(4, pick(new_set, {0, 1, 2})), "block.bad_certificate");
  // A bad signature among a quorum.
  {
    Chain::Justify forged = justify(4, q);
    forged.qc->signers[1].second.bytes[3] ^= 1;
    expect_refused(s, forged, "block.bad_certificate");
  }
  // A certificate attached although the justify is the parent's (3).
  expect_refused(s, justify(3, q), "block.bad_certificate");

  // None of these changed anything: the right block still goes through on both chains.
  EXPECT_EQ(a.head().height, 4u);
  EXPECT_EQ(final_height(), 2u);
  for (const auto& k : old_set) EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
  ASSERT_NO_FATAL_FAILURE(next_justifying(s, 4, q));
  EXPECT_EQ(final_height(), 3u);
  for (const auto& k : old_set) EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
}

// --- Determinism --------------------------------------------------------------------------

TEST_F(ConsensusTest, ValidatorsAndRestoredChainsAgree) {
  const core::PrivateKey dev = dev_key("dev");
  const PublicKey alice = dev_key("alice").public_key();
  auto txs = [&](uint64_t seq) {
    return std::vector<SignedTransaction>{make_transfer(chain_id(), dev, alice, Amount::ct(1), seq, kExpires)};
  };
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, txs(0)));
  uint64_t seq = 1;
  for (uint64_t s : {2, 3, 5, 6, 7}) ASSERT_NO_FATAL_FAILURE(next(s, justify(a.head().height, pick(old_set, {0, 2, 3})), txs(seq++)));
  // A third chain fed the same encoded blocks has the same root at each height.
  Chain c(genesis);
  for (uint64_t h = 1; h < blocks.size(); ++h) {
    ASSERT_TRUE(c.apply_block(*Block::decode(blocks[h].encode()), true));
    EXPECT_EQ(c.head().state_root, roots[h - 1]);
    EXPECT_EQ(c.head_id(), header(h).id());
  }
  // Restore two chains from a's state: one validates the next blocks, one produces them.
  extra.push_back(std::make_unique<Chain>(genesis));
  ASSERT_TRUE(extra.back()->restore(entries_of(a.state()), a.head()));
  Chain producer(genesis);
  ASSERT_TRUE(producer.restore(entries_of(a.state()), a.head()));
  EXPECT_EQ(producer.final_block().id, a.final_block().id);
  for (uint64_t s = 8; s <= 14; ++s) {
    if (s == 10) continue;  // a missed slot
    EXPECT_EQ(producer.producer_at(s), a.producer_at(s));
    auto j = justify(a.head().height, pick(old_set, {1, 2, 3}));
    auto mine = producer.produce_block(txs(seq), s, scheduled(s), j);
    ASSERT_TRUE(mine) << mine.error().message;
    ASSERT_NO_FATAL_FAILURE(next(s, j, txs(seq)));
    ++seq;
    EXPECT_EQ(mine->block.encode(), blocks.back().encode());
    EXPECT_EQ(producer.head().state_root, a.head().state_root);
    EXPECT_EQ(producer.final_block().id, a.final_block().id);
  }
  EXPECT_EQ(final_height(), a.head().height - 2);
}

}  // namespace
}  // namespace lingji::chain
