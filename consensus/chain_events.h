// chain_events.h: what committed blocks did, handed to subscribers (api/'s event index, later
// the history index and the WebSocket stream) in chain order and outside the node's lock, so
// that a subscriber never reads the chain's internals under the lock (chain/events.h has what a
// block reports).
//
// The fork choice and the producer record each block they store (kCommitted, with its events)
// and each block they pop in a fork switch (kReverted); the Controller takes the records at the
// end of each locked section (take()) and delivers them after releasing the lock (deliver()).
// Tickets keep batches in the order they were taken even when two threads deliver at once, and
// nothing is held while an observer runs, so an observer may call the Controller.
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
};

class ChainObserver {
 public:
  virtual ~ChainObserver() = default;
  // Runs on the thread that changed the head, after the node's lock is released; must be quick
  // (it delays that thread's next block or vote).
  virtual void on_chain_events(const std::vector<ChainEvent>& batch) = 0;
};

class EventOutbox {
 public:
  struct Batch {
    uint64_t ticket = 0;
    std::vector<ChainEvent> events;
  };

  // Under the node's lock.
  void committed(const chain::Block& block, chain::EventLog events);
  void reverted(const chain::BlockHeader& header);
  // Under the node's lock: what was recorded since the last take, with its place in line.
  Batch take();

  // Outside the node's lock: hands batch to every observer once every batch taken before it was
  // handed out.
  void deliver(Batch batch);
  // Adds an observer; it sees the batches delivered from then on.
  void subscribe(std::shared_ptr<ChainObserver> observer);

 private:
  std::vector<ChainEvent> pending_;  // emptied by every take(), so it holds one locked section's
  uint64_t next_ticket_ = 0;

  std::mutex deliver_mu_;
  std::condition_variable turn_;
  uint64_t next_delivery_ = 0;
  std::vector<std::shared_ptr<ChainObserver>> observers_;
};

}  // namespace lingji::consensus
