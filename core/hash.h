// hash.h: BLAKE2b-256 (the chain's hash: ids, Merkle trees, state root) and SHA-256, from libsodium.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>

#include "core/bytes.h"

namespace lingji::core {

using Hash256 = FixedBytes<32>;

Hash256 blake2b_256(ByteView data);
Hash256 sha256(ByteView data);

// BLAKE2b-256 with the salt and personalization fields of BLAKE2's parameter block (16 bytes
// each). A domain tag or a small header carried there costs nothing, where prefix bytes in the
// input would push a full 128-byte input into a second compression.
using Blake2bParam = std::array<uint8_t, 16>;
Hash256 blake2b_256(ByteView data, const Blake2bParam& salt, const Blake2bParam& personal);

// Incremental BLAKE2b-256, for hashing several pieces without concatenating them.
class Blake2b {
 public:
  Blake2b();
  Blake2b& update(ByteView data);
  Blake2b& update(const Hash256& h) { return update(h.view()); }
  Hash256 finish();

 private:
  crypto_generichash_state state_;
};

// Calls sodium_init() once; every entry point that uses libsodium may call it.
void ensure_sodium();

}  // namespace lingji::core
