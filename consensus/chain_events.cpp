#include "consensus/chain_events.h"

#include <cstdio>
#include <cstdlib>

namespace lingji::consensus {
namespace {

// Set while this thread runs observers: a head change from inside one would wait for its own
// batch forever.
thread_local bool in_observer = false;

}  // namespace

EventOutbox::Batch& EventOutbox::Batch::operator=(Batch&& o) noexcept {
  if (this != &o) {
    if (outbox_) outbox_->deliver(ticket_, events_);
    outbox_ = o.outbox_;
    ticket_ = o.ticket_;
    events_ = std::move(o.events_);
    o.outbox_ = nullptr;
  }
  return *this;
}

EventOutbox::Batch::~Batch() {
  if (outbox_) outbox_->deliver(ticket_, events_);
}

void EventOutbox::committed(const chain::Block& block, chain::EventLog events, uint64_t final_height) {
  pending_.push_back(
      ChainEvent{ChainEvent::Kind::kCommitted, block.header, block.header.id(), std::move(events), final_height});
}

void EventOutbox::reverted(const chain::BlockHeader& header) {
  pending_.push_back(ChainEvent{ChainEvent::Kind::kReverted, header, header.id(), {}, 0});
}

EventOutbox::Batch EventOutbox::take() {
  if (in_observer) {
    std::fputs("lingjid: fatal: a chain-event observer changed the head (it would wait for itself)\n", stderr);
    std::abort();
  }
  Batch b;
  b.outbox_ = this;
  b.ticket_ = next_ticket_++;
  b.events_.swap(pending_);
  return b;
}

void EventOutbox::deliver(uint64_t ticket, const std::vector<ChainEvent>& events) {
  std::unique_lock lock(deliver_mu_);
  turn_.wait(lock, [&] { return next_delivery_ == ticket; });
  // Observers run without the mutex (they may read the node); the next batch waits for its turn,
  // which comes only after this one's observers return.
  const auto observers = observers_;
  lock.unlock();
  uint64_t failures = 0;
  if (!events.empty()) {
    in_observer = true;
    for (const auto& o : observers) {
      try {
        o->on_chain_events(events);
      } catch (...) {  // an observer's bug (or bad_alloc) must not stop the chain
        ++failures;
      }
    }
    in_observer = false;
  }
  lock.lock();
  observer_failures_ += failures;
  ++next_delivery_;
  turn_.notify_all();
}

void EventOutbox::subscribe(std::shared_ptr<ChainObserver> observer) {
  std::lock_guard lock(deliver_mu_);
  observers_.push_back(std::move(observer));
}

uint64_t EventOutbox::observer_failures() const {
  std::lock_guard lock(deliver_mu_);
  return observer_failures_;
}

}  // namespace lingji::consensus
