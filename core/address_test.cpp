// address_test.cpp: Bech32m account addresses (BIP-350, hrp "lj", version 0, 32-byte key).
//
// The expected addresses were computed with the BIP-350 Python reference code and pyca/cryptography,
// not with core/; the small Bech32m encoder below is checked against BIP-350's own vectors and is
// used to build strings that core/ never emits (other hrp, other version, bad padding).
#include "core/address.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/core_errors.h"
#include "core/keys.h"

namespace lingji::core {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

// --- An independent Bech32m (BIP-350) implementation, for building test inputs. ---
uint32_t ref_polymod(const std::vector<uint8_t>& values) {
  const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) chk ^= ((top >> i) & 1) ? gen[i] : 0;
  }
  return chk;
}

std::vector<uint8_t> ref_hrp_expand(std::string_view hrp) {
  std::vector<uint8_t> out;
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) & 31);
  return out;
}

bool ref_verify(const std::string& bech) {
  std::string s = bech;
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t sep = s.rfind('1');
  if (sep == std::string::npos) return false;
  std::vector<uint8_t> values = ref_hrp_expand(std::string_view(s).substr(0, sep));
  for (size_t i = sep + 1; i < s.size(); ++i) {
    size_t p = kCharset.find(s[i]);
    if (p == std::string_view::npos) return false;
    values.push_back(static_cast<uint8_t>(p));
  }
  return ref_polymod(values) == 0x2bc830a3;
}

std::string ref_encode(std::string_view hrp, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> values = ref_hrp_expand(hrp);
  values.insert(values.end(), data.begin(), data.end());
  values.insert(values.end(), 6, 0);
  uint32_t mod = ref_polymod(values) ^ 0x2bc830a3;
  std::string out(hrp);
  out += '1';
  for (uint8_t d : data) out += kCharset[d];
  for (int i = 0; i < 6; ++i) out += kCharset[(mod >> (5 * (5 - i))) & 31];
  return out;
}

// 8-bit bytes to 5-bit groups, zero padded (the address payload without the version).
std::vector<uint8_t> to_5bit(ByteView in) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : in) {
    acc = (acc << 8 | b) & 0xfff;
    bits += 8;
    while (bits >= 5) { bits -= 5; out.push_back((acc >> bits) & 31); }
  }
  if (bits) out.push_back((acc << (5 - bits)) & 31);
  return out;
}

PublicKey key_from_hex(std::string_view hex) { return *PublicKey::from(*from_hex(hex)); }
Seed seed_from_hex(std::string_view hex) { return *Seed::from(*from_hex(hex)); }

