// vesting.h: lock-ups of the genesis allocation (R2), evaluated lazily from block time.
//
// A lock holds `original` units of an account's balance. The unlocked part at time t is the
// larger of two rules:
//   cliff:   everything once t >= cliff_end (genesis + 6 months for investors, + 12 months for
//            the team and for dealers/super nodes; day clamped to the month's end);
//   listing: once the listing is declared, 10% of `original` at local midnight of the first
//            15th strictly after the declaration, then 10% more on the 15th of each following
//            month (cumulative floor(original * k / 10); the 10th tranche releases the rest).
// Locked = original - unlocked. An account can spend only balance - locked, so locked CT never
// moves; incoming CT is always free. No rule here ever creates CT.
//
// State keys: 'L' || account (32 bytes) -> category:u8 original:i64 cliff_end:i64
//             'I'                       -> listing := listed_at:i64 exchange:string
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chain/state/state.h"
#include "core/amount.h"
#include "core/calendar.h"
#include "core/keys.h"

namespace lingji::chain {

using core::Amount;
using core::PublicKey;
using core::TimeMs;

// R1's six allocation categories; the numbering is part of the encoding.
enum class Category : uint8_t {
  kCornerstoneAngel = 1,
  kDealers = 2,
  kTeam = 3,
  kFoundation = 4,
  kCommunityRewards = 5,
  kCommunityCirculation = 6,
};
inline constexpr Category kAllCategories[] = {
    Category::kCornerstoneAngel, Category::kDealers,          Category::kTeam,
    Category::kFoundation,       Category::kCommunityRewards, Category::kCommunityCirculation};

const char* category_name(Category c);  // "cornerstone_angel", ...
std::optional<Category> category_from_name(std::string_view name);
int category_percent(Category c);       // R1: 10, 10, 15, 15, 10, 40
int category_lock_months(Category c);   // R2: 6, 12, 12, 0, 0, 0 (0 = not locked)

inline constexpr int kListingUnlockDay = 15;
inline constexpr int kListingTranches = 10;

struct Lock {
  Category category;
  Amount original;
  TimeMs cliff_end = 0;
};

struct Listing {
  TimeMs listed_at = 0;
  std::string exchange;
};

StateKey lock_key(const PublicKey& account);
std::optional<Lock> load_lock(const StateReader& s, const PublicKey& account);
void store_lock(StateOverlay& s, const PublicKey& account, const Lock& lock);

std::optional<Listing> load_listing(const StateReader& s);
void store_listing(StateOverlay& s, const Listing& listing);

// Instants of the listing tranches 1..10.
std::vector<TimeMs> listing_unlock_times(const Listing& listing, int32_t utc_offset_minutes);

Amount unlocked_at(const Lock& lock, TimeMs t, const std::optional<Listing>& listing,
                   int32_t utc_offset_minutes);
Amount locked_at(const Lock& lock, TimeMs t, const std::optional<Listing>& listing,
                 int32_t utc_offset_minutes);

// The future unlocks after t: each instant where the unlocked amount grows, and by how much.
struct UnlockEvent {
  TimeMs at;
  Amount amount;
};
std::vector<UnlockEvent> upcoming_unlocks(const Lock& lock, TimeMs t,
                                          const std::optional<Listing>& listing,
                                          int32_t utc_offset_minutes);

// What account can spend at time t: balance minus what is still locked.
Amount spendable(const StateReader& s, const PublicKey& account, Amount balance, TimeMs t,
                 int32_t utc_offset_minutes);

}  // namespace lingji::chain
