#include "core/keys.h"

#include <sodium.h>

#include "core/hash.h"

namespace lingji::core {

PrivateKey PrivateKey::from_seed(const Seed& seed) {
  ensure_sodium();
  PrivateKey k;
  crypto_sign_seed_keypair(k.public_.bytes.data(), k.secret_.data(), seed.bytes.data());
  return k;
}

PrivateKey::PrivateKey(const PrivateKey& o) : secret_(o.secret_), public_(o.public_) {}

PrivateKey& PrivateKey::operator=(const PrivateKey& o) {
  secret_ = o.secret_;
  public_ = o.public_;
  return *this;
}

PrivateKey::~PrivateKey() { sodium_memzero(secret_.data(), secret_.size()); }

Seed PrivateKey::seed() const {
  Seed s;
  crypto_sign_ed25519_sk_to_seed(s.bytes.data(), secret_.data());
  return s;
}

Signature PrivateKey::sign(ByteView message) const {
  Signature sig;
  crypto_sign_detached(sig.bytes.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool verify(const PublicKey& key, ByteView message, const Signature& sig) {
  ensure_sodium();
  return crypto_sign_verify_detached(sig.bytes.data(), message.data(), message.size(),
                                     key.bytes.data()) == 0;
}

}  // namespace lingji::core
