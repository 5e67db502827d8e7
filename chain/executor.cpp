#include "chain/executor.h"

#include "chain/chain_errors.h"
#include "chain/dealers/dealer.h"
#include "chain/producers/ejection.h"
#include "chain/governance/governance.h"
#include "chain/producers/producer.h"
#include "chain/token/account.h"
#include "chain/token/transfer.h"
#include "chain/vesting/listing.h"

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

core::Status apply_body(StateOverlay& txs, const SignedTransaction& tx, const Genesis& genesis, TimeMs block_time,
                        uint64_t height) {
  const auto& body = tx.body();
  if (body.expiration <= block_time)
    return chain_error("tx.expired", "transaction expired at " + core::format_utc(body.expiration));
  if (body.expiration > block_time + genesis.params.max_transaction_lifetime_ms)
    return chain_error("tx.expiration_too_far", "expiration is more than " +
                                                           std::to_string(genesis.params.max_transaction_lifetime_ms / 1000) +
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
  ++sender.sequence;
  store_account(txs, body.sender, sender);
  ApplyContext ctx{genesis, block_time, body.sender, height};
  for (const auto& op : body.operations) {
    auto st = std::visit([&](const auto& o) { return apply(txs, o, ctx); }, op);
    if (!st) return st;
  }
  return core::Ok();
}

}  // namespace

core::Status apply_transaction(StateOverlay& s, const SignedTransaction& tx, const Genesis& genesis,
                               TimeMs block_time, uint64_t height) {
  s.begin();
  core::Status st = apply_body(s, tx, genesis, block_time, height);
  if (st) s.commit();
  else s.rollback();
  return st;
}

}  // namespace lingji::chain
