#include "consensus/equivocation_watch.h"

#include <algorithm>
#include <cstdio>

#include "chain/producers/schedule.h"
#include "chain/token/account.h"

namespace lingji::consensus {

void EquivocationWatch::watch_for_double_vote(const chain::finality::SignedVote& vote) {
  if (vote.vote.slot <= chain_.final_block().slot) return;
  const auto key = std::pair(vote.voter, vote.vote.slot);
  auto it = votes_seen_.find(key);
  if (it == votes_seen_.end()) {
    // Bounded: the slots above the final block times a generous number of voters.
    if (votes_seen_.size() < 64 * 4 * chain::kMaxActiveProducers) votes_seen_.emplace(key, vote);
    return;
  }
  if (it->second.vote.block_id == vote.vote.block_id) return;
  // Signatures are checked only now, when the pair would be evidence (a forged first vote is
  // replaced by the genuine one).
  if (!vote.verify(chain_.chain_id())) return;
  if (!it->second.verify(chain_.chain_id())) {
    it->second = vote;
    return;
  }
  auto evidence = chain::finality::DoubleVoteEvidence::make(it->second, vote);
  if (std::find(double_votes_.begin(), double_votes_.end(), evidence) != double_votes_.end()) return;
  std::fprintf(stderr, "lingjid: EQUIVOCATION: key %s voted for two blocks in slot %llu\n",
               vote.voter.hex().c_str(), static_cast<unsigned long long>(vote.vote.slot));
  report(chain::EvidenceKind::kDoubleVote, evidence.encode());
  double_votes_.push_back(std::move(evidence));
  ++equivocations_seen_;
}

void EquivocationWatch::watch_for_double_block(const chain::Block& block) {
  const auto& h = block.header;
  if (h.slot <= chain_.final_block().slot) return;
  const auto key = std::pair(h.producer, h.slot);
  auto it = blocks_seen_.find(key);
  if (it == blocks_seen_.end()) {
    if (blocks_seen_.size() < 64 * 4 * chain::kMaxActiveProducers)
      blocks_seen_.emplace(key, chain::finality::SignedHeader{h, block.signature});
    return;
  }
  if (it->second.header == h) return;
  auto evidence = chain::finality::DoubleBlockEvidence::make(it->second, {h, block.signature});
  if (std::find(double_blocks_.begin(), double_blocks_.end(), evidence) != double_blocks_.end()) return;
  std::fprintf(stderr, "lingjid: EQUIVOCATION: producer %s signed two blocks in slot %llu\n", h.producer.hex().c_str(),
               static_cast<unsigned long long>(h.slot));
  report(chain::EvidenceKind::kDoubleBlock, evidence.encode());
  double_blocks_.push_back(std::move(evidence));
  ++equivocations_seen_;
}

void EquivocationWatch::forget_final() {
  const uint64_t final_slot = chain_.final_block().slot;
  std::erase_if(votes_seen_, [&](const auto& e) { return e.first.second <= final_slot; });
  std::erase_if(blocks_seen_, [&](const auto& e) { return e.first.second <= final_slot; });
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
