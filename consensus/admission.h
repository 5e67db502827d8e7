// admission.h: mempool admission. It owns the mempool, the recent rejections, and the pending
// state (the head state plus every mempool transaction), and decides which transactions a node
// accepts and keeps, and in what order.
//
// Not thread-safe: the Controller calls it under the node's lock and it locks nothing itself.
// Only decode_and_check() is stateless and may run without the lock. The tx listener is stored
// here but called by the Controller, after it has released the lock.
//
// Invariant: every mempool transaction applies, in mempool order, on top of the head state at
// the time of the last rebuild_pending(); pending() is that result, so a sender's second pending
// transaction is judged after its first (sequence and balance).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "chain/chain.h"
#include "chain/executor.h"
#include "consensus/consensus_errors.h"
#include "consensus/mempool.h"
#include "storage/block_store.h"

namespace lingji::consensus {

// How many transactions one sender may have in a node's mempool (tx.sender_pending_cap past it):
// one key with stake cannot queue the 50,000 chained transfers that would make every other
// sender wait (tx.mempool_full). 64 is several blocks' worth for a wallet, and a block clears it.
inline constexpr size_t kMaxPendingPerSender = 64;

enum class TxState { kUnknown, kPending, kCommitted, kRejected };

struct TxStatus {
  TxState state = TxState::kUnknown;
  std::optional<chain::SignedTransaction> tx;
  std::optional<storage::TxLocation> location;  // when committed
  std::optional<core::Error> error;             // when rejected
};

class Admission {
 public:
  // chain and store must outlive this object.
  Admission(const chain::Chain& chain, const storage::BlockStore& store, size_t capacity,
            size_t sender_cap = kMaxPendingPerSender);

  // The checks that need no state (decoding, chain id, expiry bounds, the operations' own
  // rules); needs no lock. The signature is not checked here: the caller checks it after
  // known(), so a transaction gossip brings again costs nothing.
  static core::Result<chain::SignedTransaction> decode_and_check(core::ByteView tx_bytes,
                                                                 const core::Hash256& chain_id);
  // tx.duplicate if the transaction is in the mempool or in a stored block, else Ok.
  [[nodiscard]] core::Status check_unknown(const core::Hash256& id) const;
  // Admits a transaction whose signature is verified: tx.duplicate, tx.sender_pending_cap (its
  // sender has sender_cap pending), tx.mempool_full, or the error of applying it on top of
  // pending() (tx.insufficient_resources among them); on success it joins the mempool and
  // pending(). The cap applies to admission only: requeue() puts back what was admitted.
  [[nodiscard]] core::Result<core::Hash256> admit(const chain::SignedTransaction& tx, core::TimeMs now);
  // Re-applies the mempool on top of the head state; what no longer applies is dropped and
  // recorded as rejected (transaction_status tells its sender why).
  void rebuild_pending(core::TimeMs now);

  // Drops the block's transactions from the mempool (pending() is rebuilt by the caller).
  void remove_included(const chain::Block& block);
  // Drops a transaction a block producer left out, recording why.
  void reject(const core::Hash256& id, const core::Error& error);
  // After a branch switch: the transactions of the popped blocks that the new branch does not
  // hold go back to the mempool ahead of the ones waiting there, which are younger (a sender's
  // next sequences queue behind them). The caller then calls rebuild_pending().
  void requeue(const std::vector<chain::Block>& popped);

  // The positions of the transactions that are not byte for byte in the mempool: only their
  // signatures need checking (the id covers the body only, so the whole bytes are compared).
  std::vector<size_t> unverified(const std::vector<chain::SignedTransaction>& txs) const;
  // Up to max mempool transactions, oldest first.
  std::vector<chain::SignedTransaction> oldest(size_t max) const { return mempool_.oldest(max); }
  size_t size() const { return mempool_.size(); }
  // kPending or kRejected from memory, else kUnknown: the caller looks in the store (a stored
  // block) itself, outside the node's lock (Controller::transaction_status).
  TxStatus uncommitted_status(const core::Hash256& id) const;
  // The sequence the account's next transaction must carry, counting its pending ones.
  uint64_t next_sequence(const core::PublicKey& account) const;
  const chain::StateOverlay& pending() const { return *pending_; }

  void set_tx_listener(std::function<void(core::ByteView)> listener) { tx_listener_ = std::move(listener); }
  const std::function<void(core::ByteView)>& tx_listener() const { return tx_listener_; }

 private:
  // The mempool judges transactions at the node's clock, as the next block would.
  chain::TxContext pending_context(core::TimeMs now) const;

  const chain::Chain& chain_;
  const storage::BlockStore& store_;
  Mempool mempool_;
  size_t sender_cap_;
  RecentRejections rejections_{10'000};
  std::unique_ptr<chain::StateOverlay> pending_;
  std::function<void(core::ByteView)> tx_listener_;
};

}  // namespace lingji::consensus
