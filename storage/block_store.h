// block_store.h: the node's durable store, on RocksDB.
//
// Column families and their records (heights are u64 big-endian so keys sort by height):
//   default    "genesis" -> genesis JSON text; "head" -> height:u64 (the last committed block)
//   blocks     height -> where the block's bytes (canonical encoding, chain/protocol/block.h)
//              lie in the block files, DIR/blocks/blkNNNNN.dat (block_files.h)
//   block_ids  block id -> height
//   txs        transaction id -> height:u64 index:u32
//   state      state key -> value (chain/state/state.h), the state after the head block
//   undo       height -> the previous values of the keys that block wrote (encode_change_set),
//              kept until the block is final so that a branch switch can pop it
//   default    "format" -> "4" (block_store.cpp says what each changed); older stores are refused at open
// commit_block() appends the block's bytes to the block files, then writes its location, its
// indexes, its state changes and the new head in one WriteBatch, so after a crash at any moment
// the store holds either all of a block or none of it (bytes written but never committed are
// dead space nothing points at). With sync_writes the block's bytes and then the batch are
// fsynced before commit_block() returns (survives power loss). Without it, it survives a killed
// process but not a lost machine: the kernel may write a block's location to disk before its
// bytes, so a store that lost power may have to be discarded.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/protocol/block.h"
#include "chain/state/state.h"
#include "core/result.h"
#include "storage/storage_errors.h"

namespace lingji::storage {

struct TxLocation {
  uint64_t height;
  uint32_t index;
};

// The undo record's encoding: count:u32 then per entry key:bytes present:u8 [value:bytes].
core::Bytes encode_change_set(const chain::ChangeSet& changes);
std::optional<chain::ChangeSet> decode_change_set(core::ByteView bytes);

class BlockStore {
 public:
  // RocksDB keeps at most this many table files open (it would keep every one by default): the
  // node budgets its descriptors with it (node/fd_budget.h).
  static constexpr int kMaxOpenTableFiles = 256;

  static core::Result<std::unique_ptr<BlockStore>> open(const std::filesystem::path& dir, bool sync_writes);
  ~BlockStore();

  // The genesis this store was created with; nullopt for a new store.
  std::optional<std::string> genesis_json() const;
  [[nodiscard]] core::Status put_genesis_json(const std::string& json);

  // Requires: block.header.height == head_height() + 1 (or 1 for an empty store).
  // undo is what pop_head() needs to take the block back off (chain/chain.h BlockChanges).
  [[nodiscard]] core::Status commit_block(const chain::Block& block, const chain::ChangeSet& writes,
                                          const chain::ChangeSet& undo);
  // Takes the head block off in one atomic batch: its indexes go, its undo set is written back
  // into the state, and the head becomes its parent. Returns the block. Errors: storage.corruption
  // when the head has no undo record (it is final, or older than this format).
  [[nodiscard]] core::Result<chain::Block> pop_head();
  // The undo set of the block at height, if it is still kept.
  std::optional<chain::ChangeSet> undo_at(uint64_t height) const;
  // Forgets the undo sets at heights <= final_height: final blocks are never popped.
  [[nodiscard]] core::Status prune_undo(uint64_t final_height);

  // 0 when no block has been committed. Read it under the writer's lock.
  uint64_t head_height() const;
  // The reads of stored blocks below (block_at to header_at) are safe beside commit_block and
  // pop_head on another thread, so a reader needs no lock: a block is visible whole or not at all
  // (its bytes are written before its location), and a final block never changes. A block above
  // the last final block may be popped between two reads.
  std::optional<chain::Block> block_at(uint64_t height) const;
  std::optional<core::Bytes> block_bytes_at(uint64_t height) const;
  std::optional<uint64_t> height_of(const core::Hash256& block_id) const;
  std::optional<TxLocation> find_transaction(const core::Hash256& tx_id) const;
  // One transaction of a stored block, decoded without decoding the others.
  std::optional<chain::SignedTransaction> transaction_at(const TxLocation& loc) const;
  std::optional<chain::BlockHeader> header_at(uint64_t height) const;
  std::vector<std::pair<core::Bytes, core::Bytes>> load_state() const;

  // Test instrumentation: hook runs on the reading thread before each read from the block files
  // (tests use it to see which locks a read holds). Requires: no read runs while it is set.
  void set_read_hook(std::function<void()> hook);

  // Replaces the whole stored state (used by --replay to repair a damaged state).
  [[nodiscard]] core::Status replace_state(const std::vector<std::pair<core::Bytes, core::Bytes>>& entries);

 private:
  struct Impl;
  explicit BlockStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingji::storage
