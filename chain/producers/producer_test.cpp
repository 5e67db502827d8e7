// producer_test.cpp: producer candidates (only approved dealers stand), stake-weighted votes that
// follow balances at once, and the election of the active set. The dealer registry is tested in
// dealers/dealer_test.cpp, the schedule in schedule_test.cpp.
#include "chain/producers/producer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "chain/chain_test_util.h"
#include "chain/producers/schedule.h"
#include "chain/token/account.h"
#include "chain/token/token_ops.h"
#include "chain/vesting/listing_ops.h"

namespace lingji::chain {
namespace {

constexpr TimeMs kT0 = 1'790'000'000'000;
constexpr TimeMs kNow = kT0 + 1000;

class ProducerTest : public ::testing::Test {
 protected:
  ProducerTest() { (void)state.apply(genesis.initial_state()); }

  // Applies one operation from `who` and commits it to `state` on success.
  core::Status run(const core::PrivateKey& who, const Operation& op) {
    return testing::run_operation(state, genesis, kNow, who.public_key(), op);
  }
  std::string error_of(const core::PrivateKey& who, Operation op) {
    auto st = run(who, std::move(op));
    return st ? "ok" : st.error().name;
  }
  // dev_key(name) becomes an approved dealer and a candidate, funded so that it can act.
  void make_candidate(const std::string& name) {
    auto k = dev_key(name);
    ASSERT_TRUE(run(k, DealerApply{"Shop " + name, "Jakarta", "ID", "+62 21 555"}));
    ASSERT_TRUE(run(foundation, DealerSetStatus{k.public_key(), DealerStatus::kApproved}));
    ASSERT_TRUE(run(k, ProducerRegister{dev_key(name + "-signing").public_key(), "https://" + name + ".example", "ID"}));
  }
  Amount votes_of(const std::string& name) { return load_producer(state, dev_key(name).public_key())->votes; }

