#include "chain/vesting/vesting.h"

#include <algorithm>

#include "chain/state/key_prefixes.h"
#include "chain/token/account.h"
#include "core/codec.h"

namespace lingji::chain {

const char* category_name(Category c) {
  switch (c) {
    case Category::kCornerstoneAngel: return "cornerstone_angel";
    case Category::kDealers: return "dealers";
    case Category::kTeam: return "team";
    case Category::kFoundation: return "foundation";
    case Category::kCommunityRewards: return "community_rewards";
    case Category::kCommunityCirculation: return "community_circulation";
  }
  return "unknown";
}

std::optional<Category> category_from_name(std::string_view name) {
  for (Category c : kAllCategories)
    if (name == category_name(c)) return c;
  return std::nullopt;
}

int category_percent(Category c) {
  switch (c) {
    case Category::kCornerstoneAngel: return 10;
    case Category::kDealers: return 10;
    case Category::kTeam: return 15;
    case Category::kFoundation: return 15;
    case Category::kCommunityRewards: return 10;
    case Category::kCommunityCirculation: return 40;
  }
  return 0;
}

int category_lock_months(Category c) {
  switch (c) {
    case Category::kCornerstoneAngel: return 6;
    case Category::kDealers: return 12;
    case Category::kTeam: return 12;
    default: return 0;
  }
}

StateKey lock_key(const PublicKey& account) { return account_record_key(key_prefix("lock"), account); }

std::optional<Lock> load_lock(const StateReader& s, const PublicKey& account) {
  const Bytes* v = s.get(lock_key(account));
  if (!v) return std::nullopt;
  core::Reader r(*v);
  uint8_t cat = 0;
  int64_t original = 0;
  Lock lock{};
  r.u8(cat);
  r.i64(original);
  r.i64(lock.cliff_end);
  if (!r.finish()) return std::nullopt;  // unreachable: only store_lock writes this key
  lock.category = static_cast<Category>(cat);
  lock.original = Amount::units(original);
  return lock;
}

void store_lock(StateOverlay& s, const PublicKey& account, const Lock& lock) {
  core::Writer w;
  w.u8(static_cast<uint8_t>(lock.category)).i64(lock.original.units()).i64(lock.cliff_end);
  s.put(lock_key(account), w.take());
  set_account_flag(s, account, kAccountHasLock, true);
}

static const Bytes& listing_key() {
  static const Bytes k{key_prefix("listing")};
  return k;
}

std::optional<Listing> load_listing(const StateReader& s) {
  const Bytes* v = s.get(listing_key());
  if (!v) return std::nullopt;
  core::Reader r(*v);
  Listing l;
  r.i64(l.listed_at);
  r.string(l.exchange, 1024);
  if (!r.finish()) return std::nullopt;
  return l;
}

void store_listing(StateOverlay& s, const Listing& listing) {
  core::Writer w;
  w.i64(listing.listed_at).string(listing.exchange);
  s.put(listing_key(), w.take());
}

std::vector<TimeMs> listing_unlock_times(const Listing& listing, int32_t tz) {
  std::vector<TimeMs> out;
  TimeMs first = core::next_monthly_day(listing.listed_at, kListingUnlockDay, tz);
  for (int k = 0; k < kListingTranches; ++k) out.push_back(core::monthly_occurrence(first, k, tz));
  return out;
}

Amount unlocked_at(const Lock& lock, TimeMs t, const std::optional<Listing>& listing, int32_t tz) {
  if (t >= lock.cliff_end) return lock.original;
  if (!listing) return Amount::zero();
  int tranches = 0;
  for (TimeMs at : listing_unlock_times(*listing, tz))
    if (t >= at) ++tranches;
  return core::mul_div_floor(lock.original, tranches, kListingTranches);
}

Amount locked_at(const Lock& lock, TimeMs t, const std::optional<Listing>& listing, int32_t tz) {
  return Amount::units(lock.original.units() - unlocked_at(lock, t, listing, tz).units());
}

std::vector<UnlockEvent> upcoming_unlocks(const Lock& lock, TimeMs t,
                                          const std::optional<Listing>& listing, int32_t tz) {
  std::vector<TimeMs> instants{lock.cliff_end};
  if (listing) {
    auto times = listing_unlock_times(*listing, tz);
    instants.insert(instants.end(), times.begin(), times.end());
  }
  std::sort(instants.begin(), instants.end());
  std::vector<UnlockEvent> out;
  Amount before = unlocked_at(lock, t, listing, tz);
  for (TimeMs at : instants) {
    if (at <= t) continue;
    Amount after = unlocked_at(lock, at, listing, tz);
    if (after > before) out.push_back({at, Amount::units(after.units() - before.units())});
    before = after;
  }
  return out;
}

Amount spendable(const StateReader& s, const PublicKey& account, Amount balance, TimeMs t, int32_t tz) {
  auto lock = load_lock(s, account);
  if (!lock) return balance;
  Amount locked = locked_at(*lock, t, load_listing(s), tz);
  return Amount::units(std::max<int64_t>(0, balance.units() - locked.units()));
}

}  // namespace lingji::chain
