#include "consensus/fork_db.h"

#include "consensus/consensus_errors.h"

namespace lingji::consensus {

namespace {

void erase_entry(std::multimap<uint64_t, core::Hash256>& index, uint64_t key, const core::Hash256& id) {
  auto range = index.equal_range(key);
  for (auto it = range.first; it != range.second; ++it)
    if (it->second == id) {
      index.erase(it);
      return;
    }
}

}  // namespace

size_t ForkDb::bytes_of(const chain::Block& block) {
  size_t size = chain::BlockHeader::kEncodedBytes;
  for (const auto& tx : block.transactions) size += tx.bytes().size();
  return size;
}

core::Status ForkDb::add(chain::Block block, const Share& share) {
  const core::Hash256 id = block.header.id();
  const size_t size = bytes_of(block);
  auto held = by_producer_.find(block.header.producer);
  const Held mine = held == by_producer_.end() ? Held{} : held->second;
  if (mine.blocks + 1 > share.blocks || mine.bytes + size > share.bytes)
    return consensus_error("consensus.fork_producer_cap",
                           "producer " + block.header.producer.hex() + " already holds " + std::to_string(mine.blocks) +
                               " blocks (" + std::to_string(mine.bytes) + " bytes) of competing branches");
  if (blocks_.size() >= max_blocks_ || bytes_ + size > max_bytes_)
    return consensus_error("consensus.fork_db_full", "the fork database is full");
  const uint64_t height = block.header.height, slot = block.header.slot;
  auto& h = by_producer_[block.header.producer];
  ++h.blocks;
  h.bytes += size;
  blocks_.emplace(id, Entry{std::move(block), size});
  by_height_.emplace(height, id);
  by_slot_.emplace(slot, id);
  bytes_ += size;
  return core::Ok();
}

const chain::Block* ForkDb::find(const core::Hash256& id) const {
  auto it = blocks_.find(id);
  return it == blocks_.end() ? nullptr : &it->second.block;
}

size_t ForkDb::producer_blocks(const core::PublicKey& producer) const {
  auto it = by_producer_.find(producer);
  return it == by_producer_.end() ? 0 : it->second.blocks;
}

void ForkDb::erase(const core::Hash256& id) {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) return;
  const auto& h = it->second.block.header;
  erase_entry(by_height_, h.height, id);
  erase_entry(by_slot_, h.slot, id);
  auto held = by_producer_.find(h.producer);
  if (held != by_producer_.end()) {
    held->second.bytes -= it->second.bytes;
    if (--held->second.blocks == 0) by_producer_.erase(held);
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

void ForkDb::prune(uint64_t final_height, uint64_t final_slot) {
  while (!by_height_.empty() && by_height_.begin()->first <= final_height) {
    const core::Hash256 id = by_height_.begin()->second;  // erase() removes the entry it names
    erase(id);
  }
  while (!by_slot_.empty() && by_slot_.begin()->first <= final_slot) {
    const core::Hash256 id = by_slot_.begin()->second;
    erase(id);
  }
}

}  // namespace lingji::consensus
