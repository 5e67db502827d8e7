// resources.h: the resource model against spam (docs/resources.md has the reasons and figures).
//
// A transaction costs its sender resource units (RU), never CT: tx_units for the transaction
// (its slot out of max_block_transactions) plus one RU per byte of its signed encoding (its
// share of kMaxBlockBytes). Each account holds a mana of RU, stored in its account record
// (chain/token/account.h), that regenerates linearly over window_ms of block time up to its
// capacity:
//   capacity = max(floor_units, units_per_ct * free balance in CT)
// Only free CT counts: locked genesis CT (R2) cannot be sold, so using it for spam would cost its
// holders nothing. Mana is settled (regenerated to `now` with the capacity it had) before every
// charge and before every change of the free balance (token::move), and a sender's mana is then
// cut to its new capacity; so stake that moves to another account does not bring its mana with
// it, and a new account record starts with floor_units, never with its new capacity.
// Block time only: no wall clock (chain/ is deterministic). Integer arithmetic only.
#pragma once

#include <cstdint>
#include <string>

#include "core/amount.h"
#include "core/calendar.h"

namespace lingji::chain {

class StateReader;
struct Account;

// The committee's parameters of the model (rows resource_* of chain/governance/params.h).
struct ResourceParams {
  int64_t window_ms = 86'400'000;  // a full regeneration takes one day of block time
  int64_t units_per_ct = 25'000;   // capacity per whole free CT (10 CT: ~147 transfers a day)
  int64_t floor_units = 10'000;    // every account's least capacity (~5 transfers)
  int64_t tx_units = 1'500;        // per transaction, on top of its bytes
  bool operator==(const ResourceParams&) const = default;
};

// What the transaction of `tx_bytes` bytes costs.
int64_t tx_cost(const ResourceParams& p, size_t tx_bytes);
// The capacity of an account whose free balance is `free`.
int64_t resource_capacity(const ResourceParams& p, core::Amount free);
// Regenerates a's mana to `now` at `capacity` (an account never settled starts with
// min(floor_units, capacity) at `now`); a time before the last settlement regenerates nothing.
void settle_mana(Account& a, const ResourceParams& p, int64_t capacity, core::TimeMs now);
// The mana a would have at `now` (settle_mana on a copy), for views.
int64_t mana_at(const Account& a, const ResourceParams& p, int64_t capacity, core::TimeMs now);

// The parameters in force in state `s` (the governance record).
ResourceParams load_resource_params(const StateReader& s);

}  // namespace lingji::chain
