// consensus_errors.h: the errors of the node's controller (mempool, production, replay, the fork
// database, votes), one table (core/error_table.h).
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::consensus {

inline constexpr core::ErrorDef kConsensusErrors[] = {
    // Was 2012 in the chain's range; the name stayed, 2012 stays reserved there.
    {3101, "tx.mempool_full", core::ErrorClass::kUnavailable},
    {3102, "consensus.no_verify_pool", core::ErrorClass::kInternal},
    {3103, "tx.sender_pending_cap", core::ErrorClass::kUnavailable},
    // The fork database's admission (fork_choice.h). Outside the window, over a share or full:
    // an honest peer may relay such a block (it cannot know this node's final block or shares).
    {3110, "consensus.fork_outside_window", core::ErrorClass::kUnavailable},
    {3111, "consensus.fork_producer_cap", core::ErrorClass::kUnavailable},
    {3112, "consensus.fork_db_full", core::ErrorClass::kUnavailable},
    // A producer signed a block whose justify is not an ancestor's, or whose certificate fails.
    {3113, "consensus.fork_bad_justify", core::ErrorClass::kRejected},
    {3114, "consensus.fork_bad_certificate", core::ErrorClass::kRejected},
    // Votes (vote_collector.h): a slot this node cannot use yet, or a voter's early votes full.
    {3115, "consensus.vote_outside_window", core::ErrorClass::kUnavailable},
    {3116, "consensus.early_votes_full", core::ErrorClass::kUnavailable},
    // Producer keys and their safety files (producer_keys.h, safety_store.h; issue 14).
    {3117, "producer.key_was_in_a_set", core::ErrorClass::kRejected},
    {3118, "producer.no_safety_state", core::ErrorClass::kUnavailable},
    {3119, "producer.slot_already_signed", core::ErrorClass::kRejected},
    {3120, "safety.old_version", core::ErrorClass::kRejected},
};
static_assert(core::check_table(kConsensusErrors, "consensus"));

using ConsensusErrorRef = core::ErrorRef<kConsensusErrors>;
inline core::Error consensus_error(ConsensusErrorRef e, std::string message) {
  return core::make_error(*e.def, std::move(message));
}

}  // namespace lingji::consensus
