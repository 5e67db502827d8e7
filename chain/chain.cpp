#include "chain/chain.h"

#include "chain/chain_errors.h"
#include "chain/executor.h"

namespace lingji::chain {

Chain::Chain(Genesis genesis) : genesis_(std::move(genesis)), chain_id_(genesis_.chain_id()) {
  (void)state_.apply(genesis_.initial_state());
  head_.height = 0;
  head_.timestamp = genesis_.genesis_time;
  head_.state_root = state_.root();
}

core::Status Chain::restore(const std::vector<std::pair<Bytes, Bytes>>& entries, const BlockHeader& head) {
  State restored;
  ChangeSet all;
  for (const auto& [k, v] : entries) all.emplace(k, v);
  (void)restored.apply(all);
  if (restored.root() != head.state_root)
    return chain_error(ErrorCode::kBlockBadStateRoot, "stored state hashes to " + restored.root().hex() +
                                                          " but block " + std::to_string(head.height) +
                                                          " commits to " + head.state_root.hex());
  state_ = std::move(restored);
  head_ = head;
  return core::Ok();
}

Chain::Produced Chain::produce_block(const std::vector<SignedTransaction>& candidates, TimeMs time,
                                     const core::PrivateKey& key) {
  Produced out;
  StateOverlay block_state(state_);
  for (const auto& tx : candidates) {
    if (out.block.transactions.size() >= genesis_.params.max_block_transactions) break;
    core::Status st = check_transaction(tx, chain_id_);
    if (st) st = apply_transaction(block_state, tx, genesis_, time);
    if (!st) {
      out.rejected.emplace_back(tx.id(), st.error());
      continue;
    }
    out.block.transactions.push_back(tx);
  }
  BlockHeader& h = out.block.header;
  h.height = head_.height + 1;
  h.previous = head_id();
  h.timestamp = time;
  h.producer = key.public_key();
  h.tx_root = transactions_root(out.block.transactions);
  h.tx_count = static_cast<uint32_t>(out.block.transactions.size());
  out.changes.writes = block_state.take_writes();
  (void)state_.apply(out.changes.writes, /*with_undo=*/false);
  h.state_root = state_.root();
  out.block.sign(chain_id_, key);
  head_ = h;
  return out;
}

core::Result<BlockChanges> Chain::apply_block(const Block& block, bool signatures_verified) {
  const BlockHeader& h = block.header;
  if (h.height != head_.height + 1)
    return chain_error(ErrorCode::kBlockBadHeight, "expected height " + std::to_string(head_.height + 1) +
                                                       ", got " + std::to_string(h.height));
  if (h.previous != head_id()) return chain_error(ErrorCode::kBlockBadPrevious, "block does not extend the head");
  if (h.timestamp <= head_.timestamp)
    return chain_error(ErrorCode::kBlockBadTimestamp, "block time is not after its parent's");
  if (h.producer != genesis_.producer)
    return chain_error(ErrorCode::kBlockWrongProducer, "block is not signed by the chain's producer");
  if (block.transactions.size() > genesis_.params.max_block_transactions)
    return chain_error(ErrorCode::kBlockTooManyTransactions, "block has too many transactions");
  if (!block.verify_signature(chain_id_)) return chain_error(ErrorCode::kBlockBadSignature, "bad block signature");
  if (transactions_root(block.transactions) != h.tx_root)
    return chain_error(ErrorCode::kBlockBadTxRoot, "transaction root does not match");
  StateOverlay block_state(state_);
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    const auto& tx = block.transactions[i];
    core::Status st = check_transaction(tx, chain_id_);
    if (st && !signatures_verified && !tx.verify_signature())
      st = chain_error(ErrorCode::kTxBadSignature, "bad signature");
    if (st) st = apply_transaction(block_state, tx, genesis_, h.timestamp);
    if (!st)
      return chain_error(ErrorCode::kBlockInvalidTransaction,
                         "transaction " + std::to_string(i) + " (" + tx.id().hex() + "): " + st.error().message);
  }
  BlockChanges changes;
  changes.writes = block_state.take_writes();
  changes.undo = state_.apply(changes.writes);
  if (state_.root() != h.state_root) {
    (void)state_.apply(changes.undo);
    return chain_error(ErrorCode::kBlockBadStateRoot, "state root does not match after applying the block");
  }
  head_ = h;
  return changes;
}

core::Status Chain::check_against_head(const SignedTransaction& tx, TimeMs time) const {
  if (auto st = check_transaction(tx, chain_id_); !st) return st;
  StateOverlay scratch(state_);
  return apply_transaction(scratch, tx, genesis_, time);
}

}  // namespace lingji::chain
