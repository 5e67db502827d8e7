// producer_keys.h: this node's producer keys (none, one or several: a test network runs many
// producers in a few processes) and each key's durable vote state (shared/CONSENSUS.md
// "Persist"): which keys vote, and why the others do not.
//
// Not thread-safe: the Controller calls it under the node's lock and it locks nothing itself.
// The keys are fixed at construction, so find(), empty() and public_keys() may be read without
// the lock; a key's safety state and voting_disabled reason change (under the lock) when the
// vote collector cannot persist a vote.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/chain.h"
#include "chain/finality/voting_rules.h"

namespace lingji::consensus {

// One producer key of this node and its durable vote state.
struct ProducerKey {
  core::PrivateKey key;
  core::PublicKey public_key;
  std::optional<chain::finality::SafetyState> safety;  // empty: this key does not vote
  std::string voting_disabled;                         // why, when it does not
  // A persist failed with an I/O error (out of descriptors, say): the key votes again once its
  // state is read back from its file (vote_collector.cpp).
  bool reload_pending = false;
};

class ProducerKeys {
 public:
  // Loads or creates each key's safety state in safety_dir (one file per key, see
  // safety_store.h); a key listed twice is kept once. A key whose file is damaged or unreadable,
  // or missing although the chain has seen the key vote, never votes: a fresh file could sign a
  // second vote in a slot it already voted in (CONSENSUS.md: no operator override).
  ProducerKeys(const std::vector<core::PrivateKey>& keys, std::filesystem::path safety_dir,
               const chain::Chain& chain);

  bool empty() const { return keys_.empty(); }
  // The first key given (any of this node's keys may sign an evidence report).
  // Requires: !empty().
  const ProducerKey& front() const { return keys_.front(); }
  const ProducerKey* find(const core::PublicKey& key) const;
  // In the order they were given.
  std::vector<core::PublicKey> public_keys() const;
  // The keys that do not vote, each with the reason, in the order they were given.
  std::vector<std::pair<core::PublicKey, std::string>> disabled_reasons() const;
  std::vector<ProducerKey>& all() { return keys_; }
  const std::filesystem::path& safety_dir() const { return safety_dir_; }

 private:
  void open_safety(ProducerKey& k, const chain::Chain& chain);

  std::filesystem::path safety_dir_;
  std::vector<ProducerKey> keys_;
};

}  // namespace lingji::consensus
