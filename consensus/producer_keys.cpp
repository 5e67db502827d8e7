#include "consensus/producer_keys.h"

#include "chain/producers/schedule.h"
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

void ProducerKeys::open_safety(ProducerKey& k, const chain::Chain& chain) {
  const core::PublicKey& key = k.public_key;
  auto loaded = SafetyStore::load(safety_dir_, key);
  if (loaded.status == SafetyLoad::kOk) {
    k.safety = loaded.state;
    return;
  }
  if (loaded.status != SafetyLoad::kMissing) {
    k.voting_disabled = "the safety file of this key is damaged or unreadable (" + loaded.reason +
                        "); this key never votes again: register a new signing key";
    return;
  }
  // No file: only a key that the chain has never seen voting may start afresh; for any other a
  // fresh file could sign a second vote in a slot it already voted in.
  chain::ProducerRecord voted;
  for (uint64_t g = 0;; ++g) {
    auto members = chain::load_generation(chain.state(), g);
    if (members.empty()) break;
    for (const auto& m : members)
      if (m.signing_key == key) voted.votes_cast += chain::load_producer_record(chain.state(), m.account).votes_cast;
  }
  if (voted.votes_cast > 0) {
    k.voting_disabled = "this key has voted on this chain but its safety file is missing; it never votes again: "
                        "register a new signing key";
    return;
  }
  const auto fin = chain.final_block();
  auto initial = chain::finality::SafetyState::initial(fin.slot, fin.id);
  if (auto st = SafetyStore::create(safety_dir_, key, initial); !st) {
    k.voting_disabled = st.error().message;
    return;
  }
  k.safety = initial;
}

}  // namespace lingji::consensus
