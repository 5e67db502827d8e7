// amount.h: CT amounts as int64 base units (1 CT = 10^8 units) with checked arithmetic.
//
// Every amount that can exist on the chain is within [-kMaxMoney, kMaxMoney]: the supply is fixed
// at 10^10 CT = 10^18 units, so the sum of any two valid amounts still fits in int64.
// Text form: "12.34567890" (format always gives exactly 8 decimals); parse accepts 0 to 8
// decimals and an optional " CT" suffix, and rejects signs, exponents, spaces and garbage.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lingji::core {

class Amount {
 public:
  static constexpr int64_t kUnitsPerCt = 100'000'000;
  static constexpr int64_t kMaxSupplyCt = 10'000'000'000;
  static constexpr int64_t kMaxMoney = kMaxSupplyCt * kUnitsPerCt;  // 10^18 units

  constexpr Amount() = default;
  static constexpr Amount units(int64_t u) { return Amount(u); }
  static constexpr Amount ct(int64_t whole) { return Amount(whole * kUnitsPerCt); }
  static constexpr Amount zero() { return Amount(0); }

  constexpr int64_t units() const { return units_; }
  constexpr bool in_range() const { return units_ >= -kMaxMoney && units_ <= kMaxMoney; }
  auto operator<=>(const Amount&) const = default;

  // "123.45678900"; negative amounts get a leading '-'.
  std::string to_string() const;
  static Result<Amount> parse(std::string_view text);

 private:
  constexpr explicit Amount(int64_t u) : units_(u) {}
  int64_t units_ = 0;
};

static_assert(2 * Amount::kMaxMoney < INT64_MAX, "sum of two amounts must not overflow");

// nullopt when the result leaves [-kMaxMoney, kMaxMoney] or an input is out of range.
std::optional<Amount> checked_add(Amount a, Amount b);
std::optional<Amount> checked_sub(Amount a, Amount b);
// floor(a * num / den) without overflow. Requires: a >= 0, 0 <= num <= den, den > 0.
Amount mul_div_floor(Amount a, int64_t num, int64_t den);

}  // namespace lingji::core
