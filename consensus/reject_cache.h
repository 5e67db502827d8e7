// reject_cache.h: peers' transactions that failed the state checks lately, by id, so that a peer
// sending one again costs a map lookup instead of a signature verification.
//
// An entry holds while the head it was judged on is the head: a new block may make the
// transaction valid (a deposit, a sequence now due), and then it is judged again, once. The id
// covers the body only, which is all the state checks read, and an entry is made only after the
// signature verified, so a forged copy cannot poison it. Bounded: the oldest entry goes first.
// Not thread-safe: the Controller keeps it under its lock.
#pragma once

#include <deque>
#include <map>
#include <optional>

#include "core/hash.h"
#include "core/result.h"

namespace lingji::consensus {

class RejectCache {
 public:
  explicit RejectCache(size_t capacity) : capacity_(capacity) {}

  void add(const core::Hash256& tx_id, const core::Hash256& head_id, core::Error error) {
    if (capacity_ == 0) return;
    auto [it, inserted] = entries_.insert_or_assign(tx_id, Entry{head_id, std::move(error)});
    if (!inserted) return;
    order_.push_back(tx_id);
    if (order_.size() > capacity_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
  }
  // The error tx_id was refused with on this head, if it was.
  std::optional<core::Error> find(const core::Hash256& tx_id, const core::Hash256& head_id) const {
    auto it = entries_.find(tx_id);
    if (it == entries_.end() || it->second.head != head_id) return std::nullopt;
    return it->second.error;
  }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    core::Hash256 head;
    core::Error error;
  };
  size_t capacity_;
  std::deque<core::Hash256> order_;
  std::map<core::Hash256, Entry> entries_;
};

}  // namespace lingji::consensus
