#include "chain/token/transfer.h"

#include "chain/chain_errors.h"
#include "chain/producers/producer.h"
#include "chain/token/account.h"
#include "core/address.h"

namespace lingji::chain {

core::Status check(const Transfer& op, const PublicKey& sender) {
  if (op.amount.units() <= 0) return chain_error("token.non_positive_amount", "transfer amount must be positive");
  if (!op.amount.in_range())
    return chain_error("token.amount_too_large", "transfer amount exceeds the total supply of 10000000000 CT");
  if (op.memo.size() > kMaxMemoBytes)
    return chain_error("token.memo_too_long", "memo is longer than 256 bytes");
  if (op.to == sender) return chain_error("token.self_transfer", "cannot transfer to the sending account");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const Transfer& op, const ApplyContext& ctx) {
  // Repeat the stateless rules: apply_transaction is public, and without them a transfer to
  // oneself would mint `amount` (the second store overwrites the first) and a negative amount
  // would take CT from the recipient.
  if (auto st = check(op, ctx.sender); !st) return st;
  Account from = load_account(s, ctx.sender);
  if (from.balance < op.amount)
    return chain_error("token.insufficient_balance",
                       "balance " + from.balance.to_string() + " CT is less than " + op.amount.to_string() + " CT");
  // The flags spare a plain account the lookups of a lock and of votes it does not have.
  Amount free = (from.flags & kAccountHasLock)
                    ? spendable(s, ctx.sender, from.balance, ctx.block_time, ctx.genesis.utc_offset_minutes)
                    : from.balance;
  if (free < op.amount)
    return chain_error("token.locked_balance",
                       "only " + free.to_string() + " CT is unlocked; the rest of the balance is locked (R2)");
  Account to = load_account(s, op.to);
  auto to_after = core::checked_add(to.balance, op.amount);
  if (!to_after) return chain_error("token.balance_overflow", "recipient balance would overflow");
  from.balance = *core::checked_sub(from.balance, op.amount);
  to.balance = *to_after;
  store_account(s, ctx.sender, from);
  store_account(s, op.to, to);
  // Votes weigh the whole balance and follow it at once (producers/producer.h).
  if (from.flags & kAccountHasVotes) adjust_vote_weight(s, ctx.sender, -op.amount.units());
  if (to.flags & kAccountHasVotes) adjust_vote_weight(s, op.to, op.amount.units());
  return core::Ok();
}

}  // namespace lingji::chain
