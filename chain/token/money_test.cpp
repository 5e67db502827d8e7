// money_test.cpp: the money primitive (token::move), module escrows, the supply invariant, and
// the events a block reports.
#include "chain/token/money.h"

#include <gtest/gtest.h>

#include "chain/chain_test_util.h"
#include "chain/executor.h"
#include "chain/governance/governance.h"
#include "chain/invariants.h"
#include "chain/producers/producer.h"
#include "chain/token/account.h"

namespace lingji::chain {
namespace {

using testing::dev_genesis;
using testing::make_transfer;
using testing::produce_at;

constexpr TimeMs kT0 = 1'790'000'000'000;  // 2026-09-21

class MoneyTest : public ::testing::Test {
 protected:
  void SetUp() override { (void)state.apply(genesis.initial_state()); }
  ApplyContext ctx(const PublicKey& sender, EventLog* events = nullptr) {
    return ApplyContext{genesis, kT0 + 1000, sender, 1, events};
  }
  Amount balance(const StateReader& s, const PublicKey& k) { return load_account(s, k).balance; }
  // The genesis state with `writes` applied.
  State with_writes(const ChangeSet& writes) {
    State out;
    (void)out.apply(genesis.initial_state());
    (void)out.apply(writes);
    return out;
  }

  Genesis genesis = dev_genesis(kT0);
  State state;
  PublicKey dev = dev_key("dev").public_key();
  PublicKey team = dev_key("team").public_key();
  PublicKey alice = dev_key("alice").public_key();
};

TEST_F(MoneyTest, MoveIsExactAndReportsItself) {
  StateOverlay s(state);
  EventLog events;
  events.set_source(EventSource{7, 2});
  ASSERT_TRUE(token::move(s, dev, alice, Amount::units(1), ctx(dev, &events)));
  EXPECT_EQ(balance(s, alice), Amount::units(1));
  EXPECT_EQ(balance(s, dev), Amount::units(balance(state, dev).units() - 1));
  ASSERT_EQ(events.moves().size(), 1u);
  EXPECT_EQ(events.moves()[0], (BalanceMove{EventSource{7, 2}, dev, alice, Amount::units(1), MoveReason::kTransfer}));
}

TEST_F(MoneyTest, RefusedMovesWriteNothingAndReportNothing) {
  StateOverlay s(state);
  EventLog events;
  const Amount all = balance(state, dev);
  struct Case {
    PublicKey from, to;
    Amount amount;
    const char* error;
  } cases[] = {
      {dev, alice, Amount::zero(), "token.non_positive_amount"},
      {dev, alice, Amount::units(-1), "token.non_positive_amount"},
      {dev, dev, Amount::units(1), "token.self_transfer"},
      {dev, alice, Amount::units(all.units() + 1), "token.insufficient_balance"},
      {alice, dev, Amount::units(1), "token.insufficient_balance"},  // an absent account holds nothing
      {team, alice, Amount::units(1), "token.locked_balance"},       // the team's CT is locked at genesis
  };
  for (const auto& c : cases) {
    auto st = token::move(s, c.from, c.to, c.amount, ctx(c.from, &events));
    ASSERT_FALSE(st) << c.error;
    EXPECT_EQ(st.error().name, c.error);
  }
  EXPECT_TRUE(s.writes().empty());
  EXPECT_TRUE(events.empty());
}

TEST_F(MoneyTest, EscrowAccountsAreDistinctAndRoundTrip) {
  const PublicKey m1 = token::escrow_account("market", 1);
  EXPECT_NE(m1, token::escrow_account("market", 2));
  EXPECT_NE(m1, token::escrow_account("otc", 1));
  EXPECT_EQ(m1, token::escrow_account("market", 1));
  StateOverlay s(state);
  EventLog events;
  ASSERT_TRUE(token::credit_escrow(s, dev, m1, Amount::ct(3), ctx(dev, &events)));
  ASSERT_TRUE(token::debit_escrow(s, m1, alice, Amount::ct(2), ctx(m1, &events)));
  EXPECT_EQ(balance(s, m1), Amount::ct(1));
  EXPECT_EQ(balance(s, alice), Amount::ct(2));
  auto st = token::debit_escrow(s, m1, alice, Amount::ct(2), ctx(m1, &events));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "token.insufficient_balance");
  ASSERT_EQ(events.moves().size(), 2u);
  EXPECT_EQ(events.moves()[0].reason, MoveReason::kEscrowIn);
  EXPECT_EQ(events.moves()[1].reason, MoveReason::kEscrowOut);
  // CT in escrow is still part of the supply.
  State after = with_writes(s.take_writes());
  EXPECT_EQ(token::total_balances(after), Amount::units(Amount::kMaxMoney));
  EXPECT_EQ(broken_invariant(after), std::nullopt);
}

TEST_F(MoneyTest, TheSupplyInvariantCatchesMintedCt) {
  EXPECT_EQ(broken_invariant(state), std::nullopt);
  StateOverlay s(state);
  store_account(s, alice, Account{Amount::units(1), 0});  // one unit from nowhere
  State minted = with_writes(s.take_writes());
  auto broken = broken_invariant(minted);
  ASSERT_TRUE(broken);
  EXPECT_NE(broken->find("10000000000.00000001"), std::string::npos) << *broken;
}

TEST_F(MoneyTest, TheVoteInvariantCatchesDriftedWeights) {
  // A candidate whose recorded votes are not its voters' balances, and a vote naming nobody.
  StateOverlay s(state);
  store_producer(s, alice, Producer{true, alice, "https://a", "ID", Amount::units(5), kT0});
  State drifted = with_writes(s.take_writes());
  auto broken = broken_invariant(drifted);
  ASSERT_TRUE(broken);
  EXPECT_NE(broken->find("votes: candidate"), std::string::npos) << *broken;
}

TEST(BlockEventsTest, ABlockReportsItsOperationsMovesAndReward) {
  Genesis genesis = dev_genesis(kT0);
  Chain chain(genesis);
  const core::PrivateKey dev = dev_key("dev");
  const PublicKey alice = dev_key("alice").public_key();
  const PublicKey bob = dev_key("bob").public_key();
  const core::PrivateKey producer = dev_key("producer");
  const TimeMs t = chain.slot_time(1);
  // The fee pool needs CT for a reward to be paid.
  std::vector<SignedTransaction> txs = {
      make_transfer(chain.chain_id(), dev, alice, Amount::ct(2), 0, t + 60'000),
      make_transfer(chain.chain_id(), dev, bob, Amount::ct(999'999'999), 1, t + 60'000),  // refused: too much
      make_transfer(chain.chain_id(), dev, fee_pool_account(), Amount::ct(10), 1, t + 60'000),
  };
  auto produced = produce_at(chain, txs, t, producer);
  ASSERT_EQ(produced.block.transactions.size(), 2u);
  const EventLog& ev = produced.changes.events;
  ASSERT_EQ(ev.operations().size(), 2u);
  EXPECT_EQ(ev.operations()[0], (OperationApplied{EventSource{0, 0}, Transfer::kType}));
  EXPECT_EQ(ev.operations()[1], (OperationApplied{EventSource{1, 0}, Transfer::kType}));
  ASSERT_EQ(ev.moves().size(), 2u);  // the pool was empty when the block began: no reward yet
  EXPECT_EQ(ev.moves()[0], (BalanceMove{EventSource{0, 0}, dev.public_key(), alice, Amount::ct(2), MoveReason::kTransfer}));
  EXPECT_EQ(ev.moves()[1].source, (EventSource{1, 0}));

  // The next block begins with the reward, from the block hooks; a follower that applies the
  // same block reports exactly the same events.
  auto next = produce_at(chain, {}, chain.slot_time(2), producer);
  ASSERT_FALSE(next.changes.events.moves().empty());
  const BalanceMove& reward = next.changes.events.moves()[0];
  EXPECT_EQ(reward.source, EventSource{});
  EXPECT_EQ(reward.from, fee_pool_account());
  EXPECT_EQ(reward.reason, MoveReason::kBlockReward);
  Chain follower(genesis);
  auto a = follower.apply_block(produced.block, false);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->events, produced.changes.events);
  auto b = follower.apply_block(next.block, false);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->events, next.changes.events);
}

}  // namespace
}  // namespace lingji::chain
