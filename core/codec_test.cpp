// codec_test.cpp: golden bytes of the canonical encoding, the Reader's failure rules, hex, BLAKE2b,
// and the committed cross-implementation vectors in tests/vectors/core_vectors.json.
#include "core/codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>  // purity-ok: tests read committed vector files
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/amount.h"
#include "core/core_errors.h"
#include "core/hash.h"
#include "core/keys.h"

#ifndef LINGJI_SOURCE_DIR
#error "LINGJI_SOURCE_DIR must name the source tree (CMake defines it)"
#endif

namespace lingji::core {
namespace {

Bytes H(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}

std::string hex_of(const Writer& w) { return to_hex(w.data()); }

// --- Writer: golden bytes, little-endian, fixed width. ---

TEST(CodecWriterTest, Unsigned) {
  EXPECT_EQ(hex_of(Writer().u8(0)), "00");
  EXPECT_EQ(hex_of(Writer().u8(0xab)), "ab");
  EXPECT_EQ(hex_of(Writer().u8(0xff)), "ff");
  EXPECT_EQ(hex_of(Writer().u16(0x1234)), "3412");
  EXPECT_EQ(hex_of(Writer().u16(1)), "0100");
  EXPECT_EQ(hex_of(Writer().u16(0xffff)), "ffff");
  EXPECT_EQ(hex_of(Writer().u32(0x12345678)), "78563412");
  EXPECT_EQ(hex_of(Writer().u32(1)), "01000000");
  EXPECT_EQ(hex_of(Writer().u32(0xffffffff)), "ffffffff");
  EXPECT_EQ(hex_of(Writer().u64(0x0102030405060708)), "0807060504030201");
  EXPECT_EQ(hex_of(Writer().u64(1)), "0100000000000000");
  EXPECT_EQ(hex_of(Writer().u64(std::numeric_limits<uint64_t>::max())), "ffffffffffffffff");
}

TEST(CodecWriterTest, SignedIsTwosComplement) {
  EXPECT_EQ(hex_of(Writer().i64(0)), "0000000000000000");
  EXPECT_EQ(hex_of(Writer().i64(1)), "0100000000000000");
  EXPECT_EQ(hex_of(Writer().i64(-1)), "ffffffffffffffff");
  EXPECT_EQ(hex_of(Writer().i64(-2)), "feffffffffffffff");
  EXPECT_EQ(hex_of(Writer().i64(100'000'000)), "00e1f50500000000");
  EXPECT_EQ(hex_of(Writer().i64(Amount::kMaxMoney)), "000064a7b3b6e00d");
  EXPECT_EQ(hex_of(Writer().i64(std::numeric_limits<int64_t>::max())), "ffffffffffffff7f");
  EXPECT_EQ(hex_of(Writer().i64(std::numeric_limits<int64_t>::min())), "0000000000000080");
}

TEST(CodecWriterTest, LengthPrefixedAndFixed) {
  EXPECT_EQ(hex_of(Writer().bytes({})), "00000000");
  EXPECT_EQ(hex_of(Writer().bytes(H("010203"))), "03000000010203");
  EXPECT_EQ(hex_of(Writer().string("")), "00000000");
  EXPECT_EQ(hex_of(Writer().string("abc")), "03000000616263");
  EXPECT_EQ(hex_of(Writer().string(std::string(300, 'a'))).substr(0, 8), "2c010000");
  EXPECT_EQ(hex_of(Writer().raw(H("0102"))), "0102");  // no prefix
  FixedBytes<4> f;
  f.bytes = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(hex_of(Writer().fixed(f)), "deadbeef");  // no prefix
  Hash256 zero;
  EXPECT_EQ(hex_of(Writer().fixed(zero)), std::string(64, '0'));
}

TEST(CodecWriterTest, Sequence) {
  Writer w;
  w.u8(1).u16(2).u32(3).u64(4).i64(-5).string("x").bytes(H("ff"));
  EXPECT_EQ(hex_of(w), "01" "0200" "03000000" "0400000000000000" "fbffffffffffffff" "0100000078" "01000000ff");
  Bytes taken = w.take();
  EXPECT_EQ(taken.size(), 1u + 2 + 4 + 8 + 8 + 5 + 5);
}

// --- Reader ---

TEST(CodecReaderTest, ReadsGoldenBytesBack) {
  Bytes in = H("01" "0200" "03000000" "0400000000000000" "fbffffffffffffff" "0100000078" "01000000ff" "deadbeef");
  Reader r(in);
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
  uint64_t d = 0;
  int64_t e = 0;
  std::string s;
  Bytes bytes;
  FixedBytes<4> f;
  ASSERT_TRUE(r.u8(a));
  ASSERT_TRUE(r.u16(b));
  ASSERT_TRUE(r.u32(c));
  ASSERT_TRUE(r.u64(d));
  ASSERT_TRUE(r.i64(e));
  ASSERT_TRUE(r.string(s, 10));
  ASSERT_TRUE(r.bytes(bytes, 1));  // length exactly at the limit is fine
  EXPECT_EQ(r.remaining(), 4u);
  ASSERT_TRUE(r.fixed(f));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
  EXPECT_EQ(c, 3u);
  EXPECT_EQ(d, 4u);
  EXPECT_EQ(e, -5);
  EXPECT_EQ(s, "x");
  EXPECT_EQ(bytes, H("ff"));
  EXPECT_EQ(f.hex(), "deadbeef");
  EXPECT_FALSE(r.failed());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_TRUE(r.finish().ok());
}

TEST(CodecReaderTest, ExtremeValues) {
  Bytes in = H("ffff" "ffffffff" "ffffffffffffffff" "0000000000000080" "ffffffffffffff7f");
  Reader r(in);
  uint16_t a;
  uint32_t b;
  uint64_t c;
  int64_t d, e;
  ASSERT_TRUE(r.u16(a) && r.u32(b) && r.u64(c) && r.i64(d) && r.i64(e));
  EXPECT_EQ(a, 0xffff);
  EXPECT_EQ(b, 0xffffffffu);
  EXPECT_EQ(c, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(d, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(e, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(r.finish().ok());
}

TEST(CodecReaderTest, EmptyInputFinishesOk) {
  Reader r(ByteView{});
  EXPECT_TRUE(r.finish().ok());
  uint8_t v;
  EXPECT_FALSE(r.u8(v));
  EXPECT_EQ(r.finish().error().code, kDecodeMalformed);
}

TEST(CodecReaderTest, TruncationOfEveryPrimitive) {
  // For each primitive, every strict prefix of a valid encoding is refused with 1000.
  struct Case {
    const char* name;
    std::string hex;
    std::function<bool(Reader&)> read;
  };
  std::vector<Case> cases = {
      {"u8", "01", [](Reader& r) { uint8_t v; return r.u8(v); }},
      {"u16", "0102", [](Reader& r) { uint16_t v; return r.u16(v); }},
      {"u32", "01020304", [](Reader& r) { uint32_t v; return r.u32(v); }},
      {"u64", "0102030405060708", [](Reader& r) { uint64_t v; return r.u64(v); }},
      {"i64", "0102030405060708", [](Reader& r) { int64_t v; return r.i64(v); }},
      {"fixed", "01020304", [](Reader& r) { FixedBytes<4> v; return r.fixed(v); }},
      {"bytes", "03000000010203", [](Reader& r) { Bytes v; return r.bytes(v, 100); }},
      {"string", "03000000616263", [](Reader& r) { std::string v; return r.string(v, 100); }},
      {"count", "05000000", [](Reader& r) { uint32_t v; return r.count(v, 100); }},
  };
  for (const Case& c : cases) {
    Bytes full = H(c.hex);
    {
      Reader r(full);
      EXPECT_TRUE(c.read(r)) << c.name;
      EXPECT_TRUE(r.finish().ok()) << c.name;
    }
    for (size_t n = 0; n < full.size(); ++n) {
      Reader r(ByteView(full).first(n));
      EXPECT_FALSE(c.read(r)) << c.name << " prefix " << n;
      EXPECT_TRUE(r.failed());
      Status st = r.finish();
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.error().code, kDecodeMalformed);
      EXPECT_EQ(st.error().name, "core.malformed_encoding");
      EXPECT_NE(st.error().message.find("truncated"), std::string::npos) << st.error().message;
    }
  }
}

TEST(CodecReaderTest, LengthOverLimit) {
  Bytes in = H("04000000" "61626364");
  {
    Reader r(in);
    std::string s;
    EXPECT_FALSE(r.string(s, 3));
    Status st = r.finish();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, kDecodeMalformed);
    EXPECT_NE(st.error().message.find("exceeds limit"), std::string::npos) << st.error().message;
  }
  {
    Reader r(in);
    Bytes b;
    EXPECT_FALSE(r.bytes(b, 0));
    EXPECT_EQ(r.finish().error().code, kDecodeMalformed);
  }
  {
    Reader r(in);
    uint32_t n;
    EXPECT_FALSE(r.count(n, 3));
    EXPECT_EQ(r.finish().error().code, kDecodeMalformed);
  }
  {
    Reader r(in);
    uint32_t n = 0;
    EXPECT_TRUE(r.count(n, 4));
    EXPECT_EQ(n, 4u);
  }
}

TEST(CodecReaderTest, HugeLengthDoesNotAllocate) {
  // A 4 GiB length within a generous limit must fail as truncated, not try to allocate.
  Bytes in = H("ffffffff" "00");
  Reader r(in);
  Bytes b;
  EXPECT_FALSE(r.bytes(b, std::numeric_limits<size_t>::max()));
  EXPECT_TRUE(b.empty());
  Status st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, kDecodeMalformed);
  EXPECT_NE(st.error().message.find("truncated"), std::string::npos);
}

TEST(CodecReaderTest, TrailingBytes) {
  Bytes in = H("0100" "ee");
  Reader r(in);
  uint16_t v;
  ASSERT_TRUE(r.u16(v));
  EXPECT_EQ(r.remaining(), 1u);
  Status st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, kDecodeTrailingBytes);
  EXPECT_EQ(st.error().name, "core.trailing_bytes");
  // A decoder that reads nothing leaves every byte trailing.
  Reader r2(in);
  EXPECT_EQ(r2.finish().error().code, kDecodeTrailingBytes);
}

TEST(CodecReaderTest, EveryReadFailsAfterAFailure) {
  // Plenty of input remains after the failure: later reads must still fail.
  Bytes in = H("05000000" + std::string(64, 'a'));
  Reader r(in);
  std::string s;
  ASSERT_FALSE(r.string(s, 4));  // length 5 over limit 4
  ASSERT_TRUE(r.failed());
  uint8_t a;
  uint16_t b;
  uint32_t c;
  uint64_t d;
  int64_t e;
  ByteView raw;
  Bytes bytes;
  FixedBytes<2> f;
  EXPECT_FALSE(r.u8(a));
  EXPECT_FALSE(r.u16(b));
  EXPECT_FALSE(r.u32(c));
  EXPECT_FALSE(r.u64(d));
  EXPECT_FALSE(r.i64(e));
  EXPECT_FALSE(r.raw(0, raw));
  EXPECT_FALSE(r.raw(1, raw));
  EXPECT_FALSE(r.bytes(bytes, 1000));
  EXPECT_FALSE(r.string(s, 1000));
  EXPECT_FALSE(r.count(c, 1000));
  EXPECT_FALSE(r.fixed(f));
  EXPECT_TRUE(r.failed());
  // The first failure is the one reported, at the byte where it happened.
  Status st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, kDecodeMalformed);
  EXPECT_NE(st.error().message.find("length 5 exceeds limit 4"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("at byte 4"), std::string::npos) << st.error().message;
}

TEST(CodecReaderTest, ExplicitFailKeepsFirstReason) {
  Bytes in = H("0102");
  Reader r(in);
  uint8_t v;
  ASSERT_TRUE(r.u8(v));
  r.fail("unknown operation tag");
  r.fail("second reason");
  EXPECT_FALSE(r.u8(v));
  Status st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, kDecodeMalformed);
  EXPECT_NE(st.error().message.find("unknown operation tag at byte 1"), std::string::npos);
  EXPECT_EQ(st.error().message.find("second"), std::string::npos);
}

