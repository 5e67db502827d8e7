// fork_db.h: the blocks of branches this node does not follow (yet), kept until a block at
// their height or slot is final. The followed branch lives in the store; a block whose parent is
// on it or in here waits here, and when its branch has the higher quorum certificate the
// controller switches to it (shared/CONSENSUS.md: follow the highest QC, never revert a final
// block). What may enter is ForkChoice's decision (fork_choice.h: window, justify, shares).
// Bounded in blocks and bytes, in total and per producer: one Byzantine producer cannot take
// the room of the others.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "chain/protocol/block.h"
#include "core/result.h"

namespace lingji::consensus {

class ForkDb {
 public:
  ForkDb(size_t max_blocks, size_t max_bytes) : max_blocks_(max_blocks), max_bytes_(max_bytes) {}

  // How much one producer's blocks may hold.
  struct Share {
    size_t blocks;
    size_t bytes;
  };
  // Adds a block that is not here yet. Errors: consensus.fork_producer_cap (its producer's share
  // is used up), consensus.fork_db_full.
  [[nodiscard]] core::Status add(chain::Block block, const Share& share);
  const chain::Block* find(const core::Hash256& id) const;
  bool contains(const core::Hash256& id) const { return blocks_.count(id) != 0; }
  void erase(const core::Hash256& id);
  // Erases the block and every block here that descends from it (an invalid branch).
  void erase_with_descendants(const core::Hash256& id);
  // Forgets the blocks at heights <= final_height or slots <= final_slot: they can never be
  // followed (a block after the final one has a higher slot).
  void prune(uint64_t final_height, uint64_t final_slot);
  size_t size() const { return blocks_.size(); }
  size_t bytes() const { return bytes_; }
  size_t producer_blocks(const core::PublicKey& producer) const;
  // The bytes add() counts for a block: its header and transactions.
  static size_t bytes_of(const chain::Block& block);

 private:
  struct Entry {
    chain::Block block;
    size_t bytes;
  };
  struct Held {
    size_t blocks = 0;
    size_t bytes = 0;
  };
  size_t max_blocks_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::map<core::Hash256, Entry> blocks_;
  std::multimap<uint64_t, core::Hash256> by_height_;
  std::multimap<uint64_t, core::Hash256> by_slot_;
  std::map<core::PublicKey, Held> by_producer_;  // only producers with a block here
};

}  // namespace lingji::consensus
