// chain.h: the chain's state machine at block level: it holds the genesis, the committed state
// and the head, produces the next block from candidate transactions, and validates and applies
// blocks. Pure: it neither stores nor sends anything; the node persists what apply returns.
//
// Invariants: head().state_root == state().root() after every call; a block that fails any
// check leaves the state exactly as it was.
#pragma once

#include <utility>
#include <vector>

#include "chain/events.h"
#include "chain/finality/ancestry.h"
#include "chain/genesis/genesis.h"
#include "chain/protocol/block.h"
#include "chain/state/state.h"

namespace lingji::chain {

// The writes of one applied block, the previous values they replaced (what pop_head needs),
// and what the block did (chain/events.h).
struct BlockChanges {
  ChangeSet writes;
  ChangeSet undo;
  EventLog events;
};

class Chain {
 public:
  explicit Chain(Genesis genesis);
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;

  // Rebuilds a chain from stored state and the stored head; refuses if the state does not hash
  // to the head's state root (a damaged store).
  [[nodiscard]] core::Status restore(const std::vector<std::pair<Bytes, Bytes>>& entries, const BlockHeader& head);

  const Genesis& genesis() const { return genesis_; }
  const Hash256& chain_id() const { return chain_id_; }
  const BlockHeader& head() const { return head_; }
  // Height 0 (the genesis) has no block: its id is the chain id.
  Hash256 head_id() const { return head_.height == 0 ? chain_id_ : head_.id(); }
  const State& state() const { return state_; }

  struct Produced {
    Block block;
    BlockChanges changes;
    std::vector<std::pair<Hash256, core::Error>> rejected;  // candidates left out, and why
  };
  // The block certified by a quorum certificate, as a header's justify names it; qc is empty
  // when the claim is the head's own justify (or the genesis).
  struct Justify {
    QcClaim claim;
    std::optional<finality::QuorumCertificate> qc;
  };
  // Applies the candidates in order in `slot` (> head slot), leaving out any that fail, and
  // signs the block with key, which the schedule must name for the slot. justify defaults to the
  // head's. Requires: candidates' signatures are already verified.
  // Errors: block.bad_slot, block.wrong_producer, block.bad_justify, block.bad_certificate.
  [[nodiscard]] core::Result<Produced> produce_block(const std::vector<SignedTransaction>& candidates, uint64_t slot,
                                                     const core::PrivateKey& key, std::optional<Justify> justify = {});

  // Slots (shared/CONSENSUS.md): slot s starts at genesis_time + s * block_interval, with the
  // block interval the committee enacted for s (chain/governance/governance.h), as the head's
  // state knows it.
  TimeMs slot_time(uint64_t slot) const;
  // The slot in progress at `time` (0 before the first slot).
  uint64_t slot_at(TimeMs time) const;
  // The signing key the schedule names for `slot` (> head slot) on top of the head.
  std::optional<PublicKey> producer_at(uint64_t slot) const;
  // What the head's state knows of finality: its last final block, and the head's justify.
  finality::FinalBlock final_block() const;
  // The voters of the head block: its generation's signing keys, and in the pending phase of a
  // set change the next generation's too (a certificate then needs a quorum of each).
  struct VoterSets {
    std::vector<PublicKey> set;
    std::optional<std::vector<PublicKey>> next;
  };
  VoterSets head_voters() const;
  // The same for the block at `height` of this branch (empty below the final block).
  VoterSets voters_at(uint64_t height) const;

  // Validates every rule and applies the block. With signatures_verified the caller has already
  // checked every transaction signature (in parallel); the block signature is always checked.
  [[nodiscard]] core::Result<BlockChanges> apply_block(const Block& block, bool signatures_verified);

  // Takes the head block off: undo is its BlockChanges::undo and parent its parent's header
  // (genesis_header() for height 1). A fork switch (consensus/) pops blocks down to the common
  // ancestor this way. Errors: block.bad_previous when parent is not the head's parent,
  // block.bad_state_root when undo does not restore the parent's state (the state is then
  // damaged: the caller must stop).
  [[nodiscard]] core::Status pop_head(const ChangeSet& undo, const BlockHeader& parent);
  const BlockHeader& genesis_header() const { return genesis_header_; }

  // Would tx apply on top of the head state at `time`? (for the mempool; changes nothing)
  [[nodiscard]] core::Status check_against_head(const SignedTransaction& tx, TimeMs time) const;

 private:
  // The consensus part of a block, before its transactions: slot and producer against the
  // schedule, missed slots, justify and its certificate, finality, the set change; then the
  // begin_block hooks. Returns the account of the block's producer.
  [[nodiscard]] core::Result<PublicKey> apply_consensus(const BlockHeader& h,
                                                        const std::optional<finality::QuorumCertificate>& qc,
                                                        StateOverlay& s, EventLog& events) const;
  // Commits a block's state: end_block hooks, then the writes into the state.
  BlockChanges finish_block(const BlockHeader& h, const PublicKey& producer_account, StateOverlay& block_state,
                            EventLog events);

  Genesis genesis_;
  Hash256 chain_id_;
  State state_;
  BlockHeader head_;
  BlockHeader genesis_header_;  // height 0: the genesis time and state root
};

}  // namespace lingji::chain
