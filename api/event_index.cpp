#include "api/event_index.h"

namespace lingji::api {

void EventIndex::on_chain_events(const std::vector<consensus::ChainEvent>& batch) {
  std::lock_guard lock(mu_);
  for (const auto& e : batch) {
    if (e.kind == consensus::ChainEvent::Kind::kReverted) {
      if (!blocks_.empty() && blocks_.back().id == e.id) {
        events_ -= count(blocks_.back().events);
        blocks_.pop_back();
      }
      continue;
    }
    // A gap (the block below was dropped by a revert of blocks older than we hold, or the node
    // started mid-chain) restarts the window: heights stay consecutive.
    if (!blocks_.empty() && blocks_.back().header.height + 1 != e.header.height) {
      blocks_.clear();
      events_ = 0;
    }
    blocks_.push_back(BlockEvents{e.header, e.id, e.events});
    events_ += count(e.events);
    while (blocks_.size() > 1 && (blocks_.size() > max_blocks_ || events_ > max_events_)) {
      events_ -= count(blocks_.front().events);
      blocks_.pop_front();
    }
  }
}

std::vector<EventIndex::BlockEvents> EventIndex::since(uint64_t from, size_t max_blocks, size_t max_events) const {
  std::lock_guard lock(mu_);
  std::vector<BlockEvents> out;
  if (blocks_.empty() || max_blocks == 0) return out;
  const uint64_t first = blocks_.front().header.height;
  size_t i = from <= first ? 0 : static_cast<size_t>(from - first);
  size_t events = 0;
  for (; i < blocks_.size() && out.size() < max_blocks; ++i) {
    const size_t n = count(blocks_[i].events);
    if (!out.empty() && events + n > max_events) break;
    out.push_back(blocks_[i]);
    events += n;
  }
  return out;
}

std::pair<uint64_t, uint64_t> EventIndex::range() const {
  std::lock_guard lock(mu_);
  if (blocks_.empty()) return {0, 0};
  return {blocks_.front().header.height, blocks_.back().header.height};
}

}  // namespace lingji::api
