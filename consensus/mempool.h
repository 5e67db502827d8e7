// mempool.h: transactions accepted by this node and not yet in a block, in arrival order, with
// the count each sender has pending (admission.h caps it, so that one sender cannot fill it).
// Admission rules live in admission.h; this is only the bounded ordered container.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "chain/protocol/transaction.h"

namespace lingji::consensus {

class Mempool {
 public:
  explicit Mempool(size_t capacity) : capacity_(capacity) {}

  bool full() const { return by_id_.size() >= capacity_; }
  bool contains(const core::Hash256& id) const { return by_id_.count(id) != 0; }
  const chain::SignedTransaction* find(const core::Hash256& id) const;
  size_t size() const { return by_id_.size(); }
  // How many of the mempool's transactions `sender` sent.
  size_t pending_of(const core::PublicKey& sender) const;
  void add(chain::SignedTransaction tx);
  // Up to max transactions, oldest first.
  std::vector<chain::SignedTransaction> oldest(size_t max) const;
  std::vector<chain::SignedTransaction> all() const { return oldest(by_id_.size()); }
  void remove(const core::Hash256& id);

 private:
  size_t capacity_;
  uint64_t next_order_ = 0;
  std::map<uint64_t, chain::SignedTransaction> by_order_;
  std::map<core::Hash256, uint64_t> by_id_;
  std::map<core::PublicKey, size_t> by_sender_;  // no entry for a sender with none pending
};

// The latest transactions dropped after admission (expired, or no longer valid when a block
// was built), so that a client following its transaction learns why. Bounded, oldest forgotten.
class RecentRejections {
 public:
  explicit RecentRejections(size_t capacity) : capacity_(capacity) {}
  void add(const core::Hash256& id, core::Error error);
  std::optional<core::Error> find(const core::Hash256& id) const;

 private:
  size_t capacity_;
  std::deque<core::Hash256> order_;
  std::map<core::Hash256, core::Error> errors_;
};

}  // namespace lingji::consensus
