#include "consensus/chain_events.h"

namespace lingji::consensus {

void EventOutbox::committed(const chain::Block& block, chain::EventLog events) {
  pending_.push_back(ChainEvent{ChainEvent::Kind::kCommitted, block.header, block.header.id(), std::move(events)});
}

void EventOutbox::reverted(const chain::BlockHeader& header) {
  pending_.push_back(ChainEvent{ChainEvent::Kind::kReverted, header, header.id(), {}});
}

EventOutbox::Batch EventOutbox::take() {
  Batch b;
  b.ticket = next_ticket_++;
  b.events.swap(pending_);
  return b;
}

void EventOutbox::deliver(Batch batch) {
  std::unique_lock lock(deliver_mu_);
  turn_.wait(lock, [&] { return next_delivery_ == batch.ticket; });
  // Observers run without the mutex (they may call the node); the next batch waits for its
  // turn, which comes only after this one's observers return.
  const auto observers = observers_;
  lock.unlock();
  if (!batch.events.empty())
    for (const auto& o : observers) o->on_chain_events(batch.events);
  lock.lock();
  ++next_delivery_;
  turn_.notify_all();
}

void EventOutbox::subscribe(std::shared_ptr<ChainObserver> observer) {
  std::lock_guard lock(deliver_mu_);
  observers_.push_back(std::move(observer));
}

}  // namespace lingji::consensus
