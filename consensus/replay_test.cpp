// replay_test.cpp: durability across reopen, and replay from the stored blocks.
#include <gtest/gtest.h>

#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

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

// A data directory that holds no chain cannot be replayed.
TEST(ReplayTest, AStoreWithoutAGenesisIsRefused) {
  const auto dir = test_dir("lingji-replay-");
  std::filesystem::remove_all(dir);
  auto report = replay(dir, 1);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().name, "storage.corruption");
  std::filesystem::remove_all(dir);
}

// state_entries lists the state in key order, as replace_state takes it.
TEST(ReplayTest, StateEntriesAreTheWholeStateInKeyOrder) {
  Chain chain(testing::dev_genesis(kT0));
  const auto entries = state_entries(chain.state());
  ASSERT_FALSE(entries.empty());
  for (size_t i = 1; i < entries.size(); ++i) EXPECT_LT(entries[i - 1].first, entries[i].first);
  for (const auto& [key, value] : entries) {
    const Bytes* stored = chain.state().get(key);
    ASSERT_TRUE(stored);
    EXPECT_EQ(*stored, value);
  }
}

}  // namespace
}  // namespace lingji::consensus
