// vote_collector.h: this node's votes and the certificates it collects (shared/CONSENSUS.md
// (b) "Vote"): it votes on the head block with each of this node's keys that is one of the
// head's voters, collects everyone's votes per block, and keeps the newest certificate of the
// head's branch that no block carries yet (the next block's justify).
//
// Bounded (issue 14, item 7): a peer's vote is stored only after, in this order, its slot is in
// the window (after the final block's, at most kVoteSlotsAhead after the head's), its voter is a
// key of the producer sets from the final block to the head, and its signature verifies (the
// Controller checks it outside the lock). Votes for blocks not seen yet are kept per block id and
// at most kMaxEarlyVotesPerVoter per voter, so a Byzantine producer's votes for random block ids
// cost it its own quota only.
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
#include <set>
#include <vector>

#include "chain/chain.h"
#include "chain/finality/voting_rules.h"
#include "consensus/equivocation_watch.h"
#include "consensus/producer_keys.h"
#include "storage/block_store.h"

namespace lingji::consensus {

class VoteCollector {
 public:
  // An honest voter votes once a slot, and early votes are for at most 3 heights above the head.
  static constexpr size_t kMaxEarlyVotesPerVoter = 8;
  // Votes may overtake their blocks, and this node may lag a little; a vote further ahead of the
  // head's slot can neither certify a block here nor be checked against the schedule.
  static constexpr uint64_t kVoteSlotsAhead = 32;
  // chain, store, keys and watch must outlive this object; the store holds this node's one
  // branch (the chain's head is its last block).
  VoteCollector(const chain::Chain& chain, const storage::BlockStore& store, ProducerKeys& keys,
                EquivocationWatch& watch)
      : chain_(chain), store_(store), keys_(keys), watch_(watch) {}

  // The checks of a vote that cost no signature check. kIgnore: it can change nothing (at or
  // below the final block's slot). kVerified: this very vote was verified before (a repeat).
  // kCheck: its signature is worth checking. Errors: consensus.vote_outside_window (more than
  // kVoteSlotsAhead slots after the head's), finality.signer_not_in_set (no producer's key).
  enum class Screened { kIgnore, kVerified, kCheck };
  [[nodiscard]] core::Result<Screened> screen(const chain::finality::SignedVote& vote);
  // A vote whose signature is verified, first shown to the equivocation watch. True if it was
  // new and valid for a block of this branch; false if it is a duplicate, for a final block or
  // another branch's, or for a block not seen yet (kept for a few heights: a vote can overtake
  // its block). Errors: screen()'s, finality.* (not a voter of that block),
  // consensus.early_votes_full (the voter's early votes are all for later slots).
  // Requires: vote.verify(chain_id) (or screen() said kVerified).
  [[nodiscard]] core::Result<bool> add_verified(const chain::finality::SignedVote& vote);
  // screen(), the signature (finality.bad_signature), add_verified(): for callers that hold the
  // lock anyway (the Controller checks the signature outside it).
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

  // How many votes for blocks not seen yet it holds, over how many block ids (for the tests).
  // At most kMaxEarlyVotesPerVoter times the number of producer keys.
  size_t early_votes_held() const {
    size_t n = 0;
    for (const auto& [id, v] : early_votes_) n += v.size();
    return n;
  }
  size_t early_vote_blocks() const { return early_votes_.size(); }

  void set_vote_listener(std::function<void(const chain::finality::SignedVote&)> listener) {
    vote_listener_ = std::move(listener);
  }
  const std::function<void(const chain::finality::SignedVote&)>& vote_listener() const { return vote_listener_; }

 private:
  // Is key a voter of the head's or the final block's set(s)? (cached per head)
  bool known_voter(const core::PublicKey& key);
  // Keeps a vote for a block not seen yet, within its voter's quota.
  [[nodiscard]] core::Status keep_early(const chain::finality::SignedVote& vote);
  // Forgets the early votes for block id (and their voters' quota).
  void forget_early(const core::Hash256& id);

  const chain::Chain& chain_;
  const storage::BlockStore& store_;
  ProducerKeys& keys_;
  EquivocationWatch& watch_;
  std::optional<chain::Chain::Justify> next_justify_;
  // Votes being collected, per block id; votes for blocks not yet seen wait in early_votes_.
  std::map<core::Hash256, chain::finality::QcBuilder> builders_;
  std::map<core::Hash256, std::vector<chain::finality::SignedVote>> early_votes_;
  std::map<core::PublicKey, std::set<std::pair<uint64_t, core::Hash256>>> early_by_voter_;  // (slot, block id)
  std::vector<core::PublicKey> known_voters_;  // sorted; for the head known_for_
  std::optional<core::Hash256> known_for_;
  std::function<void(const chain::finality::SignedVote&)> vote_listener_;
};

}  // namespace lingji::consensus
