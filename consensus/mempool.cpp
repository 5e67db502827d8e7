#include "consensus/mempool.h"

namespace lingji::consensus {

void Mempool::add(chain::SignedTransaction tx) {
  uint64_t order = next_order_++;
  by_id_.emplace(tx.id(), order);
  ++by_sender_[tx.body().sender];
  by_order_.emplace(order, std::move(tx));
}

size_t Mempool::pending_of(const core::PublicKey& sender) const {
  auto it = by_sender_.find(sender);
  return it == by_sender_.end() ? 0 : it->second;
}

std::vector<chain::SignedTransaction> Mempool::oldest(size_t max) const {
  std::vector<chain::SignedTransaction> out;
  out.reserve(std::min(max, by_order_.size()));
  for (auto it = by_order_.begin(); it != by_order_.end() && out.size() < max; ++it) out.push_back(it->second);
  return out;
}

const chain::SignedTransaction* Mempool::find(const core::Hash256& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &by_order_.at(it->second);
}

void Mempool::remove(const core::Hash256& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  auto tx = by_order_.find(it->second);
  auto count = by_sender_.find(tx->second.body().sender);
  if (--count->second == 0) by_sender_.erase(count);
  by_order_.erase(tx);
  by_id_.erase(it);
}

void RecentRejections::add(const core::Hash256& id, core::Error error) {
  if (errors_.insert_or_assign(id, std::move(error)).second) order_.push_back(id);
  while (order_.size() > capacity_) {
    errors_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<core::Error> RecentRejections::find(const core::Hash256& id) const {
  auto it = errors_.find(id);
  if (it == errors_.end()) return std::nullopt;
  return it->second;
}

}  // namespace lingji::consensus
