// producer_keys_test.cpp: several producer keys in one node, each with its own safety file,
// through the Controller and through ProducerKeys alone.
#include <gtest/gtest.h>

#include <set>

#include "consensus/controller_test_util.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

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
  // The next slot of a key this node holds and can sign with (p1's file is damaged: it signs no
  // block either; which slots are p1's depends on the chain id's shuffle).
  uint64_t slot = 9;
  while (schedule_key(slot) == dev_key("p3").public_key() || schedule_key(slot) == dev_key("p1").public_key()) ++slot;
  ASSERT_TRUE(many->produce(kT0 + 1000 * slot));
  ASSERT_EQ(many_votes.size(), 2u);
  for (const auto& v : many_votes) EXPECT_NE(v.voter, dev_key("p1").public_key());
  many.reset();
  one.reset();
  std::filesystem::remove_all(base);
}

// The keys alone: a key listed twice is kept once; opening the keys never creates a safety file
// (issue 14, item 2): a key without one, or with a damaged one, neither votes nor signs, and says
// why; init_key creates the file of a new key only.
TEST(ProducerKeysTest, EachKeyHasItsSafetyFileAndADamagedOneSilencesItsKey) {
  const auto dir = test_dir("lingji-keys-");
  std::filesystem::remove_all(dir);
  Chain chain(testing::dev_genesis(kT0));
  const auto p = dev_key("p0"), q = dev_key("p1");
  {
    ProducerKeys keys({p, q, p}, dir, chain);
    EXPECT_EQ(keys.public_keys(), (std::vector<PublicKey>{p.public_key(), q.public_key()}));
    ASSERT_TRUE(keys.find(p.public_key()));
    EXPECT_FALSE(keys.find(p.public_key())->safety) << "a safety file was made implicitly";
    EXPECT_FALSE(std::filesystem::exists(SafetyStore::file_path(dir, p.public_key())));
    EXPECT_NE(keys.find(p.public_key())->voting_disabled.find("--init-key"), std::string::npos);
    EXPECT_EQ(keys.disabled_reasons().size(), 2u);
    EXPECT_FALSE(keys.find(dev_key("p2").public_key()));
    EXPECT_EQ(&keys.front(), keys.find(p.public_key()));
  }
  // p0 and p1 were never in a set of this chain: they are new keys.
  for (const auto& k : {p, q}) ASSERT_TRUE(ProducerKeys::init_key(dir, k.public_key(), chain, kT0 + 10'000));
  EXPECT_EQ(ProducerKeys::init_key(dir, p.public_key(), chain, kT0).error().name, "finality.safety_file_exists");
  {
    ProducerKeys keys({p, q}, dir, chain);
    EXPECT_TRUE(keys.find(p.public_key())->safety);
    EXPECT_TRUE(keys.disabled_reasons().empty());
  }
  std::filesystem::remove(SafetyStore::file_path(dir, p.public_key()));
  std::filesystem::resize_file(SafetyStore::file_path(dir, q.public_key()), 10);
  ProducerKeys keys({p, q}, dir, chain);
  EXPECT_FALSE(keys.find(p.public_key())->safety) << "a lost file is never re-created";
  EXPECT_FALSE(std::filesystem::exists(SafetyStore::file_path(dir, p.public_key())));
  const auto silent = keys.disabled_reasons();
  ASSERT_EQ(silent.size(), 2u);
  EXPECT_EQ(silent[1].first, q.public_key());
  EXPECT_NE(silent[1].second.find("damaged"), std::string::npos);
  EXPECT_FALSE(keys.find(q.public_key())->safety);
  std::filesystem::remove_all(dir);
}

// init_key refuses a key that may have voted: a genesis key once the genesis time has passed or
// the chain has a block; a genesis key before the genesis time is new.
TEST(ProducerKeysTest, InitKeyRefusesAKeyThatWasInASet) {
  const auto dir = test_dir("lingji-initkey-");
  std::filesystem::remove_all(dir);
  const Genesis g = testing::dev_genesis(kT0);
  Chain chain(g);
  const auto genesis_key = dev_key("producer").public_key();
  ASSERT_TRUE(ProducerKeys::ever_in_a_set(genesis_key, chain));
  EXPECT_FALSE(ProducerKeys::ever_in_a_set(dev_key("p0").public_key(), chain));
  auto late = ProducerKeys::init_key(dir, genesis_key, chain, g.genesis_time);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().name, "producer.key_was_in_a_set");
  EXPECT_FALSE(std::filesystem::exists(SafetyStore::file_path(dir, genesis_key)));
  ASSERT_TRUE(ProducerKeys::init_key(dir, genesis_key, chain, g.genesis_time - 1));
  // Once the chain has a block, a genesis key is never new again, whatever the clock says.
  std::filesystem::remove_all(dir);
  ControllerOptions o;
  o.data_dir = dir;
  o.genesis = g;
  o.producer_keys = {dev_key("producer")};
  o.init_keys_of_new_chain = true;
  auto ctl = Controller::open(std::move(o));
  ASSERT_TRUE(ctl) << ctl.error().message;
  ASSERT_TRUE((*ctl)->produce(kT0 + 1000));
  std::filesystem::remove(SafetyStore::file_path(dir / "safety", genesis_key));
  auto again = (*ctl)->init_producer_keys(kT0 - 1);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().name, "producer.key_was_in_a_set");
  EXPECT_FALSE(std::filesystem::exists(SafetyStore::file_path(dir / "safety", genesis_key)));
  ctl->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lingji::consensus
