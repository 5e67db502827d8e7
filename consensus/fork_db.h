// fork_db.h: the blocks of branches this node does not follow (yet), kept until a block at
// their height is final. The followed branch lives in the store; a block whose parent is on it
// or in here waits here, and when its branch has the higher quorum certificate the controller
// switches to it (shared/CONSENSUS.md: follow the highest QC, never revert a final block).
// Bounded in blocks and bytes: a flood of competing blocks cannot exhaust memory.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "chain/protocol/block.h"

namespace lingji::consensus {

class ForkDb {
 public:
  ForkDb(size_t max_blocks, size_t max_bytes) : max_blocks_(max_blocks), max_bytes_(max_bytes) {}

  // False when the block is already here or the database is full.
  bool add(chain::Block block);
  const chain::Block* find(const core::Hash256& id) const;
  bool contains(const core::Hash256& id) const { return blocks_.count(id) != 0; }
  void erase(const core::Hash256& id);
  // Erases the block and every block here that descends from it (an invalid branch).
  void erase_with_descendants(const core::Hash256& id);
  // Forgets the blocks at heights <= final_height: they can never be followed.
  void prune(uint64_t final_height);
  size_t size() const { return blocks_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    chain::Block block;
    size_t bytes;
  };
  size_t max_blocks_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::map<core::Hash256, Entry> blocks_;
  std::multimap<uint64_t, core::Hash256> by_height_;
};

}  // namespace lingji::consensus
