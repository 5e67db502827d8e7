#include "consensus/vote_collector.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "chain/producers/schedule.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {
namespace {

// After a failed persist: reads the key's state back from its file (see vote_collector.h).
void reload_safety(ProducerKey& k, const std::filesystem::path& dir) {
  LoadedSafety loaded = SafetyStore::load(dir, k.public_key);
  switch (loaded.status) {
    case SafetyLoad::kOk:
      k.safety = std::move(loaded.state);
      k.reload_pending = false;
      k.voting_disabled.clear();
      spdlog::info("key {}: safety file read back after a failed write; voting again", k.public_key.hex());
      return;
    case SafetyLoad::kUnreadable:  // still failing: tried again at the next vote
      k.voting_disabled = "cannot read back the vote state (retried at each block): " + loaded.reason;
      return;
    case SafetyLoad::kMissing:
    case SafetyLoad::kDamaged:
      k.reload_pending = false;
      k.voting_disabled = "the safety file is missing or damaged after a failed write (" + loaded.reason +
                          "); this key never votes again: register a new signing key";
      spdlog::error("key {}: {}", k.public_key.hex(), k.voting_disabled);
      return;
  }
}

}  // namespace

core::Result<bool> VoteCollector::add(const chain::finality::SignedVote& vote) {
  watch_.watch_for_double_vote(vote);
  const auto& v = vote.vote;
  const auto& head = chain_.head();
  if (v.height > head.height || (v.height == head.height && v.block_id != chain_.head_id())) {
    // A vote can overtake its block; keep a bounded number of them for a few heights.
    if (v.height <= head.height + 3) {
      auto& early = early_votes_[v.block_id];
      if (early.size() < 2 * chain::kMaxActiveProducers) early.push_back(vote);
    }
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
  auto added = it->second.add(vote);
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
    if (k.reload_pending) reload_safety(k, keys_.safety_dir());
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
    (void)add(vote->vote);
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
  for (auto it = early_votes_.begin(); it != early_votes_.end();) {
    if (it->second.empty() || it->second.front().vote.height + 3 < h.height) it = early_votes_.erase(it);
    else ++it;
  }
  // Votes that arrived before this block.
  if (auto early = early_votes_.extract(chain_.head_id()); !early.empty())
    for (const auto& v : early.mapped()) (void)add(v);
}

}  // namespace lingji::consensus