const char kRfcSeed[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const char kRfcPub[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const char kRfcAddress[] = "lj1q6adfsqvzky9t042tlmfujeq88g8wzuhnm2nzxfd0qgdx3ac82ydqqn0exw";
const char kSeq32Seed[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char kSeq32Pub[] = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const char kSeq32Address[] = "lj1qqwss00lnecgtu8tsm5vwwj7qn9n7f43snwjs6hcamjrxgyj4xxuql6np7a";

int parse_code(const std::string& address) {
  auto r = parse_address(address);
  EXPECT_FALSE(r.ok()) << address;
  return r.ok() ? 0 : r.error().code;
}

TEST(AddressTest, ReferenceEncoderMatchesBip350Vectors) {
  for (const char* valid : {"A1LQFN3A", "a1lqfn3a",
                            "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
                            "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
                            "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"})
    EXPECT_TRUE(ref_verify(valid)) << valid;
  EXPECT_TRUE(ref_verify("11" + std::string(83, 'l') + "udsr8"));  // 90 characters, hrp "1"
  // Bech32 (BIP-173), not Bech32m: must not verify.
  EXPECT_FALSE(ref_verify("a12uel5l"));
  EXPECT_EQ(ref_encode("a", {}), "a1lqfn3a");
}

TEST(AddressTest, KnownVectorFromSeed) {
  PrivateKey k = PrivateKey::from_seed(seed_from_hex(kRfcSeed));
  EXPECT_EQ(k.public_key().hex(), kRfcPub);
  std::string a = encode_address(k.public_key());
  EXPECT_EQ(a, kRfcAddress);
  EXPECT_EQ(a.size(), 62u);
  EXPECT_EQ(a.substr(0, 4), "lj1q");

  PrivateKey k2 = PrivateKey::from_seed(seed_from_hex(kSeq32Seed));
  EXPECT_EQ(k2.public_key().hex(), kSeq32Pub);
  EXPECT_EQ(encode_address(k2.public_key()), kSeq32Address);
}

TEST(AddressTest, EncodingMatchesIndependentEncoder) {
  for (int fill = 0; fill < 256; fill += 17) {
    PublicKey key;
    for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(fill + 31 * i);
    std::vector<uint8_t> data{0};
    auto five = to_5bit(key.view());
    data.insert(data.end(), five.begin(), five.end());
    EXPECT_EQ(encode_address(key), ref_encode("lj", data));
  }
}

TEST(AddressTest, RoundTrip) {
  PublicKey zero, ones;
  ones.bytes.fill(0xff);
  for (const PublicKey& key : {zero, ones, key_from_hex(kRfcPub), key_from_hex(kSeq32Pub)}) {
    std::string a = encode_address(key);
    EXPECT_EQ(a.size(), 62u);
    EXPECT_EQ(a.substr(0, 4), "lj1q");
    auto r = parse_address(a);
    ASSERT_TRUE(r.ok()) << a << ": " << r.error().message;
    EXPECT_EQ(*r, key);
  }
  for (int i = 0; i < 200; ++i) {
    Seed s;
    s.bytes[0] = static_cast<uint8_t>(i);
    s.bytes[31] = static_cast<uint8_t>(i * 7);
    PublicKey key = PrivateKey::from_seed(s).public_key();
    auto r = parse_address(encode_address(key));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, key);
  }
}

TEST(AddressTest, EverySingleCharacterSubstitutionIsDetected) {
  const std::string good = kRfcAddress;
  // Every Bech32 character, the separator, upper case, and characters Bech32 excludes.
  std::string alphabet = std::string(kCharset) + "1bioBQLJ0";
  int tried = 0;
  for (size_t pos = 0; pos < good.size(); ++pos) {
    for (char c : alphabet) {
      if (c == good[pos]) continue;
      std::string bad = good;
      bad[pos] = c;
      auto r = parse_address(bad);
      ASSERT_FALSE(r.ok()) << "accepted " << bad;
      ++tried;
      bool in_charset = kCharset.find(c) != std::string_view::npos;
      if (pos >= 3 && in_charset) {
        // A valid-looking data character: only the checksum can catch it.
        EXPECT_EQ(r.error().code, kAddressChecksum) << bad;
        EXPECT_EQ(r.error().name, "core.address_checksum");
      } else {
        // The hrp, the separator, a non-Bech32 character or mixed case: refused before the checksum.
        EXPECT_EQ(r.error().code, kAddressInvalid) << bad;
      }
    }
  }
  EXPECT_GT(tried, 62 * 30);
}

TEST(AddressTest, AdjacentTranspositionsAreDetected) {
  const std::string good = kSeq32Address;
  for (size_t pos = 3; pos + 1 < good.size(); ++pos) {
    if (good[pos] == good[pos + 1]) continue;
    std::string bad = good;
    std::swap(bad[pos], bad[pos + 1]);
    EXPECT_EQ(parse_code(bad), kAddressChecksum) << bad;
  }
}

TEST(AddressTest, CaseRules) {
  std::string upper = kRfcAddress;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto r = parse_address(upper);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->hex(), kRfcPub);

  std::string mixed = kRfcAddress;
  mixed[10] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[10])));
  ASSERT_NE(mixed, kRfcAddress);
  EXPECT_EQ(parse_code(mixed), kAddressInvalid);
  std::string mixed_hrp = kRfcAddress;
  mixed_hrp[0] = 'L';
  EXPECT_EQ(parse_code(mixed_hrp), kAddressInvalid);
}

