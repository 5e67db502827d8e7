// chain_test.cpp: block production and validation, replay, and that a bad block changes nothing.
#include "chain/chain.h"

#include <gtest/gtest.h>

#include "chain/chain_test_util.h"
#include "chain/token/account.h"

namespace lingji::chain {
namespace {

using testing::dev_genesis;
using testing::make_transfer;
using testing::produce_at;

constexpr TimeMs kT0 = 1'790'000'000'000;  // 2026-09-21

class ChainTest : public ::testing::Test {
 protected:
  Genesis genesis = dev_genesis(kT0);
  core::PrivateKey producer = dev_key("producer");
  core::PrivateKey dev = dev_key("dev");
  PublicKey alice = dev_key("alice").public_key();
};

TEST_F(ChainTest, GenesisStateHoldsTheWholeSupply) {
  Chain c(genesis);
  int64_t total = 0;
  c.state().for_each(Bytes{'A'}, [&](const Bytes& k, const Bytes&) {
    PublicKey pk = *PublicKey::from(ByteView(k).subspan(1));
    total += load_account(c.state(), pk).balance.units();
  });
  EXPECT_EQ(total, Amount::kMaxMoney);
  EXPECT_EQ(c.head().height, 0u);
  EXPECT_EQ(c.head_id(), c.chain_id());
}

TEST_F(ChainTest, ProducedBlocksReplayToTheSameRoots) {
  Chain a(genesis);
  std::vector<Block> blocks;
  for (uint64_t i = 0; i < 5; ++i) {
    auto tx = make_transfer(a.chain_id(), dev, alice, Amount::ct(1), i, kT0 + 60'000);
    auto p = produce_at(a, {tx}, kT0 + 1000 * (i + 1), producer);
    ASSERT_TRUE(p.rejected.empty());
    ASSERT_EQ(p.block.transactions.size(), 1u);
    blocks.push_back(p.block);
  }
  Chain b(genesis);
  for (const auto& blk : blocks) {
    auto r = b.apply_block(*Block::decode(blk.encode()), false);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(b.head().state_root, blk.header.state_root);
  }
  EXPECT_EQ(b.head_id(), a.head_id());
  EXPECT_EQ(load_account(b.state(), alice).balance, Amount::ct(5));
  EXPECT_EQ(load_account(b.state(), dev.public_key()).sequence, 5u);
}

TEST_F(ChainTest, ProducerLeavesOutFailingTransactions) {
  Chain a(genesis);
  auto good = make_transfer(a.chain_id(), dev, alice, Amount::ct(1), 0, kT0 + 60'000);
  auto replay = good;  // same sequence again
  auto broke = make_transfer(a.chain_id(), dev_key("nobody"), alice, Amount::ct(1), 0, kT0 + 60'000);
  auto p = produce_at(a, {good, replay, broke}, kT0 + 1000, producer);
  ASSERT_EQ(p.block.transactions.size(), 1u);
  ASSERT_EQ(p.rejected.size(), 2u);
  EXPECT_EQ(p.rejected[0].second.name, "tx.stale_sequence");
  EXPECT_EQ(p.rejected[1].second.name, "token.insufficient_balance");
}

TEST_F(ChainTest, TamperedBlocksAreRejectedAndChangeNothing) {
  Chain a(genesis);
  auto tx = make_transfer(a.chain_id(), dev, alice, Amount::ct(1), 0, kT0 + 60'000);
  Block blk = produce_at(a, {tx}, kT0 + 1000, producer).block;

  auto expect_rejected = [&](Block bad, const char* name) {
    Chain b(genesis);
    Hash256 root = b.head().state_root;
    auto r = b.apply_block(bad, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().name, name);
    EXPECT_EQ(b.head().height, 0u);
    EXPECT_EQ(b.head().state_root, root);
    EXPECT_EQ(b.state().get(account_key(alice)), nullptr);
  };
  Block wrong_root = blk;
  wrong_root.header.state_root.bytes[0] ^= 1;
  wrong_root.sign(a.chain_id(), producer);
  expect_rejected(wrong_root, "block.bad_state_root");

  Block bad_sig = blk;
  bad_sig.signature.bytes[5] ^= 1;
  expect_rejected(bad_sig, "block.bad_signature");

  Block other_producer = blk;
  other_producer.sign(a.chain_id(), dev);
  other_producer.header.producer = dev.public_key();
  expect_rejected(other_producer, "block.wrong_producer");

  Block wrong_height = blk;
  wrong_height.header.height = 2;
  wrong_height.sign(a.chain_id(), producer);
  expect_rejected(wrong_height, "block.bad_height");

  Block old_time = blk;
  old_time.header.timestamp = kT0;
  old_time.sign(a.chain_id(), producer);
  expect_rejected(old_time, "block.bad_timestamp");

  Block swapped_tx = blk;
  swapped_tx.transactions[0] = make_transfer(a.chain_id(), dev, alice, Amount::ct(2), 0, kT0 + 60'000);
  expect_rejected(swapped_tx, "block.bad_tx_root");

  // A block whose transaction is invalid at that point (overdraft), even with matching roots.
  Chain c(genesis);
  auto overdraft = make_transfer(c.chain_id(), dev, alice, Amount::ct(2'000'000), 0, kT0 + 60'000);
  Block forged;
  forged.header = blk.header;
  forged.transactions = {overdraft};
  forged.header.tx_root = transactions_root(forged.transactions);
  forged.sign(a.chain_id(), producer);
  expect_rejected(forged, "block.invalid_transaction");
}

TEST_F(ChainTest, RestoreChecksTheStateRoot) {
  Chain a(genesis);
  auto p = produce_at(a, {make_transfer(a.chain_id(), dev, alice, Amount::ct(3), 0, kT0 + 60'000)},
                           kT0 + 1000, producer);
  std::vector<std::pair<Bytes, Bytes>> entries;
  a.state().for_each({}, [&](const Bytes& k, const Bytes& v) { entries.emplace_back(k, v); });
  Chain b(genesis);
  ASSERT_TRUE(b.restore(entries, a.head()));
  EXPECT_EQ(b.head_id(), a.head_id());
  entries[0].second[0] ^= 1;
  Chain c(genesis);
  auto st = c.restore(entries, a.head());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "block.bad_state_root");
}

}  // namespace
}  // namespace lingji::chain
