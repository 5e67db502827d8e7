#include "chain/executor.h"

#include "chain/chain_errors.h"
#include "chain/resources/resources.h"
#include "chain/token/account.h"
#include "chain/token/money.h"

namespace lingji::chain {

core::Status check_transaction(const SignedTransaction& tx, const Hash256& chain_id) {
  const auto& body = tx.body();
  if (body.chain_id != chain_id)
    return chain_error("tx.wrong_chain_id", "transaction is for chain " + body.chain_id.hex() +
                                                     ", this is " + chain_id.hex());
  if (body.operations.empty()) return chain_error("tx.no_operations", "transaction has no operations");
  if (body.operations.size() > kMaxOperations)
    return chain_error("tx.too_many_operations", "transaction has more than 16 operations");
  for (const auto& op : body.operations) {
    auto st = std::visit([&](const auto& o) { return check(o, body.sender); }, op);
    if (!st) return st;
  }
  return core::Ok();
}

namespace {

// The stateful part; requires check_transaction(tx) passed.
core::Status apply_body(StateOverlay& txs, const SignedTransaction& tx, const TxContext& tc) {
  const auto& body = tx.body();
  if (body.expiration <= tc.time)
    return chain_error("tx.expired", "transaction expired at " + core::format_utc(body.expiration));
  if (body.expiration > tc.time + tc.genesis.params.max_transaction_lifetime_ms)
    return chain_error("tx.expiration_too_far", "expiration is more than " +
                                                    std::to_string(tc.genesis.params.max_transaction_lifetime_ms / 1000) +
                                                    " s ahead of the chain's time");
  Account sender = load_account(txs, body.sender);
  if (body.sequence < sender.sequence)
    return chain_error("tx.stale_sequence", "sequence " + std::to_string(body.sequence) +
                                                " was already used; the account's next sequence is " +
                                                std::to_string(sender.sequence));
  if (body.sequence > sender.sequence)
    return chain_error("tx.future_sequence", "sequence " + std::to_string(body.sequence) +
                                                 " is ahead of the account's next sequence " +
                                                 std::to_string(sender.sequence));
  // Resources last among the checks (after the cheap refusals), before any operation: the charge
  // is kept only if every operation applies, like the sequence.
  const ResourceParams resources = tc.resources ? *tc.resources : load_resource_params(txs);
  const core::Amount free = token::free_of(txs, body.sender, sender, tc.time, tc.genesis.utc_offset_minutes);
  const int64_t capacity = resource_capacity(resources, free);
  settle_mana(sender, resources, capacity, tc.time);
  const int64_t cost = tx_cost(resources, tx.bytes().size());
  if (sender.mana < cost)
    return chain_error("tx.insufficient_resources",
                       "the transaction needs " + std::to_string(cost) + " resource units; the sender has " +
                           std::to_string(sender.mana) + " of its " + std::to_string(capacity) +
                           ", which refill in " + std::to_string(resources.window_ms / 1000) +
                           " s of block time (hold more free CT for more)");
  sender.mana -= cost;
  ++sender.sequence;
  store_account(txs, body.sender, sender);
  ApplyContext ctx{tc.genesis, tc.time, body.sender, tc.height, tc.events, &resources};
  const uint32_t tx_index = tc.events ? tc.events->source().tx : 0;
  for (size_t i = 0; i < body.operations.size(); ++i) {
    if (tc.events) tc.events->set_source(EventSource{tx_index, static_cast<uint16_t>(i)});
    auto st = std::visit([&](const auto& o) {
      core::Status applied = apply(txs, o, ctx);
      if (applied && tc.events) tc.events->applied(o.kType);
      return applied;
    }, body.operations[i]);
    if (!st) return st;
  }
  return core::Ok();
}

}  // namespace

core::Status execute_transaction(StateOverlay& s, const SignedTransaction& tx, const TxContext& ctx) {
  if (auto st = check_transaction(tx, ctx.chain_id); !st) return st;
  const EventLog::Mark mark = ctx.events ? ctx.events->mark() : EventLog::Mark{};
  s.begin();
  core::Status st = apply_body(s, tx, ctx);
  if (st) {
    s.commit();
  } else {
    s.rollback();
    if (ctx.events) ctx.events->truncate(mark);
  }
  return st;
}

}  // namespace lingji::chain
