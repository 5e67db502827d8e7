// fork_choice_test.cpp: peers' blocks and branch switches, through the Controller (a healed
// partition) and through ForkChoice alone.
#include <gtest/gtest.h>

#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

// Four producers, one per node. Node 3 is cut off for a while: the three others keep
// finalizing while node 3 builds a branch of its own in its slots. When the link heals, node 3
// switches to the majority's branch (it has the higher certificate), the transaction of its
// orphaned block goes back to its mempool, and the majority keeps its head (node 3's blocks
// wait in their fork databases). A final block is never reverted.
TEST_F(FourProducersTest, APartitionedNodeSwitchesToTheMajorityBranchWhenItHeals) {
  // During the partition the branches' schedules differ (a round's order is seeded with the
  // branch's last final block): node 3 produces in its own view's slots, alone.
  uint64_t slot = 1;
  for (; slot <= 8; ++slot) run_slot(slot);
  const auto [h_before, id_before, f_before, fid_before] = head_of(3);
  EXPECT_EQ(std::get<0>(head_of(0)), h_before);
  partitioned = true;
  const PublicKey bob = dev_key("bob").public_key();
  auto tx = testing::make_transfer(g.chain_id(), dev_key("dev"), bob, Amount::ct(3), 0, kT0 + 3'600'000);
  ASSERT_TRUE(nodes[3]->submit(tx.bytes(), kT0 + 1000 * slot));
  std::vector<Block> orphaned;
  for (; slot <= 24; ++slot) {
    if (producer_of(3, slot) == 3) {
      auto alone = nodes[3]->produce(kT0 + 1000 * slot);
      ASSERT_TRUE(alone) << alone.error().message;
      orphaned.push_back(*alone);
      outbox[3].clear();
    }
    run_slot(slot);
  }
  const auto [h3, id3, f3, fid3] = head_of(3);
  const auto [h0, id0, f0, fid0] = head_of(0);
  EXPECT_LE(f3, h_before) << "nothing the cut-off node made alone is final";
  EXPECT_GT(f0, f_before + 5) << "three of four keep finalizing";
  EXPECT_GT(h3, h_before);
  EXPECT_NE(id3, id0);
  EXPECT_EQ(nodes[3]->transaction_status(tx.id()).state, TxState::kCommitted);
  // The sender's next transfer waits in node 3's mempool behind the orphaned one.
  auto tx2 = testing::make_transfer(g.chain_id(), dev_key("dev"), bob, Amount::ct(4), 1, kT0 + 3'600'000);
  ASSERT_TRUE(nodes[3]->submit(tx2.bytes(), kT0 + 1000 * slot));

  // Heal: node 3 syncs the majority's blocks from its last final block on, as a peer would send them.
  const TimeMs heal = kT0 + 1000 * slot;
  std::vector<Controller::Accepted> outcomes;
  for (const auto& bytes : nodes[0]->blocks_from(f3 + 1, 1000, 64 << 20)) {
    auto block = Block::decode(bytes);
    ASSERT_TRUE(block);
    auto accepted = nodes[3]->accept_block(*block, heal);
    ASSERT_TRUE(accepted) << accepted.error().message;
    outcomes.push_back(*accepted);
  }
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), Controller::Accepted::kFork), outcomes.end());
  EXPECT_EQ(outcomes.back(), Controller::Accepted::kApplied);
  EXPECT_EQ(head_of(3), head_of(0));
  // The orphaned block's transaction waits again; the majority's store never saw it.
  EXPECT_EQ(nodes[3]->transaction_status(tx.id()).state, TxState::kPending);
  EXPECT_EQ(nodes[3]->transaction_status(tx2.id()).state, TxState::kPending) << "requeued behind its predecessor";
  EXPECT_EQ(nodes[0]->transaction_status(tx.id()).state, TxState::kUnknown);
  // Node 3's old blocks reach the majority: kept aside, never followed.
  const auto majority_head = head_of(0);
  ASSERT_FALSE(orphaned.empty());
  for (const auto& b : orphaned) {
    auto accepted = nodes[0]->accept_block(b, heal);
    ASSERT_TRUE(accepted) << accepted.error().message;
    EXPECT_TRUE(*accepted == Controller::Accepted::kFork || *accepted == Controller::Accepted::kStale);
  }
  EXPECT_EQ(head_of(0), majority_head);

  // Connected again: the chain goes on, everyone finalizes, node 3's transaction is committed.
  partitioned = false;
  for (int i = 0; i < 12; ++i, ++slot) run_slot(slot);
  for (int i = 0; i < kNodes; ++i) {
    EXPECT_EQ(head_of(i), head_of(0)) << "node " << i;
    EXPECT_GT(std::get<2>(head_of(i)), f0);
    EXPECT_EQ(nodes[i]->transaction_status(tx.id()).state, TxState::kCommitted) << "node " << i;
    EXPECT_EQ(nodes[i]->transaction_status(tx2.id()).state, TxState::kCommitted) << "node " << i;
    // Each node's event stream, followed alone, ends on exactly its chain: node 3's fork switch
    // reverted its orphaned blocks first.
    std::lock_guard lock(mirrors[i]->mu);
    EXPECT_FALSE(mirrors[i]->out_of_order) << "node " << i;
    EXPECT_EQ(mirrors[i]->ids, MirrorObserver::chain_ids(*nodes[i])) << "node " << i;
  }
  EXPECT_GT(mirrors[3]->reverted, 0u);
  EXPECT_EQ(mirrors[0]->reverted, 0u);
}

