// controller.h: one running chain: the state machine (chain/), its durable store (storage/), the
// mempool, and block production and voting with this node's producer keys (none, one, or several:
// a test network runs many producers in a few processes; each key keeps its own safety state).
// Thread-safe: API threads submit and read
// while the production thread makes blocks; one mutex guards the chain, store and mempool, and
// signature checks run outside it.
//
// Durability: a block is applied in memory, then written in one atomic batch; if the write
// fails the process stops (the store stays at the previous block, and a restart resumes there),
// so the node never serves a block that is not on disk.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/chain.h"
#include "chain/executor.h"
#include "chain/finality/evidence.h"
#include "chain/finality/voting_rules.h"
#include "consensus/consensus_errors.h"
#include "consensus/fork_db.h"
#include "consensus/mempool.h"
#include "consensus/verify_pool.h"
#include "storage/block_store.h"

namespace lingji::consensus {

struct ControllerOptions {
  std::filesystem::path data_dir;
  // Used only when data_dir holds no chain yet.
  std::optional<chain::Genesis> genesis;
  // This node's block-signing keys; empty for a node that only follows. A key listed twice is
  // kept once.
  std::vector<core::PrivateKey> producer_keys;
  bool sync_writes = true;
  size_t mempool_capacity = 50'000;  // five full blocks: bounds the per-block re-check
};

enum class TxState { kUnknown, kPending, kCommitted, kRejected };

struct TxStatus {
  TxState state = TxState::kUnknown;
  std::optional<chain::SignedTransaction> tx;
  std::optional<storage::TxLocation> location;  // when committed
  std::optional<core::Error> error;             // when rejected
};

class Controller {
 public:
  static core::Result<std::unique_ptr<Controller>> open(ControllerOptions options);

  // Admits a signed transaction (hex-decoded bytes) to the mempool, or says exactly why not.
  core::Result<core::Hash256> submit(core::ByteView tx_bytes, core::TimeMs now);
  // Produces, stores and returns the block of the slot in progress at `time` (after the head's),
  // signed with whichever of this node's keys the schedule names for the slot, with the oldest
  // mempool transactions and the newest certificate this node holds, then votes on it with every
  // key of this node that is a voter. Errors: block.wrong_producer when the slot is none of this
  // node's keys', block.bad_slot.
  core::Result<chain::Block> produce(core::TimeMs time);
  // Does this node hold a quorum certificate of the head block? A producer waits up to 500 ms
  // into its slot for it (shared/CONSENSUS.md), so its block carries the head's certificate and
  // the head can become final two blocks later.
  bool head_certified() const;
  // Why this key of this node does not vote, or empty when it does (a lost or damaged safety
  // file), or when the key is not one of this node's.
  std::string voting_disabled_reason(const core::PublicKey& key) const;
  // The keys of this node that do not vote, each with the reason, in the order they were given.
  std::vector<std::pair<core::PublicKey, std::string>> voting_disabled_reasons() const;

  // A block from a peer.
  //   kApplied: the head changed: the block extended it, or its branch has the higher quorum
  //             certificate and the node switched to it (popping blocks down to the common
  //             ancestor, never below the last final block); the new head is stored and voted on.
  //   kKnown:   already stored or waiting in the fork database.
  //   kFork:    a competing branch that is not better: kept in the fork database.
  //   kAhead:   above head + 1 with an unknown parent: sync from head + 1.
  //   kUnknownParent: at most head + 1 but its parent is unknown: its branch left this one below
  //             the head; sync from the last final block.
  //   kStale:   at or below the last final block but not on this branch (or the fork database is
  //             full): dropped.
  // Errors: the block's rule violations (block.*, tx.*): the sender sent an invalid block.
  enum class Accepted { kApplied, kKnown, kFork, kAhead, kUnknownParent, kStale };
  // Errors also: block.bad_slot for a slot after the one following `now`'s.
  core::Result<Accepted> accept_block(const chain::Block& block, core::TimeMs now);
  // A vote from a peer (or this node). True if it was new and valid for a known block, false if
  // it is a duplicate or for a block this node does not have yet (kept for a while).
  // Errors: finality.* (bad signature, not a voter of that block).
  core::Result<bool> add_vote(const chain::finality::SignedVote& vote);
  // Encoded blocks from height `from` on, at most max_blocks of them and about max_bytes.
  std::vector<core::Bytes> blocks_from(uint64_t from, size_t max_blocks, size_t max_bytes) const;
  // Receives each vote this node casts, after it is durable and outside the node's lock.
  void set_vote_listener(std::function<void(const chain::finality::SignedVote&)> listener);
  // Receives each transaction admitted by submit() (its bytes), outside the node's lock.
  void set_tx_listener(std::function<void(core::ByteView)> listener);

  TxStatus transaction_status(const core::Hash256& id) const;
  // This node's producer keys (fixed at open, so no lock is needed).
  bool is_producer() const { return !producer_keys_.empty(); }
  std::vector<core::PublicKey> producer_keys() const;
  bool holds_producer_key(const core::PublicKey& key) const { return find_key(key) != nullptr; }
  size_t mempool_size() const;
  // Equivocations this node has seen (shared/CONSENSUS.md "Evidence"): two validly signed votes
  // by one key in one slot for different blocks, or two signed blocks by one producer in one
  // slot. A producer node reports each in a report_evidence transaction (signed with its key),
  // so the chain records it and the offender leaves the schedule (chain/producers/ejection.h).
  // Lock-free: readable under read().
  uint64_t equivocations_seen() const { return equivocations_seen_.load(); }
  std::vector<chain::finality::DoubleVoteEvidence> double_votes() const;
  std::vector<chain::finality::DoubleBlockEvidence> double_blocks() const;
  // The sequence the account's next transaction must carry, counting its pending ones.
  uint64_t next_sequence(const core::PublicKey& account) const;

