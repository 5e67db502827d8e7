// error_tables_test.cpp: every layer's error table at once (core/error_table.h). The rows are
// pinned in tests/vectors/error_codes.json: a row removed, renumbered, renamed or reclassed
// fails here (a code no longer produced stays as class "retired"); a new row must be added to the
// file (LINGJI_WRITE_VECTORS=1 rewrites it, then review the diff). Live names are unique across
// all layers, so a name identifies an error anywhere.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "api/api_errors.h"
#include "chain/chain_errors.h"
#include "cli/wallet_errors.h"
#include "consensus/consensus_errors.h"
#include "core/core_errors.h"
#include "net/net_errors.h"
#include "storage/storage_errors.h"
#include "tests/relay/relay_errors.h"

namespace lingji {
namespace {

using Json = nlohmann::ordered_json;
constexpr const char* kPath = LINGJI_SOURCE_DIR "/tests/vectors/error_codes.json";

const char* class_name(core::ErrorClass c) {
  switch (c) {
    case core::ErrorClass::kInvalid: return "invalid";
    case core::ErrorClass::kNotFound: return "not_found";
    case core::ErrorClass::kConflict: return "conflict";
    case core::ErrorClass::kRejected: return "rejected";
    case core::ErrorClass::kUnavailable: return "unavailable";
    case core::ErrorClass::kInternal: return "internal";
    case core::ErrorClass::kRetired: return "retired";
  }
  return "?";
}

struct Layer {
  const char* name;
  std::span<const core::ErrorDef> rows;
};
const Layer kLayers[] = {
    {"core", core::kCoreErrors},           {"chain", chain::kChainErrors},  {"storage", storage::kStorageErrors},
    {"consensus", consensus::kConsensusErrors}, {"api", api::kApiErrors},     {"net", net::kNetErrors},
    {"wallet", cli::kWalletErrors},        {"relay", relay::kRelayErrors},
};

Json all_rows() {
  Json out = Json::array();
  for (const auto& layer : kLayers)
    for (const auto& row : layer.rows)
      out.push_back({{"code", row.code}, {"name", std::string(row.name)}, {"class", class_name(row.cls)},
                     {"layer", layer.name}, {"http", api::http_status(row.cls)}});
  return out;
}

TEST(ErrorTablesTest, EveryRowIsPinnedAndNoneDisappears) {
  const Json now = all_rows();
  if (const char* w = std::getenv("LINGJI_WRITE_VECTORS"); w && std::string(w) == "1") {
    std::ofstream(kPath) << now.dump(2) << "\n";
    GTEST_SKIP() << "wrote " << kPath;
  }
  std::ifstream f(kPath);
  ASSERT_TRUE(f) << "missing " << kPath;
  const Json pinned = Json::parse(f, nullptr, false);
  ASSERT_TRUE(pinned.is_array());
  std::map<int, Json> by_code;
  for (const auto& row : now) by_code[row["code"].get<int>()] = row;
  for (const auto& row : pinned) {
    const int code = row["code"].get<int>();
    auto it = by_code.find(code);
    ASSERT_NE(it, by_code.end()) << "code " << code << " (" << row["name"] << ") was removed: retire it instead";
    EXPECT_EQ(it->second["name"], row["name"]) << "code " << code << " was renamed";
    EXPECT_EQ(it->second["layer"], row["layer"]) << "code " << code << " moved layer";
    EXPECT_EQ(it->second["class"], row["class"]) << "code " << code << " changed class (so its HTTP status)";
  }
  EXPECT_EQ(now.size(), pinned.size()) << "a row is not pinned yet: add it to " << kPath;
}

TEST(ErrorTablesTest, LiveNamesAreUniqueAcrossLayersAndCodesInTheirRange) {
  std::set<std::string_view> names;
  std::set<int> codes;
  for (const auto& layer : kLayers) {
    SCOPED_TRACE(layer.name);
    for (const auto& row : layer.rows) {
      EXPECT_TRUE(codes.insert(row.code).second) << row.code;
      if (row.cls != core::ErrorClass::kRetired) {
        EXPECT_TRUE(names.insert(row.name).second) << row.name;
      }
      EXPECT_EQ(core::find_code(layer.rows, row.code), &row);
    }
  }
  // A made error carries its row.
  const core::Error e = chain::chain_error("token.locked_balance", "m");
  EXPECT_EQ(e.code, 2104);
  EXPECT_EQ(e.name, "token.locked_balance");
  EXPECT_EQ(e.cls, core::ErrorClass::kRejected);
  EXPECT_EQ(api::http_status(e.cls), 422);
  EXPECT_TRUE(chain::ChainErrorRef("token.locked_balance").matches(e));
  EXPECT_FALSE(chain::ChainErrorRef("token.self_transfer").matches(e));
}

}  // namespace
}  // namespace lingji
