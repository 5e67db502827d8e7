// replay.h: rebuilding a node's state from its stored blocks (lingjid --replay), and the two
// store helpers the Controller shares with it: the stored genesis, and a state's entries.
//
// Needs no lock: replay opens the store itself and must run while no node uses the data
// directory.
#pragma once

#include <filesystem>
#include <utility>
#include <vector>

#include "chain/genesis/genesis.h"
#include "chain/state/state.h"
#include "storage/block_store.h"

namespace lingji::consensus {

// Re-applies every stored block from genesis, checking signatures (on all cores), every rule
// and the state root at every height; then rewrites the stored state from the result.
struct ReplayReport {
  uint64_t blocks = 0;
  uint64_t transactions = 0;
  double seconds = 0;
};
// threads = 0: one signature worker per core. Errors: storage.corruption (a missing or damaged
// block, or no genesis), tx.bad_signature, and the first block's rule violation.
core::Result<ReplayReport> replay(const std::filesystem::path& data_dir, unsigned threads = 0);

// The genesis the store holds. Errors: storage.corruption when it holds none, genesis.*.
core::Result<chain::Genesis> stored_genesis(const storage::BlockStore& store);
// Every (key, value) of the state, in key order (what BlockStore::replace_state takes).
std::vector<std::pair<core::Bytes, core::Bytes>> state_entries(const chain::State& s);

}  // namespace lingji::consensus
