#include "core/address.h"

#include <vector>

#include "core/core_errors.h"

namespace lingji::core {
namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t kBech32mConst = 0x2bc830a3;

uint32_t polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint8_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= kGen[i];
  }
  return chk;
}

std::vector<uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<uint8_t> out;
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) & 31);
  return out;
}

// Regroups bits; pad=false rejects leftover non-zero bits (canonical form only).
bool convert_bits(const std::vector<uint8_t>& in, int from, int to, bool pad,
                  std::vector<uint8_t>& out) {
  uint32_t acc = 0;
  int bits = 0;
  const uint32_t maxv = (1u << to) - 1;
  for (uint8_t v : in) {
    if (v >> from) return false;
    acc = acc << from | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back((acc >> bits) & maxv);
    }
  }
  if (pad) {
    if (bits) out.push_back((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv)) {
    return false;
  }
  return true;
}

Error invalid(std::string why) {
  return core_error("core.invalid_address", "invalid address: " + why);
}

}  // namespace

std::string encode_address(const PublicKey& key) {
  std::vector<uint8_t> data{0};
  convert_bits({key.bytes.begin(), key.bytes.end()}, 8, 5, true, data);
  std::vector<uint8_t> values = hrp_expand(kAddressHrp);
  values.insert(values.end(), data.begin(), data.end());
  values.insert(values.end(), 6, 0);
  uint32_t mod = polymod(values) ^ kBech32mConst;
  std::string out(kAddressHrp);
  out += '1';
  for (uint8_t d : data) out += kCharset[d];
  for (int i = 0; i < 6; ++i) out += kCharset[(mod >> (5 * (5 - i))) & 31];
  return out;
}

Result<PublicKey> parse_address(std::string_view address) {
  if (address.size() > 90) return invalid("too long");
  // Bech32 is case-insensitive but never mixed-case.
  bool lower = false, upper = false;
  std::string s;
  for (char c : address) {
    if (c < 33 || c > 126) return invalid("unexpected character");
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') { upper = true; c = static_cast<char>(c - 'A' + 'a'); }
    s += c;
  }
  if (lower && upper) return invalid("mixed case");
  size_t sep = s.rfind('1');
  if (sep == std::string::npos || s.substr(0, sep) != kAddressHrp)
    return invalid("must start with \"lj1\"");
  std::vector<uint8_t> data;
  for (size_t i = sep + 1; i < s.size(); ++i) {
    const char* p = nullptr;
    for (const char* q = kCharset; *q; ++q)
      if (*q == s[i]) p = q;
    if (!p) return invalid("character '" + std::string(1, s[i]) + "' is not in the Bech32 alphabet");
    data.push_back(static_cast<uint8_t>(p - kCharset));
  }
  if (data.size() != 1 + 52 + 6) return invalid("wrong length");
  std::vector<uint8_t> values = hrp_expand(kAddressHrp);
  values.insert(values.end(), data.begin(), data.end());
  if (polymod(values) != kBech32mConst)
    return core_error("core.address_checksum",
                      "address checksum does not match: check it for a typo");
  if (data[0] != 0) return invalid("unknown address version");
  std::vector<uint8_t> key_bytes;
  if (!convert_bits({data.begin() + 1, data.end() - 6}, 5, 8, false, key_bytes) ||
      key_bytes.size() != 32)
    return invalid("bad padding");
  return *PublicKey::from(key_bytes);
}

}  // namespace lingji::core
