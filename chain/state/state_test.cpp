// Savepoints of StateOverlay: what a failed transaction writes must vanish, what a committed one
// writes must stay, whatever the mix of new keys, overwritten keys and erases.
#include "chain/state/state.h"

#include <gtest/gtest.h>

namespace lingji::chain {
namespace {

Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::optional<std::string> read(const StateReader& s, std::string_view key) {
  const Bytes* v = s.get(b(key));
  if (!v) return std::nullopt;
  return std::string(v->begin(), v->end());
}

class SavepointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChangeSet base;
    base.emplace(b("a"), b("state-a"));
    base.emplace(b("gone"), b("state-gone"));
    (void)state.apply(base);
    block.put(b("x"), b("block-x"));
    block.erase(b("gone"));
  }
  State state;
  StateOverlay block{state};
};

TEST_F(SavepointTest, RollbackRestoresEveryKindOfWrite) {
  const ChangeSet before = block.writes();
  block.begin();
  block.put(b("x"), b("tx-x1"));       // overwrite a block write
  block.put(b("x"), b("tx-x2"));       // twice
  block.put(b("new"), b("tx-new1"));   // a key new to the block
  block.put(b("new"), b("tx-new2"));
  block.erase(b("a"));                 // erase a key of the committed state
  block.put(b("gone"), b("back"));     // rewrite a key the block erased
  EXPECT_EQ(read(block, "x"), "tx-x2");
  EXPECT_EQ(read(block, "a"), std::nullopt);
  block.rollback();
  EXPECT_EQ(block.writes(), before);
  EXPECT_EQ(read(block, "x"), "block-x");
  EXPECT_EQ(read(block, "new"), std::nullopt);
  EXPECT_EQ(read(block, "a"), "state-a");
  EXPECT_EQ(read(block, "gone"), std::nullopt);
}

TEST_F(SavepointTest, CommitKeepsWritesAndEndsJournaling) {
  block.begin();
  block.put(b("new"), b("tx-new"));
  block.erase(b("a"));
  block.commit();
  EXPECT_EQ(read(block, "new"), "tx-new");
  EXPECT_EQ(read(block, "a"), std::nullopt);
  // A later savepoint's rollback only undoes its own writes.
  block.begin();
  block.put(b("new"), b("later"));
  block.rollback();
  EXPECT_EQ(read(block, "new"), "tx-new");
  EXPECT_EQ(read(block, "a"), std::nullopt);
  EXPECT_EQ(read(state, "a"), "state-a");  // the committed state is never touched by an overlay
}

TEST(StateApply, UndoRestoresAndCanBeSkipped) {
  State s;
  ChangeSet first{{b("k"), b("v1")}};
  (void)s.apply(first);
  const auto root1 = s.root();
  ChangeSet second{{b("k"), b("v2")}, {b("m"), b("w")}};
  ChangeSet undo = s.apply(second);
  ASSERT_EQ(undo.size(), 2u);
  EXPECT_EQ(undo.at(b("k")), b("v1"));
  EXPECT_EQ(undo.at(b("m")), std::nullopt);
  (void)s.apply(undo);
  EXPECT_EQ(s.root(), root1);
  EXPECT_TRUE(s.apply(second, /*with_undo=*/false).empty());
  EXPECT_EQ(read(s, "k"), "v2");
}

}  // namespace
}  // namespace lingji::chain
