// controller_test.cpp: admission to the mempool (every rejection changes nothing), production,
// durability across reopen, and replay.
#include "consensus/controller.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "chain/chain_test_util.h"
#include "chain/producers/ejection.h"
#include "chain/token/account.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;
constexpr TimeMs kT0 = 1'790'000'000'000;

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("lingji-ctl-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    reopen();
  }
  void TearDown() override {
    ctl.reset();
    std::filesystem::remove_all(dir);
  }
  void reopen() {
    ctl.reset();
    ControllerOptions o;
    o.data_dir = dir;
    o.genesis = genesis;
    o.producer_keys = {dev_key("producer")};
    auto opened = Controller::open(std::move(o));
    ASSERT_TRUE(opened) << opened.error().message;
    ctl = std::move(*opened);
  }
  Hash256 chain_id() const { return genesis.chain_id(); }
  Amount balance(const PublicKey& k) {
    return ctl->read([&](const Chain& c, const storage::BlockStore&) { return load_account(c.state(), k).balance; });
  }
  core::Error submit_error(const SignedTransaction& tx) {
    auto r = ctl->submit(tx.bytes(), kT0 + 500);
    EXPECT_FALSE(r);
    return r ? core::Error{} : r.error();
  }

  Genesis genesis = testing::dev_genesis(kT0);
  std::filesystem::path dir;
  std::unique_ptr<Controller> ctl;
  core::PrivateKey dev = dev_key("dev");
  PublicKey bob = dev_key("bob").public_key();
};

TEST_F(ControllerTest, SubmittedTransferLandsInTheNextBlock) {
  auto tx = testing::make_transfer(chain_id(), dev, bob, Amount::ct(5), 0, kT0 + 60'000, "hello");
  auto id = ctl->submit(tx.bytes(), kT0 + 500);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(ctl->transaction_status(*id).state, TxState::kPending);
  auto block = ctl->produce(kT0 + 1000);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->transactions.size(), 1u);
  auto st = ctl->transaction_status(*id);
  EXPECT_EQ(st.state, TxState::kCommitted);
  EXPECT_EQ(st.location->height, 1u);
  EXPECT_EQ(balance(bob), Amount::ct(5));
  EXPECT_EQ(ctl->mempool_size(), 0u);
}

TEST_F(ControllerTest, EveryRejectionHasItsOwnErrorAndChangesNothing) {
  auto exp = kT0 + 60'000;
  Bytes garbage{1, 2, 3};
  auto r = ctl->submit(garbage, kT0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "tx.malformed");

  auto tx = testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, exp);
  Bytes bad_sig = tx.bytes();
  bad_sig.back() ^= 1;
  r = ctl->submit(bad_sig, kT0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "tx.bad_signature");

  Genesis other = genesis;
  other.chain_name = "another-chain";
  EXPECT_EQ(submit_error(testing::make_transfer(other.chain_id(), dev, bob, Amount::ct(1), 0, exp)).name,
            "tx.wrong_chain_id");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, kT0)).name, "tx.expired");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, kT0 + 86'400'000)).name,
            "tx.expiration_too_far");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 1, exp)).name,
            "tx.future_sequence");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::ct(2'000'000), 0, exp)).name,
            "token.insufficient_balance");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev_key("team"), bob, Amount::ct(1), 0, exp)).name,
            "token.locked_balance");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, dev.public_key(), Amount::ct(1), 0, exp)).name,
            "token.self_transfer");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::units(0), 0, exp)).name,
            "token.non_positive_amount");
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, exp, std::string(257, 'm'))).name,
            "token.memo_too_long");
  EXPECT_EQ(submit_error(testing::make_tx(chain_id(), dev, 0, exp, {DeclareListing{"Huobi"}})).name,
            "listing.moved_to_committee");
  EXPECT_EQ(submit_error(testing::make_tx(chain_id(), dev, 0, exp, {})).name, "tx.no_operations");

  EXPECT_EQ(ctl->mempool_size(), 0u);
  ASSERT_TRUE(ctl->submit(tx.bytes(), kT0 + 500));
  EXPECT_EQ(submit_error(tx).name, "tx.duplicate");
  // A second transaction with the same sequence conflicts with the pending one.
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::ct(3), 0, exp)).name,
            "tx.stale_sequence");
  // The next sequence is judged after the pending one: balance included.
  EXPECT_EQ(submit_error(testing::make_transfer(chain_id(), dev, bob, Amount::units(Amount::ct(999'999).units() + 1), 1, exp)).name,
            "token.insufficient_balance");
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  EXPECT_EQ(submit_error(tx).name, "tx.duplicate");  // already in a block
  EXPECT_EQ(balance(bob), Amount::ct(1));
}

TEST_F(ControllerTest, BlocksSurviveReopenAndReplayMatches) {
  for (uint64_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(ctl->submit(testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), i, kT0 + 600'000).bytes(),
                            kT0 + 1000 * i + 500));
    ASSERT_TRUE(ctl->produce(kT0 + 1000 * (i + 1)));
  }
  Hash256 root = ctl->read([](const Chain& c, const storage::BlockStore&) { return c.head().state_root; });
  reopen();
  EXPECT_EQ(balance(bob), Amount::ct(20));
  EXPECT_EQ(ctl->read([](const Chain& c, const storage::BlockStore&) { return c.head().state_root; }), root);
  ctl.reset();
  auto report = replay(dir, 2);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->blocks, 20u);
  EXPECT_EQ(report->transactions, 20u);
  reopen();
  EXPECT_EQ(balance(bob), Amount::ct(20));
}

TEST_F(ControllerTest, ListingDeclaredOnceByTheCommittee) {
  // The dev chain's one producer is the whole committee: its proposal is approved at once and
  // takes effect at the stated height.
  auto producer = dev_key("producer");
  ASSERT_TRUE(ctl->submit(testing::make_tx(chain_id(), producer, 0, kT0 + 60'000,
                                           {GovernanceProposeListing{"Huobi", {2, 2}, ""}}).bytes(), kT0));
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto listing = ctl->read([](const Chain& c, const storage::BlockStore&) { return load_listing(c.state()); });
  EXPECT_FALSE(listing);
  ASSERT_TRUE(ctl->produce(kT0 + 2000));
  listing = ctl->read([](const Chain& c, const storage::BlockStore&) { return load_listing(c.state()); });
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->listed_at, kT0 + 2000);
  EXPECT_EQ(listing->exchange, "Huobi");
  auto again = ctl->submit(testing::make_tx(chain_id(), producer, 1, kT0 + 60'000,
                                            {GovernanceProposeListing{"Binance", {5, 5}, ""}}).bytes(), kT0 + 2500);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().name, "listing.already_declared");
}

}  // namespace
}  // namespace lingji::consensus

