#include "consensus/producer_keys.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "chain/producers/schedule.h"
#include "consensus/consensus_errors.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {

ProducerKeys::ProducerKeys(const std::vector<core::PrivateKey>& keys, std::filesystem::path safety_dir,
                           const chain::Chain& chain)
    : safety_dir_(std::move(safety_dir)) {
  for (const auto& key : keys) {
    if (find(key.public_key())) continue;
    ProducerKey& k = keys_.emplace_back(ProducerKey{key, key.public_key(), std::nullopt, {}});
    open_safety(k, chain);
  }
}

const ProducerKey* ProducerKeys::find(const core::PublicKey& key) const {
  for (const auto& k : keys_)
    if (k.public_key == key) return &k;
  return nullptr;
}

std::vector<core::PublicKey> ProducerKeys::public_keys() const {
  std::vector<core::PublicKey> out;
  for (const auto& k : keys_) out.push_back(k.public_key);
  return out;
}

std::vector<std::pair<core::PublicKey, std::string>> ProducerKeys::disabled_reasons() const {
  std::vector<std::pair<core::PublicKey, std::string>> out;
  for (const auto& k : keys_)
    if (!k.voting_disabled.empty()) out.emplace_back(k.public_key, k.voting_disabled);
  return out;
}

bool ProducerKeys::ever_in_a_set(const core::PublicKey& key, const chain::Chain& chain) {
  for (uint64_t g = 0;; ++g) {
    auto members = chain::load_generation(chain.state(), g);
    if (members.empty()) return false;
    for (const auto& m : members)
      if (m.signing_key == key) return true;
  }
}

core::Status ProducerKeys::check_new_key(const core::PublicKey& key, const chain::Chain& chain, core::TimeMs now) {
  const std::string who = "key " + key.hex();
  const auto genesis_set = chain::generation_keys(chain.state(), 0);
  const bool in_genesis_set = std::find(genesis_set.begin(), genesis_set.end(), key) != genesis_set.end();
  // The genesis set may vote from block 1 on: its keys are new only while no block can exist,
  // before the chain's genesis time (a block comes one slot later, so a clock up to a slot
  // behind is still safe).
  if (in_genesis_set && chain.head().height == 0 && now >= chain.genesis().genesis_time)
    return consensus_error("producer.key_was_in_a_set",
                           who + " is in the genesis producer set and the chain started at " +
                               std::to_string(chain.genesis().genesis_time) +
                               " ms: it may have voted; a genesis key gets its safety file before the genesis time");
  if ((in_genesis_set && chain.head().height > 0) || (!in_genesis_set && ever_in_a_set(key, chain)))
    return consensus_error("producer.key_was_in_a_set",
                           who + " was in a producer set of this chain: it may have voted, so it never gets a new "
                                 "safety file (CONSENSUS.md \"Persist\"); register a new signing key");
  return core::Ok();
}

core::Status ProducerKeys::init_key(const std::filesystem::path& safety_dir, const core::PublicKey& key,
                                    const chain::Chain& chain, core::TimeMs now) {
  if (auto st = check_new_key(key, chain, now); !st) return st;
  const auto fin = chain.final_block();
  return SafetyStore::create(safety_dir, key, chain::finality::SafetyState::initial(fin.slot, fin.id));
}

void ProducerKeys::retry_reload(ProducerKey& k) {
  LoadedSafety loaded = SafetyStore::load(safety_dir_, k.public_key);
  switch (loaded.status) {
    case SafetyLoad::kOk:
      k.safety = std::move(loaded.state);
      k.reload_pending = false;
      k.voting_disabled.clear();
      spdlog::info("key {}: safety file read back after a failed write; voting and signing again", k.public_key.hex());
      return;
    case SafetyLoad::kUnreadable:  // still failing: tried again at the next vote
      k.voting_disabled = "cannot read back the vote state (retried at each block): " + loaded.reason;
      return;
    case SafetyLoad::kMissing:
    case SafetyLoad::kDamaged:
    case SafetyLoad::kOldVersion:
      k.reload_pending = false;
      k.voting_disabled = "the safety file is missing or damaged after a failed write (" + loaded.reason +
                          "); this key never votes nor signs again: register a new signing key";
      spdlog::error("key {}: {}", k.public_key.hex(), k.voting_disabled);
      return;
  }
}

void ProducerKeys::open_safety(ProducerKey& k, const chain::Chain& chain) {
  const core::PublicKey& key = k.public_key;
  auto loaded = SafetyStore::load(safety_dir_, key);
  switch (loaded.status) {
    case SafetyLoad::kOk:
      k.safety = loaded.state;
      return;
    case SafetyLoad::kOldVersion:
      k.voting_disabled = "the safety file of this key is too old (" + loaded.reason +
                          "); this key never votes nor signs blocks again: register a new signing key";
      return;
    case SafetyLoad::kDamaged:
    case SafetyLoad::kUnreadable:
      k.voting_disabled = "the safety file of this key is damaged or unreadable (" + loaded.reason +
                          "); this key never votes nor signs blocks again: register a new signing key";
      return;
    case SafetyLoad::kMissing:
      break;
  }
  // Never created implicitly: without its file the node cannot know what the key signed before
  // (a data directory restored or wiped looks exactly like a new key's).
  if (ever_in_a_set(key, chain) && chain.head().height > 0)
    k.voting_disabled = "this key has no safety file but was in a producer set of this chain: it may have voted, "
                        "so it never votes nor signs blocks again (CONSENSUS.md \"Persist\"); register a new signing key";
  else
    k.voting_disabled = "this key has no safety file in " + safety_dir_.string() +
                        ": it neither votes nor signs blocks. A new key (never in a producer set) gets one with "
                        "lingjid --init-key; a key that was ever in a set and lost its file must be replaced by "
                        "a new signing key";
}

}  // namespace lingji::consensus
