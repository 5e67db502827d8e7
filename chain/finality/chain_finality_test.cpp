// chain_finality_test.cpp: two-chain finality as the chain keeps it in its state: a certified
// block whose claim is its parent in the slot before makes that parent final; ancestor summaries
// below the final block are erased. The slot+1 rule across missed slots is in
// producers/schedule_test.cpp. On ConsensusTest (chain/consensus_test_util.h); built into
// chain_test, not finality_test, since it runs whole chains.
#include "chain/finality/ancestry.h"

#include <gtest/gtest.h>

#include "chain/consensus_test_util.h"

namespace lingji::chain {
namespace {

using namespace testing;  // the consensus fixtures and helpers (chain/consensus_test_util.h)

TEST_F(ConsensusTest, TwoChainOfConsecutiveSlotsFinalizes) {
  const std::vector<Keys> quorums = {pick(old_set, {0, 1, 2}), pick(old_set, {1, 2, 3}), pick(old_set, {0, 2, 3}),
                                     pick(old_set, {0, 1, 3}), old_set};
  ASSERT_NO_FATAL_FAILURE(next(1));
  EXPECT_EQ(final_height(), 0u);
  EXPECT_EQ(a.final_block().id, a.chain_id());
  uint64_t lib = 0;
  for (uint64_t h = 2; h <= 12; ++h) {
    ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, quorums[h % quorums.size()]));
    const auto fin = a.final_block();
    EXPECT_GE(fin.height, lib);
    lib = fin.height;
    // Block h claims h-1, whose claim is h-2 in the slot before: h-2 is final.
    EXPECT_EQ(fin.height, h - 2) << "after block " << h;
    EXPECT_EQ(fin.slot, header(h - 2).slot);
    EXPECT_EQ(fin.id, h == 2 ? a.chain_id() : header(h - 2).id());
    EXPECT_EQ(b.final_block().id, fin.id);
    // Summaries below the final block are erased; from it to the head they are kept.
    for (uint64_t k = 0; k <= h; ++k)
      EXPECT_EQ(finality::load_ancestor(a.state(), k).has_value(), k >= fin.height) << "height " << k << " after " << h;
    auto top = finality::load_ancestor(a.state(), h);
    ASSERT_TRUE(top);
    EXPECT_EQ(top->slot, h);
    EXPECT_EQ(top->parent, header(h - 1).id());
    EXPECT_EQ(top->justify, claim_of(header(h - 1)));
    EXPECT_EQ(top->generation, 0u);
    EXPECT_FALSE(top->joint);
  }
  // Blocks that keep the parent's justify (no new certificate) finalize nothing more.
  for (uint64_t s = 13; s <= 15; ++s) {
    ASSERT_NO_FATAL_FAILURE(next(s));
    EXPECT_EQ(a.head().justify, claim_of(header(11)));
    EXPECT_EQ(final_height(), 10u);
  }
  // Certifying 15, whose claim is 11 (not its parent): no new final block...
  ASSERT_NO_FATAL_FAILURE(next_justifying(16, 15, old_set));
  EXPECT_EQ(final_height(), 10u);
  // ... until a certified block whose claim is its parent in the slot before.
  ASSERT_NO_FATAL_FAILURE(next_justifying(17, 16, old_set));
  EXPECT_EQ(final_height(), 15u);
  // Every voter's count: one per certificate it signed.
  for (const auto& k : old_set) EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
}

}  // namespace
}  // namespace lingji::chain
