// core_errors.h: the errors of core/ (decoding and parsing), one table (core/error_table.h).
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::core {

inline constexpr ErrorDef kCoreErrors[] = {
    {1000, "core.malformed_encoding", ErrorClass::kInvalid},
    {1001, "core.trailing_bytes", ErrorClass::kInvalid},
    {1010, "core.invalid_amount", ErrorClass::kInvalid},
    {1011, "core.amount_too_precise", ErrorClass::kInvalid},
    {1012, "core.amount_out_of_range", ErrorClass::kInvalid},
    {1020, "core.invalid_address", ErrorClass::kInvalid},
    {1021, "core.address_checksum", ErrorClass::kInvalid},
    {1040, "core.invalid_time", ErrorClass::kInvalid},
};
static_assert(check_table(kCoreErrors, "core"));

using CoreErrorRef = ErrorRef<kCoreErrors>;
inline Error core_error(CoreErrorRef e, std::string message) { return make_error(*e.def, std::move(message)); }

// The codes by name, for comparisons.
inline constexpr int kDecodeMalformed = find_error(kCoreErrors, "core.malformed_encoding").code;
inline constexpr int kDecodeTrailingBytes = find_error(kCoreErrors, "core.trailing_bytes").code;
inline constexpr int kAmountInvalid = find_error(kCoreErrors, "core.invalid_amount").code;
inline constexpr int kAmountTooPrecise = find_error(kCoreErrors, "core.amount_too_precise").code;
inline constexpr int kAmountOutOfRange = find_error(kCoreErrors, "core.amount_out_of_range").code;
inline constexpr int kAddressInvalid = find_error(kCoreErrors, "core.invalid_address").code;
inline constexpr int kAddressChecksum = find_error(kCoreErrors, "core.address_checksum").code;
inline constexpr int kTimeInvalid = find_error(kCoreErrors, "core.invalid_time").code;

}  // namespace lingji::core
