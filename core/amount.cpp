#include "core/amount.h"

#include "core/core_errors.h"

namespace lingji::core {

std::string Amount::to_string() const {
  // Work in unsigned so that INT64_MIN (never a valid amount, but printable) cannot overflow.
  bool neg = units_ < 0;
  uint64_t u = neg ? ~static_cast<uint64_t>(units_) + 1 : static_cast<uint64_t>(units_);
  std::string frac = std::to_string(u % kUnitsPerCt);
  frac.insert(0, 8 - frac.size(), '0');
  return (neg ? "-" : "") + std::to_string(u / kUnitsPerCt) + "." + frac;
}

Result<Amount> Amount::parse(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return core_error("core.invalid_amount",
                      "invalid amount \"" + std::string(text.substr(0, 64)) + "\": " + why);
  };
  std::string_view s = text;
  if (s.size() > 3 && s.substr(s.size() - 3) == " CT") s.remove_suffix(3);
  if (s.empty()) return invalid("empty");
  if (s[0] == '-') return invalid("negative amounts are not allowed");
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty()) return invalid("digits are required before the decimal point");
  if (dot != std::string_view::npos && frac.empty())
    return invalid("digits are required after the decimal point");
  for (char c : whole)
    if (c < '0' || c > '9') return invalid("unexpected character");
  for (char c : frac)
    if (c < '0' || c > '9') return invalid("unexpected character");
  if (frac.size() > 8)
    return core_error("core.amount_too_precise",
                      "amount \"" + std::string(text.substr(0, 64)) + "\" has more than 8 decimals");
  // Accumulate with a bound check at every digit: kMaxMoney is far below INT64_MAX / 10.
  auto out_of_range = [&] {
    return core_error("core.amount_out_of_range",
                      "amount exceeds the total supply of 10000000000 CT");
  };
  int64_t units = 0;
  for (char c : whole) {
    units = units * 10 + (c - '0');
    if (units > kMaxSupplyCt) return out_of_range();
  }
  units *= kUnitsPerCt;
  int64_t scale = kUnitsPerCt;
  for (char c : frac) {
    scale /= 10;
    units += (c - '0') * scale;
  }
  if (units > kMaxMoney) return out_of_range();
  return Amount::units(units);
}

std::optional<Amount> checked_add(Amount a, Amount b) {
  if (!a.in_range() || !b.in_range()) return std::nullopt;
  Amount r = Amount::units(a.units() + b.units());  // cannot overflow: see static_assert
  if (!r.in_range()) return std::nullopt;
  return r;
}

std::optional<Amount> checked_sub(Amount a, Amount b) {
  if (!a.in_range() || !b.in_range()) return std::nullopt;
  Amount r = Amount::units(a.units() - b.units());
  if (!r.in_range()) return std::nullopt;
  return r;
}

Amount mul_div_floor(Amount a, int64_t num, int64_t den) {
  // The product is formed in 128 bits: splitting a = q*den + r still needs r*num < den^2, which
  // overflows int64 (UB, and in practice a wrong, even negative, amount) once den > ~3*10^9.
  // The quotient is <= a because num <= den, so it fits back in int64.
  return Amount::units(static_cast<int64_t>(static_cast<__int128>(a.units()) * num / den));
}

}  // namespace lingji::core
