// bytes.h: byte strings and their hex form (lower case, no prefix).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lingji::core {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

std::string to_hex(ByteView bytes);
// Returns nullopt on odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view hex);

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Fixed-size byte arrays (hashes, keys, signatures) share this base.
template <size_t N>
struct FixedBytes {
  std::array<uint8_t, N> bytes{};
  static constexpr size_t kSize = N;
  ByteView view() const { return {bytes.data(), N}; }
  std::string hex() const { return to_hex(view()); }
  bool is_zero() const {
    for (auto b : bytes) if (b) return false;
    return true;
  }
  static std::optional<FixedBytes> from(ByteView v) {
    if (v.size() != N) return std::nullopt;
    FixedBytes out;
    for (size_t i = 0; i < N; ++i) out.bytes[i] = v[i];
    return out;
  }
  auto operator<=>(const FixedBytes&) const = default;
};

}  // namespace lingji::core
