// state.h: the chain state as an ordered key-value map, committed to by a Merkle root.
//
// Keys are short byte strings whose first byte names the module that owns them (see each
// module's *_state.h). Writes go to a StateOverlay (one per block, one per transaction on top
// of it) so a failed transaction or block leaves no trace; a block's overlay is then applied to
// the committed State, which updates the ordered map and the Merkle tree over
// (BLAKE2b(key), value) pairs incrementally and returns what is needed to undo it.
#pragma once

#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "chain/state/key_index.h"
#include "chain/state/merkle_tree.h"
#include "chain/state/state_key.h"
#include "core/bytes.h"
#include "core/hash.h"

namespace lingji::chain {

using core::Bytes;
using core::ByteView;

// The key of a per-account record: a module's prefix byte || the account's 32-byte key.
// Built inline (a StateKey holds it without a heap block): transfers build several per account.
inline StateKey account_record_key(uint8_t prefix, const core::FixedBytes<32>& account) {
  uint8_t k[33];
  k[0] = prefix;
  std::memcpy(k + 1, account.bytes.data(), 32);
  return StateKey(ByteView(k, sizeof k));
}

// The key of a numbered record: a module's prefix byte || n as 8 big-endian bytes (so records
// sort by number).
inline StateKey numbered_record_key(uint8_t prefix, uint64_t n) {
  uint8_t k[9];
  k[0] = prefix;
  for (int i = 0; i < 8; ++i) k[1 + i] = static_cast<uint8_t>(n >> (56 - 8 * i));
  return StateKey(ByteView(k, sizeof k));
}

// A set of writes; nullopt erases the key.
using ChangeSet = std::map<StateKey, std::optional<Bytes>, BytesLess>;

class StateReader {
 public:
  virtual ~StateReader() = default;
  // The value at key, or nullptr. The pointer is valid until the next write to this state.
  virtual const Bytes* get(ByteView key) const = 0;
};

class StateOverlay : public StateReader {
 public:
  explicit StateOverlay(const StateReader& base) : base_(&base) {}
  // A child overlay on top of `parent`. Without this overload `StateOverlay child(parent)` would
  // be a copy of every write the parent holds (once per transaction: quadratic in block size).
  explicit StateOverlay(StateOverlay& parent) : base_(&parent) {}
  StateOverlay(const StateOverlay&) = delete;
  StateOverlay& operator=(const StateOverlay&) = delete;
  const Bytes* get(ByteView key) const override;
  void put(StateKey key, Bytes value) { write(std::move(key), std::move(value)); }
  void erase(StateKey key) { write(std::move(key), std::nullopt); }
  const ChangeSet& writes() const { return writes_; }
  // Requires: no savepoint open.
  ChangeSet take_writes() {
    index_.clear();
    return std::move(writes_);
  }

  // A savepoint: the writes made after begin() are undone by rollback() or kept by commit().
  // One transaction's writes go straight into its block's overlay this way, instead of into a
  // child overlay that is then copied over key by key (a third of produce time at 5000 per block).
  // Requires: begin() is not nested; rollback()/commit() follow a begin().
  void begin();
  void commit();
  void rollback();

 private:
  void write(StateKey key, std::optional<Bytes> value);

  const StateReader* base_;
  ChangeSet writes_;
  KeyIndex<ChangeSet::value_type> index_;  // writes_'s lookup index (key_index.h)
  struct Prior {
    ChangeSet::value_type* entry;         // map entries survive other inserts
    bool existed;                         // false: the savepoint added the entry; rollback erases it
    std::optional<Bytes> value;           // the entry's value before the write, if it existed
  };
  bool journaling_ = false;
  std::vector<Prior> journal_;
};

class State : public StateReader {
 public:
  State() = default;
  State(const State& other);  // rebuilds the index: it points into the map it indexes
  State& operator=(const State& other);
  State(State&&) noexcept = default;  // map nodes move with the map, so the index stays valid
  State& operator=(State&&) noexcept = default;

  const Bytes* get(ByteView key) const override;
  // Applies writes and returns the previous values of the written keys (the undo set), or an
  // empty set when with_undo is false (a block this node produced is never rolled back here).
  ChangeSet apply(const ChangeSet& changes, bool with_undo = true);
  // The Merkle root of the whole state; rehashes only what changed since the last call.
  core::Hash256 root() { return tree_.root(); }
  // Visits keys starting with prefix in key order.
  void for_each(ByteView prefix, const std::function<void(const Bytes&, const Bytes&)>& fn) const;
  size_t size() const { return kv_.size(); }

 private:
  // A value and its key's BLAKE2b (the key's path in tree_), hashed once when the key is first
  // written rather than at every write: most writes update an existing account.
  struct Entry {
    Bytes value;
    core::Hash256 key_hash;
  };
  using Map = std::map<StateKey, Entry, BytesLess>;
  Map kv_;
  KeyIndex<Map::value_type> index_;  // kv_'s lookup index (key_index.h)
  MerkleTree tree_;
};

}  // namespace lingji::chain
