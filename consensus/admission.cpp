#include "consensus/admission.h"

#include "chain/chain_errors.h"
#include "chain/executor.h"
#include "chain/token/account.h"

namespace lingji::consensus {

using chain::chain_error;

Admission::Admission(const chain::Chain& chain, const storage::BlockStore& store, size_t capacity,
                     size_t sender_cap)
    : chain_(chain), store_(store), mempool_(capacity), sender_cap_(sender_cap), pending_(std::make_unique<chain::StateOverlay>(chain.state())) {}

core::Result<chain::SignedTransaction> Admission::decode_and_check(core::ByteView tx_bytes,
                                                                   const core::Hash256& chain_id) {
  auto decoded = chain::SignedTransaction::decode(tx_bytes);
  if (!decoded) return decoded.error();
  if (auto st = chain::check_transaction(*decoded, chain_id); !st) return st.error();
  return decoded;
}

core::Status Admission::check_unknown(const core::Hash256& id) const {
  if (mempool_.contains(id) || store_.find_transaction(id))
    return chain_error("tx.duplicate", "transaction " + id.hex() + " is already known");
  return core::Ok();
}

core::Result<core::Hash256> Admission::admit(const chain::SignedTransaction& tx, core::TimeMs now) {
  if (auto st = check_unknown(tx.id()); !st) return st.error();
  if (mempool_.pending_of(tx.body().sender) >= sender_cap_)
    return consensus_error("tx.sender_pending_cap", "the sender already has " + std::to_string(sender_cap_) +
                                                        " transactions pending in this node's mempool; retry after the next block");
  if (mempool_.full()) return consensus_error("tx.mempool_full", "the node's mempool is full; retry later");
  if (auto st = chain::execute_transaction(*pending_, tx, pending_context(now)); !st) return st.error();
  mempool_.add(tx);
  return tx.id();
}

chain::TxContext Admission::pending_context(core::TimeMs now) const {
  return chain::TxContext{chain_.genesis(), chain_.chain_id(), now, chain_.head().height + 1};
}

void Admission::rebuild_pending(core::TimeMs now) {
  pending_ = std::make_unique<chain::StateOverlay>(chain_.state());
  for (const auto& tx : mempool_.all()) {
    if (auto st = chain::execute_transaction(*pending_, tx, pending_context(now)); !st) {
      rejections_.add(tx.id(), st.error());
      mempool_.remove(tx.id());
    }
  }
}

void Admission::remove_included(const chain::Block& block) {
  for (const auto& tx : block.transactions) mempool_.remove(tx.id());
}

void Admission::reject(const core::Hash256& id, const core::Error& error) {
  rejections_.add(id, error);
  mempool_.remove(id);
}

void Admission::requeue(const std::vector<chain::Block>& popped) {
  // The mempool is applied in its order, so the older transactions must come first.
  std::vector<chain::SignedTransaction> requeue;
  for (const auto& b : popped)
    for (const auto& tx : b.transactions)
      if (!store_.find_transaction(tx.id())) requeue.push_back(tx);
  auto waiting = mempool_.all();
  for (const auto& tx : waiting) mempool_.remove(tx.id());
  for (auto* list : {&requeue, &waiting})
    for (auto& tx : *list)
      if (!mempool_.contains(tx.id())) mempool_.add(std::move(tx));
}

std::vector<size_t> Admission::unverified(const std::vector<chain::SignedTransaction>& txs) const {
  std::vector<size_t> positions;
  for (size_t i = 0; i < txs.size(); ++i)
    if (const auto* known = mempool_.find(txs[i].id()); !known || known->bytes() != txs[i].bytes())
      positions.push_back(i);
  return positions;
}

TxStatus Admission::uncommitted_status(const core::Hash256& id) const {
  TxStatus out;
  if (const auto* tx = mempool_.find(id)) {
    out.state = TxState::kPending;
    out.tx = *tx;
    return out;
  }
  if (auto err = rejections_.find(id)) {
    out.state = TxState::kRejected;
    out.error = err;
  }
  return out;
}

uint64_t Admission::next_sequence(const core::PublicKey& account) const {
  return chain::load_account(*pending_, account).sequence;
}

}  // namespace lingji::consensus
