// equivocation_watch.h: the equivocations this node sees (shared/CONSENSUS.md "Evidence"): two
// validly signed votes by one key in one slot for different blocks, or two signed blocks by one
// producer in one slot. A producer node reports each in a report_evidence transaction signed
// with its key, so the chain records it and the offender leaves the schedule
// (chain/producers/ejection.h).
//
// Not thread-safe: the Controller calls it under the node's lock and it locks nothing itself,
// except that equivocations_seen() is an atomic, readable without the lock. The reports are
// admitted to this node's own mempool at once; the Controller gossips them (take_reports())
// after it has released the lock.
//
// Bounded (issue 14, item 7): only verified votes of producers' keys and verified blocks reach it
// (VoteCollector and ForkChoice check them first), so a flood of forged ones stores nothing;
// only slots above the last final block are remembered (forget_final() drops the rest), at most
// kMaxVotesRemembered first votes and as many first blocks (~6 MB each). When full, the lowest
// slot makes room for a higher one: eviction never follows the arrival order, which a flood
// controls, and detection never switches off. One piece of evidence per offender is kept.
#pragma once

#include <atomic>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "chain/chain.h"
#include "chain/finality/evidence.h"
#include "chain/producers/producer.h"
#include "consensus/admission.h"
#include "consensus/producer_keys.h"

namespace lingji::consensus {

class EquivocationWatch {
 public:
  // 256 slots of two full sets' votes: a finality stall of that long keeps every first vote.
  static constexpr size_t kMaxVotesRemembered = 64 * 4 * chain::kMaxActiveProducers;
  // chain, keys and admission must outlive this object.
  EquivocationWatch(const chain::Chain& chain, const ProducerKeys& keys, Admission& admission)
      : chain_(chain), keys_(keys), admission_(admission) {}

  // Remembers the vote's (voter, slot); records and reports evidence if it conflicts with one
  // seen before. Requires: the vote's signature is verified (and its voter is a producer's key).
  void watch_for_double_vote(const chain::finality::SignedVote& vote);
  // Does it remember exactly this vote (so its signature was verified)?
  bool remembers(const chain::finality::SignedVote& vote) const;
  // The same for a block's (producer, slot). Requires: the block's signature is verified.
  void watch_for_double_block(const chain::Block& block);
  // Forgets the votes and blocks of slots at or below the last final block.
  void forget_final();
  // The report_evidence transactions admitted since the last call, to gossip.
  std::vector<core::Bytes> take_reports();

  uint64_t equivocations_seen() const { return equivocations_seen_.load(); }
  const std::vector<chain::finality::DoubleVoteEvidence>& double_votes() const { return double_votes_; }
  const std::vector<chain::finality::DoubleBlockEvidence>& double_blocks() const { return double_blocks_; }
  // How many first votes and first blocks it remembers (for the tests and diagnostics).
  size_t votes_remembered() const { return votes_seen_.size(); }
  size_t blocks_remembered() const { return blocks_seen_.size(); }

 private:
  // Submits a report_evidence transaction signed with this node's first producer key (if it
  // has one) to its own mempool.
  void report(chain::EvidenceKind kind, core::Bytes evidence);

  const chain::Chain& chain_;
  const ProducerKeys& keys_;
  Admission& admission_;
  // The first vote seen per (slot, voter) above the final block, lowest slot first, and the
  // double votes found (one per voter: enough to eject it).
  using SlotKey = std::pair<uint64_t, core::PublicKey>;
  std::map<SlotKey, chain::finality::SignedVote> votes_seen_;
  std::vector<chain::finality::DoubleVoteEvidence> double_votes_;
  std::set<core::PublicKey> double_voters_;
  std::map<SlotKey, chain::finality::SignedHeader> blocks_seen_;
  std::vector<chain::finality::DoubleBlockEvidence> double_blocks_;
  std::set<core::PublicKey> double_producers_;
  std::vector<core::Bytes> reports_to_send_;  // report_evidence transactions not yet gossiped
  std::atomic<uint64_t> equivocations_seen_{0};
};

}  // namespace lingji::consensus
