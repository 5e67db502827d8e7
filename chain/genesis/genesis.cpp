#include "chain/genesis/genesis.h"

#include <algorithm>
#include <map>
#include <set>

#include "chain/chain_errors.h"
#include "chain/finality/ancestry.h"
#include "chain/governance/governance.h"
#include "chain/producers/schedule.h"
#include "chain/token/account.h"
#include "core/codec.h"

namespace lingji::chain {

Bytes Genesis::encode() const {
  core::Writer w;
  w.string(chain_name).i64(genesis_time).i64(utc_offset_minutes);
  w.u32(params.block_interval_ms).u32(params.max_block_transactions).i64(params.max_transaction_lifetime_ms);
  w.i64(params.resource_window_ms);
  w.fixed(foundation).u32(static_cast<uint32_t>(producers.size()));
  for (const auto& p : producers) w.fixed(p);
  w.u32(static_cast<uint32_t>(allocations.size()));
  for (const auto& a : allocations)
    w.u8(static_cast<uint8_t>(a.category)).string(a.name).fixed(a.account).i64(a.amount.units());
  return w.take();
}

core::Hash256 Genesis::chain_id() const {
  static constexpr std::string_view kDomain = "LINGJI/GENESIS/v1";
  return core::Blake2b().update(core::as_bytes(kDomain)).update(encode()).finish();
}

core::Status Genesis::validate() const {
  auto bad = [](std::string why) { return chain_error("genesis.invalid", "invalid genesis: " + why); };
  if (chain_name.empty() || chain_name.size() > 64) return bad("chain_name must be 1 to 64 characters");
  if (utc_offset_minutes < -14 * 60 || utc_offset_minutes > 14 * 60) return bad("time zone offset out of range");
  if (params.block_interval_ms < 100 || params.block_interval_ms > 60'000)
    return bad("block_interval_ms must be within 100..60000");
  if (params.max_block_transactions < 1 || params.max_block_transactions > 100'000)
    return bad("max_block_transactions must be within 1..100000");
  if (params.max_transaction_lifetime_ms < 1000 || params.max_transaction_lifetime_ms > 86'400'000)
    return bad("max_transaction_lifetime_ms must be within 1000..86400000");
  if (params.resource_window_ms < 60'000 || params.resource_window_ms > 2'592'000'000)
    return bad("resource_window_ms must be within 60000..2592000000");
  if (producers.empty() || producers.size() > kMaxActiveProducers)
    return bad("producers must list 1 to " + std::to_string(kMaxActiveProducers) + " signing keys");
  if (std::set<PublicKey>(producers.begin(), producers.end()).size() != producers.size())
    return bad("a producer key appears twice");
  std::map<Category, int64_t> per_category;
  std::set<PublicKey> seen;
  int64_t total = 0;
  for (const auto& a : allocations) {
    if (a.amount.units() <= 0 || a.amount > Amount::units(Amount::kMaxMoney))
      return bad("allocation \"" + a.name + "\" must be positive and within the supply");
    if (!seen.insert(a.account).second) return bad("account of \"" + a.name + "\" appears twice");
    per_category[a.category] += a.amount.units();
    total += a.amount.units();
    if (total > Amount::kMaxMoney) return bad("allocations exceed 10000000000 CT");
  }
  for (Category c : kAllCategories) {
    int64_t want = Amount::kMaxMoney / 100 * category_percent(c);
    if (per_category[c] != want)
      return bad(std::string("category ") + category_name(c) + " holds " +
                 Amount::units(per_category[c]).to_string() + " CT, R1 requires exactly " +
                 Amount::units(want).to_string());
  }
  if (total != Amount::kMaxMoney) return bad("allocations must total exactly 10000000000 CT");
  return core::Ok();
}

ChangeSet Genesis::initial_state() const {
  struct Empty : StateReader {
    const Bytes* get(ByteView) const override { return nullptr; }
  } empty;
  StateOverlay s(empty);
  const ResourceParams resources = genesis_params(*this).resources;
  for (const auto& a : allocations) {
    // The genesis holders start with full mana: what they hold free (a locked allocation counts
    // for nothing until it unlocks) has been theirs since before block 1.
    const int months = category_lock_months(a.category);
    const int64_t capacity = resource_capacity(resources, months > 0 ? Amount::zero() : a.amount);
    // (mana_time 0 would mean "never settled": a genesis at the epoch settles at 1 ms.)
    store_account(s, a.account, Account{a.amount, 0, 0, capacity, std::max<TimeMs>(genesis_time, 1)});
    if (months > 0)
      store_lock(s, a.account, Lock{a.category, a.amount, core::add_months(genesis_time, months, utc_offset_minutes)});
  }
  init_schedule(s, producers);
  init_governance(s, *this);
  finality::init_ancestry(s, chain_id());
  return s.take_writes();
}

}  // namespace lingji::chain
