// keys_test.cpp: Ed25519 keys and signatures: RFC 8032 vectors, determinism, and that any
// change to the message, signature or key makes verification fail.
#include "core/keys.h"

#include <gtest/gtest.h>

#include <string>

#include "core/bytes.h"

namespace lingji::core {
namespace {

template <size_t N>
FixedBytes<N> fixed_hex(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  auto f = FixedBytes<N>::from(*b);
  EXPECT_TRUE(f.has_value()) << hex;
  return f.value_or(FixedBytes<N>{});
}

// RFC 8032, section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
const char kSeed1[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const char kPub1[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const char kSig1[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
    "d25bf5f0595bbe24655141438e7a100b";
const char kSeed2[] = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
const char kPub2[] = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
const char kSig2[] =
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
    "387b2eaeb4302aeeb00d291612bb0c00";

TEST(KeysTest, Rfc8032Vector1) {
  PrivateKey k = PrivateKey::from_seed(fixed_hex<32>(kSeed1));
  EXPECT_EQ(k.public_key().hex(), kPub1);
  Signature sig = k.sign({});
  EXPECT_EQ(sig.hex(), kSig1);
  EXPECT_TRUE(verify(k.public_key(), {}, sig));
  EXPECT_TRUE(verify(fixed_hex<32>(kPub1), {}, fixed_hex<64>(kSig1)));
}

TEST(KeysTest, Rfc8032Vector2) {
  PrivateKey k = PrivateKey::from_seed(fixed_hex<32>(kSeed2));
  EXPECT_EQ(k.public_key().hex(), kPub2);
  const uint8_t msg[] = {0x72};
  EXPECT_EQ(k.sign(msg).hex(), kSig2);
  EXPECT_TRUE(verify(fixed_hex<32>(kPub2), msg, fixed_hex<64>(kSig2)));
  EXPECT_FALSE(verify(fixed_hex<32>(kPub2), {}, fixed_hex<64>(kSig2)));
  EXPECT_FALSE(verify(fixed_hex<32>(kPub1), msg, fixed_hex<64>(kSig2)));
}

TEST(KeysTest, SignAndVerify) {
  Seed seed;
  seed.bytes.fill(7);
  PrivateKey k = PrivateKey::from_seed(seed);
  std::string big(1 << 20, 'x');
  for (std::string msg : {std::string(), std::string("transfer 1 CT"), std::string(1, '\0'), big}) {
    Signature sig = k.sign(as_bytes(msg));
    EXPECT_FALSE(sig.is_zero());
    EXPECT_TRUE(verify(k.public_key(), as_bytes(msg), sig));
    // Deterministic: the same message gives the same signature.
    EXPECT_EQ(k.sign(as_bytes(msg)), sig);
  }
  EXPECT_NE(k.sign(as_bytes(std::string("a"))), k.sign(as_bytes(std::string("b"))));
}

TEST(KeysTest, FlippedBitInMessageFails) {
  PrivateKey k = PrivateKey::from_seed(fixed_hex<32>(kSeed1));
  Bytes msg = *from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  Signature sig = k.sign(msg);
  ASSERT_TRUE(verify(k.public_key(), msg, sig));
  for (size_t bit = 0; bit < msg.size() * 8; ++bit) {
    Bytes bad = msg;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(verify(k.public_key(), bad, sig)) << "bit " << bit;
  }
  Bytes longer = msg;
  longer.push_back(0);
  EXPECT_FALSE(verify(k.public_key(), longer, sig));
  EXPECT_FALSE(verify(k.public_key(), ByteView(msg).first(msg.size() - 1), sig));
}

TEST(KeysTest, FlippedBitInSignatureFails) {
  PrivateKey k = PrivateKey::from_seed(fixed_hex<32>(kSeed1));
  const std::string msg = "lingji";
  Signature sig = k.sign(as_bytes(msg));
  for (size_t bit = 0; bit < 512; ++bit) {
    Signature bad = sig;
    bad.bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(verify(k.public_key(), as_bytes(msg), bad)) << "bit " << bit;
  }
  EXPECT_FALSE(verify(k.public_key(), as_bytes(msg), Signature{}));
}

TEST(KeysTest, FlippedBitInKeyFails) {
  PrivateKey k = PrivateKey::from_seed(fixed_hex<32>(kSeed1));
  const std::string msg = "lingji";
  Signature sig = k.sign(as_bytes(msg));
  for (size_t bit = 0; bit < 256; ++bit) {
    PublicKey bad = k.public_key();
    bad.bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(verify(bad, as_bytes(msg), sig)) << "bit " << bit;
  }
  EXPECT_FALSE(verify(PublicKey{}, as_bytes(msg), sig));
}

TEST(KeysTest, NonCanonicalSignatureIsRejected) {
  // S + L (L = the group order) is the same scalar mod L; accepting it would make signatures
  // malleable, so a transaction id that covers the signature could be changed by a relay.
  static const uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                 0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  Signature sig = fixed_hex<64>(kSig1);
  Signature mauled = sig;
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {
    unsigned sum = sig.bytes[32 + i] + kL[i] + carry;
    mauled.bytes[32 + i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);
  ASSERT_TRUE(verify(fixed_hex<32>(kPub1), {}, sig));
  EXPECT_FALSE(verify(fixed_hex<32>(kPub1), {}, mauled));
}

TEST(KeysTest, SmallOrderKeyIsRejected) {
  // The identity point: every "signature" with R = identity and S = 0 would verify under it.
  PublicKey identity;
  identity.bytes[0] = 1;
  Signature sig;
  sig.bytes[0] = 1;
  EXPECT_FALSE(verify(identity, {}, sig));
  EXPECT_FALSE(verify(identity, as_bytes(std::string("anything")), sig));
}

TEST(KeysTest, FromSeedIsDeterministic) {
  Seed a = fixed_hex<32>(kSeed1);
  PrivateKey k1 = PrivateKey::from_seed(a);
  PrivateKey k2 = PrivateKey::from_seed(a);
  EXPECT_EQ(k1.public_key(), k2.public_key());
  EXPECT_EQ(k1.sign(as_bytes(std::string("m"))), k2.sign(as_bytes(std::string("m"))));
  Seed b = a;
  b.bytes[31] ^= 1;
  EXPECT_NE(PrivateKey::from_seed(b).public_key(), k1.public_key());
}

TEST(KeysTest, SeedRoundTrip) {
  for (const char* hex : {kSeed1, kSeed2}) {
    Seed s = fixed_hex<32>(hex);
    PrivateKey k = PrivateKey::from_seed(s);
    EXPECT_EQ(k.seed(), s);
    EXPECT_EQ(PrivateKey::from_seed(k.seed()).public_key(), k.public_key());
  }
  Seed zero;
  EXPECT_EQ(PrivateKey::from_seed(zero).seed(), zero);
}

TEST(KeysTest, CopyAndAssign) {
  PrivateKey a = PrivateKey::from_seed(fixed_hex<32>(kSeed1));
  PrivateKey b = PrivateKey::from_seed(fixed_hex<32>(kSeed2));
  PrivateKey c = a;
  EXPECT_EQ(c.public_key().hex(), kPub1);
  EXPECT_EQ(c.seed(), a.seed());
  c = b;
  EXPECT_EQ(c.public_key().hex(), kPub2);
  const uint8_t msg[] = {0x72};
  EXPECT_EQ(c.sign(msg).hex(), kSig2);
  c = c;  // self-assignment keeps the key
  EXPECT_EQ(c.sign(msg).hex(), kSig2);
}

}  // namespace
}  // namespace lingji::core
