// events.h: what the state machine reports about each block it applies: which operations ran
// (by transaction and position) and every movement of CT (transfers, block rewards, and later
// stakes into market escrow, payouts and OTC escrow). api/, the history index and the
// WebSocket stream read these through consensus::Controller's subscription instead of reading
// the chain's internals under the node's lock.
//
// Events follow the state: the events of a failed transaction are dropped with its writes, and
// a block's events are exactly those of the block as committed (Chain::apply_block and
// Chain::produce_block return them in BlockChanges).
#pragma once

#include <cstdint>
#include <vector>

#include "core/amount.h"
#include "core/keys.h"

namespace lingji::chain {

// Which part of a block an event comes from: a transaction (its index in the block and the
// operation's index in it), or the block's own hooks (kBlockHook).
struct EventSource {
  static constexpr uint32_t kBlockHook = UINT32_MAX;
  uint32_t tx = kBlockHook;
  uint16_t op = 0;
  bool operator==(const EventSource&) const = default;
};

// Why CT moved. Stable numbers: they appear in the API.
enum class MoveReason : uint8_t {
  kTransfer = 1,     // the transfer operation
  kBlockReward = 2,  // the fee pool paid a producer (chain/governance/rewards)
  kEscrowIn = 3,     // into a module's escrow account (stakes, OTC escrow)
  kEscrowOut = 4,    // out of a module's escrow account (payouts, refunds, releases)
};
const char* move_reason_name(MoveReason r);  // "transfer", "block_reward", "escrow_in", "escrow_out"

struct BalanceMove {
  EventSource source;
  core::PublicKey from;
  core::PublicKey to;
  core::Amount amount;
  MoveReason reason = MoveReason::kTransfer;
  bool operator==(const BalanceMove&) const = default;
};

struct OperationApplied {
  EventSource source;
  uint16_t type = 0;  // the operation's type number (chain/protocol/operations.h)
  bool operator==(const OperationApplied&) const = default;
};

// The events of one block, in the order they happened. The executor and the block hooks write
// here; a failed transaction is cut back with truncate(mark()).
class EventLog {
 public:
  struct Mark {
    size_t moves = 0;
    size_t operations = 0;
  };
  Mark mark() const { return {moves_.size(), operations_.size()}; }
  void truncate(Mark m) {
    moves_.resize(m.moves);
    operations_.resize(m.operations);
  }
  // Where the next events come from (set by the executor and the hook runner).
  void set_source(EventSource source) { source_ = source; }
  const EventSource& source() const { return source_; }

  void moved(const core::PublicKey& from, const core::PublicKey& to, core::Amount amount, MoveReason reason) {
    moves_.push_back(BalanceMove{source_, from, to, amount, reason});
  }
  void applied(uint16_t type) { operations_.push_back(OperationApplied{source_, type}); }

  const std::vector<BalanceMove>& moves() const { return moves_; }
  const std::vector<OperationApplied>& operations() const { return operations_; }
  bool empty() const { return moves_.empty() && operations_.empty(); }
  bool operator==(const EventLog& o) const { return moves_ == o.moves_ && operations_ == o.operations_; }

 private:
  EventSource source_;
  std::vector<BalanceMove> moves_;
  std::vector<OperationApplied> operations_;
};

}  // namespace lingji::chain
