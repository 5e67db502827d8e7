#include "consensus/equivocation_watch.h"

#include <algorithm>
#include <cstdio>

#include "chain/producers/schedule.h"
#include "chain/token/account.h"

namespace lingji::consensus {

namespace {

// Remembers value under key in a table of at most `cap` entries ordered by slot: when full, the
// lowest slot makes room, and a key no higher than every remembered slot is not kept.
template <class V>
void remember(std::map<std::pair<uint64_t, core::PublicKey>, V>& seen, size_t cap,
              std::pair<uint64_t, core::PublicKey> key, V value) {
  if (seen.size() >= cap) {
    if (seen.begin()->first.first >= key.first) return;
    seen.erase(seen.begin());
  }
  seen.emplace(std::move(key), std::move(value));
}

template <class V>
void forget_up_to(std::map<std::pair<uint64_t, core::PublicKey>, V>& seen, uint64_t slot) {
  while (!seen.empty() && seen.begin()->first.first <= slot) seen.erase(seen.begin());
}

}  // namespace

void EquivocationWatch::watch_for_double_vote(const chain::finality::SignedVote& vote) {
  if (vote.vote.slot <= chain_.final_block().slot) return;
  const SlotKey key{vote.vote.slot, vote.voter};
  auto it = votes_seen_.find(key);
  if (it == votes_seen_.end()) {
    remember(votes_seen_, kMaxVotesRemembered, key, vote);
    return;
  }
  if (it->second.vote.block_id == vote.vote.block_id || double_voters_.count(vote.voter)) return;
  auto evidence = chain::finality::DoubleVoteEvidence::make(it->second, vote);
  std::fprintf(stderr, "lingjid: EQUIVOCATION: key %s voted for two blocks in slot %llu\n",
               vote.voter.hex().c_str(), static_cast<unsigned long long>(vote.vote.slot));
  report(chain::EvidenceKind::kDoubleVote, evidence.encode());
  double_votes_.push_back(std::move(evidence));
  double_voters_.insert(vote.voter);
  ++equivocations_seen_;
}

bool EquivocationWatch::remembers(const chain::finality::SignedVote& vote) const {
  auto it = votes_seen_.find(SlotKey{vote.vote.slot, vote.voter});
  return it != votes_seen_.end() && it->second == vote;
}

void EquivocationWatch::watch_for_double_block(const chain::Block& block) {
  const auto& h = block.header;
  if (h.slot <= chain_.final_block().slot) return;
  const SlotKey key{h.slot, h.producer};
  auto it = blocks_seen_.find(key);
  if (it == blocks_seen_.end()) {
    remember(blocks_seen_, kMaxVotesRemembered, key, chain::finality::SignedHeader{h, block.signature});
    return;
  }
  if (it->second.header == h || double_producers_.count(h.producer)) return;
  auto evidence = chain::finality::DoubleBlockEvidence::make(it->second, {h, block.signature});
  std::fprintf(stderr, "lingjid: EQUIVOCATION: producer %s signed two blocks in slot %llu\n", h.producer.hex().c_str(),
               static_cast<unsigned long long>(h.slot));
  report(chain::EvidenceKind::kDoubleBlock, evidence.encode());
  double_blocks_.push_back(std::move(evidence));
  double_producers_.insert(h.producer);
  ++equivocations_seen_;
}

void EquivocationWatch::forget_final() {
  const uint64_t final_slot = chain_.final_block().slot;
  forget_up_to(votes_seen_, final_slot);
  forget_up_to(blocks_seen_, final_slot);
}

std::vector<core::Bytes> EquivocationWatch::take_reports() {
  std::vector<core::Bytes> out;
  out.swap(reports_to_send_);
  return out;
}

void EquivocationWatch::report(chain::EvidenceKind kind, core::Bytes evidence) {
  if (keys_.empty()) return;
  const core::PrivateKey& key = keys_.front().key;  // any of this node's keys may report
  chain::TransactionBody body;
  body.chain_id = chain_.chain_id();
  const core::TimeMs now = chain_.head().timestamp;
  body.expiration = now + std::min<core::TimeMs>(chain_.genesis().params.max_transaction_lifetime_ms, 600'000);
  body.sender = key.public_key();
  body.sequence = chain::load_account(admission_.pending(), body.sender).sequence;
  body.operations.push_back(chain::ReportEvidence{kind, std::move(evidence)});
  auto tx = chain::SignedTransaction::sign(std::move(body), key);
  // Refused when the chain already holds the offence (another node reported it first).
  if (admission_.admit(tx, now)) reports_to_send_.push_back(tx.bytes());
}

}  // namespace lingji::consensus
