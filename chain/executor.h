// executor.h: runs transactions. Signatures are checked once by the caller
// (SignedTransaction::verify_signature, often on a thread pool); everything else is here.
//
// The executor owns the pairing of each operation's check() and apply() (op_base.h): there is
// no way to apply an operation that skipped its stateless rules, so an apply() may rely on
// them (a transfer to oneself, a vote naming a candidate twice never reach apply()).
//
// A transaction applies atomically: its operations run on an overlay that is kept only if all
// of them succeed. Replay is refused three ways: a transaction names its chain (chain_id), an
// account's sequence number must match exactly (so a transaction runs at most once), and a
// transaction is void after its expiration (so an old signed transaction cannot be held back
// and used later).
#pragma once

#include "chain/apply_context.h"
#include "chain/protocol/transaction.h"

namespace lingji::chain {

// What a transaction is judged against.
struct TxContext {
  const Genesis& genesis;
  const Hash256& chain_id;
  // The block's timestamp; for admission to a node's mempool, the node's clock.
  TimeMs time = 0;
  // The block's height (the next block's when a transaction is checked against the head).
  uint64_t height = 0;
  // Where the transaction's events go (chain/events.h); null to drop them.
  EventLog* events = nullptr;
  // The resource parameters in force (a block loads them once); null: read from the state.
  const ResourceParams* resources = nullptr;
};

// Stateless checks only: chain id, operation count, each operation's own check(). For screening
// a transaction before any state is read (gossip, the mempool); execute_transaction runs them too.
[[nodiscard]] core::Status check_transaction(const SignedTransaction& tx, const Hash256& chain_id);

// Every rule: the stateless checks, then expiration against ctx.time, the sequence, the
// sender's resources (tx.insufficient_resources: chain/resources/resources.h), then each
// operation's apply(). On success the writes are in `s`, the sender's sequence has advanced and
// the transaction's events are appended to ctx.events; on failure `s` and the events are as
// they were.
[[nodiscard]] core::Status execute_transaction(StateOverlay& s, const SignedTransaction& tx, const TxContext& ctx);

}  // namespace lingji::chain
