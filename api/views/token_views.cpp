// token_views.cpp: the token and vesting views: the transfer and declare_listing operations, an
// account (balance, lock-up, votes) and the supply by allocation category.
#include "api/views/views.h"

#include "chain/token/account.h"
#include "chain/vesting/vesting.h"
#include "core/address.h"

namespace lingji::api {

template <>
Json operation_fields(const chain::Transfer& t) {
  return {{"to", core::encode_address(t.to)}, {"amount", t.amount.to_string()}, {"memo", t.memo},
          {"memo_hex", core::to_hex(core::as_bytes(t.memo))}};
}

template <>
Json operation_fields(const chain::DeclareListing& l) {
  return {{"exchange", l.exchange}};
}

Json account_json(const chain::Chain& chain, const core::PublicKey& key) {
  const auto& g = chain.genesis();
  const core::TimeMs now = chain.head().timestamp;
  chain::Account acct = chain::load_account(chain.state(), key);
  auto lock = chain::load_lock(chain.state(), key);
  auto listing = chain::load_listing(chain.state());
  core::Amount locked = lock ? chain::locked_at(*lock, now, listing, g.utc_offset_minutes) : core::Amount::zero();
  core::Amount free = core::Amount::units(std::max<int64_t>(0, acct.balance.units() - locked.units()));
  Json j;
  j["address"] = core::encode_address(key);
  j["public_key"] = key.hex();
  j["balance"] = acct.balance.to_string();
  j["free"] = free.to_string();
  j["locked"] = locked.to_string();
  j["sequence"] = acct.sequence;
  j["as_of"] = {{"height", chain.head().height}, {"time", time_json(now)}};
  j["votes_for"] = Json::array();
  for (const auto& c : chain::load_votes(chain.state(), key)) j["votes_for"].push_back(core::encode_address(c));
  if (!lock) {
    j["vesting"] = nullptr;
    return j;
  }
  Json v;
  v["category"] = chain::category_name(lock->category);
  v["original"] = lock->original.to_string();
  v["locked"] = locked.to_string();
  v["unlocked"] = core::Amount::units(lock->original.units() - locked.units()).to_string();
  put_time(v, "cliff_end", lock->cliff_end);
  v["monthly_unlocks_started"] = listing.has_value();
  auto events = chain::upcoming_unlocks(*lock, now, listing, g.utc_offset_minutes);
  v["next_unlock"] = events.empty() ? Json(nullptr)
                                    : Json{{"time", time_json(events[0].at)}, {"amount", events[0].amount.to_string()}};
  v["schedule"] = Json::array();
  for (const auto& e : events) v["schedule"].push_back({{"time", time_json(e.at)}, {"amount", e.amount.to_string()}});
  j["vesting"] = std::move(v);
  return j;
}

Json supply_json(const chain::Chain& chain) {
  const auto& g = chain.genesis();
  const core::TimeMs now = chain.head().timestamp;
  auto listing = chain::load_listing(chain.state());
  int64_t total = 0, total_locked = 0;
  Json cats = Json::array();
  for (chain::Category c : chain::kAllCategories) {
    int64_t allocated = 0, locked = 0;
    for (const auto& a : g.allocations) {
      if (a.category != c) continue;
      allocated += a.amount.units();
      if (auto lock = chain::load_lock(chain.state(), a.account))
        locked += chain::locked_at(*lock, now, listing, g.utc_offset_minutes).units();
    }
    total += allocated;
    total_locked += locked;
    cats.push_back({{"category", chain::category_name(c)},
                    {"percent", chain::category_percent(c)},
                    {"lock_months", chain::category_lock_months(c)},
                    {"allocated", core::Amount::units(allocated).to_string()},
                    {"locked", core::Amount::units(locked).to_string()},
                    {"unlocked", core::Amount::units(allocated - locked).to_string()}});
  }
  Json j;
  j["total"] = core::Amount::units(total).to_string();
  j["locked"] = core::Amount::units(total_locked).to_string();
  j["unlocked"] = core::Amount::units(total - total_locked).to_string();
  j["as_of"] = {{"height", chain.head().height}, {"time", time_json(now)}};
  j["listing"] = listing ? Json{{"declared_at", time_json(listing->listed_at)}, {"exchange", listing->exchange}}
                         : Json(nullptr);
  j["categories"] = std::move(cats);
  return j;
}

}  // namespace lingji::api
