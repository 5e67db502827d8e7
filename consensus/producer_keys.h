// producer_keys.h: this node's producer keys (none, one or several: a test network runs many
// producers in a few processes) and each key's durable vote state (shared/CONSENSUS.md
// "Persist"): which keys vote, and why the others do not.
//
// A key's safety file is created only by an explicit step for a new key (init_key: `lingjid
// --init-key`, or lingjid --dev for the chain it has just created); opening the keys never
// creates one. A key without a valid file neither votes nor signs blocks: its file also holds
// the slot of the last header it signed (safety_store.h), and without it a restart inside that
// slot could sign a second header, which is evidence that ejects the producer.
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
  std::optional<chain::finality::SafetyState> safety;  // empty: this key neither votes nor signs blocks
  std::string voting_disabled;                         // why, when it does not
  // A persist failed with an I/O error (out of descriptors, say): the key votes again once its
  // state is read back from its file (vote_collector.cpp).
  bool reload_pending = false;
};

class ProducerKeys {
 public:
  // Loads each key's safety state from safety_dir (one file per key, see safety_store.h); a key
  // listed twice is kept once. A key whose file is missing, damaged, unreadable or of version 1
  // neither votes nor signs blocks, and voting_disabled says why: a fresh file could sign a
  // second vote in a slot it already voted in (CONSENSUS.md: no operator override).
  ProducerKeys(const std::vector<core::PrivateKey>& keys, std::filesystem::path safety_dir,
               const chain::Chain& chain);

  // The explicit step for a new key (CONSENSUS.md "Set change": a key is new only if it was
  // never in any producer set): creates its safety file in safety_dir, locked on the chain's
  // final block. Refuses a key that was in a producer set of `chain` (any generation after the
  // first; the first, the genesis set, once the chain has a block or once its genesis time has
  // passed at `now`, since it may have voted on blocks this node has not seen), and a key that
  // has a file or a .tmp. The check covers only the chain this node knows: a key whose data
  // directory was lost must not be initialised again (see docs/network.md).
  // Errors: producer.key_was_in_a_set, finality.safety_file_exists, finality.safety_io_error.
  [[nodiscard]] static core::Status init_key(const std::filesystem::path& safety_dir, const core::PublicKey& key,
                                             const chain::Chain& chain, core::TimeMs now);
  // init_key's refusal for key, if any (nothing is written).
  [[nodiscard]] static core::Status check_new_key(const core::PublicKey& key, const chain::Chain& chain,
                                                  core::TimeMs now);
  // Was key a member of any producer set of chain (every generation, the genesis one included)?
  static bool ever_in_a_set(const core::PublicKey& key, const chain::Chain& chain);

  bool empty() const { return keys_.empty(); }
  // The first key given (any of this node's keys may sign an evidence report).
  // Requires: !empty().
  const ProducerKey& front() const { return keys_.front(); }
  const ProducerKey* find(const core::PublicKey& key) const;
  ProducerKey* find_mutable(const core::PublicKey& key) { return const_cast<ProducerKey*>(find(key)); }
  // In the order they were given.
  std::vector<core::PublicKey> public_keys() const;
  // The keys that do not vote, each with the reason, in the order they were given.
  std::vector<std::pair<core::PublicKey, std::string>> disabled_reasons() const;
  std::vector<ProducerKey>& all() { return keys_; }
  const std::filesystem::path& safety_dir() const { return safety_dir_; }
  // After a write of k's safety file failed with an I/O error (reload_pending): reads the state
  // back. Still unreadable: tried again at k's next vote or block; missing, damaged or of an old
  // version: k never votes nor signs again (voting_disabled says why).
  void retry_reload(ProducerKey& k);
  // Reads k's safety file again (after init_key created it).
  void reload(ProducerKey& k, const chain::Chain& chain) {
    k.safety.reset();
    k.voting_disabled.clear();
    open_safety(k, chain);
  }

 private:
  void open_safety(ProducerKey& k, const chain::Chain& chain);

  std::filesystem::path safety_dir_;
  std::vector<ProducerKey> keys_;
};

}  // namespace lingji::consensus
