// consensus_errors.h: the errors of the node's controller (mempool, production, replay), one
// table (core/error_table.h).
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::consensus {

inline constexpr core::ErrorDef kConsensusErrors[] = {
    // Was 2012 in the chain's range; the name stayed, 2012 stays reserved there.
    {3101, "tx.mempool_full", core::ErrorClass::kUnavailable},
    {3102, "consensus.no_verify_pool", core::ErrorClass::kInternal},
    // Producer keys and their safety files (producer_keys.h, safety_store.h; issue 14).
    {3103, "producer.key_was_in_a_set", core::ErrorClass::kRejected},
    {3104, "producer.no_safety_state", core::ErrorClass::kUnavailable},
    {3105, "producer.slot_already_signed", core::ErrorClass::kRejected},
    {3106, "safety.old_version", core::ErrorClass::kRejected},
};
static_assert(core::check_table(kConsensusErrors, "consensus"));

using ConsensusErrorRef = core::ErrorRef<kConsensusErrors>;
inline core::Error consensus_error(ConsensusErrorRef e, std::string message) {
  return core::make_error(*e.def, std::move(message));
}

}  // namespace lingji::consensus