  // Runs f(chain, store) under the node's lock, for consistent reads.
  template <class F>
  auto read(F&& f) const {
    std::lock_guard lock(mu_);
    return f(*chain_, *store_);
  }

 private:
  Controller() = default;
  core::Result<core::Hash256> submit_locked(const chain::SignedTransaction& tx, core::TimeMs now);
  // The mempool judges transactions at the node's clock, as the next block would.
  chain::TxContext pending_context(core::TimeMs now) const;
  void rebuild_pending(core::TimeMs now);
  // One producer key of this node and its durable vote state (shared/CONSENSUS.md).
  struct ProducerKey {
    core::PrivateKey key;
    core::PublicKey public_key;
    std::optional<chain::finality::SafetyState> safety;  // empty: this key does not vote
    std::string voting_disabled;                         // why, when it does not
  };
  const ProducerKey* find_key(const core::PublicKey& key) const;
  // Loads or creates this key's safety state (data_dir/safety); on failure the key never votes.
  void open_safety(ProducerKey& k);
  // Votes on the head block with each of this node's keys that is one of its voters (each vote
  // durable in its key's safety file first), and collects the certificate. Returns the votes to
  // send (the caller sends them after releasing the lock).
  std::vector<chain::finality::SignedVote> vote_on_head();
  core::Result<bool> add_vote_locked(const chain::finality::SignedVote& vote);
  // Remembers the vote's (voter, slot); records evidence if it conflicts with one seen before.
  void watch_for_double_vote(const chain::finality::SignedVote& vote);
  // The same for a block's (producer, slot). Requires: the block's signature is verified.
  void watch_for_double_block(const chain::Block& block);
  // Submits a report_evidence transaction signed with this node's producer key (if it has one)
  // to its own mempool; it is sent to peers by flush_reports() once the lock is released.
  void report_locked(chain::EvidenceKind kind, core::Bytes evidence);
  void flush_reports();
  core::Result<Accepted> accept_block_unreported(const chain::Block& block, core::TimeMs now);
  void send_votes(const std::vector<chain::finality::SignedVote>& votes);
  // Drops what every node forgets once a block is applied: included transactions, and
  // certificates no longer newer than the head's justify.
  void after_head_change(const chain::Block& block);
  // Is the block with this id at this height on the followed branch (the genesis at height 0)?
  bool on_branch(uint64_t height, const core::Hash256& id) const;
  // Applies a block on top of the head and stores it (stops the process if the store fails).
  core::Status apply_and_store(const chain::Block& block);
  // Pops the head block off the chain and the store (stops the process on a damaged store).
  chain::Block pop_and_unstore();
  // Follows the branch ending at `tip` (a fork database block) if it is allowed; true if it did.
  // Errors: a block of that branch is invalid (the branch is dropped, the head is unchanged).
  core::Result<bool> switch_to(const core::Hash256& tip);

  mutable std::mutex mu_;
  std::unique_ptr<storage::BlockStore> store_;
  std::unique_ptr<chain::Chain> chain_;
  std::vector<ProducerKey> producer_keys_;
  std::unique_ptr<Mempool> mempool_;
  RecentRejections rejections_{10'000};
  // The head state plus every mempool transaction: admission checks against it, so a sender's
  // second pending transaction is judged after its first (sequence and balance).
  std::unique_ptr<chain::StateOverlay> pending_;

  // Finality (shared/CONSENSUS.md): where the keys' vote states live, and the newest certificate
  // on the head's branch that no block carries yet (the next block's justify).
  std::filesystem::path safety_dir_;
  std::optional<chain::Chain::Justify> next_justify_;
  // Votes being collected, per block id; votes for blocks not yet seen wait in early_votes_.
  std::map<core::Hash256, chain::finality::QcBuilder> builders_;
  std::map<core::Hash256, std::vector<chain::finality::SignedVote>> early_votes_;
  std::function<void(const chain::finality::SignedVote&)> vote_listener_;
  std::function<void(core::ByteView)> tx_listener_;
  std::unique_ptr<VerifyPool> pool_;  // transaction signatures of peers' blocks
  // The first vote seen per (voter, slot) above the final block, and the double votes found.
  std::map<std::pair<core::PublicKey, uint64_t>, chain::finality::SignedVote> votes_seen_;
  std::vector<chain::finality::DoubleVoteEvidence> double_votes_;
  std::map<std::pair<core::PublicKey, uint64_t>, chain::finality::SignedHeader> blocks_seen_;
  std::vector<chain::finality::DoubleBlockEvidence> double_blocks_;
  std::vector<core::Bytes> reports_to_send_;  // report_evidence transactions not yet gossiped
  std::atomic<uint64_t> equivocations_seen_{0};
  // Competing branches' blocks (their transaction signatures already verified).
  ForkDb fork_db_{4096, 512u << 20};
};

// Re-applies every stored block from genesis, checking signatures (on all cores), every rule
// and the state root at every height; then rewrites the stored state from the result.
struct ReplayReport {
  uint64_t blocks = 0;
  uint64_t transactions = 0;
  double seconds = 0;
};
core::Result<ReplayReport> replay(const std::filesystem::path& data_dir, unsigned threads = 0);

}  // namespace lingji::consensus
