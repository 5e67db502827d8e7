// resources_test.cpp: the resource model against spam (issue 14, item 12), on whole chains with
// the committee's default parameters (a one-day window): what an ordinary holder can do, where a
// small stake stops, that the allowance refills with block time, that stake passed on brings no
// mana, and that a block whose sender overspends is invalid.
#include "chain/resources/resources.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "chain/chain_test_util.h"
#include "chain/governance/governance.h"
#include "chain/token/account.h"

namespace lingji::chain {
namespace {

using testing::make_transfer;
using testing::produce_at;

constexpr TimeMs kT0 = 1'790'000'000'000;  // 2026-09-21
constexpr TimeMs kDay = 86'400'000;

// The dev allocation with the committee's default window (one day), not the dev chain's minute.
Genesis day_genesis() {
  Genesis g = testing::dev_genesis(kT0);
  g.params.resource_window_ms = ChainParams{}.resource_window_ms;
  return g;
}

class ResourcesTest : public ::testing::Test {
 protected:

  // `to` receives `amount` from the community account (which holds billions) at `time`.
  void fund(const PublicKey& to, Amount amount, TimeMs time) {
    auto tx = make_transfer(chain->chain_id(), community, to, amount, community_seq++, time + 60'000);
    auto p = produce_at(*chain, {tx}, time, producer);
    ASSERT_EQ(p.block.transactions.size(), 1u);
  }
  // A transfer of 0.01 CT from `from` with its next sequence, to expire a minute after `time`.
  SignedTransaction spend(const core::PrivateKey& from, TimeMs time) {
    const uint64_t seq = load_account(chain->state(), from.public_key()).sequence + pending[from.public_key()]++;
    return make_transfer(chain->chain_id(), from, bob, Amount::units(Amount::kUnitsPerCt / 100), seq, time + 60'000);
  }
  int64_t mana(const PublicKey& who, TimeMs time) const {
    const Account a = load_account(chain->state(), who);
    return mana_at(a, params, resource_capacity(params, a.balance), time);
  }

  Genesis genesis = day_genesis();
  std::unique_ptr<Chain> chain = std::make_unique<Chain>(genesis);
  ResourceParams params = genesis_params(genesis).resources;
  core::PrivateKey producer = dev_key("producer");
  core::PrivateKey community = dev_key("community");
  core::PrivateKey alice = dev_key("alice");
  core::PrivateKey spammer = dev_key("spammer");
  PublicKey bob = dev_key("bob").public_key();
  uint64_t community_seq = 0;
  std::map<PublicKey, uint64_t> pending;
};

TEST_F(ResourcesTest, DefaultsAreTheOnesTheDocumentComputesWith) {
  EXPECT_EQ(params.window_ms, kDay);
  EXPECT_EQ(params.units_per_ct, 25'000);
  EXPECT_EQ(params.floor_units, 10'000);
  EXPECT_EQ(params.tx_units, 1'500);
  EXPECT_EQ(resource_capacity(params, Amount::ct(10)), 250'000);
  EXPECT_EQ(resource_capacity(params, Amount::units(Amount::kUnitsPerCt / 2)), 12'500);  // part of a CT counts
  EXPECT_EQ(resource_capacity(params, Amount::zero()), 10'000);                         // the floor
  EXPECT_EQ(resource_capacity(params, Amount::units(Amount::kMaxMoney)), 250'000'000'000'000);
}

// The figures of docs/resources.md, from the default parameters: a plain transfer costs 1,694 RU
// (194 bytes), and filling half the block space (5,000 of 10,000 transactions each 1 s block) for
// a day with the smallest transactions (154 bytes) takes holding 28.6 million free CT.
TEST_F(ResourcesTest, HalfTheBlockSpaceForADayTakesHoldingMillionsOfCt) {
  const auto transfer = spend(alice, kT0);
  EXPECT_EQ(transfer.bytes().size(), 194u);
  EXPECT_EQ(tx_cost(params, transfer.bytes().size()), 1'694);
  const int64_t per_block = (genesis.params.max_block_transactions / 2) * tx_cost(params, 154);
  const int64_t per_day = per_block * (kDay / genesis.params.block_interval_ms);
  EXPECT_EQ(per_day, 714'528'000'000);
  const int64_t stake_ct = per_day / params.units_per_ct;  // one window's refill a day
  EXPECT_EQ(stake_ct, 28'581'120);
}

// The requirement: an account holding 10 CT makes 100 operations a day, and pays no CT for them.
TEST_F(ResourcesTest, TenCtAccountMakesAHundredTransfersInADay) {
  fund(alice.public_key(), Amount::ct(10), kT0 + 1000);
  const Amount before = load_account(chain->state(), alice.public_key()).balance;
  for (int i = 0; i < 100; ++i) {
    const TimeMs t = kT0 + 2000 + i * (kDay / 100);  // one every 14.4 minutes of block time
    pending.clear();                                  // each block takes the one before
    auto p = produce_at(*chain, {spend(alice, t)}, t, producer);
    ASSERT_TRUE(p.rejected.empty()) << "transfer " << i << ": " << p.rejected.front().second.message;
    ASSERT_EQ(p.block.transactions.size(), 1u);
  }
  const Account a = load_account(chain->state(), alice.public_key());
  EXPECT_EQ(a.sequence, 100u);
  EXPECT_EQ(a.balance, *core::checked_sub(before, Amount::ct(1)));  // only the CT it sent
}

// A small stake buys a small allowance: past it, the next transaction is refused with its own
// code, and the block carries only what was paid for. Today's chain took all fifty.
TEST_F(ResourcesTest, SpammerWithSmallStakeIsRefusedAfterItsAllowance) {
  const TimeMs t = kT0 + 1000;
  fund(spammer.public_key(), Amount::ct(1), t);
  const int64_t cost = tx_cost(params, spend(spammer, t).bytes().size());
  pending.clear();
  std::vector<SignedTransaction> flood;
  for (int i = 0; i < 50; ++i) flood.push_back(spend(spammer, t + 1000));
  auto p = produce_at(*chain, flood, t + 1000, producer);
  // A new account starts with the floor, not with its capacity (else stake moved to a fresh key
  // would bring a full allowance with it).
  const size_t paid = static_cast<size_t>(params.floor_units / cost);
  ASSERT_EQ(p.block.transactions.size(), paid);
  ASSERT_FALSE(p.rejected.empty());
  EXPECT_EQ(p.rejected.front().second.name, "tx.insufficient_resources");
  EXPECT_NE(p.rejected.front().second.message.find("resource units"), std::string::npos);
  // The refusal against the head, as the mempool judges it, names the same code.
  auto st = chain->check_against_head(flood[paid], t + 1500);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "tx.insufficient_resources");
}

// Block time refills the allowance linearly, up to the capacity of the stake held.
TEST_F(ResourcesTest, AllowanceRegeneratesWithBlockTime) {
  const TimeMs t = kT0 + 1000;
  fund(spammer.public_key(), Amount::ct(1), t);  // capacity 25,000; starts with 10,000
  EXPECT_EQ(mana(spammer.public_key(), t), 10'000);
  EXPECT_EQ(mana(spammer.public_key(), t + kDay / 10), 12'500);  // + a tenth of 25,000
  EXPECT_EQ(mana(spammer.public_key(), t + kDay), 25'000);      // full, and no more
  EXPECT_EQ(mana(spammer.public_key(), t + 10 * kDay), 25'000);

  std::vector<SignedTransaction> flood;
  for (int i = 0; i < 20; ++i) flood.push_back(spend(spammer, t + 1000));
  auto first = produce_at(*chain, flood, t + 1000, producer);
  ASSERT_FALSE(first.rejected.empty());
  const size_t used = first.block.transactions.size();
  const int64_t cost = tx_cost(params, flood[0].bytes().size());
  EXPECT_LT(mana(spammer.public_key(), t + 1000), cost);

  // A day later: the whole capacity again (25,000 / cost transfers), then refused again.
  const TimeMs later = t + 1000 + kDay;
  pending.clear();
  flood.clear();
  for (int i = 0; i < 20; ++i) flood.push_back(spend(spammer, later));
  auto second = produce_at(*chain, flood, later, producer);
  EXPECT_EQ(second.block.transactions.size(), static_cast<size_t>(25'000 / cost));
  ASSERT_FALSE(second.rejected.empty());
  EXPECT_EQ(second.rejected.front().second.name, "tx.insufficient_resources");
  EXPECT_GT(second.block.transactions.size(), used);
}

// Stake passed to another account does not bring its mana: the sender's is cut to what it still
// holds, the receiver's grows only with time.
TEST_F(ResourcesTest, StakePassedOnBringsNoMana) {
  fund(alice.public_key(), Amount::ct(100), kT0 + 1000);
  const TimeMs t = kT0 + 1000 + kDay;  // alice is full: 2,500,000
  EXPECT_EQ(mana(alice.public_key(), t), 2'500'000);
  const PublicKey carol = dev_key("carol").public_key();
  auto tx = make_transfer(chain->chain_id(), alice, carol, Amount::ct(99), 0, t + 60'000);
  auto p = produce_at(*chain, {tx}, t, producer);
  ASSERT_EQ(p.block.transactions.size(), 1u);
  EXPECT_EQ(mana(alice.public_key(), t), resource_capacity(params, Amount::ct(1)));  // 25,000: cut
  EXPECT_EQ(mana(carol, t), params.floor_units);                                      // a new account
  EXPECT_EQ(mana(carol, t + kDay), 2'475'000);                                        // refilled by time
}

// A block that spends more than its sender's allowance is invalid: every validator refuses it.
TEST_F(ResourcesTest, BlockOverspendingIsRejected) {
  const TimeMs t = kT0 + 1000;
  fund(spammer.public_key(), Amount::ct(1), t);
  std::vector<SignedTransaction> flood;
  for (int i = 0; i < 20; ++i) flood.push_back(spend(spammer, t + 1000));
  auto honest = produce_at(*chain, flood, t + 1000, producer);
  const size_t paid = honest.block.transactions.size();
  ASSERT_LT(paid, flood.size());

  // The same block with one transfer more, re-rooted and re-signed by its producer.
  Block bad = honest.block;
  bad.transactions.push_back(flood[paid]);
  bad.header.tx_root = transactions_root(bad.transactions);
  bad.header.tx_count = static_cast<uint32_t>(bad.transactions.size());
  bad.sign(chain->chain_id(), producer);

  // The validator replays the funding block, then judges the bad block.
  Chain replica(genesis);
  auto funding = make_transfer(replica.chain_id(), community, spammer.public_key(), Amount::ct(1), 0, t + 60'000);
  produce_at(replica, {funding}, t, producer);
  ASSERT_EQ(replica.head_id(), honest.block.header.previous);
  auto r = replica.apply_block(bad, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "block.invalid_transaction");
  EXPECT_NE(r.error().message.find("resource units"), std::string::npos) << r.error().message;
  EXPECT_EQ(replica.head_id(), honest.block.header.previous);  // nothing applied
  // The honest block applies.
  auto ok = replica.apply_block(honest.block, false);
  EXPECT_TRUE(ok) << ok.error().message;
}

}  // namespace
}  // namespace lingji::chain