TEST(AddressTest, WrongHrp) {
  PublicKey key = key_from_hex(kRfcPub);
  std::vector<uint8_t> data{0};
  auto five = to_5bit(key.view());
  data.insert(data.end(), five.begin(), five.end());
  ASSERT_EQ(ref_encode("lj", data), kRfcAddress);
  // Checksums that are valid for their own hrp.
  for (const char* hrp : {"bc", "lk", "l", "ljj", "tlj", "LJ"}) {
    std::string other = ref_encode(hrp, data);
    EXPECT_EQ(parse_code(other), kAddressInvalid) << other;
  }
  EXPECT_EQ(parse_code(std::string(kRfcAddress).substr(3)), kAddressInvalid);  // no "lj1"
  EXPECT_EQ(parse_code("lj" + std::string(kRfcAddress).substr(3)), kAddressInvalid);  // no '1'
}

TEST(AddressTest, WrongLength) {
  const std::string good = kRfcAddress;
  EXPECT_EQ(parse_code(""), kAddressInvalid);
  EXPECT_EQ(parse_code("lj1"), kAddressInvalid);
  EXPECT_EQ(parse_code(good.substr(0, good.size() - 1)), kAddressInvalid);
  EXPECT_EQ(parse_code(good + "q"), kAddressInvalid);
  EXPECT_EQ(parse_code(good.substr(0, 20) + good.substr(21)), kAddressInvalid);
  EXPECT_EQ(parse_code(good + std::string(40, 'q')), kAddressInvalid);  // over 90 characters
  // Valid Bech32m checksums around payloads of the wrong size.
  // (53 symbols, version + 52 groups, is the right size.)
  for (size_t n : {size_t{0}, size_t{31}, size_t{33}, size_t{52}, size_t{54}, size_t{60}}) {
    std::vector<uint8_t> data(n, 0);
    EXPECT_EQ(parse_code(ref_encode("lj", data)), kAddressInvalid) << n;
  }
}

TEST(AddressTest, BadCharacters) {
  const std::string good = kRfcAddress;
  for (std::string bad : {good.substr(0, 10) + "b" + good.substr(11),
                          good.substr(0, 10) + "i" + good.substr(11),
                          good.substr(0, 10) + "o" + good.substr(11),
                          good.substr(0, 10) + " " + good.substr(11),
                          good.substr(0, 10) + "\x7f" + good.substr(11),
                          good.substr(0, 10) + "\xc3\xa9" + good.substr(12),  // UTF-8 'é'
                          good + " ", " " + good, good + "\n", good.substr(0, 10) + '\0' + good.substr(11)})
    EXPECT_EQ(parse_code(bad), kAddressInvalid) << bad;
}

TEST(AddressTest, NonZeroVersionIsRejected) {
  PublicKey key = key_from_hex(kRfcPub);
  auto five = to_5bit(key.view());
  for (uint8_t version : {1, 2, 16, 31}) {
    std::vector<uint8_t> data{version};
    data.insert(data.end(), five.begin(), five.end());
    std::string a = ref_encode("lj", data);
    ASSERT_TRUE(ref_verify(a));
    auto r = parse_address(a);
    ASSERT_FALSE(r.ok()) << a;
    EXPECT_EQ(r.error().code, kAddressInvalid);
    EXPECT_EQ(r.error().name, "core.invalid_address");
  }
}

TEST(AddressTest, NonZeroPaddingIsRejected) {
  // 52 groups of 5 bits carry 256 key bits and 4 padding bits that must be zero, so each key
  // has exactly one address.
  PublicKey key = key_from_hex(kRfcPub);
  std::vector<uint8_t> data{0};
  auto five = to_5bit(key.view());
  data.insert(data.end(), five.begin(), five.end());
  ASSERT_EQ(data.size(), 53u);
  for (uint8_t pad = 1; pad < 16; ++pad) {
    std::vector<uint8_t> bad = data;
    bad.back() = static_cast<uint8_t>((bad.back() & 0x10) | pad);
    EXPECT_EQ(parse_code(ref_encode("lj", bad)), kAddressInvalid);
  }
}

}  // namespace
}  // namespace lingji::core
