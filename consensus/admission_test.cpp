// admission_test.cpp: admission to the mempool (every rejection changes nothing), through the
// Controller and through Admission alone.
#include <gtest/gtest.h>

#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

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

// A subscriber sees each produced block once, after it is stored, with what it did.
TEST_F(ControllerTest, SubscribersSeeEachCommittedBlockWithItsMoves) {
  auto mirror = std::make_shared<MirrorObserver>();
  ctl->subscribe(mirror);
  auto tx = chain::testing::make_transfer(chain_id(), dev, bob, core::Amount::ct(7), 0, kT0 + 60'000);
  ASSERT_TRUE(ctl->submit(tx.bytes(), kT0 + 500));
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  ASSERT_TRUE(ctl->produce(kT0 + 2000));
  EXPECT_FALSE(ctl->produce(kT0 + 2000));  // a refused production delivers nothing and blocks nothing
  ASSERT_TRUE(ctl->produce(kT0 + 3000));
  std::lock_guard lock(mirror->mu);
  EXPECT_FALSE(mirror->out_of_order);
  EXPECT_EQ(mirror->ids, MirrorObserver::chain_ids(*ctl));
  ASSERT_EQ(mirror->moves.size(), 3u);
  ASSERT_EQ(mirror->moves[0].size(), 1u);
  EXPECT_EQ(mirror->moves[0][0].from, dev.public_key());
  EXPECT_EQ(mirror->moves[0][0].to, bob);
  EXPECT_EQ(mirror->moves[0][0].amount, core::Amount::ct(7));
  EXPECT_EQ(mirror->moves[0][0].source, (chain::EventSource{0, 0}));
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

// Admission alone: a transfer joins the mempool and the pending state (the sender's next
// sequence counts it), a second one with the same sequence conflicts with it, only the
// transactions not byte for byte in the mempool need their signatures checked, and a rebuild
// once the transaction has expired drops it and records why.
TEST_F(PartsTest, AdmissionKeepsThePendingStateAndRecordsWhatItDrops) {
  const auto dev = dev_key("dev");
  const auto bob = dev_key("bob").public_key();
  auto tx = testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, kT0 + 5'000);
  auto id = admission->admit(tx, kT0 + 500);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(admission->size(), 1u);
  EXPECT_EQ(admission->uncommitted_status(*id).state, TxState::kPending);
  EXPECT_EQ(admission->next_sequence(dev.public_key()), 1u);
  auto known = admission->check_unknown(tx.id());
  ASSERT_FALSE(known);
  EXPECT_EQ(known.error().name, "tx.duplicate");
  auto conflicting = admission->admit(testing::make_transfer(chain_id(), dev, bob, Amount::ct(2), 0, kT0 + 5'000), kT0 + 500);
  ASSERT_FALSE(conflicting);
  EXPECT_EQ(conflicting.error().name, "tx.stale_sequence");
  const auto next = testing::make_transfer(chain_id(), dev, bob, Amount::ct(3), 1, kT0 + 5'000);
  EXPECT_EQ(admission->unverified({tx, next}), std::vector<size_t>{1});
  Bytes tampered = tx.bytes();
  tampered.back() ^= 1;  // same id, other bytes: checked again
  auto decoded = SignedTransaction::decode(tampered);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(admission->unverified({*decoded}), std::vector<size_t>{0});

  admission->rebuild_pending(kT0 + 10'000);
  EXPECT_EQ(admission->size(), 0u);
  const auto status = admission->uncommitted_status(*id);
  EXPECT_EQ(status.state, TxState::kRejected);
  ASSERT_TRUE(status.error);
  EXPECT_EQ(status.error->name, "tx.expired");
  EXPECT_EQ(admission->next_sequence(dev.public_key()), 0u);
  EXPECT_EQ(Admission::decode_and_check(Bytes{1, 2, 3}, chain_id()).error().name, "tx.malformed");
}

// After a branch switch, the popped blocks' transactions go back ahead of the waiting ones, so
// a sender's next sequence still applies behind its predecessor.
TEST_F(PartsTest, RequeuedTransactionsGoAheadOfTheWaitingOnes) {
  const auto dev = dev_key("dev");
  const auto bob = dev_key("bob").public_key();
  const auto first = testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, kT0 + 60'000);
  const auto second = testing::make_transfer(chain_id(), dev, bob, Amount::ct(2), 1, kT0 + 60'000);
  ASSERT_TRUE(admission->admit(first, kT0 + 500));
  ASSERT_TRUE(admission->admit(second, kT0 + 500));
  Block popped;
  popped.transactions = {first};
  admission->remove_included(popped);
  ASSERT_EQ(admission->size(), 1u);
  admission->requeue({popped});
  admission->rebuild_pending(kT0 + 600);
  const auto order = admission->oldest(10);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0].id(), first.id());
  EXPECT_EQ(order[1].id(), second.id());
  EXPECT_EQ(admission->next_sequence(dev.public_key()), 2u);
}

}  // namespace
}  // namespace lingji::consensus
