// equivocation_watch_test.cpp: double votes and double blocks are recorded, reported and
// recorded on chain, through the Controller and through EquivocationWatch alone.
#include <gtest/gtest.h>

#include <variant>

#include "chain/producers/ejection.h"
#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

// Two validly signed votes by one key in one slot for different blocks are evidence; a repeat
// of the same vote, or a forged second vote, is not. (The voter is the dev chain's producer: a
// key that is no producer's is refused before its signature is checked, vote_flood_test.cpp.)
TEST_F(ControllerTest, TwoVotesByOneKeyInOneSlotAreRecordedAsEquivocation) {
  const auto voter = dev_key("producer");
  finality::Vote a{5, 5, core::blake2b_256(core::as_bytes(std::string_view("block a"))), 4};
  finality::Vote b = a;
  b.block_id = core::blake2b_256(core::as_bytes(std::string_view("block b")));
  const auto va = finality::SignedVote::sign(chain_id(), a, voter);
  const auto vb = finality::SignedVote::sign(chain_id(), b, voter);
  (void)ctl->add_vote(va);
  (void)ctl->add_vote(va);
  auto forged = vb;
  forged.signature.bytes[0] ^= 1;
  (void)ctl->add_vote(forged);
  EXPECT_EQ(ctl->equivocations_seen(), 0u);
  (void)ctl->add_vote(vb);
  (void)ctl->add_vote(vb);
  EXPECT_EQ(ctl->equivocations_seen(), 1u);
  auto evidence = ctl->double_votes();
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_TRUE(evidence[0].verify(chain_id()));
  EXPECT_EQ(evidence[0].a.voter, voter.public_key());
}

// A voter that signs two votes in one slot and a producer that signs two blocks in one slot: the
// node that sees both reports each with its producer key, the next block records them, and the
// offenders leave the schedule while the others go on finalizing.
TEST_F(FourProducersTest, EquivocationsAreReportedRecordedAndTheOffendersLeaveTheSchedule) {
  uint64_t slot = 1;
  for (; slot <= 4; ++slot) run_slot(slot);
  // p1 votes a second time in the head's slot, for another block.
  const auto head = nodes[0]->read([](const Chain& c, const storage::BlockStore&) { return c.head(); });
  const finality::Vote other{head.slot, head.height, core::blake2b_256(core::as_bytes(std::string_view("other"))),
                             head.justify.slot};
  (void)nodes[0]->add_vote(finality::SignedVote::sign(g.chain_id(), other, dev_key("p1")));
  // p2 signs a second block for the slot of a block of its own.
  while (producer_of(0, slot) != 2) run_slot(slot++);
  run_slot(slot++);
  Block twin = last_block;
  twin.header.state_root = core::blake2b_256(core::as_bytes(std::string_view("twin")));
  twin.sign(g.chain_id(), dev_key("p2"));
  auto accepted = nodes[0]->accept_block(twin, kT0 + 1000 * slot);
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(*accepted, Controller::Accepted::kFork);
  EXPECT_EQ(nodes[0]->equivocations_seen(), 2u);
  ASSERT_EQ(nodes[0]->double_votes().size(), 1u);
  ASSERT_EQ(nodes[0]->double_blocks().size(), 1u);
  EXPECT_GE(nodes[0]->mempool_size(), 1u);  // the block's report at least waits for node 0's slot

  // Node 0's blocks record the reports; from then on p1 and p2 have no slot.
  while (producer_of(0, slot) != 0) run_slot(slot++);
  run_slot(slot++);
  EXPECT_EQ(nodes[0]->mempool_size(), 0u);
  for (int i = 0; i < kNodes; ++i)
    nodes[i]->read([&](const Chain& c, const storage::BlockStore&) {
      EXPECT_TRUE(is_ejected(c.state(), dev_key("p1").public_key())) << "node " << i;
      EXPECT_TRUE(is_ejected(c.state(), dev_key("p2").public_key())) << "node " << i;
      EXPECT_EQ(list_evidence(c.state()).size(), 2u);
      return 0;
    });
  const uint64_t final_before = std::get<2>(head_of(0));
  for (int i = 0; i < 12; ++i, ++slot) {
    const int p = producer_of(0, slot);
    EXPECT_TRUE(p == 0 || p == 3) << "slot " << slot << " went to ejected p" << p;
    run_slot(slot);
  }
  EXPECT_GT(std::get<2>(head_of(0)), final_before + 4) << "the others go on finalizing";
  for (int i = 1; i < kNodes; ++i) EXPECT_EQ(head_of(i), head_of(0));
}

// A producer block signed twice for one slot, watched directly: recorded once, reported with
// this node's key through its own mempool, and handed out once for gossip.
TEST_F(PartsTest, TheWatchRecordsADoubleBlockAndReportsIt) {
  const auto key = dev_key("producer");
  Block a;
  a.header.height = 1;
  a.header.slot = 5;
  a.header.producer = key.public_key();
  a.sign(chain_id(), key);
  Block b = a;
  b.header.state_root = core::blake2b_256(core::as_bytes(std::string_view("twin")));
  b.sign(chain_id(), key);
  watch->watch_for_double_block(a);
  watch->watch_for_double_block(a);
  EXPECT_EQ(watch->equivocations_seen(), 0u);
  watch->watch_for_double_block(b);
  watch->watch_for_double_block(b);
  EXPECT_EQ(watch->equivocations_seen(), 1u);
  ASSERT_EQ(watch->double_blocks().size(), 1u);
  EXPECT_EQ(admission->size(), 1u) << "the report waits in this node's mempool";
  const auto reports = watch->take_reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(watch->take_reports().empty());
  auto tx = SignedTransaction::decode(reports[0]);
  ASSERT_TRUE(tx);
  EXPECT_EQ(tx->body().sender, key.public_key());
  ASSERT_EQ(tx->body().operations.size(), 1u);
  const auto* op = std::get_if<ReportEvidence>(&tx->body().operations[0]);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->kind, EvidenceKind::kDoubleBlock);
}

// A node with no producer key records a double vote but reports nothing; what is at or below
// the final block's slot is not watched.
TEST_F(PartsTest, AKeylessNodeRecordsADoubleVoteWithoutReportingIt) {
  build({});
  const auto voter = dev_key("producer");
  finality::Vote a{3, 3, core::blake2b_256(core::as_bytes(std::string_view("a"))), 2};
  finality::Vote b = a;
  b.block_id = core::blake2b_256(core::as_bytes(std::string_view("b")));
  finality::Vote at_final = a;
  at_final.slot = 0;
  finality::Vote at_final_b = at_final;
  at_final_b.block_id = b.block_id;
  watch->watch_for_double_vote(finality::SignedVote::sign(chain_id(), at_final, voter));
  watch->watch_for_double_vote(finality::SignedVote::sign(chain_id(), at_final_b, voter));
  EXPECT_EQ(watch->equivocations_seen(), 0u);
  watch->watch_for_double_vote(finality::SignedVote::sign(chain_id(), a, voter));
  watch->watch_for_double_vote(finality::SignedVote::sign(chain_id(), b, voter));
  EXPECT_EQ(watch->equivocations_seen(), 1u);
  ASSERT_EQ(watch->double_votes().size(), 1u);
  EXPECT_TRUE(watch->double_votes()[0].verify(chain_id()));
  EXPECT_EQ(admission->size(), 0u);
  EXPECT_TRUE(watch->take_reports().empty());
}

}  // namespace
}  // namespace lingji::consensus
