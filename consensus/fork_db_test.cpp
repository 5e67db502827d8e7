// fork_db_test.cpp: what the fork database admits (issue 14, item 5): a Byzantine producer's
// flood of blocks far above the final block, or past its share, is refused while honest blocks
// still enter, and a competing block's justify counts for the fork choice only once its
// certificate is verified.
#include <gtest/gtest.h>

#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;
using A = ForkChoice::Accepted;

core::Hash256 tag(const std::string& s) { return core::blake2b_256(core::as_bytes(std::string_view(s))); }

// A block signed by `key` on top of `parent` in `slot`, with the parent's justify: only what the
// fork database looks at before a switch is filled in; `salt` makes blocks of one slot differ.
Block fork_block(const Chain& chain, const BlockHeader& parent, uint64_t slot, const core::PrivateKey& key, int salt) {
  Block b;
  b.header.height = parent.height + 1;
  b.header.previous = parent.height == 0 ? chain.chain_id() : parent.id();
  b.header.slot = slot;
  b.header.timestamp = chain.slot_time(slot);
  b.header.producer = key.public_key();
  b.header.justify = parent.justify;
  b.header.state_root = tag("fork " + std::to_string(salt));
  b.sign(chain.chain_id(), key);
  return b;
}

std::string outcome(const core::Result<A>& r) {
  if (!r) return r.error().name;
  return *r == A::kFork ? "fork" : *r == A::kStale ? "stale" : *r == A::kAhead ? "ahead" : "other";
}

