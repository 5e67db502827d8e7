// wallet_errors.h: error codes 5000-5099, owned by the wallet (cli/).
//
// Codes and names are stable: a released code is never renumbered or reused (STYLE.md rule 2).
// 5000 is deliberately left unassigned.
#pragma once

namespace lingji::cli {

inline constexpr int kWalletWrongPassword = 5001;    // wallet.wrong_password
inline constexpr int kWalletKeyExists = 5002;        // wallet.key_exists
inline constexpr int kWalletKeyNotFound = 5003;      // wallet.key_not_found
inline constexpr int kWalletCorruptKeystore = 5004;  // wallet.corrupt_keystore
inline constexpr int kWalletInvalidName = 5005;      // wallet.invalid_name
inline constexpr int kWalletIoError = 5006;          // wallet.io_error
inline constexpr int kWalletInvalidKdfLimits = 5007; // wallet.invalid_kdf_limits
inline constexpr int kWalletKdfFailed = 5008;        // wallet.kdf_failed (Argon2id out of memory)

}  // namespace lingji::cli