  Genesis genesis = testing::dev_genesis(kT0);
  State state;
  core::PrivateKey foundation = dev_key("foundation");
  core::PrivateKey dev = dev_key("dev");
  core::PrivateKey team = dev_key("team");
};

TEST_F(ProducerTest, OnlyApprovedDealersStand) {
  auto shop = dev_key("shop");
  ProducerRegister reg{dev_key("shop-signing").public_key(), "https://shop.example", "ID"};
  EXPECT_EQ(error_of(shop, reg), "producer.not_approved_dealer");  // not a dealer at all
  ASSERT_TRUE(run(shop, DealerApply{"Shop", "Jakarta", "ID", "+62"}));
  EXPECT_EQ(error_of(shop, reg), "producer.not_approved_dealer");  // pending
  ASSERT_TRUE(run(foundation, DealerSetStatus{shop.public_key(), DealerStatus::kApproved}));
  EXPECT_EQ(error_of(shop, ProducerRegister{PublicKey{}, "https://x", "ID"}), "producer.bad_signing_key");
  EXPECT_EQ(error_of(shop, ProducerRegister{reg.signing_key, "", "ID"}), "producer.bad_field");
  ASSERT_EQ(error_of(shop, reg), "ok");
  EXPECT_EQ(error_of(shop, reg), "producer.already_registered");
  auto new_key = dev_key("shop-signing-2").public_key();
  ASSERT_EQ(error_of(shop, ProducerUpdateKey{new_key}), "ok");
  EXPECT_EQ(load_producer(state, shop.public_key())->signing_key, new_key);
  EXPECT_EQ(error_of(dev, ProducerUpdateKey{new_key}), "producer.not_approved_dealer");
  ASSERT_EQ(error_of(shop, ProducerUnregister{}), "ok");
  EXPECT_EQ(error_of(shop, ProducerUnregister{}), "producer.not_registered");
  EXPECT_FALSE(load_producer(state, shop.public_key())->registered);
}

// Two candidates sharing a signing key would make every certificate of a set holding both fail
// (the set repeats a key) and halt the chain: a key is unique across candidates, bootstrap
// producers and the set in force.
TEST_F(ProducerTest, ASigningKeyBelongsToOneProducer) {
  make_candidate("a");
  const PublicKey a_key = dev_key("a-signing").public_key();
  auto b = dev_key("b");
  ASSERT_TRUE(run(b, DealerApply{"Shop b", "Jakarta", "ID", "+62 21 556"}));
  ASSERT_TRUE(run(foundation, DealerSetStatus{b.public_key(), DealerStatus::kApproved}));
  const Hash256 root = state.root();
  EXPECT_EQ(error_of(b, ProducerRegister{a_key, "https://b", "ID"}), "producer.signing_key_in_use");
  const PublicKey bootstrap = genesis.producers.at(0);
  EXPECT_EQ(error_of(b, ProducerRegister{bootstrap, "https://b", "ID"}), "producer.signing_key_in_use");
  EXPECT_EQ(state.root(), root) << "a refused registration changes nothing";
  ASSERT_EQ(error_of(b, ProducerRegister{dev_key("b-signing").public_key(), "https://b", "ID"}), "ok");
  EXPECT_EQ(error_of(b, ProducerUpdateKey{a_key}), "producer.signing_key_in_use");
  EXPECT_EQ(error_of(b, ProducerUpdateKey{bootstrap}), "producer.signing_key_in_use");
  // Its own key again is no conflict; a key a candidate gave up is free for another.
  EXPECT_EQ(error_of(dev_key("a"), ProducerUpdateKey{a_key}), "ok");
  ASSERT_EQ(error_of(dev_key("a"), ProducerUpdateKey{dev_key("a-signing-2").public_key()}), "ok");
  EXPECT_EQ(error_of(b, ProducerUpdateKey{a_key}), "ok");
  EXPECT_EQ(error_of(dev_key("a"), ProducerUpdateKey{a_key}), "producer.signing_key_in_use");
  // An unregistered candidate keeps its key: another cannot take it while its record holds it.
  ASSERT_EQ(error_of(b, ProducerUnregister{}), "ok");
  EXPECT_EQ(error_of(dev_key("a"), ProducerUpdateKey{a_key}), "producer.signing_key_in_use");
  EXPECT_EQ(error_of(b, ProducerRegister{a_key, "https://b", "ID"}), "ok") << "b returns with its own key";
}

// Defence in depth: even if two candidates' records held one key, the next generation would
// hold it once (the one with more votes).
TEST_F(ProducerTest, ANewGenerationNeverRepeatsAKey) {
  for (const char* n : {"a", "b", "c", "d", "e"}) make_candidate(n);
  const PublicKey shared = dev_key("c-signing").public_key();
  {
    StateOverlay s(state);
    auto d = *load_producer(s, dev_key("d").public_key());
    d.signing_key = shared;  // written behind the rules' back
    store_producer(s, dev_key("d").public_key(), d);
    (void)state.apply(s.take_writes());
  }
  std::vector<PublicKey> all;
  for (const char* n : {"a", "b", "c", "d", "e"}) all.push_back(dev_key(n).public_key());
  ASSERT_EQ(error_of(team, VoteProducers{all}), "ok");
  ASSERT_EQ(error_of(dev, VoteProducers{{dev_key("c").public_key()}}), "ok");  // c outvotes d
  StateOverlay s(state);
  Schedule sc = load_schedule(s);
  maybe_propose(state, s, sc, 1);
  ASSERT_TRUE(sc.pending);
  std::set<PublicKey> keys;
  for (const auto& m : sc.pending->producers) EXPECT_TRUE(keys.insert(m.signing_key).second) << m.signing_key.hex();
  EXPECT_EQ(sc.pending->producers.size(), 4u);
  EXPECT_NE(std::find(sc.pending->producers.begin(), sc.pending->producers.end(),
                      Member{dev_key("c").public_key(), shared}),
            sc.pending->producers.end());
}

TEST_F(ProducerTest, VotesWeighTheWholeBalanceAndFollowIt) {
  make_candidate("a");
  make_candidate("b");
  auto a = dev_key("a").public_key(), b = dev_key("b").public_key();
  // The team's 1.5 billion CT are all locked, and still count.
  ASSERT_EQ(error_of(team, VoteProducers{{a}}), "ok");
  EXPECT_EQ(votes_of("a"), Amount::ct(1'500'000'000));
  ASSERT_EQ(error_of(dev, VoteProducers{{a, b}}), "ok");
  EXPECT_EQ(votes_of("a"), Amount::ct(1'501'000'000));
  EXPECT_EQ(votes_of("b"), Amount::ct(1'000'000));
  // A transfer moves the weights at once, on both sides.
  auto alice = dev_key("alice");
  ASSERT_EQ(error_of(alice, VoteProducers{{b}}), "ok");  // no balance yet: weight 0
  ASSERT_EQ(error_of(dev, Transfer{alice.public_key(), Amount::ct(400'000), ""}), "ok");
  EXPECT_EQ(votes_of("a"), Amount::ct(1'500'600'000));
  EXPECT_EQ(votes_of("b"), Amount::ct(1'000'000));  // 600,000 from dev + 400,000 from alice
  // A new vote replaces the old one; an empty vote withdraws it.
  ASSERT_EQ(error_of(dev, VoteProducers{{b}}), "ok");
  EXPECT_EQ(votes_of("a"), Amount::ct(1'500'000'000));
  EXPECT_EQ(votes_of("b"), Amount::ct(1'000'000));
  ASSERT_EQ(error_of(dev, VoteProducers{{}}), "ok");
  EXPECT_EQ(votes_of("b"), Amount::ct(400'000));
  EXPECT_TRUE(load_votes(state, dev.public_key()).empty());
  // The account flag that lets a transfer skip the votes lookup follows the votes record: a
  // withdrawn voter's transfers move nothing of their own, the recipient's vote still follows.
  EXPECT_EQ(load_account(state, dev.public_key()).flags & kAccountHasVotes, 0);
  EXPECT_NE(load_account(state, alice.public_key()).flags & kAccountHasVotes, 0);
  ASSERT_EQ(error_of(dev, Transfer{alice.public_key(), Amount::ct(100'000), ""}), "ok");
  EXPECT_EQ(votes_of("b"), Amount::ct(500'000));
  EXPECT_EQ(votes_of("a"), Amount::ct(1'500'000'000));
}

TEST_F(ProducerTest, BadVotesAreRefused) {
  make_candidate("a");
  auto a = dev_key("a").public_key();
  std::vector<PublicKey> many;
  for (int i = 0; i < 31; ++i) many.push_back(dev_key("c" + std::to_string(i)).public_key());
  EXPECT_EQ(error_of(dev, VoteProducers{many}), "producer.too_many_votes");
  EXPECT_EQ(error_of(dev, VoteProducers{{a, a}}), "producer.duplicate_vote");
  EXPECT_EQ(error_of(dev, VoteProducers{{a, dev.public_key()}}), "producer.unknown_candidate");
  EXPECT_EQ(votes_of("a"), Amount::zero());
  EXPECT_TRUE(load_votes(state, dev.public_key()).empty());
}

TEST_F(ProducerTest, ElectionTakesTheTopCandidatesOfApprovedDealers) {
  for (const char* n : {"a", "b", "c"}) make_candidate(n);
  ASSERT_TRUE(run(team, VoteProducers{{dev_key("c").public_key()}}));
  ASSERT_TRUE(run(dev, VoteProducers{{dev_key("b").public_key()}}));
  auto set = elect(state, 101);
  ASSERT_EQ(set.size(), 3u);  // fewer candidates than seats: all of them
  EXPECT_EQ(set[0].account, dev_key("c").public_key());
  EXPECT_EQ(set[1].account, dev_key("b").public_key());
  EXPECT_EQ(set[2].account, dev_key("a").public_key());
  EXPECT_EQ(elect(state, 2).size(), 2u);
  // A suspended dealer leaves the set; an unregistered candidate too.
  ASSERT_TRUE(run(foundation, DealerSetStatus{dev_key("c").public_key(), DealerStatus::kSuspended}));
  ASSERT_TRUE(run(dev_key("b"), ProducerUnregister{}));
  set = elect(state, 101);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].account, dev_key("a").public_key());
}

}  // namespace
}  // namespace lingji::chain
