// wallet_errors.h: the wallet's errors (cli/), one table (core/error_table.h has the rules: rows
// sorted by code, a released row never renumbered or renamed, a retired row kept as kRetired).
// These errors stay in the lingji process: they are printed, never sent over HTTP.
// 6000 is deliberately left unassigned. (Until the tables were checked against one range map
// these were 5001-5008, which collided with net's range; they moved to 6001-6008, same names.)
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::cli {

inline constexpr core::ErrorDef kWalletErrors[] = {
    // clang-format off
    {6001, "wallet.wrong_password", core::ErrorClass::kInvalid},
    {6002, "wallet.key_exists", core::ErrorClass::kConflict},
    {6003, "wallet.key_not_found", core::ErrorClass::kNotFound},
    {6004, "wallet.corrupt_keystore", core::ErrorClass::kInternal},
    {6005, "wallet.invalid_name", core::ErrorClass::kInvalid},
    {6006, "wallet.io_error", core::ErrorClass::kInternal},
    {6007, "wallet.invalid_kdf_limits", core::ErrorClass::kInternal},
    {6008, "wallet.kdf_failed", core::ErrorClass::kInternal},  // Argon2id out of memory
    // LINGJI_INSECURE_FAST_KDF outside a development chain (cli/kdf_policy.h)
    {6009, "wallet.insecure_kdf_refused", core::ErrorClass::kInvalid},
    // clang-format on
};
static_assert(core::check_table(kWalletErrors, "wallet"));

// A live row of kWalletErrors, named at compile time: wallet_error("wallet.key_exists", "...").
using WalletErrorRef = core::ErrorRef<kWalletErrors>;

inline core::Error wallet_error(WalletErrorRef e, std::string message) { return core::make_error(*e.def, std::move(message)); }

}  // namespace lingji::cli