// p1 signs a chain of 4,100 blocks off the head's parent, climbing far above the final block
// (today's code keeps them all and fills the fork database's 4,096 entries): only its share
// within the window enters, and p2's competing block still does. A block whose slot is not after
// the final block's can never be followed: stale.
TEST_F(FourKeyPartsTest, AProducersFloodFarAboveTheFinalBlockIsRefusedAndHonestBlocksStillEnter) {
  for (uint64_t slot = 1; slot <= 6; ++slot) ASSERT_NO_FATAL_FAILURE(produce_and_vote(slot));
  const BlockHeader head = node_chain->head();
  const auto fin = node_chain->final_block();
  ASSERT_GE(fin.height, 3u);
  const BlockHeader parent = *store->header_at(head.height - 1);

  std::map<std::string, size_t> outcomes;
  BlockHeader top = parent;
  for (int i = 0; i < 4100; ++i) {
    Block b = fork_block(*node_chain, top, head.slot + 1 + i, key_of(1), i);
    ++outcomes[outcome(fork_choice->accept(b))];
    top = b.header;
  }
  EXPECT_EQ(outcomes["fork"], ForkChoice::kMaxForkBlocksPerProducer);
  EXPECT_EQ(outcomes["consensus.fork_producer_cap"], 1u) << "then its parent is unknown";
  EXPECT_LE(fork_choice->fork_db().size(), ForkChoice::kMaxForkBlocksPerProducer);

  // Far above the final block: refused before its signature is looked at.
  Block far = fork_block(*node_chain, parent, fin.slot + 100'000, key_of(3), 0);
  far.signature.bytes[0] ^= 1;
  EXPECT_EQ(outcome(fork_choice->accept(far)), "consensus.fork_outside_window");
  // Not after the final block's slot: it cannot descend from the final block.
  const BlockHeader final_header = *store->header_at(fin.height);
  EXPECT_EQ(outcome(fork_choice->accept(fork_block(*node_chain, final_header, fin.slot, key_of(3), 1))), "stale");

  // An honest producer's competing block still enters.
  Block honest = fork_block(*node_chain, parent, head.slot + 2, key_of(2), 0);
  EXPECT_EQ(outcome(fork_choice->accept(honest)), "fork");
  EXPECT_TRUE(fork_choice->fork_db().contains(honest.header.id()));
  EXPECT_EQ(node_chain->head_id(), head.id());
}

// Each producer holds at most kMaxForkBlocksPerProducer blocks here, however many slots it signs
// within the window; another producer's block is not affected.
TEST_F(FourKeyPartsTest, EachProducerHasACapOfForkBlocks) {
  for (uint64_t slot = 1; slot <= 6; ++slot) ASSERT_NO_FATAL_FAILURE(produce_and_vote(slot));
  const BlockHeader head = node_chain->head();
  const BlockHeader parent = *store->header_at(head.height - 1);
  std::map<std::string, size_t> outcomes;
  for (int i = 0; i < 40; ++i)
    ++outcomes[outcome(fork_choice->accept(fork_block(*node_chain, parent, head.slot + 1 + i, key_of(1), i)))];
  EXPECT_EQ(outcomes["fork"], ForkChoice::kMaxForkBlocksPerProducer);
  EXPECT_EQ(outcomes["consensus.fork_producer_cap"], 40 - ForkChoice::kMaxForkBlocksPerProducer);
  EXPECT_EQ(fork_choice->fork_db().producer_blocks(key_of(1).public_key()), ForkChoice::kMaxForkBlocksPerProducer);
  EXPECT_EQ(outcome(fork_choice->accept(fork_block(*node_chain, parent, head.slot + 1, key_of(2), 0))), "fork");
  // Once its blocks are final or left behind, the share is free again.
  for (uint64_t slot = head.slot + 41; slot <= head.slot + 44; ++slot) ASSERT_NO_FATAL_FAILURE(produce_and_vote(slot));
  EXPECT_EQ(fork_choice->fork_db().producer_blocks(key_of(1).public_key()), 0u);
}

// A competing block claims a newer certificate than the head's, and the certificate is forged:
// refused with its own code before it is ranked, so the node never pops a block for it (today's
// code ranks it by the claim, pops the head, and finds out only when applying it). The same block
// with the genuine certificate wins.
TEST_F(FourKeyPartsTest, ACompetingBlockWithAForgedJustifyDoesNotWinTheForkChoice) {
  for (uint64_t slot = 1; slot <= 6; ++slot) ASSERT_NO_FATAL_FAILURE(produce_and_vote(slot));
  const BlockHeader head = node_chain->head();
  // A second chain that stops at the head's parent and makes a valid competing block X there.
  Chain other(genesis);
  for (uint64_t h = 1; h < head.height; ++h) {
    auto b = store->block_at(h);
    ASSERT_TRUE(b);
    ASSERT_TRUE(other.apply_block(*b, false));
  }
  auto key_for = [&](uint64_t slot) -> const core::PrivateKey& {
    const auto k = *other.producer_at(slot);
    for (const auto& key : keys4)
      if (key.public_key() == k) return key;
    throw std::logic_error("no such producer");
  };
  const uint64_t sx = head.slot + 1;
  auto x = other.produce_block({}, sx, key_for(sx));
  ASSERT_TRUE(x) << x.error().message;
  const BlockHeader& xh = x->block.header;
  EXPECT_EQ(outcome(fork_choice->accept(x->block)), "fork") << "its justify is older than the head's";

  finality::QcBuilder qc(chain_id(), finality::Vote{xh.slot, xh.height, xh.id(), xh.justify.slot},
                         node_chain->voters_at(head.height - 1).set);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(qc.add(finality::SignedVote::sign(chain_id(), qc.vote(), key_of(i))));
  const finality::QuorumCertificate genuine = *qc.certificate();
  finality::QuorumCertificate forged = genuine;
  forged.signers.back().second.bytes[7] ^= 1;

  // F on X claims X certified, with the forged certificate (otherwise a valid block).
  const uint64_t sf = sx + 1;
  auto made = other.produce_block({}, sf, key_for(sf), Chain::Justify{QcClaim{xh.slot, xh.height, xh.id()}, genuine});
  ASSERT_TRUE(made) << made.error().message;
  Block f = made->block;
  f.justify_qc = forged;
  (void)parts->outbox.take();
  auto refused = fork_choice->accept(f);
  EXPECT_EQ(outcome(refused), "consensus.fork_bad_certificate");
  size_t reverted = 0;
  const auto batch = parts->outbox.take();  // named: events() refers into it
  for (const auto& e : batch.events()) reverted += e.kind == ChainEvent::Kind::kReverted;
  EXPECT_EQ(reverted, 0u) << "no block was popped for a forged certificate";
  EXPECT_EQ(node_chain->head_id(), head.id());
  EXPECT_FALSE(fork_choice->fork_db().contains(f.header.id()));

  // With its genuine certificate the branch has the higher certificate and wins.
  EXPECT_EQ(*fork_choice->accept(made->block), A::kApplied);
  EXPECT_EQ(node_chain->head_id(), made->block.header.id());
}

}  // namespace
}  // namespace lingji::consensus
