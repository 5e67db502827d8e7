// genesis_test.cpp: genesis/default.json, the validation of R1's allocation, the refusal of bad
// genesis files, the chain id, the JSON round trip, and the locks the genesis creates (R2).
#include "chain/genesis/genesis.h"

#include <gtest/gtest.h>

#include <fstream>  // purity-ok: tests read committed vector files
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "chain/chain_errors.h"
#include "chain/genesis/dev_keys.h"
#include "chain/token/account.h"
#include "core/address.h"

namespace lingji::chain {
namespace {

using Json = nlohmann::ordered_json;

std::string default_text() {
  std::ifstream f(LINGJI_SOURCE_DIR "/genesis/default.json");
  EXPECT_TRUE(f.good()) << "cannot open genesis/default.json";
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Genesis default_genesis() {
  auto g = parse_genesis_json(default_text());
  EXPECT_TRUE(g) << g.error().message;
  return g ? *g : Genesis{};
}

TEST(GenesisDefaultTest, ParsesValidatesAndHoldsExactlyTheSupply) {
  auto parsed = parse_genesis_json(default_text());
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Genesis& g = *parsed;
  EXPECT_TRUE(g.validate());
  EXPECT_EQ(g.chain_name, "lingji-dev");
  EXPECT_EQ(g.utc_offset_minutes, 480);
  EXPECT_EQ(g.genesis_time, *core::parse_iso8601("2026-10-31T16:00:00Z"));
  int64_t total = 0;
  std::map<Category, int64_t> per;
  for (const auto& a : g.allocations) {
    total += a.amount.units();
    per[a.category] += a.amount.units();
  }
  EXPECT_EQ(total, Amount::ct(10'000'000'000).units());
  // R1: 10 / 10 / 15 / 15 / 10 / 40 %, written out rather than taken from category_percent().
  EXPECT_EQ(per[Category::kCornerstoneAngel], Amount::ct(1'000'000'000).units());
  EXPECT_EQ(per[Category::kDealers], Amount::ct(1'000'000'000).units());
  EXPECT_EQ(per[Category::kTeam], Amount::ct(1'500'000'000).units());
  EXPECT_EQ(per[Category::kFoundation], Amount::ct(1'500'000'000).units());
  EXPECT_EQ(per[Category::kCommunityRewards], Amount::ct(1'000'000'000).units());
  EXPECT_EQ(per[Category::kCommunityCirculation], Amount::ct(4'000'000'000).units());
  EXPECT_EQ(per.size(), 6u);
  for (Category c : kAllCategories) EXPECT_EQ(per[c], Amount::kMaxMoney / 100 * category_percent(c));
}

TEST(GenesisDefaultTest, EveryAddressIsTheDevKeyOfItsDocumentedName) {
  Genesis g = default_genesis();
  EXPECT_EQ(core::encode_address(g.foundation), core::encode_address(dev_key("foundation").public_key()));
  ASSERT_EQ(g.producers.size(), 1u);
  EXPECT_EQ(core::encode_address(g.producers[0]), core::encode_address(dev_key("producer").public_key()));
  const std::pair<Category, const char*> want[] = {
      {Category::kCornerstoneAngel, "cornerstone"}, {Category::kDealers, "dealers"},
      {Category::kTeam, "team"},                    {Category::kFoundation, "foundation"},
      {Category::kCommunityRewards, "community-rewards"}, {Category::kCommunityCirculation, "community"},
      {Category::kCommunityCirculation, "dev"}};
  ASSERT_EQ(g.allocations.size(), std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    SCOPED_TRACE(want[i].second);
    EXPECT_EQ(g.allocations[i].category, want[i].first);
    EXPECT_EQ(core::encode_address(g.allocations[i].account),
              core::encode_address(dev_key(want[i].second).public_key()));
  }
  EXPECT_EQ(g.allocations[6].amount, Amount::ct(1'000'000));  // the dev faucet
}

// Applies `edit` to default.json and expects the result to be refused with genesis.invalid.
void expect_refused(const std::string& what, const std::function<void(Json&)>& edit) {
  SCOPED_TRACE(what);
  Json j = Json::parse(default_text());
  edit(j);
  auto g = parse_genesis_json(j.dump());
  ASSERT_FALSE(g) << "accepted: " << what;
  EXPECT_EQ(g.error().code, 2401);
  EXPECT_EQ(g.error().name, "genesis.invalid");
}

TEST(GenesisInvalidTest, AllocationErrorsAreRefused) {
  // Indices in default.json: 0 cornerstone, 1 dealers, 2 team, 3 foundation, 4 rewards,
  // 5 community, 6 dev faucet (also community circulation).
  expect_refused("one unit moved from team to community (total still exact)", [](Json& j) {
    j["allocations"][2]["amount"] = "1499999999.99999999";
    j["allocations"][5]["amount"] = "3999000000.00000001";
  });
  expect_refused("one unit moved from rewards to foundation", [](Json& j) {
    j["allocations"][3]["amount"] = "1500000000.00000001";
    j["allocations"][4]["amount"] = "999999999.99999999";
  });
  expect_refused("total one unit short", [](Json& j) { j["allocations"][6]["amount"] = "999999.99999999"; });
  expect_refused("total one unit over", [](Json& j) { j["allocations"][6]["amount"] = "1000000.00000001"; });
  expect_refused("an allocation missing", [](Json& j) { j["allocations"].erase(6); });
  expect_refused("zero allocation", [](Json& j) {
    j["allocations"].push_back(j["allocations"][6]);
    j["allocations"][7]["amount"] = "0";
    j["allocations"][7]["account"] = core::encode_address(dev_key("zero").public_key());
  });
  expect_refused("duplicate account", [](Json& j) { j["allocations"][6]["account"] = j["allocations"][5]["account"]; });
  expect_refused("duplicate account across categories",
                 [](Json& j) { j["allocations"][4]["account"] = j["allocations"][3]["account"]; });
  expect_refused("unknown category", [](Json& j) { j["allocations"][6]["category"] = "investors"; });
  expect_refused("amount with 9 decimals", [](Json& j) { j["allocations"][6]["amount"] = "1000000.000000000"; });
  expect_refused("negative amount", [](Json& j) { j["allocations"][6]["amount"] = "-1"; });
  expect_refused("amount as a JSON number", [](Json& j) { j["allocations"][6]["amount"] = 1000000; });
}

TEST(GenesisInvalidTest, AddressTimeAndShapeErrorsAreRefused) {
  auto flip_last = [](std::string a) {
    a.back() = a.back() == 'q' ? 'p' : 'q';  // one character: the Bech32m checksum must catch it
    return a;
  };
  expect_refused("allocation address checksum", [&](Json& j) {
    j["allocations"][0]["account"] = flip_last(j["allocations"][0]["account"].get<std::string>());
  });
  expect_refused("foundation address checksum",
                 [&](Json& j) { j["foundation"] = flip_last(j["foundation"].get<std::string>()); });
  expect_refused("producer not an address", [](Json& j) { j["producers"] = {"lingji"}; });
  expect_refused("no producers", [](Json& j) { j["producers"] = Json::array(); });
  expect_refused("a producer twice", [](Json& j) { j["producers"].push_back(j["producers"][0]); });
  expect_refused("impossible date", [](Json& j) { j["genesis_time"] = "2026-02-29T00:00:00+08:00"; });
  expect_refused("no zone", [](Json& j) { j["genesis_time"] = "2026-11-01T00:00:00"; });
  expect_refused("date only", [](Json& j) { j["genesis_time"] = "2026-11-01"; });
  expect_refused("time as a number", [](Json& j) { j["genesis_time"] = 1793462400000; });
  expect_refused("zone offset out of range", [](Json& j) { j["utc_offset_minutes"] = 15 * 60; });
  expect_refused("block interval 0", [](Json& j) { j["parameters"]["block_interval_ms"] = 0; });
  expect_refused("lifetime too long", [](Json& j) { j["parameters"]["max_transaction_lifetime_ms"] = 86'400'001; });
  expect_refused("empty chain name", [](Json& j) { j["chain_name"] = ""; });
  for (const char* field : {"chain_name", "genesis_time", "utc_offset_minutes", "foundation", "producers", "allocations"})
    expect_refused(std::string("missing ") + field, [&](Json& j) { j.erase(field); });
  for (const char* field : {"category", "name", "account", "amount"})
    expect_refused(std::string("allocation missing ") + field, [&](Json& j) { j["allocations"][1].erase(field); });
  for (const char* text : {"", "{", "not json", "[]", "42", "{\"chain_name\": \"x\"", "null"}) {
    auto g = parse_genesis_json(text);
    ASSERT_FALSE(g) << text;
    EXPECT_EQ(g.error().name, "genesis.invalid") << text;
  }
}

// Found by fuzz/genesis_json_fuzz: the numbers were read with get<int32_t>() and friends, which
// cast a fractional number or an out-of-range integer without a word (a fraction beyond the
// type's range, such as 1e300, is undefined behaviour). A number field must be a JSON integer in
// its type's range.
TEST(GenesisInvalidTest, NumbersMustBeIntegersOfTheirType) {
  expect_refused("offset 480.5", [](Json& j) { j["utc_offset_minutes"] = 480.5; });
  expect_refused("offset 1e300", [](Json& j) { j["utc_offset_minutes"] = 1e300; });
  expect_refused("offset 2^32 + 480", [](Json& j) { j["utc_offset_minutes"] = (int64_t{1} << 32) + 480; });
  expect_refused("interval 1000.5", [](Json& j) { j["parameters"]["block_interval_ms"] = 1000.5; });
  expect_refused("interval -2^32 + 1000", [](Json& j) { j["parameters"]["block_interval_ms"] = -(int64_t{1} << 32) + 1000; });
  expect_refused("interval 2^32 + 1000", [](Json& j) { j["parameters"]["block_interval_ms"] = (uint64_t{1} << 32) + 1000; });
  expect_refused("transactions 1e4", [](Json& j) { j["parameters"]["max_block_transactions"] = 1e4; });
  expect_refused("lifetime 3.6e6", [](Json& j) { j["parameters"]["max_transaction_lifetime_ms"] = 3.6e6; });
  expect_refused("lifetime 2^63", [](Json& j) { j["parameters"]["max_transaction_lifetime_ms"] = uint64_t{1} << 63; });
  expect_refused("interval as a string", [](Json& j) { j["parameters"]["block_interval_ms"] = "1000"; });
  expect_refused("offset true", [](Json& j) { j["utc_offset_minutes"] = true; });
  expect_refused("parameters not an object", [](Json& j) { j["parameters"] = Json::array({1000}); });
}

TEST(GenesisChainIdTest, ChangesWhenAnyFieldChanges) {
  const Genesis base = default_genesis();
  std::vector<std::pair<const char*, std::function<void(Genesis&)>>> edits = {
      {"chain_name", [](Genesis& g) { g.chain_name += "x"; }},
      {"genesis_time", [](Genesis& g) { g.genesis_time += 1000; }},
      {"utc_offset_minutes", [](Genesis& g) { g.utc_offset_minutes = 540; }},
      {"block_interval_ms", [](Genesis& g) { g.params.block_interval_ms += 1; }},
      {"max_block_transactions", [](Genesis& g) { g.params.max_block_transactions += 1; }},
      {"max_transaction_lifetime_ms", [](Genesis& g) { g.params.max_transaction_lifetime_ms += 1; }},
      {"foundation", [](Genesis& g) { g.foundation = dev_key("other").public_key(); }},
      {"producers", [](Genesis& g) { g.producers = {dev_key("other").public_key()}; }},
      {"allocation category", [](Genesis& g) { g.allocations[3].category = Category::kCommunityRewards; }},
      {"allocation name", [](Genesis& g) { g.allocations[0].name += "."; }},
      {"allocation account", [](Genesis& g) { g.allocations[6].account = dev_key("other").public_key(); }},
      {"allocation amounts (still valid)", [](Genesis& g) {
         g.allocations[5].amount = Amount::units(g.allocations[5].amount.units() + 1);
         g.allocations[6].amount = Amount::units(g.allocations[6].amount.units() - 1);
       }},
      {"allocation order", [](Genesis& g) { std::swap(g.allocations[5], g.allocations[6]); }},
      {"allocation removed", [](Genesis& g) { g.allocations.pop_back(); }},
  };
  std::set<std::string> ids{base.chain_id().hex()};
  for (const auto& [what, edit] : edits) {
    Genesis g = base;
    edit(g);
    EXPECT_NE(g.chain_id(), base.chain_id()) << what;
    EXPECT_TRUE(ids.insert(g.chain_id().hex()).second) << what;
  }
  EXPECT_EQ(default_genesis().chain_id(), base.chain_id());  // and it is deterministic
}

TEST(GenesisJsonTest, RoundTripKeepsTheChainId) {
  const Genesis g = default_genesis();
  std::string text = genesis_to_json(g);
  auto back = parse_genesis_json(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->chain_id(), g.chain_id());
  EXPECT_EQ(back->encode(), g.encode());
  EXPECT_EQ(genesis_to_json(*back), text);
  // Also for a genesis in another zone, with non-default parameters.
  Genesis h = g;
  h.utc_offset_minutes = -330;
  h.genesis_time = *core::parse_iso8601("2027-02-28T23:59:59-05:30");
  h.params = ChainParams{500, 2000, 120'000};
  auto h2 = parse_genesis_json(genesis_to_json(h));
  ASSERT_TRUE(h2) << h2.error().message;
  EXPECT_EQ(h2->chain_id(), h.chain_id());
}

TEST(GenesisStateTest, LocksExactlyTheLockedCategoriesWithTheirCliff) {
  const Genesis g = default_genesis();  // 2026-11-01 00:00 +08:00
  State s;
  (void)s.apply(g.initial_state());
  const std::map<Category, const char*> cliff = {
      {Category::kCornerstoneAngel, "2027-05-01T00:00:00+08:00"},
      {Category::kDealers, "2027-11-01T00:00:00+08:00"},
      {Category::kTeam, "2027-11-01T00:00:00+08:00"}};
  size_t locks = 0;
  s.for_each(Bytes{'L'}, [&](const Bytes&, const Bytes&) { ++locks; });
  EXPECT_EQ(locks, 3u);
  for (const auto& a : g.allocations) {
    SCOPED_TRACE(a.name);
    Account acc = load_account(s, a.account);
    EXPECT_EQ(acc.balance, a.amount);
    EXPECT_EQ(acc.sequence, 0u);
    auto lock = load_lock(s, a.account);
    auto it = cliff.find(a.category);
    if (it == cliff.end()) {
      EXPECT_FALSE(lock) << category_name(a.category) << " must not be locked";
      continue;
    }
    ASSERT_TRUE(lock);
    EXPECT_EQ(lock->category, a.category);
    EXPECT_EQ(lock->original, a.amount);
    EXPECT_EQ(core::format_utc(lock->cliff_end), core::format_utc(*core::parse_iso8601(it->second)));
  }
  // Accounts and locks, the schedule with generation 0 ('S', 'G'), the genesis as first ancestor
  // and final block ('H', 'F'), the governed parameters and the first slot segment ('C');
  // nothing else.
  EXPECT_EQ(s.size(), g.allocations.size() + 3 + 4 + 2);
}

}  // namespace
}  // namespace lingji::chain
