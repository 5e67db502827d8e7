// event_index.h: the events of the most recent committed blocks (consensus/chain_events.h), kept
// in memory for GET /v1/events: what each block did (the operations applied, every movement of
// CT with its reason), without reading the chain under the node's lock.
//
// It holds the blocks committed since the node started, at most kMaxBlocks of them and about
// kMaxEvents events in all (the oldest blocks are dropped first; a single larger block is kept
// alone), so a flood of full blocks cannot grow it; a block popped in a fork switch is dropped.
// Blocks are shared immutable records, so a reader copies pointers under the index's mutex and
// builds its answer outside it: a client asking over and over never holds up the thread that
// delivers the next block. The persistent history index of a later layer subscribes the same
// way.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
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
    // A block's events in one order: its operations, then its moves.
    size_t size() const { return events.operations().size() + events.moves().size(); }
  };

  // What a reader sees, taken at one moment.
  struct Snapshot {
    std::vector<std::shared_ptr<const BlockEvents>> blocks;  // from the height asked, oldest first
    uint64_t oldest = 0;        // the heights held (0, 0 when empty)
    uint64_t newest = 0;
    uint64_t final_height = 0;  // the last final block the node knew at its newest block
  };

  explicit EventIndex(size_t max_blocks = kMaxBlocks, size_t max_events = kMaxEvents)
      : max_blocks_(max_blocks), max_events_(max_events) {}

  void on_chain_events(const std::vector<consensus::ChainEvent>& batch) override;

  // The blocks from height `from` on, oldest first, at most max_blocks of them.
  Snapshot since(uint64_t from, size_t max_blocks) const;

 private:
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const BlockEvents>> blocks_;  // consecutive heights
  size_t events_ = 0;
  uint64_t final_height_ = 0;
  size_t max_blocks_;
  size_t max_events_;
};

}  // namespace lingji::api
