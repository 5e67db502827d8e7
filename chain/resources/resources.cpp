#include "chain/resources/resources.h"

#include <algorithm>

#include "chain/governance/governance.h"
#include "chain/token/account.h"

namespace lingji::chain {

int64_t tx_cost(const ResourceParams& p, size_t tx_bytes) {
  // tx_bytes <= kMaxTransactionBytes and tx_units <= its row's bound: no overflow.
  return p.tx_units + static_cast<int64_t>(tx_bytes);
}

int64_t resource_capacity(const ResourceParams& p, core::Amount free) {
  // free <= the supply (1e18 units) and units_per_ct <= its bound (1e8): the product of whole CT
  // (<= 1e10) and the rate fits in int64; the fraction of a CT is counted too, so 0.5 CT counts.
  const int64_t units = std::max<int64_t>(free.units(), 0);
  const int64_t whole = units / core::Amount::kUnitsPerCt;
  const int64_t part = units % core::Amount::kUnitsPerCt;
  const int64_t staked = whole * p.units_per_ct + part * p.units_per_ct / core::Amount::kUnitsPerCt;
  return std::max(p.floor_units, staked);
}

void settle_mana(Account& a, const ResourceParams& p, int64_t capacity, core::TimeMs now) {
  if (a.mana_time == 0) {  // never settled: a new record starts with the floor, not its capacity
    a.mana = std::min(p.floor_units, capacity);
    a.mana_time = now;
    return;
  }
  if (a.mana >= capacity) {  // the capacity shrank (CT left, or the committee lowered a rate)
    a.mana = capacity;
  } else if (now > a.mana_time) {
    const int64_t elapsed = now - a.mana_time;
    // capacity * elapsed overflows int64 for large stakes: 128-bit, then at most capacity.
    const int64_t regen = elapsed >= p.window_ms
                              ? capacity
                              : static_cast<int64_t>(static_cast<__int128>(capacity) * elapsed / p.window_ms);
    a.mana = regen >= capacity - a.mana ? capacity : a.mana + regen;
  }
  a.mana_time = std::max(a.mana_time, now);
}

int64_t mana_at(const Account& a, const ResourceParams& p, int64_t capacity, core::TimeMs now) {
  Account copy = a;
  settle_mana(copy, p, capacity, now);
  return copy.mana;
}

ResourceParams load_resource_params(const StateReader& s) { return load_params(s).resources; }

}  // namespace lingji::chain
