#include "consensus/vote_collector.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "chain/producers/schedule.h"
#include "chain/chain_errors.h"
#include "consensus/consensus_errors.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {

core::Result<VoteCollector::Screened> VoteCollector::screen(const chain::finality::SignedVote& vote) {
  const uint64_t slot = vote.vote.slot;
  if (slot <= chain_.final_block().slot) return Screened::kIgnore;
  if (slot > chain_.head().slot + kVoteSlotsAhead)
    return consensus_error("consensus.vote_outside_window",
                           "vote for slot " + std::to_string(slot) + ", more than " + std::to_string(kVoteSlotsAhead) +
                               " slots after the head's " + std::to_string(chain_.head().slot));
  if (!known_voter(vote.voter))
    return chain::chain_error("finality.signer_not_in_set", vote.voter.hex() + " is no producer's key");
  // Gossip brings each vote from every peer: a repeat costs no second signature check.
  return watch_.remembers(vote) ? Screened::kVerified : Screened::kCheck;
}

core::Result<bool> VoteCollector::add(const chain::finality::SignedVote& vote) {
  auto screened = screen(vote);
  if (!screened) return screened.error();
  if (*screened == Screened::kIgnore) return false;
  if (*screened == Screened::kCheck && !vote.verify(chain_.chain_id()))
    return chain::chain_error("finality.bad_signature", "bad vote signature by " + vote.voter.hex());
  return add_verified(vote);
}

bool VoteCollector::known_voter(const core::PublicKey& key) {
  if (known_for_ != chain_.head_id()) {
    known_voters_.clear();
    for (const auto& sets : {chain_.head_voters(), chain_.voters_at(chain_.final_block().height)}) {
      known_voters_.insert(known_voters_.end(), sets.set.begin(), sets.set.end());
      if (sets.next) known_voters_.insert(known_voters_.end(), sets.next->begin(), sets.next->end());
    }
    std::sort(known_voters_.begin(), known_voters_.end());
    known_voters_.erase(std::unique(known_voters_.begin(), known_voters_.end()), known_voters_.end());
    known_for_ = chain_.head_id();
  }
  return std::binary_search(known_voters_.begin(), known_voters_.end(), key);
}

core::Status VoteCollector::keep_early(const chain::finality::SignedVote& vote) {
  const auto entry = std::pair(vote.vote.slot, vote.vote.block_id);
  auto& mine = early_by_voter_[vote.voter];
  if (mine.count(entry)) return core::Ok();
  if (mine.size() >= kMaxEarlyVotesPerVoter) {
    // The lowest slot makes room; a vote no later than all the voter's kept ones is refused.
    if (mine.begin()->first >= entry.first)
      return consensus_error("consensus.early_votes_full",
                             vote.voter.hex() + " already has " + std::to_string(mine.size()) + " votes waiting");
    const auto [slot, id] = *mine.begin();
    mine.erase(mine.begin());
    auto group = early_votes_.find(id);
    if (group != early_votes_.end()) {
      std::erase_if(group->second, [&](const auto& v) { return v.voter == vote.voter && v.vote.slot == slot; });
      if (group->second.empty()) early_votes_.erase(group);
    }
  }
  auto& early = early_votes_[vote.vote.block_id];
  if (early.size() >= 2 * chain::kMaxActiveProducers) {
    if (mine.empty()) early_by_voter_.erase(vote.voter);
    return core::Ok();
  }
  early.push_back(vote);
  mine.insert(entry);
  return core::Ok();
}

void VoteCollector::forget_early(const core::Hash256& id) {
  auto group = early_votes_.find(id);
  if (group == early_votes_.end()) return;
  for (const auto& v : group->second) {
    auto mine = early_by_voter_.find(v.voter);
    if (mine == early_by_voter_.end()) continue;
    mine->second.erase(std::pair(v.vote.slot, id));
    if (mine->second.empty()) early_by_voter_.erase(mine);
  }
  early_votes_.erase(group);
}

