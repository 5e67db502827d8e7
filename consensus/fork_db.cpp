#include "consensus/fork_db.h"

namespace lingji::consensus {

bool ForkDb::add(chain::Block block) {
  const core::Hash256 id = block.header.id();
  if (blocks_.count(id) || blocks_.size() >= max_blocks_) return false;
  size_t size = chain::BlockHeader::kEncodedBytes;
  for (const auto& tx : block.transactions) size += tx.bytes().size();
  if (bytes_ + size > max_bytes_) return false;
  const uint64_t height = block.header.height;
  blocks_.emplace(id, Entry{std::move(block), size});
  by_height_.emplace(height, id);
  bytes_ += size;
  return true;
}

const chain::Block* ForkDb::find(const core::Hash256& id) const {
  auto it = blocks_.find(id);
  return it == blocks_.end() ? nullptr : &it->second.block;
}

void ForkDb::erase(const core::Hash256& id) {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) return;
  auto range = by_height_.equal_range(it->second.block.header.height);
  for (auto h = range.first; h != range.second; ++h)
    if (h->second == id) {
      by_height_.erase(h);
      break;
    }
  bytes_ -= it->second.bytes;
  blocks_.erase(it);
}

void ForkDb::erase_with_descendants(const core::Hash256& id) {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) return;
  std::vector<core::Hash256> doomed{id};
  // Heights only grow along a branch: one pass upwards from the block finds every descendant.
  for (auto h = by_height_.upper_bound(it->second.block.header.height); h != by_height_.end(); ++h) {
    const auto& previous = blocks_.at(h->second).block.header.previous;
    for (const auto& d : doomed)
      if (d == previous) {
        doomed.push_back(h->second);
        break;
      }
  }
  for (const auto& d : doomed) erase(d);
}

void ForkDb::prune(uint64_t final_height) {
  while (!by_height_.empty() && by_height_.begin()->first <= final_height) {
    const core::Hash256 id = by_height_.begin()->second;  // erase() removes the entry it names
    erase(id);
  }
}

}  // namespace lingji::consensus
