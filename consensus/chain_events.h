// chain_events.h: what committed blocks did, handed to subscribers (api/'s event index, later
// the history index and the WebSocket stream) in chain order and outside the node's lock, so
// that a subscriber never reads the chain's internals under the lock (chain/events.h has what a
// block reports).
//
// The fork choice and the producer record each block they store (kCommitted, with its events)
// and each block they pop in a fork switch (kReverted); the Controller takes the records at the
// end of each locked section (take()) and delivers them after releasing the lock (the Batch
// delivers itself when it goes out of scope, also when an exception unwinds past it, so a ticket
// is never lost). Tickets keep batches in the order they were taken even when two threads
// deliver at once. No lock is held while an observer runs, so it may read the Controller; it
// must not make it change the head (accept_block, produce): that would wait for its own batch,
// and aborts instead.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "chain/events.h"
#include "chain/protocol/block.h"

namespace lingji::consensus {

struct ChainEvent {
  enum class Kind : uint8_t { kCommitted, kReverted };
  Kind kind = Kind::kCommitted;
  chain::BlockHeader header;
  core::Hash256 id;
  chain::EventLog events;  // empty for kReverted: a subscriber drops what it had for the block
  uint64_t final_height = 0;  // the last final block's height once this block was applied
};

class ChainObserver {
 public:
  virtual ~ChainObserver() = default;
  // Runs on the thread that changed the head, after the node's lock is released; must be quick
  // (it delays that thread's next block or vote). An exception is counted and dropped.
  virtual void on_chain_events(const std::vector<ChainEvent>& batch) = 0;
};

class EventOutbox {
 public:
  // What one locked section recorded, with its place in line; delivered once, when it goes out
  // of scope (take it before the lock, so that it is destroyed after the lock is released).
  class Batch {
   public:
    Batch() = default;
    Batch(Batch&& o) noexcept : outbox_(o.outbox_), ticket_(o.ticket_), events_(std::move(o.events_)) {
      o.outbox_ = nullptr;
    }
    Batch& operator=(Batch&& o) noexcept;
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    ~Batch();
    const std::vector<ChainEvent>& events() const { return events_; }

   private:
    friend class EventOutbox;
    EventOutbox* outbox_ = nullptr;  // null: nothing to deliver
    uint64_t ticket_ = 0;
    std::vector<ChainEvent> events_;
  };

  // Under the node's lock.
  void committed(const chain::Block& block, chain::EventLog events, uint64_t final_height);
  void reverted(const chain::BlockHeader& header);
  // Under the node's lock: what was recorded since the last take, with its place in line.
  Batch take();

  // Adds an observer; it sees the batches delivered from then on.
  void subscribe(std::shared_ptr<ChainObserver> observer);
  // Exceptions observers threw (each dropped).
  uint64_t observer_failures() const;

 private:
  std::vector<ChainEvent> pending_;  // emptied by every take(), so it holds one locked section's
  uint64_t next_ticket_ = 0;

  // Hands events to every observer once every batch taken before ticket was handed out.
  void deliver(uint64_t ticket, const std::vector<ChainEvent>& events);

  mutable std::mutex deliver_mu_;
  std::condition_variable turn_;
  uint64_t next_delivery_ = 0;
  std::vector<std::shared_ptr<ChainObserver>> observers_;
  uint64_t observer_failures_ = 0;
};

}  // namespace lingji::consensus
