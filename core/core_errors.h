// core_errors.h: error codes 1000-1099, owned by core/ (decoding and parsing).
#pragma once

namespace lingji::core {

inline constexpr int kDecodeMalformed = 1000;      // core.malformed_encoding
inline constexpr int kDecodeTrailingBytes = 1001;  // core.trailing_bytes
inline constexpr int kAmountInvalid = 1010;        // core.invalid_amount
inline constexpr int kAmountTooPrecise = 1011;     // core.amount_too_precise
inline constexpr int kAmountOutOfRange = 1012;     // core.amount_out_of_range
inline constexpr int kAddressInvalid = 1020;       // core.invalid_address
inline constexpr int kAddressChecksum = 1021;      // core.address_checksum
inline constexpr int kTimeInvalid = 1040;          // core.invalid_time

}  // namespace lingji::core
