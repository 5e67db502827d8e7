// chain_test_util.h: fixtures shared by the chain tests: a valid genesis built from the dev keys
// with a chosen start time, signed transactions, one operation run on a state, and a state's
// entries (to check that something refused changed nothing).
#pragma once

#include "chain/chain.h"
#include "chain/genesis/dev_keys.h"

namespace lingji::chain::testing {

// The default allocation (as genesis/default.json) starting at `genesis_time`.
Genesis dev_genesis(TimeMs genesis_time, int32_t utc_offset_minutes = 480);

SignedTransaction make_transfer(const Hash256& chain_id, const core::PrivateKey& from, const PublicKey& to,
                                Amount amount, uint64_t sequence, TimeMs expiration,
                                std::string memo = "");
// Produces the block of the slot that starts at `time` with the chain's default justify;
// fails the calling test (and returns an empty block) if the chain refuses.
Chain::Produced produce_at(Chain& chain, const std::vector<SignedTransaction>& txs, TimeMs time,
                           const core::PrivateKey& key);

// Runs one operation from `sender` as the executor runs each operation of a transaction (its
// stateless check(), then apply() on an overlay of `state`), without the transaction's
// sequence, fees and signature, and commits the writes to `state` on success. On failure the
// overlay is dropped, and its writes are moved to `*dropped` (when given): a test can check that
// a refused operation wrote nothing before it failed (STYLE.md rule 4).
core::Status run_operation(State& state, const Genesis& genesis, TimeMs time, const PublicKey& sender,
                           const Operation& op, ChangeSet* dropped = nullptr);

// Every (key, value) of `s`, in key order.
std::vector<std::pair<Bytes, Bytes>> entries_of(const State& s);

SignedTransaction make_tx(const Hash256& chain_id, const core::PrivateKey& from, uint64_t sequence,
                          TimeMs expiration, std::vector<Operation> ops);

// Produces blocks on `chain` (each signed by the key in `producers` that the schedule names)
// in which the first producer proposes the listing on `exchange` and every other one approves
// it, until it takes effect; returns the height of the block that declared it (0 and a test
// failure if it did not happen).
uint64_t declare_listing_by_committee(Chain& chain, const std::vector<core::PrivateKey>& producers,
                                      const std::string& exchange);

}  // namespace lingji::chain::testing
