// vote_collector.h: this node's votes and the certificates it collects (shared/CONSENSUS.md
// (b) "Vote"): it votes on the head block with each of this node's keys that is one of the
// head's voters, collects everyone's votes per block, and keeps the newest certificate of the
// head's branch that no block carries yet (the next block's justify).
//
// Not thread-safe: the Controller calls it under the node's lock and it locks nothing itself.
// The vote listener is stored here but called by the Controller, after it has released the lock.
//
// Order (CONSENSUS.md I2, do not change): vote_on_head() has each vote made durable in its key's
// safety file (SafetyStore::prepare_vote) before the vote is counted or returned; the caller
// sends the returned votes only after that, outside the lock. A key whose vote state cannot be
// persisted for an I/O error (EMFILE, ENOSPC, EIO: often transient) is logged and skips votes
// until its state reads back from its file, tried again at each vote; the file may already hold
// the vote that failed, so the state in memory is not trusted. A key whose file then reads as
// missing or damaged never votes again (ProducerKey::voting_disabled says why).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "chain/chain.h"
#include "chain/finality/voting_rules.h"
#include "consensus/equivocation_watch.h"
#include "consensus/producer_keys.h"
#include "storage/block_store.h"

namespace lingji::consensus {

class VoteCollector {
 public:
  // chain, store, keys and watch must outlive this object; the store holds this node's one
  // branch (the chain's head is its last block).
  VoteCollector(const chain::Chain& chain, const storage::BlockStore& store, ProducerKeys& keys,
                EquivocationWatch& watch)
      : chain_(chain), store_(store), keys_(keys), watch_(watch) {}

  // A vote from a peer (or this node), first shown to the equivocation watch. True if it was
  // new and valid for a block of this branch; false if it is a duplicate, for a final block or
  // another branch's, or for a block not seen yet (kept for a few heights: a vote can overtake
  // its block). Errors: finality.* (bad signature, not a voter of that block).
  [[nodiscard]] core::Result<bool> add(const chain::finality::SignedVote& vote);
  // Votes on the head block with each of this node's keys that is one of its voters (each vote
  // durable in its key's safety file first) and counts the votes. Returns the votes to send.
  std::vector<chain::finality::SignedVote> vote_on_head();
  // Does this node hold a quorum certificate of the head block?
  bool head_certified() const;
  // The newest certificate on the head's branch that no block carries yet.
  const std::optional<chain::Chain::Justify>& next_justify() const { return next_justify_; }
  // Forgets next_justify() (after a branch switch left its block off the branch).
  void reset_next_justify() { next_justify_.reset(); }
  // After the head changed: drops a next_justify() no newer than the head's justify, the
  // collections of final blocks and the early votes more than 3 heights old, then counts the
  // votes that arrived before the head block.
  void after_head_change();

  void set_vote_listener(std::function<void(const chain::finality::SignedVote&)> listener) {
    vote_listener_ = std::move(listener);
  }
  const std::function<void(const chain::finality::SignedVote&)>& vote_listener() const { return vote_listener_; }

 private:
  const chain::Chain& chain_;
  const storage::BlockStore& store_;
  ProducerKeys& keys_;
  EquivocationWatch& watch_;
  std::optional<chain::Chain::Justify> next_justify_;
  // Votes being collected, per block id; votes for blocks not yet seen wait in early_votes_.
  std::map<core::Hash256, chain::finality::QcBuilder> builders_;
  std::map<core::Hash256, std::vector<chain::finality::SignedVote>> early_votes_;
  std::function<void(const chain::finality::SignedVote&)> vote_listener_;
};

}  // namespace lingji::consensus
