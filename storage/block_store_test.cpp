// block_store_test.cpp: blocks, indexes and state survive a reopen and restore the same chain.
#include "storage/block_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <unistd.h>

#include "chain/chain_test_util.h"
#include "chain/token/account.h"

namespace lingji::storage {
namespace {

using namespace lingji::chain;
using lingji::chain::testing::produce_at;
constexpr TimeMs kT0 = 1'790'000'000'000;

std::filesystem::path temp_dir() {
  auto p = std::filesystem::temp_directory_path() /
           ("lingji-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(p);
  return p;
}

// The chain's whole state as store entries (what a node writes before block 1).
std::vector<std::pair<Bytes, Bytes>> state_entries(const Chain& chain) {
  std::vector<std::pair<Bytes, Bytes>> e;
  chain.state().for_each({}, [&](const Bytes& k, const Bytes& v) { e.emplace_back(k, v); });
  return e;
}

TEST(BlockStoreTest, CommittedBlocksSurviveReopen) {
  auto dir = temp_dir();
  Genesis g = testing::dev_genesis(kT0);
  Chain chain(g);
  auto producer = dev_key("producer");
  auto dev = dev_key("dev");
  PublicKey bob = dev_key("bob").public_key();
  std::vector<Hash256> tx_ids;
  {
    auto store = BlockStore::open(dir, true);
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ((*store)->head_height(), 0u);
    EXPECT_FALSE((*store)->genesis_json());
    ASSERT_TRUE((*store)->put_genesis_json(genesis_to_json(g)));
    ASSERT_TRUE((*store)->replace_state(state_entries(chain)));
    for (uint64_t i = 0; i < 3; ++i) {
      auto tx = testing::make_transfer(chain.chain_id(), dev, bob, Amount::ct(2), i, kT0 + 60'000);
      tx_ids.push_back(tx.id());
      auto p = produce_at(chain, {tx}, kT0 + 1000 * (i + 1), producer);
      ASSERT_TRUE((*store)->commit_block(p.block, p.changes.writes, p.changes.undo));
    }
  }
  auto store = BlockStore::open(dir, true);
  ASSERT_TRUE(store);
  BlockStore& s = **store;
  EXPECT_EQ(s.head_height(), 3u);
  auto parsed = parse_genesis_json(*s.genesis_json());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->chain_id(), chain.chain_id());
  auto head = s.block_at(3);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header.id(), chain.head_id());
  EXPECT_EQ(s.height_of(chain.head_id()), 3u);
  auto loc = s.find_transaction(tx_ids[1]);
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->height, 2u);
  EXPECT_EQ(loc->index, 0u);
  EXPECT_FALSE(s.find_transaction(Hash256{}));
  EXPECT_FALSE(s.block_at(4));

