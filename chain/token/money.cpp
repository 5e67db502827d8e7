#include "chain/token/money.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "chain/producers/producer.h"
#include "chain/resources/resources.h"
#include "chain/token/account.h"
#include "chain/vesting/vesting.h"
#include "core/codec.h"

namespace lingji::chain::token {

core::Amount free_of(const StateReader& s, const core::PublicKey& key, const Account& a, TimeMs time,
                     int utc_offset_minutes) {
  // The flag spares a plain account the lookup of a lock it does not have.
  return (a.flags & kAccountHasLock) ? spendable(s, key, a.balance, time, utc_offset_minutes) : a.balance;
}

core::Amount free_balance(const StateReader& s, const core::PublicKey& account, TimeMs time,
                          int utc_offset_minutes) {
  return free_of(s, account, load_account(s, account), time, utc_offset_minutes);
}

core::Status move(StateOverlay& s, const core::PublicKey& from, const core::PublicKey& to, core::Amount amount,
                  const ApplyContext& ctx, MoveReason reason) {
  // A self-move would write `from` twice (the second store wins: CT minted); a negative one
  // would take CT from `to`.
  if (amount.units() <= 0) return chain_error("token.non_positive_amount", "an amount to move must be positive");
  if (from == to) return chain_error("token.self_transfer", "cannot move CT from an account to itself");
  Account a = load_account(s, from);
  if (a.balance < amount)
    return chain_error("token.insufficient_balance",
                       "balance " + a.balance.to_string() + " CT is less than " + amount.to_string() + " CT");
  const core::Amount free = free_of(s, from, a, ctx.block_time, ctx.genesis.utc_offset_minutes);
  if (free < amount)
    return chain_error("token.locked_balance",
                       "only " + free.to_string() + " CT is unlocked; the rest of the balance is locked (R2)");
  Account b = load_account(s, to);
  auto b_after = core::checked_add(b.balance, amount);
  if (!b_after) return chain_error("token.balance_overflow", "the receiving balance would overflow");
  // Mana follows free CT: settle both at their capacities before the move, then cut the sender's
  // to its capacity after it (else stake passed from account to account would bring fresh mana).
  const ResourceParams resources = ctx.resources ? *ctx.resources : load_resource_params(s);
  const core::Amount b_free = free_of(s, to, b, ctx.block_time, ctx.genesis.utc_offset_minutes);
  settle_mana(a, resources, resource_capacity(resources, free), ctx.block_time);
  settle_mana(b, resources, resource_capacity(resources, b_free), ctx.block_time);
  a.mana = std::min(a.mana, resource_capacity(resources, *core::checked_sub(free, amount)));
  a.balance = *core::checked_sub(a.balance, amount);
  b.balance = *b_after;
  store_account(s, from, a);
  store_account(s, to, b);
  // Votes weigh the whole balance and follow it at once (producers/producer.h).
  if (a.flags & kAccountHasVotes) adjust_vote_weight(s, from, -amount.units());
  if (b.flags & kAccountHasVotes) adjust_vote_weight(s, to, amount.units());
  if (ctx.events) ctx.events->moved(from, to, amount, reason);
  return core::Ok();
}

core::PublicKey escrow_account(std::string_view module, uint64_t id) {
  core::Writer w;
  w.raw(core::as_bytes("LINGJI/ESCROW/v1/")).string(module).u64(id);
  core::PublicKey k;
  k.bytes = core::blake2b_256(w.take()).bytes;
  return k;
}

core::Status credit_escrow(StateOverlay& s, const core::PublicKey& from, const core::PublicKey& escrow,
                           core::Amount amount, const ApplyContext& ctx) {
  return move(s, from, escrow, amount, ctx, MoveReason::kEscrowIn);
}

core::Status debit_escrow(StateOverlay& s, const core::PublicKey& escrow, const core::PublicKey& to,
                          core::Amount amount, const ApplyContext& ctx) {
  return move(s, escrow, to, amount, ctx, MoveReason::kEscrowOut);
}

std::optional<core::Amount> total_balances(const State& s) {
  // Summed as plain i64 (checked_add stops at the supply, and this must see past it).
  int64_t sum = 0;
  bool ok = true;
  const StateKey any = account_key(core::PublicKey{});
  s.for_each(any.view().subspan(0, 1), [&](const Bytes&, const Bytes& v) {
    core::Reader r(v);
    int64_t units = 0;
    if (!r.i64(units) || __builtin_add_overflow(sum, units, &sum)) ok = false;
  });
  if (!ok) return std::nullopt;
  return core::Amount::units(sum);
}

}  // namespace lingji::chain::token
