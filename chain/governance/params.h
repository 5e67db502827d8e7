// params.h: the chain parameters the governance committee sets (R14), one row each.
//
// The table kParams is the single description of a parameter: its stable id (part of the
// governance_propose encoding), its name (API, CLI), its unit, its bounds (checked on every
// change), the field of GovernedParams that holds it, and its width in the stored record.
// validate_params, apply_changes, the stored record, the API's JSON and the CLI's --set all read
// this table; adding a parameter is a field in GovernedParams and a row here.
//
// Stored record ('C' "params", chain/governance/governance.h): each parameter in table order,
// as u32 or i64 (ParamRow::wide).
#pragma once

#include <optional>
#include <string_view>

#include "chain/governance/governance_ops.h"
#include "chain/resources/resources.h"
#include "core/amount.h"
#include "core/result.h"

namespace lingji::chain {

// Fees are in basis points of a stake (R6: 1-5%); bet limits and the reward are amounts (R5:
// from 0.1 CT up to a cap such as 200 CT); the resource model's rates are in resource units
// (chain/resources/resources.h, docs/resources.md).
struct GovernedParams {
  uint32_t bet_fee_min_bp = 100;
  uint32_t bet_fee_max_bp = 500;
  uint32_t bet_fee_default_bp = 500;  // DESIGN.md: a 5 % takeout returns 95 % to players
  Amount bet_min = Amount::units(Amount::kUnitsPerCt / 10);
  Amount bet_max = Amount::ct(200);
  uint32_t block_interval_ms = 1000;
  Amount block_reward = Amount::ct(1);
  ResourceParams resources;
  bool operator==(const GovernedParams&) const = default;
};

enum class ParamUnit : uint8_t {
  kBasisPoints,   // a whole number of 1/100 %
  kMilliseconds,  // a whole number of ms
  kAmount,        // CT, written as a decimal ("0.1") at the edges, units inside
  kResourceUnits, // a whole number of resource units (1 RU = 1 byte of a transaction)
};
const char* param_unit_name(ParamUnit u);  // "basis_points", "ms", "ct", "resource_units"

struct ParamRow {
  ParamId id;
  std::string_view name;
  ParamUnit unit;
  int64_t min;  // inclusive bounds of one value, in basis points, ms or units
  int64_t max;
  bool wide;    // stored as i64 (else u32)
  int64_t (*get)(const GovernedParams&);
  void (*set)(GovernedParams&, int64_t);
};

inline constexpr ParamRow kParams[] = {
    {ParamId::kBetFeeMinBp, "bet_fee_min_bp", ParamUnit::kBasisPoints, 0, 10'000, false,
     [](const GovernedParams& p) -> int64_t { return p.bet_fee_min_bp; },
     [](GovernedParams& p, int64_t v) { p.bet_fee_min_bp = static_cast<uint32_t>(v); }},
    {ParamId::kBetFeeMaxBp, "bet_fee_max_bp", ParamUnit::kBasisPoints, 0, 10'000, false,
     [](const GovernedParams& p) -> int64_t { return p.bet_fee_max_bp; },
     [](GovernedParams& p, int64_t v) { p.bet_fee_max_bp = static_cast<uint32_t>(v); }},
    {ParamId::kBetFeeDefaultBp, "bet_fee_default_bp", ParamUnit::kBasisPoints, 0, 10'000, false,
     [](const GovernedParams& p) -> int64_t { return p.bet_fee_default_bp; },
     [](GovernedParams& p, int64_t v) { p.bet_fee_default_bp = static_cast<uint32_t>(v); }},
    {ParamId::kBetMin, "bet_min", ParamUnit::kAmount, 1, Amount::kMaxMoney, true,
     [](const GovernedParams& p) { return p.bet_min.units(); },
     [](GovernedParams& p, int64_t v) { p.bet_min = Amount::units(v); }},
    {ParamId::kBetMax, "bet_max", ParamUnit::kAmount, 1, Amount::kMaxMoney, true,
     [](const GovernedParams& p) { return p.bet_max.units(); },
     [](GovernedParams& p, int64_t v) { p.bet_max = Amount::units(v); }},
    {ParamId::kBlockIntervalMs, "block_interval_ms", ParamUnit::kMilliseconds, 100, 60'000, false,
     [](const GovernedParams& p) -> int64_t { return p.block_interval_ms; },
     [](GovernedParams& p, int64_t v) { p.block_interval_ms = static_cast<uint32_t>(v); }},
    {ParamId::kBlockReward, "block_reward", ParamUnit::kAmount, 0, Amount::kMaxMoney, true,
     [](const GovernedParams& p) { return p.block_reward.units(); },
     [](GovernedParams& p, int64_t v) { p.block_reward = Amount::units(v); }},
    // The resource model (docs/resources.md). The upper bounds keep its arithmetic in int64:
    // capacity <= 1e10 CT * 1e8 RU.
    {ParamId::kResourceWindowMs, "resource_window_ms", ParamUnit::kMilliseconds, 60'000, 2'592'000'000, false,
     [](const GovernedParams& p) { return p.resources.window_ms; },
     [](GovernedParams& p, int64_t v) { p.resources.window_ms = v; }},
    {ParamId::kResourceUnitsPerCt, "resource_units_per_ct", ParamUnit::kResourceUnits, 1, 100'000'000, false,
     [](const GovernedParams& p) { return p.resources.units_per_ct; },
     [](GovernedParams& p, int64_t v) { p.resources.units_per_ct = v; }},
    {ParamId::kResourceFloorUnits, "resource_floor_units", ParamUnit::kResourceUnits, 0, 100'000'000, false,
     [](const GovernedParams& p) { return p.resources.floor_units; },
     [](GovernedParams& p, int64_t v) { p.resources.floor_units = v; }},
    {ParamId::kResourceTxUnits, "resource_tx_units", ParamUnit::kResourceUnits, 0, 100'000'000, false,
     [](const GovernedParams& p) { return p.resources.tx_units; },
     [](GovernedParams& p, int64_t v) { p.resources.tx_units = v; }},
};

consteval bool params_table_is_well_formed() {
  for (size_t i = 0; i < std::size(kParams); ++i) {
    // Ids ascend (the stored record is in table order) and bounds fit the stored width.
    if (i > 0 && static_cast<int>(kParams[i].id) <= static_cast<int>(kParams[i - 1].id)) return false;
    if (kParams[i].min > kParams[i].max || kParams[i].min < 0) return false;
    if (!kParams[i].wide && kParams[i].max > int64_t{UINT32_MAX}) return false;
    for (size_t j = 0; j < i; ++j)
      if (kParams[j].name == kParams[i].name) return false;
  }
  return true;
}
static_assert(params_table_is_well_formed());

// The row of a parameter, or nullptr for an id or name no row has.
const ParamRow* find_param(ParamId id);
const ParamRow* find_param(std::string_view name);
const char* param_name(ParamId id);  // "bet_fee_min_bp", ... ("unknown" for no row)

// A value written as a person writes it ("0.1" CT for an amount, "250" for basis points or
// ms) in the row's units. Errors: the amount's own core errors, governance.bad_param.
[[nodiscard]] core::Result<int64_t> parse_param_value(const ParamRow& row, std::string_view text);

// One value within its row's bounds. Error: governance.bad_param naming the parameter.
[[nodiscard]] core::Status check_change(const ParamChange& c);
// Every value within its bounds, and the rules across fields: min <= default <= max fees,
// bet_min <= bet_max. Error: governance.bad_param naming the field.
[[nodiscard]] core::Status validate_params(const GovernedParams& p);
// p with the changes applied (each value range-checked as it is set), then validated as a whole.
[[nodiscard]] core::Result<GovernedParams> apply_changes(GovernedParams p, const std::vector<ParamChange>& changes);

}  // namespace lingji::chain
