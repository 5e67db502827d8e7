// controller_test.cpp: admission to the mempool (every rejection changes nothing), production,
// durability across reopen, and replay.
#include "consensus/controller.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "chain/chain_test_util.h"
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
            "listing.not_foundation");
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

TEST_F(ControllerTest, ListingDeclaredOnceByTheFoundation) {
  auto foundation = dev_key("foundation");
  ASSERT_TRUE(ctl->submit(testing::make_tx(chain_id(), foundation, 0, kT0 + 60'000, {DeclareListing{"Huobi"}}).bytes(), kT0));
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto listing = ctl->read([](const Chain& c, const storage::BlockStore&) { return load_listing(c.state()); });
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->listed_at, kT0 + 1000);
  EXPECT_EQ(listing->exchange, "Huobi");
  auto again = ctl->submit(testing::make_tx(chain_id(), foundation, 1, kT0 + 60'000, {DeclareListing{"Binance"}}).bytes(), kT0 + 1500);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().name, "listing.already_declared");
}

}  // namespace
}  // namespace lingji::consensus

namespace lingji::consensus {
namespace {

// Two controllers, each with one of the two genesis producers: blocks and votes passed by hand
// (what node/network.cpp does over TCP) give certificates of both votes and two-chain finality.
TEST(ControllerVotingTest, PeersBlocksAndVotesMakeCertificatesAndFinality) {
  using namespace lingji::chain;
  Genesis g = testing::dev_genesis(kT0);
  g.producers = {dev_key("p0").public_key(), dev_key("p1").public_key()};
  const auto base = std::filesystem::temp_directory_path() / ("lingji-ctl-votes-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::unique_ptr<Controller> nodes[2];
  std::vector<finality::SignedVote> outbox[2];
  for (int i = 0; i < 2; ++i) {
    ControllerOptions o;
    o.data_dir = base / std::to_string(i);
    o.genesis = g;
    o.producer_keys = {dev_key("p" + std::to_string(i))};
    auto opened = Controller::open(std::move(o));
    ASSERT_TRUE(opened) << opened.error().message;
    nodes[i] = std::move(*opened);
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
    ControllerOptions o;
    o.data_dir = dir;
    o.genesis = g;
    o.producer_keys = std::move(keys);
    auto opened = Controller::open(std::move(o));
    EXPECT_TRUE(opened) << opened.error().message;
    return std::move(*opened);
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