namespace lingji::consensus {
namespace {

// Two controllers, each with one of the two genesis producers: blocks and votes passed by hand
// (what node/network.cpp does over TCP) give certificates of both votes and two-chain finality.
// Two validly signed votes by one key in one slot for different blocks are evidence; a repeat
// of the same vote, or a forged second vote, is not.
TEST_F(ControllerTest, TwoVotesByOneKeyInOneSlotAreRecordedAsEquivocation) {
  const auto voter = dev_key("p1");
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

// A controller in dir for genesis g holding the given producer keys.
std::unique_ptr<Controller> open_producer(const std::filesystem::path& dir, const Genesis& g,
                                          std::vector<core::PrivateKey> keys) {
  ControllerOptions o;
  o.data_dir = dir;
  o.genesis = g;
  o.producer_keys = std::move(keys);
  auto opened = Controller::open(std::move(o));
  EXPECT_TRUE(opened) << opened.error().message;
  return opened ? std::move(*opened) : nullptr;
}

TEST(ControllerVotingTest, PeersBlocksAndVotesMakeCertificatesAndFinality) {
  using namespace lingji::chain;
  Genesis g = testing::dev_genesis(kT0);
  g.producers = {dev_key("p0").public_key(), dev_key("p1").public_key()};
  const auto base = std::filesystem::temp_directory_path() / ("lingji-ctl-votes-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::unique_ptr<Controller> nodes[2];
  std::vector<finality::SignedVote> outbox[2];
  for (int i = 0; i < 2; ++i) {
    nodes[i] = open_producer(base / std::to_string(i), g, {dev_key("p" + std::to_string(i))});
    ASSERT_TRUE(nodes[i]);
    nodes[i]->set_vote_listener([&outbox, i](const finality::SignedVote& v) { outbox[i].push_back(v); });
  }
  auto schedule_key = [&](uint64_t slot) {
    return *nodes[0]->read([&](const Chain& c, const storage::BlockStore&) { return c.producer_at(slot); });
  };
  auto deliver_votes = [&] {
    for (int from = 0; from < 2; ++from) {
      for (const auto& v : outbox[from]) ASSERT_TRUE(nodes[1 - from]->add_vote(v));
      outbox[from].clear();
    }
  };
  for (uint64_t slot = 1; slot <= 6; ++slot) {
    const int p = schedule_key(slot) == dev_key("p0").public_key() ? 0 : 1;
    auto block = nodes[p]->produce(kT0 + 1000 * slot);
    ASSERT_TRUE(block) << block.error().message;
    if (slot >= 2) {
      ASSERT_TRUE(block->justify_qc) << "slot " << slot;
      EXPECT_EQ(block->justify_qc->signers.size(), 2u);  // quorum(2) = 2: both votes counted
    }
    auto accepted = nodes[1 - p]->accept_block(*block, kT0 + 1000 * slot);
    ASSERT_TRUE(accepted) << accepted.error().message;
    EXPECT_EQ(*accepted, Controller::Accepted::kApplied);
    EXPECT_EQ(*nodes[1 - p]->accept_block(*block, kT0 + 1000 * slot), Controller::Accepted::kKnown);
    deliver_votes();
  }
  for (auto& n : nodes) {
    auto [head, fin] = n->read([](const Chain& c, const storage::BlockStore&) {
      return std::pair{c.head().height, c.final_block().height};
    });
    EXPECT_EQ(head, 6u);
    EXPECT_EQ(fin, 4u);  // two blocks behind the head
  }
  // A block of a slot that has not started is refused before any work.
  auto early = nodes[0]->read([](const Chain& c, const storage::BlockStore&) { return c.head(); });
  Block future;
  future.header = early;
  future.header.height = early.height + 1;
  future.header.slot = 100;
  auto refused = nodes[0]->accept_block(future, kT0 + 7000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().name, "block.bad_slot");
  for (auto& n : nodes) n.reset();
  std::filesystem::remove_all(base);
}


// Four producers' controllers, one key "p<i>" each, exchanging blocks and votes by hand; a link
// between two nodes can be cut.
class FourProducersTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 4;
  void SetUp() override {
    g = testing::dev_genesis(kT0);
    g.producers.clear();
    for (int i = 0; i < kNodes; ++i) g.producers.push_back(dev_key("p" + std::to_string(i)).public_key());
    base = std::filesystem::temp_directory_path() /
           ("lingji-ctl-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(base);
    for (int i = 0; i < kNodes; ++i) {
      nodes[i] = open_producer(base / std::to_string(i), g, {dev_key("p" + std::to_string(i))});
      ASSERT_TRUE(nodes[i]);
      nodes[i]->set_vote_listener([this, i](const finality::SignedVote& v) { outbox[i].push_back(v); });
    }
  }
  void TearDown() override {
    for (auto& n : nodes) n.reset();
    std::filesystem::remove_all(base);
  }
  bool linked(int a, int b) const { return !partitioned || (a < 3 && b < 3); }
  std::tuple<uint64_t, Hash256, uint64_t, Hash256> head_of(int i) const {
    return nodes[i]->read([](const Chain& c, const storage::BlockStore&) {
      return std::tuple{c.head().height, c.head_id(), c.final_block().height, c.final_block().id};
    });
  }
  void deliver_votes() {
    for (int round = 0; round < 2; ++round)  // a vote can make a node vote in turn
      for (int from = 0; from < kNodes; ++from) {
        auto out = std::move(outbox[from]);
        outbox[from].clear();
        for (const auto& v : out)
          for (int to = 0; to < kNodes; ++to)
            if (to != from && linked(from, to)) (void)nodes[to]->add_vote(v);
      }
  }
  // The producer of `slot` in node `viewer`'s view.
  int producer_of(int viewer, uint64_t slot) const {
    const auto key = *nodes[viewer]->read([&](const Chain& c, const storage::BlockStore&) { return c.producer_at(slot); });
    int p = 0;
    while (dev_key("p" + std::to_string(p)).public_key() != key) ++p;
    return p;
  }
  // The block of `slot` by its producer in node 0's view, sent to every node linked to it.
  void run_slot(uint64_t slot) {
    const TimeMs t = kT0 + 1000 * slot;
    const int p = producer_of(0, slot);
    if (!linked(0, p)) return;  // cut off: a missed slot on the majority's branch
    auto block = nodes[p]->produce(t);
    ASSERT_TRUE(block) << "slot " << slot << ": " << block.error().message;
    last_block = *block;
    for (int j = 0; j < kNodes; ++j) {
      if (j == p || !linked(p, j)) continue;
      auto accepted = nodes[j]->accept_block(*block, t);
      ASSERT_TRUE(accepted) << accepted.error().message;
    }
    deliver_votes();
  }

  Genesis g;
  std::filesystem::path base;
  std::unique_ptr<Controller> nodes[kNodes];
  std::vector<finality::SignedVote> outbox[kNodes];
  bool partitioned = false;
  Block last_block;
};

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
  }
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

// One controller holding three of four genesis producers' keys, beside a controller with the
// fourth: the first produces in each of its keys' slots with that key, every one of its keys
// votes (each from its own safety file), and its three votes alone are a quorum (3 of 4).
TEST(ControllerVotingTest, SeveralKeysInOneNodeProduceInTheirSlotsAndEachVotes) {
  using namespace lingji::chain;
  Genesis g = testing::dev_genesis(kT0);
  for (int i = 0; i < 4; ++i) g.producers.push_back(dev_key("p" + std::to_string(i)).public_key());
  g.producers.erase(g.producers.begin());  // dev_genesis's own producer
  const auto base = std::filesystem::temp_directory_path() / ("lingji-ctl-multikey-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  auto open = [&](const std::filesystem::path& dir, std::vector<core::PrivateKey> keys) {
    return open_producer(dir, g, std::move(keys));
  };
  // p1 listed twice is kept once.
  auto many = open(base / "many", {dev_key("p0"), dev_key("p1"), dev_key("p2"), dev_key("p1")});
  auto one = open(base / "one", {dev_key("p3")});
  ASSERT_EQ(many->producer_keys().size(), 3u);
  EXPECT_TRUE(many->holds_producer_key(dev_key("p2").public_key()));
  EXPECT_FALSE(many->holds_producer_key(dev_key("p3").public_key()));
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(std::filesystem::exists(base / "many" / "safety" / (dev_key("p" + std::to_string(i)).public_key().hex() + ".safety")));
  EXPECT_TRUE(many->voting_disabled_reasons().empty());
  std::vector<finality::SignedVote> many_votes, one_votes;
  many->set_vote_listener([&](const finality::SignedVote& v) { many_votes.push_back(v); });
  one->set_vote_listener([&](const finality::SignedVote& v) { one_votes.push_back(v); });
  auto schedule_key = [&](uint64_t slot) {
    return *many->read([&](const Chain& c, const storage::BlockStore&) { return c.producer_at(slot); });
  };
  int produced_by_many = 0;
  for (uint64_t slot = 1; slot <= 8; ++slot) {
    const PublicKey named = schedule_key(slot);
    const bool mine = named != dev_key("p3").public_key();
    Controller& producer = mine ? *many : *one;
    Controller& other = mine ? *one : *many;
    auto block = producer.produce(kT0 + 1000 * slot);
    ASSERT_TRUE(block) << block.error().message;
    EXPECT_EQ(block->header.producer, named);
    produced_by_many += mine;
    // The other node cannot produce this slot: none of its keys is named.
    auto refused = other.produce(kT0 + 1000 * slot);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().name, "block.wrong_producer");
    ASSERT_TRUE(other.accept_block(*block, kT0 + 1000 * slot));
    // Each of the three keys voted on this block, once.
    ASSERT_EQ(many_votes.size(), 3u) << "slot " << slot;
    std::set<PublicKey> voters;
    for (const auto& v : many_votes) {
      EXPECT_EQ(v.vote.height, block->header.height);
      voters.insert(v.voter);
    }
    EXPECT_EQ(voters.size(), 3u);
    ASSERT_EQ(one_votes.size(), 1u);
    for (const auto& v : many_votes) ASSERT_TRUE(one->add_vote(v));
    for (const auto& v : one_votes) ASSERT_TRUE(many->add_vote(v));
    many_votes.clear();
    one_votes.clear();
  }
  EXPECT_GE(produced_by_many, 5);  // three keys of four over two rounds
  for (auto* n : {many.get(), one.get()}) {
    auto [head, fin] = n->read([](const Chain& c, const storage::BlockStore&) {
      return std::pair{c.head().height, c.final_block().height};
    });
    EXPECT_EQ(head, 8u);
    EXPECT_EQ(fin, 6u);
  }
  // A damaged safety file silences that key only.
  many.reset();
  const auto p1_file = base / "many" / "safety" / (dev_key("p1").public_key().hex() + ".safety");
  std::filesystem::resize_file(p1_file, 10);
  many = open(base / "many", {dev_key("p0"), dev_key("p1"), dev_key("p2")});
  const auto silent = many->voting_disabled_reasons();
  ASSERT_EQ(silent.size(), 1u);
  EXPECT_EQ(silent[0].first, dev_key("p1").public_key());
  EXPECT_NE(many->voting_disabled_reason(dev_key("p1").public_key()).find("damaged"), std::string::npos);
  EXPECT_EQ(many->voting_disabled_reason(dev_key("p0").public_key()), "");
  many->set_vote_listener([&](const finality::SignedVote& v) { many_votes.push_back(v); });
  uint64_t slot = 9;
  while (schedule_key(slot) == dev_key("p3").public_key()) ++slot;
  ASSERT_TRUE(many->produce(kT0 + 1000 * slot));
  ASSERT_EQ(many_votes.size(), 2u);
  for (const auto& v : many_votes) EXPECT_NE(v.voter, dev_key("p1").public_key());
  many.reset();
  one.reset();
  std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace lingji::consensus
