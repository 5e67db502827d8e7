// genesis_json.cpp: the genesis file format (JSON), e.g. genesis/default.json:
// {"chain_name": "...", "genesis_time": "2026-01-01T00:00:00+08:00", "utc_offset_minutes": 480,
//  "parameters": {"block_interval_ms": 1000, "max_block_transactions": 10000,
//                 "max_transaction_lifetime_ms": 3600000, "resource_window_ms": 86400000},
//  "foundation": "lj1q...", "producers": ["lj1q...", ...],
//  "allocations": [{"category": "team", "name": "...", "account": "lj1q...",
//                   "amount": "1500000000.00000000"}, ...]}
#include <nlohmann/json.hpp>

#include <optional>
#include <utility>

#include "chain/chain_errors.h"
#include "chain/genesis/genesis.h"
#include "core/address.h"

namespace lingji::chain {
namespace {

// A number member that is a JSON integer within T's range; nullopt otherwise. nlohmann's get<T>()
// casts a fraction, a boolean or an out-of-range integer without a word, and a fraction beyond T's
// range is undefined behaviour (found by fuzz/genesis_json_fuzz).
template <class T>
std::optional<T> integer_of(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (std::in_range<T>(u)) return static_cast<T>(u);
  } else if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (std::in_range<T>(i)) return static_cast<T>(i);
  }
  return std::nullopt;
}

}  // namespace

core::Result<Genesis> parse_genesis_json(std::string_view text) {
  auto bad = [](const std::string& why) { return chain_error("genesis.invalid", "invalid genesis file: " + why); };
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  try {
    Genesis g;
    g.chain_name = j.at("chain_name").get<std::string>();
    auto t = core::parse_iso8601(j.at("genesis_time").get<std::string>());
    if (!t) return bad(t.error().message);
    g.genesis_time = *t;
    auto offset = integer_of<int32_t>(j.at("utc_offset_minutes"));
    if (!offset) return bad("utc_offset_minutes must be an integer");
    g.utc_offset_minutes = *offset;
    if (j.contains("parameters")) {
      const auto& p = j.at("parameters");
      if (!p.is_object()) return bad("parameters must be an object");
      // A missing parameter keeps its default; a present one must be an integer of its type.
      auto read = [&p]<class T>(const char* name, T& field) {
        if (!p.contains(name)) return true;
        auto v = integer_of<T>(p.at(name));
        if (v) field = *v;
        return v.has_value();
      };
      if (!read("block_interval_ms", g.params.block_interval_ms) ||
          !read("max_block_transactions", g.params.max_block_transactions) ||
          !read("max_transaction_lifetime_ms", g.params.max_transaction_lifetime_ms) ||
          !read("resource_window_ms", g.params.resource_window_ms))
        return bad("parameters must be integers in range");
    }
    auto foundation = core::parse_address(j.at("foundation").get<std::string>());
    if (!foundation) return bad("foundation: " + foundation.error().message);
    g.foundation = *foundation;
    for (const auto& p : j.at("producers")) {
      auto key = core::parse_address(p.get<std::string>());
      if (!key) return bad("producers: " + key.error().message);
      g.producers.push_back(*key);
    }
    for (const auto& a : j.at("allocations")) {
      Allocation alloc;
      auto cat = category_from_name(a.at("category").get<std::string>());
      if (!cat) return bad("unknown category \"" + a.at("category").get<std::string>() + "\"");
      alloc.category = *cat;
      alloc.name = a.at("name").get<std::string>();
      auto key = core::parse_address(a.at("account").get<std::string>());
      if (!key) return bad("allocation \"" + alloc.name + "\": " + key.error().message);
      alloc.account = *key;
      auto amount = Amount::parse(a.at("amount").get<std::string>());
      if (!amount) return bad("allocation \"" + alloc.name + "\": " + amount.error().message);
      alloc.amount = *amount;
      g.allocations.push_back(std::move(alloc));
    }
    if (auto st = g.validate(); !st) return st.error();
    return g;
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
}

std::string genesis_to_json(const Genesis& g) {
  nlohmann::ordered_json j;
  j["chain_name"] = g.chain_name;
  j["genesis_time"] = core::format_utc(g.genesis_time);
  j["utc_offset_minutes"] = g.utc_offset_minutes;
  j["parameters"] = {{"block_interval_ms", g.params.block_interval_ms},
                     {"max_block_transactions", g.params.max_block_transactions},
                     {"max_transaction_lifetime_ms", g.params.max_transaction_lifetime_ms},
                     {"resource_window_ms", g.params.resource_window_ms}};
  j["foundation"] = core::encode_address(g.foundation);
  j["producers"] = nlohmann::json::array();
  for (const auto& p : g.producers) j["producers"].push_back(core::encode_address(p));
  j["allocations"] = nlohmann::ordered_json::array();
  for (const auto& a : g.allocations)
    j["allocations"].push_back({{"category", category_name(a.category)},
                                {"name", a.name},
                                {"account", core::encode_address(a.account)},
                                {"amount", a.amount.to_string()}});
  return j.dump(2) + "\n";
}

}  // namespace lingji::chain
