// event_index.h: the events of the most recent committed blocks (consensus/chain_events.h), kept
// in memory for GET /v1/events: what each block did (the operations applied, every movement of
// CT with its reason), without reading the chain under the node's lock.
//
// It holds the blocks committed since the node started, at most kMaxBlocks of them and about
// kMaxEvents events in all (the oldest blocks are dropped first), so a flood of full blocks
// cannot grow it; a block popped in a fork switch is dropped. The persistent history index of a
// later layer subscribes the same way.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "consensus/chain_events.h"

namespace lingji::api {

class EventIndex : public consensus::ChainObserver {
 public:
  static constexpr size_t kMaxBlocks = 1024;
  static constexpr size_t kMaxEvents = 200'000;

  struct BlockEvents {
    chain::BlockHeader header;
    core::Hash256 id;
    chain::EventLog events;
  };

  explicit EventIndex(size_t max_blocks = kMaxBlocks, size_t max_events = kMaxEvents)
      : max_blocks_(max_blocks), max_events_(max_events) {}

  void on_chain_events(const std::vector<consensus::ChainEvent>& batch) override;

  // The blocks from height `from` on, oldest first, at most max_blocks and about max_events
  // events (always at least one block when any is held at or above `from`).
  std::vector<BlockEvents> since(uint64_t from, size_t max_blocks, size_t max_events) const;
  // The lowest and highest heights held (0, 0 when empty).
  std::pair<uint64_t, uint64_t> range() const;

 private:
  static size_t count(const chain::EventLog& e) { return e.moves().size() + e.operations().size(); }

  mutable std::mutex mu_;
  std::deque<BlockEvents> blocks_;  // consecutive heights
  size_t events_ = 0;
  size_t max_blocks_;
  size_t max_events_;
};

}  // namespace lingji::api
