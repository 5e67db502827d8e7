#include "chain/governance/params.h"

#include <charconv>

#include "chain/chain_errors.h"

namespace lingji::chain {
namespace {

core::Error bad_param(std::string why) { return chain_error("governance.bad_param", std::move(why)); }

// The unit as the bounds message says it.
const char* bounds_unit(ParamUnit u) {
  switch (u) {
    case ParamUnit::kBasisPoints: return "basis points";
    case ParamUnit::kMilliseconds: return "ms";
    case ParamUnit::kAmount: return "units";
    case ParamUnit::kResourceUnits: return "resource units";
  }
  return "";
}

}  // namespace

const char* param_unit_name(ParamUnit u) {
  switch (u) {
    case ParamUnit::kBasisPoints: return "basis_points";
    case ParamUnit::kMilliseconds: return "ms";
    case ParamUnit::kAmount: return "ct";
    case ParamUnit::kResourceUnits: return "resource_units";
  }
  return "unknown";
}

const ParamRow* find_param(ParamId id) {
  for (const auto& row : kParams)
    if (row.id == id) return &row;
  return nullptr;
}

const ParamRow* find_param(std::string_view name) {
  for (const auto& row : kParams)
    if (row.name == name) return &row;
  return nullptr;
}

const char* param_name(ParamId id) {
  const ParamRow* row = find_param(id);
  return row ? row->name.data() : "unknown";  // the names are literals: null-terminated
}

core::Result<int64_t> parse_param_value(const ParamRow& row, std::string_view text) {
  if (row.unit == ParamUnit::kAmount) {
    auto amount = Amount::parse(text);
    if (!amount) {
      core::Error e = amount.error();
      e.message = std::string(row.name) + ": " + e.message;
      return e;
    }
    return amount->units();
  }
  // Leading blanks and one '+' or '-', then digits to the end; out of int64 range is refused.
  const size_t start = text.find_first_not_of(" \t\n\v\f\r");
  std::string_view digits = start == std::string_view::npos ? std::string_view() : text.substr(start);
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);  // from_chars takes only '-'
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size())
    return bad_param(std::string(row.name) + " takes a whole number, not \"" + std::string(text) + "\"");
  return v;
}

core::Status check_change(const ParamChange& c) {
  const ParamRow* row = find_param(c.param);
  if (!row) return bad_param("unknown parameter id " + std::to_string(static_cast<int>(c.param)));
  if (c.value < row->min || c.value > row->max)
    return bad_param(std::string(row->name) + " must be within " + std::to_string(row->min) + ".." +
                     std::to_string(row->max) + " " + bounds_unit(row->unit) + ", not " + std::to_string(c.value));
  return core::Ok();
}

core::Status validate_params(const GovernedParams& p) {
  for (const auto& row : kParams)
    if (auto st = check_change(ParamChange{row.id, row.get(p)}); !st) return st;
  if (p.bet_fee_min_bp > p.bet_fee_default_bp || p.bet_fee_default_bp > p.bet_fee_max_bp)
    return bad_param("the bet fees must satisfy bet_fee_min_bp <= bet_fee_default_bp <= bet_fee_max_bp (" +
                     std::to_string(p.bet_fee_min_bp) + ", " + std::to_string(p.bet_fee_default_bp) + ", " +
                     std::to_string(p.bet_fee_max_bp) + ")");
  if (p.bet_min > p.bet_max)
    return bad_param("bet_min " + p.bet_min.to_string() + " CT is above bet_max " + p.bet_max.to_string() + " CT");
  return core::Ok();
}

core::Result<GovernedParams> apply_changes(GovernedParams p, const std::vector<ParamChange>& changes) {
  for (const auto& c : changes) {
    if (auto st = check_change(c); !st) return st.error();
    find_param(c.param)->set(p, c.value);
  }
  if (auto st = validate_params(p); !st) return st.error();
  return p;
}

}  // namespace lingji::chain
