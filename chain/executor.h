// executor.h: checks and applies transactions. Signatures are checked once by the caller
// (SignedTransaction::verify_signature, often on a thread pool); everything else is here.
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

// Stateless checks: chain id, operation count, each operation's own check().
[[nodiscard]] core::Status check_transaction(const SignedTransaction& tx, const Hash256& chain_id);

// Stateful: expiration against block_time, sequence, then each operation; on success the
// writes are in `s` and the sender's sequence has advanced; on failure `s` is unchanged.
// height: the block's (records such as evidence keep it).
[[nodiscard]] core::Status apply_transaction(StateOverlay& s, const SignedTransaction& tx,
                                             const Genesis& genesis, TimeMs block_time, uint64_t height = 0);

}  // namespace lingji::chain
