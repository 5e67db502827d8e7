// block_gate.h: the cheap checks of a peer's block, run before its transactions' signatures.
//
// A 16 MiB block holds ~80,000 transaction signatures: checking them first let anyone make a
// node do ~80,000 verifications with one block that has no known parent, a producer that is not
// the slot's, or a forged block signature. So, in this order, each costing far less than the next:
//   1. known, stale or unknown parent: answered from the node's view alone (no signature);
//   2. producer: the slot's scheduled key for a block on the head, any producer's key for a
//      competing branch (the rest of a branch is checked when the node switches to it);
//   3. the block signature: one verification (the caller, outside the node's lock);
//   4. then, and only then, the transactions' signatures.
// Not thread-safe: steps 1 and 2 read the chain and the fork choice under the node's lock.
#pragma once

#include <optional>

#include "chain/chain.h"
#include "consensus/fork_choice.h"

namespace lingji::consensus {

// Steps 1 and 2. An outcome when the block needs no more work (kKnown, kStale, kAhead,
// kUnknownParent: ForkChoice::accept would answer the same), nullopt when the block goes on to
// its signatures. Errors: block.bad_slot (not after the head's slot, for a block on the head),
// block.wrong_producer.
[[nodiscard]] core::Result<std::optional<ForkChoice::Accepted>> gate_block(const chain::Chain& chain,
                                                                           const ForkChoice& fork_choice,
                                                                           const chain::BlockHeader& header);

}  // namespace lingji::consensus
