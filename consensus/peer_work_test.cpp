// peer_work_test.cpp: what a peer's data may cost a node (issue 14 item 7): a block is refused
// on its cheap checks before any transaction signature, a transaction that failed the state
// checks costs one verification however often a peer resends it, and serving blocks takes no
// consensus lock. Costs are counted by Controller::signature_checks().
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>

#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

// A follower of the dev chain beside ControllerTest's producer, and a peer's block to send it.
class PeerWorkTest : public ControllerTest {
 protected:
  void SetUp() override {
    ControllerTest::SetUp();
    follower_dir = dir.string() + "-follower";
    std::filesystem::remove_all(follower_dir);
    follower = open_producer(follower_dir, genesis, {});
    ASSERT_TRUE(follower);
  }
  void TearDown() override {
    follower.reset();
    std::filesystem::remove_all(follower_dir);
    ControllerTest::TearDown();
  }
  // n transactions whose signatures are all bad (what an attacker pads a block with).
  std::vector<SignedTransaction> forged(size_t n) {
    Bytes bytes = testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, kT0 + 60'000).bytes();
    bytes.back() ^= 1;
    auto tx = SignedTransaction::decode(bytes);
    EXPECT_TRUE(tx);
    return std::vector<SignedTransaction>(n, *tx);
  }

  std::filesystem::path follower_dir;
  std::unique_ptr<Controller> follower;
};

TEST_F(PeerWorkTest, ABlockFailingItsCheapChecksCostsNoTransactionVerification) {
  auto block = ctl->produce(kT0 + 1000);
  ASSERT_TRUE(block);
  constexpr size_t kPadding = 10'000;

  // A forged block signature: one verification, not 10,001.
  Block bad_signature = *block;
  bad_signature.transactions = forged(kPadding);
  bad_signature.signature.bytes[0] ^= 1;
  auto r = follower->accept_block(bad_signature, kT0 + 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "block.bad_signature");
  EXPECT_EQ(follower->signature_checks(), 1u);

  // Signed by a key that is not the slot's: no verification at all.
  Block wrong_producer = *block;
  wrong_producer.transactions = forged(kPadding);
  wrong_producer.header.producer = bob;
  r = follower->accept_block(wrong_producer, kT0 + 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "block.wrong_producer");
  EXPECT_EQ(follower->signature_checks(), 1u);

  // A parent nobody knows: nothing to check yet.
  Block orphan = *block;
  orphan.transactions = forged(kPadding);
  orphan.header.height = 5;
  orphan.header.previous.bytes.fill(7);
  r = follower->accept_block(orphan, kT0 + 1000);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, Controller::Accepted::kAhead);
  EXPECT_EQ(follower->signature_checks(), 1u);

  // The producer's real header with other transactions: its signature holds, the root does not.
  Block swapped = *block;
  swapped.transactions = forged(kPadding);
  r = follower->accept_block(swapped, kT0 + 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "block.bad_tx_root");
  EXPECT_EQ(follower->signature_checks(), 2u);

  // The real block still goes in.
  r = follower->accept_block(*block, kT0 + 1000);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, Controller::Accepted::kApplied);
}

TEST_F(PeerWorkTest, AResentInvalidTransactionCostsOneVerificationPerHead) {
  // Validly signed, but its sender holds nothing: it fails the state checks.
  const core::PrivateKey nobody = dev_key("nobody");
  const auto tx = testing::make_transfer(chain_id(), nobody, bob, Amount::ct(5), 0, kT0 + 60'000);
  for (int i = 0; i < 5; ++i) {
    auto r = ctl->submit_from_peer(tx.bytes(), kT0 + 500);
    EXPECT_EQ(r.outcome, Controller::TxOutcome::kRejected) << i;
    ASSERT_FALSE(r.result);
  }
  EXPECT_EQ(ctl->signature_checks(), 1u);
  // A new head may make it valid: judged again, once.
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ctl->submit_from_peer(tx.bytes(), kT0 + 1500).outcome, Controller::TxOutcome::kRejected);
  EXPECT_EQ(ctl->signature_checks(), 2u);
  // A copy with another signature has the same body, which fails on this head whatever signs it:
  // answered from the cache too. A client's submit is judged each time, as before.
  Bytes forged_copy = tx.bytes();
  forged_copy.back() ^= 1;
  EXPECT_EQ(ctl->submit_from_peer(forged_copy, kT0 + 1500).outcome, Controller::TxOutcome::kRejected);
  EXPECT_FALSE(ctl->submit(tx.bytes(), kT0 + 1500));
  EXPECT_EQ(ctl->signature_checks(), 3u);
}

TEST_F(PeerWorkTest, PeerOutcomesSayWhatKindOfFaultItWas) {
  auto outcome = [&](const Bytes& b) { return ctl->submit_from_peer(b, kT0 + 500).outcome; };
  EXPECT_EQ(outcome(Bytes{1, 2, 3}), Controller::TxOutcome::kMalformed);
  core::Hash256 other_chain;
  other_chain.bytes.fill(9);
  EXPECT_EQ(outcome(testing::make_transfer(other_chain, dev, bob, Amount::ct(1), 0, kT0 + 60'000).bytes()),
            Controller::TxOutcome::kMalformed);
  auto good = testing::make_transfer(chain_id(), dev, bob, Amount::ct(1), 0, kT0 + 60'000);
  Bytes bad_sig = good.bytes();
  bad_sig.back() ^= 1;
  EXPECT_EQ(outcome(bad_sig), Controller::TxOutcome::kBadSignature);
  EXPECT_EQ(outcome(good.bytes()), Controller::TxOutcome::kAdmitted);
  EXPECT_EQ(outcome(good.bytes()), Controller::TxOutcome::kKnown);
}

TEST_F(PeerWorkTest, ServingBlocksTakesNoConsensusLock) {
  for (int s = 1; s <= 3; ++s) ASSERT_TRUE(ctl->produce(kT0 + 1000 * s));
  std::mutex mu;
  std::condition_variable cv;
  bool holding = false, release = false;
  std::thread holder([&] {
    ctl->read([&](const Chain&, const storage::BlockStore&) {
      std::unique_lock lock(mu);
      holding = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return 0;
    });
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return holding; });
  }
  // The consensus lock is held (as by a block being applied): serving must not wait for it.
  auto served = std::async(std::launch::async, [&] { return ctl->blocks_from(1, 10, 1 << 20); });
  const bool done = served.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  holder.join();
  EXPECT_TRUE(done) << "blocks_from waited for the consensus lock";
  auto blocks = served.get();
  ASSERT_EQ(blocks.size(), 3u);
  for (size_t i = 0; i < blocks.size(); ++i) EXPECT_EQ(Block::decode(blocks[i])->header.height, i + 1);
}

}  // namespace
}  // namespace lingji::consensus
