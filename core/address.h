// address.h: the human-facing account address.
//
// An account is identified by its Ed25519 public key. Its address is the Bech32m string
// (BIP-350) with human-readable part "lj" and data = version symbol 0 || the 32-byte key:
// "lj1q" followed by 58 characters. The 30-bit checksum detects any error in up to 4 characters,
// so a typo is refused instead of sending CT to a wrong account.
#pragma once

#include <string>
#include <string_view>

#include "core/keys.h"
#include "core/result.h"

namespace lingji::core {

inline constexpr std::string_view kAddressHrp = "lj";

std::string encode_address(const PublicKey& key);
Result<PublicKey> parse_address(std::string_view address);

}  // namespace lingji::core
