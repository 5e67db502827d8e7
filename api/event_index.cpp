#include "api/event_index.h"

namespace lingji::api {

void EventIndex::on_chain_events(const std::vector<consensus::ChainEvent>& batch) {
  // The records are built before the lock: only pointers move under it.
  std::vector<std::shared_ptr<const BlockEvents>> made;
  for (const auto& e : batch)
    made.push_back(e.kind == consensus::ChainEvent::Kind::kCommitted
                       ? std::make_shared<const BlockEvents>(BlockEvents{e.header, e.id, e.events})
                       : nullptr);
  std::lock_guard lock(mu_);
  for (size_t k = 0; k < batch.size(); ++k) {
    const auto& e = batch[k];
    if (e.kind == consensus::ChainEvent::Kind::kReverted) {
      if (!blocks_.empty() && blocks_.back()->id == e.id) {
        events_ -= blocks_.back()->size();
        blocks_.pop_back();
      }
      continue;
    }
    // A gap (the node started mid-chain, or a revert reached below what is held) restarts the
    // window: heights stay consecutive.
    if (!blocks_.empty() && blocks_.back()->header.height + 1 != e.header.height) {
      blocks_.clear();
      events_ = 0;
    }
    blocks_.push_back(std::move(made[k]));
    events_ += blocks_.back()->size();
    final_height_ = std::max(final_height_, e.final_height);  // finality never goes back
    while (blocks_.size() > 1 && (blocks_.size() > max_blocks_ || events_ > max_events_)) {
      events_ -= blocks_.front()->size();
      blocks_.pop_front();
    }
  }
}

EventIndex::Snapshot EventIndex::since(uint64_t from, size_t max_blocks) const {
  std::lock_guard lock(mu_);
  Snapshot out;
  out.final_height = final_height_;
  if (blocks_.empty()) return out;
  out.oldest = blocks_.front()->header.height;
  out.newest = blocks_.back()->header.height;
  size_t i = from <= out.oldest ? 0 : static_cast<size_t>(std::min<uint64_t>(from - out.oldest, blocks_.size()));
  for (; i < blocks_.size() && out.blocks.size() < max_blocks; ++i) out.blocks.push_back(blocks_[i]);
  return out;
}

}  // namespace lingji::api
