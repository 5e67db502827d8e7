// amount_test.cpp: parsing, formatting and checked arithmetic of core::Amount at the edges
// (0, 1, kMaxMoney, kMaxMoney + 1) and for every error code of Amount::parse.
#include "core/amount.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/core_errors.h"

namespace lingji::core {
namespace {

constexpr int64_t kMax = Amount::kMaxMoney;
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

Amount U(int64_t units) { return Amount::units(units); }

// Parses text that must be valid and returns its units.
int64_t parse_ok(const std::string& text) {
  auto r = Amount::parse(text);
  EXPECT_TRUE(r.ok()) << "\"" << text << "\" should parse: " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->units() : -1;
}

// The error code of text that must not parse.
int parse_code(const std::string& text) {
  auto r = Amount::parse(text);
  EXPECT_FALSE(r.ok()) << "\"" << text << "\" should be rejected, got " << (r.ok() ? r->units() : 0);
  return r.ok() ? 0 : r.error().code;
}

TEST(AmountTest, Constants) {
  EXPECT_EQ(Amount::kUnitsPerCt, 100'000'000);
  EXPECT_EQ(kMax, 1'000'000'000'000'000'000);
  EXPECT_EQ(Amount::ct(1).units(), 100'000'000);
  EXPECT_EQ(Amount::zero().units(), 0);
  EXPECT_EQ(Amount().units(), 0);
}

TEST(AmountTest, InRange) {
  EXPECT_TRUE(U(0).in_range());
  EXPECT_TRUE(U(kMax).in_range());
  EXPECT_TRUE(U(-kMax).in_range());
  EXPECT_FALSE(U(kMax + 1).in_range());
  EXPECT_FALSE(U(-kMax - 1).in_range());
  EXPECT_FALSE(U(kI64Max).in_range());
  EXPECT_FALSE(U(kI64Min).in_range());
}

TEST(AmountTest, ParseValid) {
  EXPECT_EQ(parse_ok("0.1"), 10'000'000);
  EXPECT_EQ(parse_ok("200"), 20'000'000'000);
  EXPECT_EQ(parse_ok("12.34567890 CT"), 1'234'567'890);
  EXPECT_EQ(parse_ok("12.3456789"), 1'234'567'890);
  EXPECT_EQ(parse_ok("0"), 0);
  EXPECT_EQ(parse_ok("0.00000000"), 0);
  EXPECT_EQ(parse_ok("0.00000001"), 1);
  EXPECT_EQ(parse_ok("1 CT"), 100'000'000);
  EXPECT_EQ(parse_ok("10000000000"), kMax);  // the whole supply is a valid amount
  EXPECT_EQ(parse_ok("10000000000.00000000 CT"), kMax);
  EXPECT_EQ(parse_ok("9999999999.99999999"), kMax - 1);
}

TEST(AmountTest, ParseOutOfRange) {
  EXPECT_EQ(parse_code("10000000000.00000001"), kAmountOutOfRange);
  EXPECT_EQ(parse_code("10000000001"), kAmountOutOfRange);
  EXPECT_EQ(parse_code("92233720368.54775807"), kAmountOutOfRange);  // INT64_MAX units
  EXPECT_EQ(parse_code("92233720368.54775808"), kAmountOutOfRange);
  EXPECT_EQ(parse_code("18446744073709551616"), kAmountOutOfRange);  // 2^64
  auto r = Amount::parse("10000000000.00000001");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "core.amount_out_of_range");
}

TEST(AmountTest, ParseHugeDigitStringsDoNotOverflow) {
  // A naive accumulator would wrap around (signed overflow is UB) and could even land in range.
  EXPECT_EQ(parse_code(std::string(1000, '9')), kAmountOutOfRange);
  EXPECT_EQ(parse_code("1" + std::string(30, '0')), kAmountOutOfRange);
  EXPECT_EQ(parse_code(std::string(100'000, '9') + " CT"), kAmountOutOfRange);
  // 2^64 + 1 CT wraps to exactly 1 CT in uint64 arithmetic.
  EXPECT_EQ(parse_code("18446744073709551617"), kAmountOutOfRange);
  // Leading zeros do not count towards the size of the number.
  EXPECT_EQ(parse_ok(std::string(1000, '0') + "1"), 100'000'000);
}

TEST(AmountTest, ParseTooPrecise) {
  EXPECT_EQ(parse_code("0.123456789"), kAmountTooPrecise);
  EXPECT_EQ(parse_code("1.000000000"), kAmountTooPrecise);  // even a trailing zero
  EXPECT_EQ(parse_code("0.000000001 CT"), kAmountTooPrecise);
  EXPECT_EQ(parse_code("0." + std::string(1000, '0')), kAmountTooPrecise);
  auto r = Amount::parse("0.123456789");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 1011);
  EXPECT_EQ(r.error().name, "core.amount_too_precise");
}

TEST(AmountTest, ParseInvalid) {
  for (const char* text : {"-1", "+1", "1.", ".5", "", "1e5", "1E5", "1 000", "1,000", "abc",
                           "\xEF\xBC\x91" /* U+FF11 FULLWIDTH DIGIT ONE */, "-0", "-0.1", " 1",
                           "1 ", "\t1", "1\n", " CT", "CT", "1CT", "1 ct", "1  CT", "1 CT CT",
                           "1.2.3", "..", ".", "0x10", "1_000", "Infinity", "NaN",
                           "\xD9\xA1" /* U+0661 ARABIC-INDIC DIGIT ONE */}) {
    EXPECT_EQ(parse_code(text), kAmountInvalid) << "input: \"" << text << "\"";
  }
  EXPECT_EQ(parse_code(std::string("1\0", 2)), kAmountInvalid);
  auto r = Amount::parse("abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 1010);
  EXPECT_EQ(r.error().name, "core.invalid_amount");
}

TEST(AmountTest, ToStringHasExactlyEightDecimals) {
  EXPECT_EQ(U(0).to_string(), "0.00000000");
  EXPECT_EQ(U(1).to_string(), "0.00000001");
  EXPECT_EQ(U(10).to_string(), "0.00000010");
  EXPECT_EQ(U(99'999'999).to_string(), "0.99999999");
  EXPECT_EQ(U(100'000'000).to_string(), "1.00000000");
  EXPECT_EQ(U(1'234'567'890).to_string(), "12.34567890");
  EXPECT_EQ(U(kMax).to_string(), "10000000000.00000000");
  EXPECT_EQ(U(kMax - 1).to_string(), "9999999999.99999999");
  EXPECT_EQ(U(-1).to_string(), "-0.00000001");
  EXPECT_EQ(U(-100'000'000).to_string(), "-1.00000000");
  EXPECT_EQ(U(-kMax).to_string(), "-10000000000.00000000");
  // Out of range values are still printable without overflow.
  EXPECT_EQ(U(kI64Max).to_string(), "92233720368.54775807");
  EXPECT_EQ(U(kI64Min).to_string(), "-92233720368.54775808");
}

TEST(AmountTest, ParseToStringRoundTrip) {
  for (int64_t u : {int64_t{0}, int64_t{1}, int64_t{9}, int64_t{10}, int64_t{99'999'999},
                    int64_t{100'000'000}, int64_t{100'000'001}, int64_t{1'234'567'890},
                    int64_t{123'456'789'012'345'678}, kMax - 1, kMax}) {
    std::string text = U(u).to_string();
    EXPECT_EQ(parse_ok(text), u) << text;
    EXPECT_EQ(parse_ok(text + " CT"), u) << text;
  }
  // Negative amounts print, but parse refuses signs.
  EXPECT_EQ(parse_code(U(-1).to_string()), kAmountInvalid);
  // One unit above the supply prints but does not parse.
  EXPECT_EQ(parse_code(U(kMax + 1).to_string()), kAmountOutOfRange);
}

TEST(AmountTest, CheckedAdd) {
  auto add = [](int64_t a, int64_t b) { return checked_add(U(a), U(b)); };
  EXPECT_EQ(add(0, 0), U(0));
  EXPECT_EQ(add(0, 1), U(1));
  EXPECT_EQ(add(kMax, 0), U(kMax));
  EXPECT_EQ(add(kMax - 1, 1), U(kMax));
  EXPECT_EQ(add(kMax, -kMax), U(0));
  EXPECT_EQ(add(-kMax, 0), U(-kMax));
  EXPECT_EQ(add(-1, -1), U(-2));
  EXPECT_EQ(add(kMax, 1), std::nullopt);
  EXPECT_EQ(add(1, kMax), std::nullopt);
  EXPECT_EQ(add(kMax, kMax), std::nullopt);
  EXPECT_EQ(add(-kMax, -1), std::nullopt);
  // An out-of-range input is refused even when the sum would be in range.
  EXPECT_EQ(add(kMax + 1, -1), std::nullopt);
  EXPECT_EQ(add(-1, kMax + 1), std::nullopt);
  EXPECT_EQ(add(-kMax - 1, 1), std::nullopt);
  // No signed overflow on garbage inputs (the suite also runs under UBSan).
  EXPECT_EQ(add(kI64Max, kI64Max), std::nullopt);
  EXPECT_EQ(add(kI64Min, kI64Min), std::nullopt);
  EXPECT_EQ(add(kI64Max, 1), std::nullopt);
}

TEST(AmountTest, CheckedSub) {
  auto sub = [](int64_t a, int64_t b) { return checked_sub(U(a), U(b)); };
  EXPECT_EQ(sub(0, 0), U(0));
  EXPECT_EQ(sub(1, 1), U(0));
  EXPECT_EQ(sub(kMax, kMax), U(0));
  EXPECT_EQ(sub(kMax, 1), U(kMax - 1));
  // Negative results within [-kMaxMoney, 0) are representable; callers decide if they are allowed.
  EXPECT_EQ(sub(0, 1), U(-1));
  EXPECT_EQ(sub(0, kMax), U(-kMax));
  EXPECT_EQ(sub(-1, kMax), std::nullopt);
  EXPECT_EQ(sub(kMax, -1), std::nullopt);
  EXPECT_EQ(sub(-kMax, kMax), std::nullopt);
  EXPECT_EQ(sub(kMax + 1, 1), std::nullopt);
  EXPECT_EQ(sub(0, kMax + 1), std::nullopt);
  EXPECT_EQ(sub(kI64Min, 0), std::nullopt);
  EXPECT_EQ(sub(0, kI64Min), std::nullopt);
  EXPECT_EQ(sub(kI64Max, kI64Min), std::nullopt);
}

// floor(a * num / den) computed exactly in 128 bits.
int64_t reference_mul_div(int64_t a, int64_t num, int64_t den) {
  return static_cast<int64_t>(static_cast<__int128>(a) * num / den);
}

TEST(AmountTest, MulDivFloorKnownValues) {
  auto mdf = [](int64_t a, int64_t num, int64_t den) { return mul_div_floor(U(a), num, den).units(); };
  EXPECT_EQ(mdf(0, 0, 1), 0);
  EXPECT_EQ(mdf(0, 5, 7), 0);
  EXPECT_EQ(mdf(kMax, 0, 1), 0);
  EXPECT_EQ(mdf(kMax, 1, 1), kMax);
  EXPECT_EQ(mdf(kMax, 7, 7), kMax);
  EXPECT_EQ(mdf(1, 1, 2), 0);  // floor, not round
  EXPECT_EQ(mdf(3, 2, 3), 2);
  EXPECT_EQ(mdf(5, 2, 3), 3);  // 10/3 = 3.33
  EXPECT_EQ(mdf(kMax, 1, 3), 333'333'333'333'333'333);
  EXPECT_EQ(mdf(kMax, 2, 3), 666'666'666'666'666'666);
  EXPECT_EQ(mdf(kMax, 999'999, 1'000'000), 999'999'000'000'000'000);
  // Large denominators: r * num would overflow int64 in a two-step computation.
  EXPECT_EQ(mdf(kMax, kI64Max - 1, kI64Max), kMax - 1);
  EXPECT_EQ(mdf(kMax - 1, kMax - 2, kMax), reference_mul_div(kMax - 1, kMax - 2, kMax));
  EXPECT_EQ(mdf(kI64Max, kI64Max, kI64Max), kI64Max);
  EXPECT_EQ(mdf(kI64Max, kI64Max - 1, kI64Max), kI64Max - 1);
}

TEST(AmountTest, MulDivFloorMatchesInt128Reference) {
  std::mt19937_64 rng(20261125);  // purity-ok: test-only, fixed seed
  // Mix small and huge magnitudes so both the common chain ratios and the extremes are hit.
  // A value in [0, hi]; the modulus is unsigned because hi + 1 overflows int64 for hi = INT64_MAX.
  auto pick = [&](int64_t hi) -> int64_t {
    const uint64_t span = static_cast<uint64_t>(hi) + 1;
    switch (rng() % 4) {
      case 0: return static_cast<int64_t>(rng() % 1000 % span);
      case 1: return static_cast<int64_t>(rng() % 1'000'001 % span);
      case 2: return hi - static_cast<int64_t>(rng() % 1000 % span);
      default: return static_cast<int64_t>(rng() % span);
    }
  };
  for (int i = 0; i < 200'000; ++i) {
    int64_t a = pick(kMax);
    int64_t den = std::max<int64_t>(1, pick(kI64Max));
    int64_t num = pick(den);
    ASSERT_EQ(mul_div_floor(U(a), num, den).units(), reference_mul_div(a, num, den))
        << "a=" << a << " num=" << num << " den=" << den;
  }
}

}  // namespace
}  // namespace lingji::core
