#include "chain/events.h"

namespace lingji::chain {

const char* move_reason_name(MoveReason r) {
  switch (r) {
    case MoveReason::kTransfer: return "transfer";
    case MoveReason::kBlockReward: return "block_reward";
    case MoveReason::kEscrowIn: return "escrow_in";
    case MoveReason::kEscrowOut: return "escrow_out";
  }
  return "unknown";
}

}  // namespace lingji::chain
