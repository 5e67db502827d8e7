#include "core/hash.h"

#include <cstdlib>

namespace lingji::core {

void ensure_sodium() {
  static const int rc = sodium_init();
  if (rc < 0) std::abort();  // libsodium unusable: nothing is safe to do
}

// libsodium requires sodium_init() before any other call (it selects the BLAKE2b implementation),
// and these are entry points: a caller may hash before it ever creates a key.
Hash256 blake2b_256(ByteView data) {
  ensure_sodium();
  Hash256 h;
  crypto_generichash(h.bytes.data(), 32, data.data(), data.size(), nullptr, 0);
  return h;
}

Hash256 blake2b_256(ByteView data, const Blake2bParam& salt, const Blake2bParam& personal) {
  ensure_sodium();
  Hash256 h;
  crypto_generichash_blake2b_salt_personal(h.bytes.data(), 32, data.data(), data.size(), nullptr, 0, salt.data(),
                                           personal.data());
  return h;
}

Hash256 sha256(ByteView data) {
  ensure_sodium();
  Hash256 h;
  crypto_hash_sha256(h.bytes.data(), data.data(), data.size());
  return h;
}

Blake2b::Blake2b() {
  ensure_sodium();
  crypto_generichash_init(&state_, nullptr, 0, 32);
}

Blake2b& Blake2b::update(ByteView data) {
  crypto_generichash_update(&state_, data.data(), data.size());
  return *this;
}

Hash256 Blake2b::finish() {
  Hash256 h;
  crypto_generichash_final(&state_, h.bytes.data(), 32);
  return h;
}

}  // namespace lingji::core