// Fork choice alone, with blocks another node made on the same genesis: the next block is
// applied (and the head-change hook runs), a repeat is known, a block far ahead or with an
// unknown parent asks for sync, a competing block of the same height is kept aside, and
// pop_and_unstore/apply_and_store move the head down and up again.
TEST_F(PartsTest, ForkChoiceSortsPeersBlocks) {
  Chain other(genesis);
  std::vector<Block> made;
  for (uint64_t slot = 1; slot <= 3; ++slot) {
    auto p = other.produce_block({}, slot, dev_key("producer"));
    ASSERT_TRUE(p) << p.error().message;
    made.push_back(p->block);
  }
  using A = ForkChoice::Accepted;
  EXPECT_EQ(*fork_choice->accept(made[2]), A::kAhead);
  EXPECT_EQ(*fork_choice->accept(made[0]), A::kApplied);
  EXPECT_EQ(head_changes(), 1u);
  EXPECT_EQ(*fork_choice->accept(made[0]), A::kKnown);
  EXPECT_TRUE(fork_choice->on_branch(0, chain_id()));
  EXPECT_TRUE(fork_choice->on_branch(1, made[0].header.id()));
  EXPECT_FALSE(fork_choice->on_branch(2, made[1].header.id()));
  Block orphan = made[1];
  orphan.header.previous = core::blake2b_256(core::as_bytes(std::string_view("nowhere")));
  EXPECT_EQ(*fork_choice->accept(orphan), A::kUnknownParent);

  // The same producer's block at height 1 in slot 2: a competing branch, not a better one.
  Chain rival(genesis);
  auto competing = rival.produce_block({}, 2, dev_key("producer"));
  ASSERT_TRUE(competing);
  EXPECT_EQ(*fork_choice->accept(competing->block), A::kFork);
  EXPECT_TRUE(fork_choice->fork_db().contains(competing->block.header.id()));
  EXPECT_EQ(node_chain->head_id(), made[0].header.id());

  const Block popped = fork_choice->pop_and_unstore();
  EXPECT_EQ(popped.header.id(), made[0].header.id());
  EXPECT_EQ(store->head_height(), 0u);
  EXPECT_EQ(node_chain->head().height, 0u);
  EXPECT_FALSE(fork_choice->on_branch(1, made[0].header.id()));
  ASSERT_TRUE(fork_choice->apply_and_store(popped));
  EXPECT_EQ(*fork_choice->accept(made[1]), A::kApplied);
  EXPECT_EQ(store->head_height(), 2u);
}

}  // namespace
}  // namespace lingji::consensus
