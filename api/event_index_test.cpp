// event_index_test.cpp: the index behind GET /v1/events (the route is tested in routes_test.cpp):
// bounded memory, a popped block's events dropped, a request cut at its budget.
#include "api/event_index.h"

#include <gtest/gtest.h>

namespace lingji::api {
namespace {

using namespace lingji::chain;

// The index alone: a revert drops the newest block, the window stays within its bounds, a gap
// restarts it, and a request is cut at its event budget (never below one block).
TEST(EventIndexTest, RevertsBoundsAndBudgets) {
  auto block = [](uint64_t h, size_t moves) {
    consensus::ChainEvent e;
    e.header.height = h;
    e.header.slot = h;
    e.id = core::blake2b_256(core::as_bytes("block " + std::to_string(h)));
    for (size_t i = 0; i < moves; ++i) e.events.moved(PublicKey{}, PublicKey{}, Amount::units(1), MoveReason::kTransfer);
    return e;
  };
  EventIndex index(/*max_blocks=*/4, /*max_events=*/10);
  index.on_chain_events({block(1, 1), block(2, 1), block(3, 1)});
  auto reverted = block(3, 0);
  reverted.kind = consensus::ChainEvent::Kind::kReverted;
  index.on_chain_events({reverted});
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{1, 2}));
  index.on_chain_events({block(3, 2), block(4, 1), block(5, 1)});  // 5 blocks > 4: the oldest goes
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{2, 5}));
  index.on_chain_events({block(6, 9)});  // 14 events > 10: old blocks go until it fits
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{5, 6}));
  index.on_chain_events({block(7, 20)});  // one block over the budget is still kept alone
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{7, 7}));
  index.on_chain_events({block(9, 1)});  // a gap restarts the window
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{9, 9}));
  index.on_chain_events({block(10, 3), block(11, 3)});
  EXPECT_EQ(index.since(9, 10, 4).size(), 2u);  // 1 + 3 events fit, the next 3 do not
  EXPECT_EQ(index.since(10, 10, 1).size(), 1u);  // at least one block
  EXPECT_EQ(index.since(9, 1, 100).size(), 1u);
  EXPECT_EQ(index.since(12, 10, 100).size(), 0u);
}

}  // namespace
}  // namespace lingji::api
