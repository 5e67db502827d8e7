// finality_test_util.h: keys, sets and blocks shared by the finality tests.
#pragma once

#include <string>
#include <vector>

#include "chain/finality/finality_rule.h"
#include "chain/genesis/dev_keys.h"

namespace lingji::chain::finality::test_util {

inline const Hash256 kChain = core::blake2b_256(core::as_bytes("finality-test-chain"));
inline const Hash256 kOtherChain = core::blake2b_256(core::as_bytes("another-chain"));

inline Hash256 id_of(const std::string& name) { return core::blake2b_256(core::as_bytes(name)); }

// Deterministic key number i (the same i always gives the same key).
inline core::PrivateKey test_key(size_t i) { return dev_key("finality-test-" + std::to_string(i)); }

inline std::vector<core::PrivateKey> test_keys(size_t from, size_t n) {
  std::vector<core::PrivateKey> out;
  for (size_t i = 0; i < n; ++i) out.push_back(test_key(from + i));
  return out;
}

inline std::vector<PublicKey> public_keys(const std::vector<core::PrivateKey>& keys) {
  std::vector<PublicKey> out;
  for (const auto& k : keys) out.push_back(k.public_key());
  return out;
}

inline BlockRef block(uint64_t slot, const std::string& name, const BlockRef& parent, const BlockRef& justify) {
  return BlockRef{slot, parent.height + 1, id_of(name), parent.id, justify.slot, justify.id};
}

inline const BlockRef kGenesis{0, 0, id_of("genesis"), Hash256{}, 0, Hash256{}};

}  // namespace lingji::chain::finality::test_util
