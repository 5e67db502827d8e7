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
    {3103, "tx.sender_pending_cap", core::ErrorClass::kUnavailable},
};
static_assert(core::check_table(kConsensusErrors, "consensus"));

using ConsensusErrorRef = core::ErrorRef<kConsensusErrors>;
inline core::Error consensus_error(ConsensusErrorRef e, std::string message) {
  return core::make_error(*e.def, std::move(message));
}

}  // namespace lingji::consensus