core::Result<bool> VoteCollector::add_verified(const chain::finality::SignedVote& vote) {
  auto screened = screen(vote);
  if (!screened) return screened.error();
  if (*screened == Screened::kIgnore) return false;
  watch_.watch_for_double_vote(vote);
  const auto& v = vote.vote;
  const auto& head = chain_.head();
  if (v.height > head.height || (v.height == head.height && v.block_id != chain_.head_id())) {
    // A vote can overtake its block; keep a bounded number of them for a few heights.
    if (v.height <= head.height + 3)
      if (auto st = keep_early(vote); !st) return st.error();
    return false;
  }
  if (v.height <= chain_.final_block().height) return false;  // already final: nothing to certify
  auto at = store_.header_at(v.height);
  if (!at || at->id() != v.block_id) return false;  // another branch's block
  auto it = builders_.find(v.block_id);
  if (it == builders_.end()) {
    const auto voters = chain_.voters_at(v.height);
    it = builders_.emplace(v.block_id, chain::finality::QcBuilder(chain_.chain_id(),
                                                                  chain::finality::Vote{at->slot, at->height, v.block_id, at->justify.slot},
                                                                  voters.set, voters.next)).first;
  }
  auto added = it->second.add(vote, /*signature_verified=*/true);
  if (!added) return added.error();
  if (*added != chain::finality::QcBuilder::Added::kAdded) return false;
  // The newest certificate on this branch becomes the next block's justify.
  if (it->second.has_quorum()) {
    const uint64_t newest = next_justify_ ? next_justify_->claim.slot : head.justify.slot;
    if (at->slot > newest)
      next_justify_ = chain::Chain::Justify{chain::QcClaim{at->slot, at->height, v.block_id}, it->second.certificate()};
  }
  return true;
}

std::vector<chain::finality::SignedVote> VoteCollector::vote_on_head() {
  std::vector<chain::finality::SignedVote> out;
  if (keys_.empty()) return out;
  const auto voters = chain_.head_voters();
  const chain::BlockHeader& h = chain_.head();
  const chain::finality::BlockRef ref{h.slot, h.height, chain_.head_id(), h.previous, h.justify.slot,
                                      h.justify.block_id};
  for (auto& k : keys_.all()) {
    if (k.reload_pending) keys_.retry_reload(k);
    if (!k.safety) continue;
    if (std::find(voters.set.begin(), voters.set.end(), k.public_key) == voters.set.end() &&
        (!voters.next || std::find(voters.next->begin(), voters.next->end(), k.public_key) == voters.next->end()))
      continue;
    // The store holds this node's one branch: the lock is extended iff it is a block of it.
    const bool extends_lock =
        k.safety->lock_id == chain_.chain_id() || store_.height_of(k.safety->lock_id).has_value();
    // Persists the new vote state before returning the vote (I2): nothing below may run first.
    auto vote = SafetyStore::prepare_vote(keys_.safety_dir(), chain_.chain_id(), k.key, *k.safety, ref, extends_lock);
    if (!vote) {
      if (vote.error().name == "finality.safety_io_error") {
        k.voting_disabled = "cannot persist the vote state (retried at the next block): " + vote.error().message;
        k.safety.reset();
        k.reload_pending = true;
        spdlog::warn("key {}: no vote on block {}: {}; retried at the next block", k.public_key.hex(), h.height,
                     vote.error().message);
      }
      continue;
    }
    (void)add_verified(vote->vote);  // signed just now
    out.push_back(vote->vote);
  }
  return out;
}

bool VoteCollector::head_certified() const {
  return next_justify_ && next_justify_->claim.block_id == chain_.head_id();
}

void VoteCollector::after_head_change() {
  const auto& h = chain_.head();
  if (next_justify_ && next_justify_->claim.slot <= h.justify.slot) next_justify_.reset();
  const uint64_t final_height = chain_.final_block().height;
  for (auto it = builders_.begin(); it != builders_.end();) {
    if (it->second.vote().height <= final_height) it = builders_.erase(it);
    else ++it;
  }
  std::vector<core::Hash256> stale;
  for (const auto& [id, group] : early_votes_)
    if (group.empty() || group.front().vote.height + 3 < h.height) stale.push_back(id);
  for (const auto& id : stale) forget_early(id);
  // Votes that arrived before this block (verified when they were kept).
  if (auto early = early_votes_.find(chain_.head_id()); early != early_votes_.end()) {
    const auto waiting = early->second;
    forget_early(chain_.head_id());
    for (const auto& v : waiting) (void)add_verified(v);
  }
}

}  // namespace lingji::consensus
