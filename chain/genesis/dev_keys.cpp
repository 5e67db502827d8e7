#include "chain/genesis/dev_keys.h"

#include <string>

#include "core/hash.h"

namespace lingji::chain {

core::Seed dev_seed(std::string_view name) {
  std::string text = "LINGJI/DEV-KEY/v1:" + std::string(name);
  core::Seed s;
  s.bytes = core::blake2b_256(core::as_bytes(text)).bytes;
  return s;
}

core::PrivateKey dev_key(std::string_view name) { return core::PrivateKey::from_seed(dev_seed(name)); }

}  // namespace lingji::chain
