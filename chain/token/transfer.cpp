#include "chain/chain_errors.h"
#include "chain/protocol/transaction.h"
#include "chain/token/money.h"
#include "chain/token/token_ops.h"
#include "core/address.h"

namespace lingji::chain {

core::Status check(const Transfer& op, const PublicKey& sender) {
  if (op.amount.units() <= 0) return chain_error("token.non_positive_amount", "transfer amount must be positive");
  if (!op.amount.in_range())
    return chain_error("token.amount_too_large", "transfer amount exceeds the total supply of 10000000000 CT");
  if (op.memo.size() > kMaxMemoBytes) return chain_error("token.memo_too_long", "memo is longer than 256 bytes");
  if (op.to == sender) return chain_error("token.self_transfer", "cannot transfer to the sending account");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const Transfer& op, const ApplyContext& ctx) {
  return token::move(s, ctx.sender, op.to, op.amount, ctx);
}

}  // namespace lingji::chain
