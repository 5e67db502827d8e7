// keystore.h: the wallet's encrypted keystore. Owns the on-disk format of wallet keys.
//
// A keystore is a directory (created 0700 on first write). Each key is one file "<name>.json",
// mode 0600, where name is 1-32 characters of [A-Za-z0-9_-]. Files are written atomically (temp
// file, fsync, then a no-replace link into place) and are never overwritten. Other files in the
// directory (temp files start with '.') are ignored.
//
// File format (JSON object; hex is lower case, no prefix):
//   version     : 1
//   name        : string, equal to the file name without ".json"
//   address     : core::encode_address(public_key), "lj1q..."
//   public_key  : hex, 32 bytes (Ed25519)
//   kdf         : { algorithm: "argon2id13", opslimit: uint, memlimit: uint, salt: hex 16 bytes }
//   cipher      : { algorithm: "xchacha20poly1305-ietf", nonce: hex 24 bytes,
//                   ciphertext: hex 48 bytes }
// ciphertext = XChaCha20-Poly1305-IETF(key, nonce, plaintext = seed, ad = public_key bytes),
// 32 bytes of encrypted seed then the 16-byte tag.
// key = crypto_pwhash(Argon2id v1.3, password, salt, opslimit, memlimit), 32 bytes.
// The plaintext is the 32-byte Ed25519 seed. Binding public_key as associated data means a file
// whose public_key was swapped fails to decrypt instead of unlocking under a foreign address.
//
// Invariants: the seed and the derived key exist in memory only while unlock/create run and are
// wiped (core::Secret, sodium_memzero); the private key is returned only to the in-process caller.
// Caveat: list() and info() read no password, so the public key and address they return are NOT
// authenticated; anyone able to write the directory can change them. Only unlock() proves the
// address belongs to the key (a wallet should unlock before showing a receive address it trusts).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/keys.h"
#include "core/result.h"

namespace lingji::cli {

// Argon2id cost. Files record their own limits, so changing the default never locks out old keys.
struct KdfLimits {
  unsigned long long opslimit;
  size_t memlimit;
  // OPSLIMIT/MEMLIMIT_INTERACTIVE (2 passes, 64 MiB): the default for real wallets.
  static KdfLimits interactive();
  // OPSLIMIT/MEMLIMIT_MIN (1 pass, 8 KiB): for tests only; offers no brute-force resistance.
  static KdfLimits minimum();
  // The largest limits accepted when writing or reading (OPSLIMIT/MEMLIMIT_SENSITIVE: 4, 1 GiB).
  // Reading enforces it so a tampered file cannot make unlock() allocate unbounded memory.
  static KdfLimits maximum();
};

struct KeyInfo {
  std::string name;
  core::PublicKey public_key;
  std::string address;  // core::encode_address(public_key)
};

// True iff name is 1-32 characters of [A-Za-z0-9_-]. Also what keeps names from escaping the
// directory ("../x", "/etc/passwd").
bool is_valid_key_name(std::string_view name);

// Error codes are in cli/wallet_errors.h. Every method may also return wallet.invalid_name
// (6005) for a bad name and wallet.io_error (6006) when the file system fails.
// Concurrency: a Keystore holds no mutable state. Concurrent create()/import_seed() of one name,
// from any threads or processes, stores exactly one key; the others get wallet.key_exists.
class Keystore {
 public:
  // Does no I/O; the directory is created by the first create()/import_seed().
  explicit Keystore(std::filesystem::path dir, KdfLimits limits = KdfLimits::interactive());

  // Generates a random seed (randombytes_buf) and stores it under name.
  // Errors: wallet.key_exists (6002) if name is taken; wallet.invalid_kdf_limits (6007) if the
  // constructor's limits are outside [minimum(), maximum()]; wallet.kdf_failed (6008).
  [[nodiscard]] core::Result<KeyInfo> create(const std::string& name, std::string_view password);
  // As create(), with a caller-supplied seed (restore from backup). The seed is not modified.
  [[nodiscard]] core::Result<KeyInfo> import_seed(const std::string& name, const core::Seed& seed,
                                                  std::string_view password);

  // All keys, sorted by name (byte order). A missing directory is an empty keystore, not an
  // error. A malformed "<valid name>.json" fails the whole call with wallet.corrupt_keystore
  // (6004) naming the file, rather than hiding a key the user may be looking for.
  [[nodiscard]] core::Result<std::vector<KeyInfo>> list() const;
  // Errors: wallet.key_not_found (6003), wallet.corrupt_keystore (6004).
  [[nodiscard]] core::Result<KeyInfo> info(const std::string& name) const;

  // Decrypts the key. Errors: wallet.key_not_found (6003); wallet.corrupt_keystore (6004) for a
  // malformed file; wallet.wrong_password (6001) whenever authentication fails, which includes a
  // tampered salt, nonce, ciphertext or public_key (AEAD cannot tell those from a bad password);
  // wallet.kdf_failed (6008).
  [[nodiscard]] core::Result<core::PrivateKey> unlock(const std::string& name,
                                                      std::string_view password) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  KdfLimits limits_;
};

}  // namespace lingji::cli
