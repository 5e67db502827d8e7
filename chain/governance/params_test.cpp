// params_test.cpp: the parameter table (chain/governance/params.h): every row's bounds are what
// a change is checked against, every row round-trips through the stored record, and values are
// read in the row's unit.
#include "chain/governance/params.h"

#include <gtest/gtest.h>

#include "chain/chain_test_util.h"
#include "chain/governance/governance.h"

namespace lingji::chain {
namespace {

TEST(ParamsTableTest, EveryIdHasOneRowAndItsName) {
  for (uint8_t id = 1; id <= 11; ++id) {
    const ParamRow* row = find_param(static_cast<ParamId>(id));
    ASSERT_NE(row, nullptr) << int{id};
    EXPECT_EQ(find_param(row->name), row);
    EXPECT_EQ(param_name(row->id), row->name);
  }
  EXPECT_EQ(find_param(static_cast<ParamId>(12)), nullptr);
  EXPECT_EQ(find_param("no_such_param"), nullptr);
  EXPECT_STREQ(param_name(static_cast<ParamId>(99)), "unknown");
}

TEST(ParamsTableTest, EachRowsBoundsAreTheChecksEdges) {
  for (const auto& row : kParams) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_TRUE(check_change({row.id, row.min}));
    EXPECT_TRUE(check_change({row.id, row.max}));
    auto below = check_change({row.id, row.min - 1});
    ASSERT_FALSE(below);
    EXPECT_EQ(below.error().name, "governance.bad_param");
    EXPECT_NE(below.error().message.find(std::string(row.name)), std::string::npos);
    EXPECT_FALSE(check_change({row.id, row.max + 1}));
  }
  EXPECT_FALSE(check_change({static_cast<ParamId>(0), 1}));
}

TEST(ParamsTableTest, TheStoredRecordRoundTripsEveryRow) {
  // A distinct value in every field (none the default) survives store and load.
  GovernedParams p;
  int64_t k = 0;
  for (const auto& row : kParams) row.set(p, row.min + (++k));
  for (const auto& row : kParams) EXPECT_NE(row.get(p), row.get(GovernedParams{})) << row.name;
  Genesis g = testing::dev_genesis(1'790'000'000'000);
  State state;
  (void)state.apply(g.initial_state());
  EXPECT_EQ(load_params(state), genesis_params(g));
  StateOverlay s(state);
  store_params(s, p);
  EXPECT_EQ(load_params(s), p);
  // The record is the rows in table order, u32 or i64 each: 8 narrow + 3 wide = 56 bytes.
  size_t bytes = 0;
  for (const auto& row : kParams) bytes += row.wide ? 8 : 4;
  EXPECT_EQ(bytes, 56u);
  const Bytes record_key{'C', 'p', 'a', 'r', 'a', 'm', 's'};
  ASSERT_NE(state.get(record_key), nullptr);
  EXPECT_EQ(state.get(record_key)->size(), 56u);
  auto next = apply_changes(genesis_params(g), {{ParamId::kBetFeeDefaultBp, 300}, {ParamId::kBlockReward, 7}});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->bet_fee_default_bp, 300u);
  EXPECT_EQ(next->block_reward, Amount::units(7));
}

TEST(ParamsTableTest, ValuesAreReadInTheRowsUnit) {
  const ParamRow& bet_max = *find_param("bet_max");
  EXPECT_EQ(parse_param_value(bet_max, "0.1").value(), Amount::kUnitsPerCt / 10);
  EXPECT_EQ(parse_param_value(bet_max, "150").value(), 150 * Amount::kUnitsPerCt);
  auto precise = parse_param_value(bet_max, "0.000000001");
  ASSERT_FALSE(precise);
  EXPECT_EQ(precise.error().name, "core.amount_too_precise");
  EXPECT_NE(precise.error().message.find("bet_max: "), std::string::npos);
  const ParamRow& fee = *find_param("bet_fee_default_bp");
  EXPECT_EQ(parse_param_value(fee, "300").value(), 300);
  EXPECT_EQ(parse_param_value(fee, " +300").value(), 300);
  EXPECT_EQ(parse_param_value(fee, "-1").value(), -1);  // the range is the node's check
  for (const char* bad : {"", "3.5", "300x", "0x10", "99999999999999999999", "+-1", " "}) {
    auto r = parse_param_value(fee, bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().name, "governance.bad_param") << bad;
  }
}

}  // namespace
}  // namespace lingji::chain
