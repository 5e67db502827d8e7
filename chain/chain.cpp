#include "chain/chain.h"

#include "chain/block_hooks.h"
#include "chain/chain_errors.h"
#include "chain/executor.h"
#include "chain/finality/finality_rule.h"
#include "chain/invariants.h"
#include "chain/governance/governance.h"
#include "chain/producers/schedule.h"
#include "chain/resources/resources.h"

#include <algorithm>
#include <map>

namespace lingji::chain {

Chain::Chain(Genesis genesis) : genesis_(std::move(genesis)), chain_id_(genesis_.chain_id()) {
  (void)state_.apply(genesis_.initial_state());
  head_.height = 0;
  head_.timestamp = genesis_.genesis_time;
  head_.state_root = state_.root();
  genesis_header_ = head_;
}

core::Status Chain::restore(const std::vector<std::pair<Bytes, Bytes>>& entries, const BlockHeader& head) {
  State restored;
  ChangeSet all;
  for (const auto& [k, v] : entries) all.emplace(k, v);
  (void)restored.apply(all);
  if (restored.root() != head.state_root)
    return chain_error("block.bad_state_root", "stored state hashes to " + restored.root().hex() +
                                                          " but block " + std::to_string(head.height) +
                                                          " commits to " + head.state_root.hex());
  state_ = std::move(restored);
  head_ = head;
  return core::Ok();
}

TimeMs Chain::slot_time(uint64_t slot) const { return slot_start(state_, genesis_, slot); }

uint64_t Chain::slot_at(TimeMs time) const { return slot_at_time(state_, genesis_, time); }

std::optional<PublicKey> Chain::producer_at(uint64_t slot) const {
  if (slot <= head_.slot) return std::nullopt;
  Schedule sc = load_schedule(state_);
  if (sc.producers.empty()) return std::nullopt;
  (void)roll_to_slot(sc, slot, slot, finality::load_final(state_).id);
  return sc.at(slot).signing_key;
}

finality::FinalBlock Chain::final_block() const { return finality::load_final(state_); }

Chain::VoterSets Chain::head_voters() const { return voters_at(head_.height); }

Chain::VoterSets Chain::voters_at(uint64_t height) const {
  VoterSets out;
  if (height > head_.height) return out;
  auto a = finality::load_ancestor(state_, height);
  if (!a) return out;
  out.set = generation_keys(state_, a->generation);
  if (a->joint) out.next = generation_keys(state_, a->generation + 1);
  return out;
}

namespace {

// The members behind a certificate's signers (a key in both sets is one voter).
std::vector<Member> signers_of(const StateReader& s, const finality::QuorumCertificate& qc, uint64_t generation,
                               bool joint) {
  std::map<PublicKey, Member> by_key;
  for (const auto& m : load_generation(s, generation)) by_key.emplace(m.signing_key, m);
  if (joint)
    for (const auto& m : load_generation(s, generation + 1)) by_key.emplace(m.signing_key, m);
  std::vector<Member> out;
  for (const auto& [key, sig] : qc.signers)
    if (auto it = by_key.find(key); it != by_key.end()) out.push_back(it->second);
  return out;
}

}  // namespace

core::Result<PublicKey> Chain::apply_consensus(const BlockHeader& h,
                                               const std::optional<finality::QuorumCertificate>& qc, StateOverlay& s,
                                               EventLog& events) const {
  using finality::load_ancestor;
  if (h.slot <= head_.slot || h.slot > max_slot(s, genesis_))
    return chain_error("block.bad_slot", "slot " + std::to_string(h.slot) + " is not after the parent's slot " +
                                                     std::to_string(head_.slot));
  if (h.timestamp != slot_time(h.slot))
    return chain_error("block.bad_timestamp", "block time is not the start of its slot");

  // Slot and producer.
  finality::FinalBlock fin = finality::load_final(s);
  Schedule sc = load_schedule(s);
  if (sc.producers.empty()) return chain_error("block.wrong_producer", "the state has no producer schedule");
  const Rolled rolled = roll_to_slot(sc, head_.slot + 1, h.slot, fin.id);
  if (rolled.rounds_started) maybe_propose(state_, s, sc, h.height);
  const Member producer = sc.at(h.slot);
  if (producer.signing_key != h.producer)
    return chain_error("block.wrong_producer", "slot " + std::to_string(h.slot) + " belongs to " +
                                                           producer.signing_key.hex() + ", not " + h.producer.hex());
  record_block(s, rolled, sc, producer, h.height, h.slot);

  // Justify: an ancestor, not older than the parent's; a newer one comes with its certificate.
  auto bad_justify = [](const std::string& why) { return chain_error("block.bad_justify", why); };
  const auto parent = load_ancestor(s, h.height - 1);
  if (!parent) return bad_justify("the parent's record is missing");
  const QcClaim& j = h.justify;
  if (j.height >= h.height) return bad_justify("justify names a block that is not an ancestor");
  const auto target = load_ancestor(s, j.height);
  const auto target_id = finality::ancestor_id(s, h, j.height);
  if (!target || !target_id || *target_id != j.block_id || target->slot != j.slot)
    return bad_justify("justify names a block that is not an ancestor since the last final block");
  if (j.slot < parent->justify.slot) return bad_justify("justify is older than the parent's");
  if (j == parent->justify) {
    if (qc) return chain_error("block.bad_certificate", "a certificate comes only with a new justify");
  } else {
    if (!qc) return chain_error("block.bad_certificate", "a new justify needs its certificate");
    if (qc->vote != finality::Vote{j.slot, j.height, j.block_id, target->justify.slot})
      return chain_error("block.bad_certificate", "the certificate is not on the justified block");
    const auto keys = generation_keys(s, target->generation);
    core::Status st = target->joint ? qc->verify_joint(chain_id_, keys, generation_keys(s, target->generation + 1))
                                    : qc->verify(chain_id_, keys);
    if (!st) return chain_error("block.bad_certificate", "certificate: " + st.error().message);
    record_votes(s, signers_of(s, *qc, target->generation, target->joint));
    // J is certified now: if J proves its parent A final (the two-chain rule), A is final.
    if (j.height >= 1 && j.height - 1 > fin.height) {
      const uint64_t a_height = j.height - 1;
      const auto a = load_ancestor(s, a_height);
      const auto a_id = finality::ancestor_id(s, h, a_height);
      if (a && a_id) {
        const finality::BlockRef a_ref{a->slot, a_height, *a_id, a->parent, a->justify.slot, a->justify.block_id};
        const finality::BlockRef j_ref{target->slot, j.height, j.block_id, target->parent, target->justify.slot,
                                       target->justify.block_id};
        if (finality::proves_final(a_ref, j_ref)) {
          fin = finality::FinalBlock{a_height, a->slot, *a_id};
          finality::advance_final(s, fin);
        }
      }
    }
  }

  // The set change follows this branch's finality (chain/producers/schedule.h).
  if (sc.pending) {
    if (sc.pending->joint_from == 0 && fin.height >= sc.pending->proposed_height) {
      sc.pending->joint_from = h.height;
    } else if (sc.pending->joint_from != 0 && fin.height >= sc.pending->joint_from) {
      sc.generation = sc.pending->generation;
      sc.round_start = h.slot + 1;
      sc.producers = round_order(sc.pending->producers, fin.id, sc.round_start);
      sc.pending.reset();
    }
  }
  store_schedule(s, sc);
  const bool joint = sc.pending && sc.pending->joint_from != 0;
  finality::store_ancestor(s, h.height, finality::Ancestor{h.slot, h.previous, j, sc.generation, joint});
  run_begin_block(s, BlockContext{genesis_, h.height, h.slot, h.timestamp, producer.account, &events});
  return producer.account;
}

BlockChanges Chain::finish_block(const BlockHeader& h, const PublicKey& producer_account, StateOverlay& block_state,
                                 EventLog events) {
  run_end_block(block_state, BlockContext{genesis_, h.height, h.slot, h.timestamp, producer_account, &events});
  BlockChanges changes;
  changes.writes = block_state.take_writes();
  changes.undo = state_.apply(changes.writes);
  changes.events = std::move(events);
  if (kCheckInvariantsAfterEveryBlock) enforce_invariants(state_, h.height);
  return changes;
}

core::Result<Chain::Produced> Chain::produce_block(const std::vector<SignedTransaction>& candidates, uint64_t slot,
                                                   const core::PrivateKey& key, std::optional<Justify> justify) {
  Produced out;
  BlockHeader& h = out.block.header;
  h.height = head_.height + 1;
  h.previous = head_id();
  h.slot = slot;
  h.timestamp = slot_time(slot);
  h.producer = key.public_key();
  if (justify) {
    h.justify = justify->claim;
    out.block.justify_qc = std::move(justify->qc);
  } else if (auto parent = finality::load_ancestor(state_, head_.height)) {
    h.justify = parent->justify;
  }
  StateOverlay block_state(state_);
  EventLog events;
  auto producer_account = apply_consensus(h, out.block.justify_qc, block_state, events);
  if (!producer_account) return producer_account.error();
  out.block.transactions.reserve(std::min<size_t>(candidates.size(), genesis_.params.max_block_transactions));
  // Read once per block: only begin_block (enactment) changes them, and it has run.
  const ResourceParams resources = load_resource_params(block_state);
  const TxContext tc{genesis_, chain_id_, h.timestamp, h.height, &events, &resources};
  for (const auto& tx : candidates) {
    if (out.block.transactions.size() >= genesis_.params.max_block_transactions) break;
    events.set_source(EventSource{static_cast<uint32_t>(out.block.transactions.size())});
    if (core::Status st = execute_transaction(block_state, tx, tc); !st) {
      out.rejected.emplace_back(tx.id(), st.error());
      continue;
    }
    out.block.transactions.push_back(tx);
  }
  h.tx_root = transactions_root(out.block.transactions);
  h.tx_count = static_cast<uint32_t>(out.block.transactions.size());
  out.changes = finish_block(h, *producer_account, block_state, std::move(events));
  h.state_root = state_.root();
  out.block.sign(chain_id_, key);
  head_ = h;
  return out;
}

core::Result<BlockChanges> Chain::apply_block(const Block& block, bool signatures_verified) {
  const BlockHeader& h = block.header;
  if (h.height != head_.height + 1)
    return chain_error("block.bad_height", "expected height " + std::to_string(head_.height + 1) +
                                                       ", got " + std::to_string(h.height));
  if (h.previous != head_id()) return chain_error("block.bad_previous", "block does not extend the head");
  if (block.transactions.size() > genesis_.params.max_block_transactions)
    return chain_error("block.too_many_transactions", "block has too many transactions");
  StateOverlay block_state(state_);
  EventLog events;
  auto producer_account = apply_consensus(h, block.justify_qc, block_state, events);
  if (!producer_account) return producer_account.error();
  if (!block.verify_signature(chain_id_)) return chain_error("block.bad_signature", "bad block signature");
  if (transactions_root(block.transactions) != h.tx_root)
    return chain_error("block.bad_tx_root", "transaction root does not match");
  const ResourceParams resources = load_resource_params(block_state);  // as in produce_block
  const TxContext tc{genesis_, chain_id_, h.timestamp, h.height, &events, &resources};
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    const auto& tx = block.transactions[i];
    events.set_source(EventSource{static_cast<uint32_t>(i)});
    core::Status st = signatures_verified || tx.verify_signature() ? execute_transaction(block_state, tx, tc)
                                                                   : chain_error("tx.bad_signature", "bad signature");
    if (!st)
      return chain_error("block.invalid_transaction",
                         "transaction " + std::to_string(i) + " (" + tx.id().hex() + "): " + st.error().message);
  }
  BlockChanges changes = finish_block(h, *producer_account, block_state, std::move(events));
  if (state_.root() != h.state_root) {
    (void)state_.apply(changes.undo);
    return chain_error("block.bad_state_root", "state root does not match after applying the block");
  }
  head_ = h;
  return changes;
}

core::Status Chain::pop_head(const ChangeSet& undo, const BlockHeader& parent) {
  if (head_.height == 0) return chain_error("block.bad_height", "the genesis cannot be popped");
  if (parent.height + 1 != head_.height || (parent.height == 0 ? chain_id_ : parent.id()) != head_.previous)
    return chain_error("block.bad_previous", "that header is not the head's parent");
  (void)state_.apply(undo, /*with_undo=*/false);
  if (state_.root() != parent.state_root)
    return chain_error("block.bad_state_root", "the undo set does not restore the parent's state root");
  head_ = parent;
  return core::Ok();
}

core::Status Chain::check_against_head(const SignedTransaction& tx, TimeMs time) const {
  StateOverlay scratch(state_);
  return execute_transaction(scratch, tx, TxContext{genesis_, chain_id_, time, head_.height + 1});
}

}  // namespace lingji::chain
