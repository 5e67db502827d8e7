// Savepoints of StateOverlay: what a failed transaction writes must vanish, what a committed one
// writes must stay, whatever the mix of new keys, overwritten keys and erases.
#include "chain/state/state.h"

#include <gtest/gtest.h>

#include <map>

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

// StateKey must order exactly like BytesLess over Bytes (the state's iteration order and the
// encoded change sets depend on it) and keep keys longer than its inline buffer intact.
TEST(StateKeyTest, OrdersLikeBytesAndKeepsLongKeys) {
  std::vector<Bytes> keys = {{}, {0x00}, {0x00, 0x00}, {0x01}, {0x41}, {0x41, 0xFF}, {0xFF}};
  Bytes inline_max(StateKey::kInline, 0x41), longer(StateKey::kInline + 1, 0x41), longest(200, 0x42);
  longer.back() = 0x00;
  keys.insert(keys.end(), {inline_max, longer, longest, numbered_record_key('P', 7).bytes(), numbered_record_key('P', 256).bytes()});
  for (const Bytes& a : keys) {
    const StateKey ka(a);
    EXPECT_EQ(ka.bytes(), a);
    for (const Bytes& c : keys) {
      const StateKey kc(c);
      EXPECT_EQ(BytesLess{}(ka, kc), BytesLess{}(a, c)) << core::to_hex(a) << " < " << core::to_hex(c);
      EXPECT_EQ(BytesLess{}(ka, ByteView(c)), BytesLess{}(a, c));
      EXPECT_EQ(ka == kc, a == c);
    }
  }
  StateKey moved(longest);
  StateKey target(inline_max);
  target = std::move(moved);
  EXPECT_EQ(target.bytes(), longest);
  StateKey copy(target);
  target = StateKey(Bytes{0x01});
  EXPECT_EQ(copy.bytes(), longest);
  EXPECT_EQ(target.bytes(), Bytes{0x01});
}

// A State keyed by StateKey iterates in byte order, long keys included, and finds them by Bytes.
TEST(StateKeyTest, StateIteratesInByteOrder) {
  State s;
  ChangeSet writes;
  Bytes longest(100, 0x41);
  writes.emplace(longest, b("long"));
  writes.emplace(b("A"), b("short"));
  writes.emplace(b("AA"), b("two"));
  writes.emplace(b("B"), b("after"));
  (void)s.apply(writes);
  std::vector<Bytes> order;
  s.for_each(b("A"), [&](const Bytes& k, const Bytes&) { order.push_back(k); });
  EXPECT_EQ(order, (std::vector<Bytes>{b("A"), b("AA"), longest}));
  ASSERT_NE(s.get(longest), nullptr);
  EXPECT_EQ(*s.get(longest), b("long"));
}

// State's lookup index under many inserts and erases (erase shifts probe runs back): every key
// is found exactly while present, and the root equals that of a State built from the survivors.
TEST(StateKeyTest, LookupIndexFollowsInsertsAndErases) {
  State s;
  std::map<Bytes, Bytes> model;
  uint64_t x = 1;
  for (int round = 0; round < 20; ++round) {
    ChangeSet writes;
    for (int i = 0; i < 300; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;  // fixed LCG: same keys every run
      const Bytes key = numbered_record_key(static_cast<uint8_t>('A' + (x >> 62)), (x >> 20) % 1000).bytes();
      if ((x >> 10) % 3 == 0) {
        writes.insert_or_assign(key, std::nullopt);
        model.erase(key);
      } else {
        const Bytes value = numbered_record_key('v', x).bytes();
        writes.insert_or_assign(key, value);
        model[key] = value;
      }
    }
    (void)s.apply(writes, round % 2 == 0);
    ASSERT_EQ(s.size(), model.size());
  }
  for (uint8_t p = 'A'; p <= 'D'; ++p) {
    for (uint64_t n = 0; n < 1000; ++n) {
      const Bytes key = numbered_record_key(p, n).bytes();
      const Bytes* v = s.get(key);
      auto it = model.find(key);
      ASSERT_EQ(v != nullptr, it != model.end()) << n;
      if (v) {
        EXPECT_EQ(*v, it->second);
      }
    }
  }
  State fresh;
  ChangeSet all;
  for (const auto& [k, v] : model) all.emplace(k, v);
  (void)fresh.apply(all);
  EXPECT_EQ(s.root(), fresh.root());
  State copy(s);
  for (const auto& [k, v] : model) ASSERT_NE(copy.get(k), s.get(k));  // the copy indexes its own entries
}

// The overlay's lookup index through a rolled-back savepoint of many new keys (erases shift probe
// runs) and a committed one: exactly the kept writes remain visible.
TEST(StateKeyTest, OverlayIndexFollowsRollback) {
  State base;
  StateOverlay block(base);
  for (uint64_t n = 0; n < 500; n += 2) block.put(numbered_record_key('K', n), b("kept"));
  block.begin();
  for (uint64_t n = 0; n < 500; ++n) block.put(numbered_record_key('K', n), b("rolled back"));
  block.rollback();
  block.begin();
  block.erase(numbered_record_key('K', 0));
  block.commit();
  for (uint64_t n = 0; n < 500; ++n) {
    const Bytes* v = block.get(numbered_record_key('K', n));
    if (n % 2 == 1 || n == 0) {
      EXPECT_EQ(v, nullptr) << n;
    } else {
      ASSERT_NE(v, nullptr) << n;
      EXPECT_EQ(*v, b("kept"));
    }
  }
  EXPECT_EQ(block.writes().size(), 250u);
  ChangeSet taken = block.take_writes();
  EXPECT_EQ(taken.size(), 250u);
  EXPECT_EQ(block.get(numbered_record_key('K', 2)), nullptr);  // nothing left in the overlay
}

}  // namespace
}  // namespace lingji::chain
