// fork_choice.h: which branch this node follows (shared/CONSENSUS.md: follow the highest quorum
// certificate, never revert a final block). It takes peers' blocks onto the head, keeps the
// competing branches' blocks in the fork database, and switches branches, popping blocks down
// to the common ancestor.
//
// Admission to the fork database (issue 14, item 5): a competing block enters only if its slot is
// after the final block's and within kForkWindowRounds rounds of it (as its height), its parent
// is known, a producer signed it, its producer holds less than its share, and its justify names
// an ancestor with a verified certificate whenever that justify could rank it at or above the
// head. Cheap checks run first: the block signature only after the window and the share, the
// certificate (a quorum of signatures) last.
// Why these bounds: an honest producer signs at most one block per slot of its own, one slot a
// round, so within the window it has at most kForkWindowRounds + 1 blocks here (+1 for a round
// reordered at a set change): the share never refuses it, and the shares of the at most n/3
// Byzantine producers leave room for everyone else. The window is 16 rounds (27 min with 101
// producers and 1 s slots; 64 slots with 4): a competing branch that reaches further above the
// final block without any of it becoming final is not taken here (a 51/50 partition longer than
// that cannot heal by a branch switch; every shorter one can).
//
// Not thread-safe: the Controller calls it under the node's lock and it locks nothing itself.
// The caller checks, outside the lock, a block's slot and its transactions' signatures.
//
// Durability: a block is applied in memory, then written in one atomic batch; if the write
// fails the process stops (the store stays at the previous block, and a restart resumes there),
// so the node never serves a block that is not on disk. The same holds for a popped block.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "chain/chain.h"
#include "consensus/admission.h"
#include "consensus/chain_events.h"
#include "consensus/equivocation_watch.h"
#include "consensus/fork_db.h"
#include "consensus/vote_collector.h"
#include "storage/block_store.h"

namespace lingji::consensus {

class ForkChoice {
 public:
  // What accept() did with a block (see Controller::accept_block).
  enum class Accepted { kApplied, kKnown, kFork, kAhead, kUnknownParent, kStale };
  // Runs once the head has changed (the Controller's after_head_change: what every part forgets
  // then); called under the caller's lock, on the calling thread.
  using HeadChanged = std::function<void(const chain::Block&)>;
  // A competing block is admitted within this many rounds of slots above the final block.
  static constexpr uint64_t kForkWindowRounds = 16;
  // The blocks one producer may hold in the fork database (see above).
  static constexpr size_t kMaxForkBlocksPerProducer = kForkWindowRounds + 2;
  static constexpr size_t kMaxForkBlocks = 4096;
  static constexpr size_t kMaxForkBytes = 512u << 20;

  // chain, store, admission, votes and watch must outlive this object.
  ForkChoice(chain::Chain& chain, storage::BlockStore& store, Admission& admission, VoteCollector& votes,
             EquivocationWatch& watch, HeadChanged after_head_change)
      : chain_(chain), store_(store), admission_(admission), votes_(votes), watch_(watch),
        after_head_change_(std::move(after_head_change)) {}

  // A block whose transactions' signatures are verified. kApplied: the head changed and every
  // part has caught up (the caller then votes on the head). kStale also for a competing block
  // whose slot is not after the final block's. Errors: the block's rule violations (block.*,
  // tx.*); a competing branch's invalid block leaves the head unchanged; a competing block
  // refused by the fork database: consensus.fork_outside_window, consensus.fork_producer_cap,
  // consensus.fork_db_full, consensus.fork_bad_justify, consensus.fork_bad_certificate.
  [[nodiscard]] core::Result<Accepted> accept(const chain::Block& block);
  // Is the block with this id at this height on the followed branch (the genesis at height 0)?
  bool on_branch(uint64_t height, const core::Hash256& id) const;
  // Follows the branch ending at `tip` (a fork database block) if it is allowed; true if it did.
  // Errors: a block of that branch is invalid (the branch is dropped, the head is unchanged).
  [[nodiscard]] core::Result<bool> switch_to(const core::Hash256& tip);
  // Applies a block on top of the head and stores it (stops the process if the store fails).
  [[nodiscard]] core::Status apply_and_store(const chain::Block& block);
  // Pops the head block off the chain and the store (stops the process on a damaged store).
  chain::Block pop_and_unstore();
  // Records each block stored and popped from now on (chain_events.h); null: none.
  void set_outbox(EventOutbox* outbox) { outbox_ = outbox; }
  // Forgets what can never be followed or popped again: the fork database's blocks and the
  // undo records at or below the last final block.
  void forget_final();
  const ForkDb& fork_db() const { return fork_db_; }

 private:
  // accept() for a block that does not extend the head.
  [[nodiscard]] core::Result<Accepted> accept_competing(const chain::Block& block, const core::Hash256& id);
  // The justify of a competing block whose parent is `parent`: an ancestor's, not older than the
  // parent's, with a verified certificate if it could rank the block at or above the head.
  [[nodiscard]] core::Status check_justify(const chain::Block& block, const chain::BlockHeader& parent) const;
  // The header of the block `id` at `height`, on the followed branch or in the fork database.
  std::optional<chain::BlockHeader> header_of(const core::Hash256& id, uint64_t height) const;
  // The producers of the head's set(s), at least 1: the window and the byte share scale with it.
  size_t producer_count() const;
  ForkDb::Share share() const;

  chain::Chain& chain_;
  storage::BlockStore& store_;
  Admission& admission_;
  VoteCollector& votes_;
  EquivocationWatch& watch_;
  HeadChanged after_head_change_;
  EventOutbox* outbox_ = nullptr;
  // Competing branches' blocks (their transaction signatures already verified).
  ForkDb fork_db_{kMaxForkBlocks, kMaxForkBytes};
};

}  // namespace lingji::consensus