  Chain restored(*parsed);
  ASSERT_TRUE(restored.restore(s.load_state(), head->header));
  EXPECT_EQ(load_account(restored.state(), bob).balance, Amount::ct(6));
  std::filesystem::remove_all(dir);
}

// A fork switch pops blocks: the popped block's indexes go, the state is the parent's again
// (it restores a chain at the parent's header after a reopen), and a pruned (final) block
// cannot be popped.
TEST(BlockStoreTest, PopHeadRestoresTheParentAndPrunedBlocksStay) {
  auto dir = temp_dir();
  Genesis g = testing::dev_genesis(kT0);
  Chain chain(g);
  auto producer = dev_key("producer");
  auto dev = dev_key("dev");
  PublicKey bob = dev_key("bob").public_key();
  std::vector<Hash256> tx_ids, block_ids;
  {
    auto store = BlockStore::open(dir, true);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->put_genesis_json(genesis_to_json(g)));
    ASSERT_TRUE((*store)->replace_state(state_entries(chain)));
    for (uint64_t i = 0; i < 3; ++i) {
      auto tx = testing::make_transfer(chain.chain_id(), dev, bob, Amount::ct(2), i, kT0 + 60'000);
      tx_ids.push_back(tx.id());
      auto p = produce_at(chain, {tx}, kT0 + 1000 * (i + 1), producer);
      block_ids.push_back(p.block.header.id());
      ASSERT_TRUE((*store)->commit_block(p.block, p.changes.writes, p.changes.undo));
    }
    ASSERT_TRUE((*store)->prune_undo(1));
    EXPECT_FALSE((*store)->undo_at(1));
    ASSERT_TRUE((*store)->undo_at(3));
    auto popped = (*store)->pop_head();
    ASSERT_TRUE(popped) << popped.error().message;
    EXPECT_EQ(popped->header.id(), block_ids[2]);
  }
  auto store = BlockStore::open(dir, true);
  ASSERT_TRUE(store);
  BlockStore& s = **store;
  EXPECT_EQ(s.head_height(), 2u);
  EXPECT_FALSE(s.block_at(3));
  EXPECT_FALSE(s.height_of(block_ids[2]));
  EXPECT_FALSE(s.find_transaction(tx_ids[2]));
  EXPECT_TRUE(s.find_transaction(tx_ids[1]));
  Chain restored(g);
  ASSERT_TRUE(restored.restore(s.load_state(), s.block_at(2)->header));
  EXPECT_EQ(load_account(restored.state(), bob).balance, Amount::ct(4));
  ASSERT_TRUE(s.pop_head());
  auto final_pop = s.pop_head();  // block 1's undo was pruned: it is final
  ASSERT_FALSE(final_pop);
  EXPECT_EQ(final_pop.error().name, "storage.corruption");
  EXPECT_EQ(s.head_height(), 1u);
  // Popped blocks' bytes stay behind in the block files as dead space; a block committed at a
  // popped height is read back as itself, never as the one it replaced.
  Chain branch(g);
  ASSERT_TRUE(branch.restore(s.load_state(), s.block_at(1)->header));
  auto tx = testing::make_transfer(branch.chain_id(), dev, bob, Amount::ct(5), 1, kT0 + 60'000);
  auto p = produce_at(branch, {tx}, kT0 + 2500, producer);
  ASSERT_TRUE(s.commit_block(p.block, p.changes.writes, p.changes.undo));
  ASSERT_NE(p.block.header.id(), block_ids[1]);
  EXPECT_EQ(s.block_at(2)->header.id(), p.block.header.id());
  EXPECT_EQ(s.header_at(2)->id(), p.block.header.id());
  EXPECT_EQ(s.transaction_at(*s.find_transaction(tx.id()))->id(), tx.id());
  std::filesystem::remove_all(dir);
}

// A store from before the block files (whole blocks in RocksDB, no "format" record) is refused
// with a clear error instead of having its block records read as locations; so is a store of
// format 2, whose state keeps the listing under the generations' prefix.
TEST(BlockStoreTest, AStoreOfAnOlderFormatIsRefused) {
  for (const char* old_format : {"", "2"}) {
    SCOPED_TRACE(old_format);
    auto dir = temp_dir();
    Genesis g = testing::dev_genesis(kT0);
    Chain chain(g);
    {
      auto store = BlockStore::open(dir, true);
      ASSERT_TRUE(store);
      auto p = produce_at(chain, {}, kT0 + 1000, dev_key("producer"));
      ASSERT_TRUE((*store)->commit_block(p.block, p.changes.writes, p.changes.undo));
    }
    {
      std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
      for (const char* name : {"default", "blocks", "block_ids", "txs", "state", "undo"})
        cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
      std::vector<rocksdb::ColumnFamilyHandle*> handles;
      rocksdb::DB* raw = nullptr;
      ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), (dir / "chain.rocksdb").string(), cfs, &handles, &raw).ok());
      std::unique_ptr<rocksdb::DB> db(raw);
      if (*old_format) ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[0], "format", old_format).ok());
      else ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), handles[0], "format").ok());
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    }
    auto store = BlockStore::open(dir, true);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().name, "storage.corruption");
    EXPECT_NE(store.error().message.find("start with a new --data-dir"), std::string::npos) << store.error().message;
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace lingji::storage
