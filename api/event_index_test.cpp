// event_index_test.cpp: the index behind GET /v1/events (the route is tested in routes_test.cpp):
// bounded memory, a popped block's events dropped, and paging: an answer is cut at its event
// budget, also inside one large block, and the cursor it returns walks every event exactly once.
#include "api/event_index.h"

#include <gtest/gtest.h>

#include "api/json_views.h"

namespace lingji::api {
namespace {

using namespace lingji::chain;

consensus::ChainEvent block(uint64_t h, size_t moves, uint64_t final_height = 0) {
  consensus::ChainEvent e;
  e.header.height = h;
  e.header.slot = h;
  e.id = core::blake2b_256(core::as_bytes("block " + std::to_string(h)));
  e.final_height = final_height;
  e.events.set_source(EventSource{0, 0});
  e.events.applied(Transfer::kType);
  for (size_t i = 1; i < moves; ++i) e.events.moved(PublicKey{}, PublicKey{}, Amount::units(int64_t(i)), MoveReason::kTransfer);
  return e;
}

std::pair<uint64_t, uint64_t> range(const EventIndex& index) {
  const auto s = index.since(0, 0);
  return {s.oldest, s.newest};
}

TEST(EventIndexTest, RevertsAndBounds) {
  EventIndex index(/*max_blocks=*/4, /*max_events=*/10);  // block(h, n) holds n events
  index.on_chain_events({block(1, 1), block(2, 1), block(3, 1)});
  auto reverted = block(3, 0);
  reverted.kind = consensus::ChainEvent::Kind::kReverted;
  index.on_chain_events({reverted});
  EXPECT_EQ(range(index), (std::pair<uint64_t, uint64_t>{1, 2}));
  auto stale = block(1, 0);  // a revert of a block that is not the newest changes nothing
  stale.kind = consensus::ChainEvent::Kind::kReverted;
  index.on_chain_events({stale});
  EXPECT_EQ(range(index), (std::pair<uint64_t, uint64_t>{1, 2}));
  index.on_chain_events({block(3, 2), block(4, 1), block(5, 1)});  // 5 blocks > 4: the oldest goes
  EXPECT_EQ(range(index), (std::pair<uint64_t, uint64_t>{2, 5}));
  index.on_chain_events({block(6, 9)});  // 14 events > 10: old blocks go until it fits
  EXPECT_EQ(range(index), (std::pair<uint64_t, uint64_t>{5, 6}));
  index.on_chain_events({block(7, 20, 5)});  // one block over the budget is kept alone
  EXPECT_EQ(range(index), (std::pair<uint64_t, uint64_t>{7, 7}));
  EXPECT_EQ(index.since(0, 10).final_height, 5u);
  index.on_chain_events({block(9, 1, 3)});  // a gap restarts the window; finality never goes back
  EXPECT_EQ(range(index), (std::pair<uint64_t, uint64_t>{9, 9}));
  EXPECT_EQ(index.since(0, 10).final_height, 5u);
  EXPECT_EQ(index.since(12, 10).blocks.size(), 0u);
}

TEST(EventIndexTest, PagesWalkEveryEventOnceEvenInsideALargeBlock) {
  EventIndex index;
  index.on_chain_events({block(1, 3, 0), block(2, 25, 1), block(3, 2, 1), block(4, 4, 2)});
  // Follow the cursor with a budget of 7 events an answer; collect (height, event index).
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  uint64_t from = 0, skip = 0;
  for (int page = 0; page < 20; ++page) {
    const Json j = events_json(index, from, skip, 100, 7);
    size_t shown = 0;
    for (const auto& b : j["blocks"]) {
      const uint64_t first = b["first_event"];
      const size_t n = b["operations"].size() + b["moves"].size();
      for (size_t i = 0; i < n; ++i) seen.emplace_back(b["height"].get<uint64_t>(), first + i);
      shown += n;
      EXPECT_EQ(b["final"], b["height"].get<uint64_t>() <= 2);
    }
    EXPECT_LE(shown, 7u);
    const uint64_t next_from = j["next"]["from"], next_skip = j["next"]["skip"];
    if (shown == 0) {
      EXPECT_EQ(next_from, 5u);  // nothing new: the cursor stays
      break;
    }
    from = next_from;
    skip = next_skip;
  }
  std::vector<std::pair<uint64_t, uint64_t>> want;
  for (auto [h, n] : {std::pair<uint64_t, uint64_t>{1, 3}, {2, 25}, {3, 2}, {4, 4}})
    for (uint64_t i = 0; i < n; ++i) want.emplace_back(h, i);
  EXPECT_EQ(seen, want);
  // The operation comes first in a block's order, then its moves, in the order they happened.
  const Json first = events_json(index, 2, 0, 1, 3);
  ASSERT_EQ(first["blocks"].size(), 1u);
  EXPECT_EQ(first["blocks"][0]["operations"].size(), 1u);
  EXPECT_EQ(first["blocks"][0]["moves"][1]["amount"], "0.00000002");
  EXPECT_EQ(first["next"], (Json{{"from", 2}, {"skip", 3}}));
  // A skip past a block's end shows it empty and goes on to the next block.
  const Json past = events_json(index, 3, 99, 1, 10);
  EXPECT_EQ(past["blocks"][0]["operations"].size() + past["blocks"][0]["moves"].size(), 0u);
  EXPECT_EQ(past["next"], (Json{{"from", 4}, {"skip", 0}}));
}

}  // namespace
}  // namespace lingji::api
