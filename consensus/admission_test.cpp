// admission_test.cpp: admission to the mempool (every rejection changes nothing), through the
// Controller and through Admission alone.
#include <gtest/gtest.h>

#include "chain/chain_errors.h"
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

// The attack of issue 14, item 12: one funded key queues 50,000 chained transfers, the node's
// whole mempool, and every other sender gets tx.mempool_full until blocks have drained them all
// (five full blocks). Failed before the per-sender cap: all 50,000 were admitted and the other
// sender was refused. Now the key is refused after kMaxPendingPerSender (a few blocks' worth)
// and the other sender gets in.
TEST_F(PartsTest, OneKeyQueuingFiftyThousandChainedTransfersDoesNotStarveOthers) {
  const size_t capacity = ControllerOptions{}.mempool_capacity;  // the node's
  ASSERT_EQ(capacity, 50'000u);
  Admission pool(*node_chain, *store, capacity);
  const auto attacker = dev_key("dev");  // 1,000,000 free CT: enough CT and resources for all of it
  const auto bob = dev_key("bob").public_key();
  const TimeMs exp = kT0 + 3'600'000;
  size_t admitted = 0;
  std::string refusal;
  for (uint64_t i = 0; i < capacity; ++i) {
    auto id = pool.admit(testing::make_transfer(chain_id(), attacker, bob, Amount::units(1), i, exp), kT0 + 500);
    if (!id) {
      refusal = id.error().name;
      break;
    }
    ++admitted;
  }
  EXPECT_LE(admitted, 100u) << "one key holds " << admitted << " of the mempool's " << capacity << " slots";
  EXPECT_EQ(refusal, "tx.sender_pending_cap");
  auto other = pool.admit(testing::make_transfer(chain_id(), dev_key("community"), bob, Amount::ct(1), 0, exp),
                          kT0 + 600);
  EXPECT_TRUE(other) << "another sender is refused: " << other.error().name;
}

// The mempool is fair across senders (issue 14, item 12): one sender with stake enough for
// thousands of transfers gets kMaxPendingPerSender of them pending and is refused past that
// with its own code, while another sender still gets in; a block that takes some frees room.
// Today's node took all of them until the mempool was full for everyone (tx.mempool_full).
TEST_F(PartsTest, PerSenderPendingCapRefusesTheExcessWhileAnotherSenderGetsIn) {
  const auto dev = dev_key("dev");  // 1,000,000 CT at genesis: resources for 14 million transfers
  const auto community = dev_key("community");
  const auto bob = dev_key("bob").public_key();
  const TimeMs exp = kT0 + 60'000;
  for (uint64_t i = 0; i < kMaxPendingPerSender; ++i) {
    auto id = admission->admit(testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), i, exp), kT0 + 500);
    ASSERT_TRUE(id) << i << ": " << id.error().message;
  }
  auto excess = testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), kMaxPendingPerSender, exp);
  auto refused = admission->admit(excess, kT0 + 500);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().name, "tx.sender_pending_cap");
  EXPECT_EQ(refused.error().code, 3103);
  EXPECT_EQ(admission->size(), kMaxPendingPerSender);
  EXPECT_EQ(admission->next_sequence(dev.public_key()), kMaxPendingPerSender);  // the refusal left no trace

  auto other = admission->admit(testing::make_transfer(chain_id(), community, bob, Amount::ct(1), 0, exp), kT0 + 500);
  ASSERT_TRUE(other) << other.error().message;

  // Once one of dev's transfers leaves the mempool (here: rejected), dev has room again.
  admission->reject(admission->oldest(1).front().id(), chain::chain_error("tx.expired", "test"));
  admission->rebuild_pending(kT0 + 600);  // the rest no longer apply in order: dropped
  EXPECT_EQ(admission->size(), 1u);       // community's
  auto again = admission->admit(testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, exp), kT0 + 700);
  EXPECT_TRUE(again) << again.error().message;
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