// --- Hex and hash primitives used by the vectors ---

TEST(CodecHexTest, RoundTripAndErrors) {
  EXPECT_EQ(to_hex(H("00ff10ab")), "00ff10ab");
  EXPECT_EQ(H("00FF10AB"), H("00ff10ab"));
  EXPECT_EQ(from_hex(""), Bytes{});
  EXPECT_EQ(from_hex("0"), std::nullopt);
  EXPECT_EQ(from_hex("0g"), std::nullopt);
  EXPECT_EQ(from_hex("g0"), std::nullopt);
  EXPECT_EQ(from_hex(" 00"), std::nullopt);
  EXPECT_EQ(from_hex("0x00"), std::nullopt);
}

TEST(CodecHashTest, Blake2b256KnownAnswers) {
  EXPECT_EQ(blake2b_256({}).hex(), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(blake2b_256(as_bytes("abc")).hex(),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  Blake2b inc;
  inc.update(as_bytes("a")).update(as_bytes("")).update(as_bytes("bc"));
  EXPECT_EQ(inc.finish(), blake2b_256(as_bytes("abc")));
  EXPECT_EQ(sha256(as_bytes("abc")).hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Salt and personalization (reference: Python's hashlib.blake2b(salt=, person=)); all-zero
  // fields are plain BLAKE2b.
  Blake2bParam salt{}, person{};
  EXPECT_EQ(blake2b_256(as_bytes("abc"), salt, person), blake2b_256(as_bytes("abc")));
  salt[0] = 1;
  salt[1] = 2;
  const std::string tag = "LINGJI/STATE/NOD";
  std::copy(tag.begin(), tag.end(), person.begin());
  EXPECT_EQ(blake2b_256(as_bytes("abc"), salt, person).hex(),
            "10904d52ad89338232c54a39af00913118fee235fe59c3b323af354a8e14d8ca");
}

// --- Committed vectors (tests/vectors/core_vectors.json) ---

nlohmann::json load_vectors() {
  const std::string path = LINGJI_SOURCE_DIR "/tests/vectors/core_vectors.json";
  std::ifstream f(path);
  EXPECT_TRUE(f.good()) << "cannot open " << path;
  if (!f.good()) return nlohmann::json::array();
  return nlohmann::json::parse(f);
}

void check_amount_vector(const nlohmann::json& o, const Bytes& bytes) {
  int64_t units = std::stoll(o.at("units").get<std::string>());
  Amount a = Amount::units(units);
  EXPECT_EQ(a.to_string(), o.at("text").get<std::string>());
  if (units >= 0) {
    auto parsed = Amount::parse(o.at("text").get<std::string>());
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->units(), units);
  }
  EXPECT_EQ(to_hex(Writer().i64(units).data()), to_hex(bytes));
  Reader r(bytes);
  int64_t back = 0;
  ASSERT_TRUE(r.i64(back));
  EXPECT_TRUE(r.finish().ok());
  EXPECT_EQ(back, units);
}

void check_string_vector(const nlohmann::json& o, const Bytes& bytes) {
  std::string value = o.at("value").get<std::string>();
  EXPECT_EQ(to_hex(Writer().string(value).data()), to_hex(bytes));
  Reader r(bytes);
  std::string back;
  ASSERT_TRUE(r.string(back, 1 << 20));
  EXPECT_TRUE(r.finish().ok());
  EXPECT_EQ(back, value);
}

void check_bytes_vector(const nlohmann::json& o, const Bytes& bytes) {
  Bytes value = H(o.at("value_hex").get<std::string>());
  EXPECT_EQ(to_hex(Writer().bytes(value).data()), to_hex(bytes));
  Reader r(bytes);
  Bytes back;
  ASSERT_TRUE(r.bytes(back, 1 << 20));
  EXPECT_TRUE(r.finish().ok());
  EXPECT_EQ(back, value);
}

void check_key_vector(const nlohmann::json& o, const Bytes& bytes) {
  auto seed = Seed::from(H(o.at("seed").get<std::string>()));
  ASSERT_TRUE(seed.has_value());
  PrivateKey k = PrivateKey::from_seed(*seed);
  EXPECT_EQ(k.public_key().hex(), o.at("public_key").get<std::string>());
  EXPECT_EQ(to_hex(k.public_key().view()), to_hex(bytes));
  std::string address = o.at("address").get<std::string>();
  EXPECT_EQ(encode_address(k.public_key()), address);
  auto parsed = parse_address(address);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, k.public_key());
  Bytes msg = H(o.at("message_hex").get<std::string>());
  auto sig = Signature::from(H(o.at("signature").get<std::string>()));
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(k.sign(msg), *sig);
  EXPECT_TRUE(verify(k.public_key(), msg, *sig));
}

TEST(CoreVectorsTest, EveryVectorReproduces) {
  nlohmann::json vectors = load_vectors();
  ASSERT_TRUE(vectors.is_array());
  std::set<std::string> names, types;
  for (const auto& v : vectors) {
    std::string name = v.at("name").get<std::string>();
    SCOPED_TRACE(name);
    EXPECT_TRUE(names.insert(name).second) << "duplicate vector name";
    const auto& o = v.at("object");
    std::string type = o.at("type").get<std::string>();
    types.insert(type);
    Bytes bytes = H(v.at("bytes").get<std::string>());
    EXPECT_EQ(to_hex(bytes), v.at("bytes").get<std::string>()) << "hex must be lower case";
    EXPECT_EQ(blake2b_256(bytes).hex(), v.at("hash").get<std::string>());
    if (type == "amount_i64") {
      check_amount_vector(o, bytes);
    } else if (type == "string") {
      check_string_vector(o, bytes);
    } else if (type == "bytes") {
      check_bytes_vector(o, bytes);
    } else if (type == "ed25519_address") {
      check_key_vector(o, bytes);
    } else {
      ADD_FAILURE() << "unknown vector type " << type;
    }
  }
  // Deleting vectors must not make this test pass vacuously.
  EXPECT_GE(vectors.size(), 15u);
  EXPECT_EQ(types, (std::set<std::string>{"amount_i64", "string", "bytes", "ed25519_address"}));
  for (const char* must : {"amount_zero", "amount_max_supply", "amount_minus_one_unit", "string_utf8",
                           "bytes_4", "ed25519_rfc8032_test1"})
    EXPECT_EQ(names.count(must), 1u) << must;
}

}  // namespace
}  // namespace lingji::core
