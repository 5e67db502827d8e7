// controller.h: one running chain: the state machine (chain/), its durable store (storage/), the
// mempool, and block production and voting with this node's producer keys (none, one, or several:
// a test network runs many producers in a few processes; each key keeps its own safety state).
// The Controller is a facade: it owns the parts, holds the one lock, and delegates:
//   producer_keys.h       this node's keys and their safety states
//   admission.h           mempool admission (submit)
//   vote_collector.h      votes and certificates
//   equivocation_watch.h  double votes and double blocks, and their reports
//   fork_choice.h         peers' blocks and branch switches
//   block_producer.h      production
//   replay.h              replay from the stored blocks
// Thread-safe: API threads submit and read while the production thread makes blocks; one mutex
// guards the chain, the store and every part (the parts lock nothing), and signature checks and
// the listeners run outside it.
//
// Durability: a block is applied in memory, then written in one atomic batch; if the write
// fails the process stops (the store stays at the previous block, and a restart resumes there),
// so the node never serves a block that is not on disk.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/chain.h"
#include "chain/finality/evidence.h"
#include "chain/finality/voting_rules.h"
#include "consensus/consensus_errors.h"
#include "consensus/equivocation_watch.h"
#include "consensus/fork_choice.h"
#include "consensus/node_parts.h"
#include "consensus/producer_keys.h"
#include "consensus/reject_cache.h"
#include "consensus/replay.h"
#include "consensus/verify_pool.h"
#include "consensus/vote_collector.h"
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
  // Test instrumentation: runs before each read of the block files (storage::BlockStore::set_read_hook).
  std::function<void()> block_read_hook;
  // Create the safety file of each producer key that has none, if and only if this open creates
  // the chain (the data directory held none). Only for a chain that nobody else can have, whose
  // keys cannot have voted anywhere: lingjid --dev's fresh chain (its genesis time is now, so
  // its chain id is its own) and tests. Any other key is initialised by init_producer_keys.
  bool init_keys_of_new_chain = false;
};

class Controller {
 public:
  static core::Result<std::unique_ptr<Controller>> open(ControllerOptions options);

  // Admits a signed transaction (hex-decoded bytes) to the mempool, or says exactly why not.
  core::Result<core::Hash256> submit(core::ByteView tx_bytes, core::TimeMs now);
  // How a peer's transaction fared, so that the network can score the peer (node/network.cpp).
  enum class TxOutcome {
    kAdmitted,
    kMalformed,     // undecodable or against a stateless rule: never valid, anywhere
    kBadSignature,  // a forgery
    kKnown,         // in the mempool or a block already
    kRejected,      // fails the state checks on this node now (cached: a resend costs no verification)
    kBusy,          // the mempool is full
  };
  struct PeerTx {
    TxOutcome outcome = TxOutcome::kAdmitted;
    core::Result<core::Hash256> result = core::Hash256{};
  };
  // submit() for a peer's transaction, which also goes through the reject cache (reject_cache.h).
  PeerTx submit_from_peer(core::ByteView tx_bytes, core::TimeMs now);
  // Signatures verified so far for submitted transactions and peers' blocks (block signatures
  // and their transactions'): what a peer's data has cost this node (tests, diagnostics).
  uint64_t signature_checks() const { return signature_checks_.load(std::memory_order_relaxed); }
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
  // lingjid --init-key: creates the safety file of every producer key of this node, which then
  // votes and signs blocks (ProducerKeys::init_key says which keys are refused). All keys are
  // checked before any file is written. Returns one line per key created, for the operator.
  // Errors: producer.key_was_in_a_set, finality.safety_file_exists (a key that has a file or a
  // .tmp), finality.safety_io_error.
  core::Result<std::vector<std::string>> init_producer_keys(core::TimeMs now);

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
  using Accepted = ForkChoice::Accepted;
  // Errors also: block.bad_slot for a slot after the one following `now`'s.
  // The cheap checks come before the transactions' signatures (block_gate.h): a block with an
  // unknown parent, a producer not the slot's, a bad block signature or a transaction root that
  // does not match costs no transaction verification.
  core::Result<Accepted> accept_block(const chain::Block& block, core::TimeMs now);
  // A vote from a peer (or this node). True if it was new and valid for a known block, false if
  // it is a duplicate, at or below the final block's slot, or for a block this node does not have
  // yet (kept for a while). Cheap checks first, the signature outside the lock, and nothing is
  // stored before it verifies. Errors: finality.signer_not_in_set (no producer's key),
  // finality.bad_signature, other finality.* (not a voter of that block),
  // consensus.vote_outside_window (a slot far after the head's: this node may lag),
  // consensus.early_votes_full (the voter has many votes waiting for blocks).
  core::Result<bool> add_vote(const chain::finality::SignedVote& vote);
  // Encoded blocks from height `from` on, at most max_blocks of them and about max_bytes, each
  // the parent of the next. Read without the node's lock (a peer may ask for megabytes; the
  // store reads beside commits): a branch switch meanwhile cuts the answer where it broke.
  std::vector<core::Bytes> blocks_from(uint64_t from, size_t max_blocks, size_t max_bytes) const;
  // Receives each vote this node casts, after it is durable and outside the node's lock.
  void set_vote_listener(std::function<void(const chain::finality::SignedVote&)> listener);
  // Adds a subscriber of what committed blocks did (chain_events.h): from now on it sees every
  // block stored and popped, in chain order, outside the node's lock.
  void subscribe(std::shared_ptr<ChainObserver> observer) { parts_->outbox.subscribe(std::move(observer)); }
  // Receives each transaction admitted by submit() (its bytes), outside the node's lock.
  void set_tx_listener(std::function<void(core::ByteView)> listener);

  // Reads a committed transaction's block outside the node's lock.
  TxStatus transaction_status(const core::Hash256& id) const;
  // This node's producer keys (fixed at open, so no lock is needed).
  bool is_producer() const { return !parts_->keys->empty(); }
  std::vector<core::PublicKey> producer_keys() const;
  bool holds_producer_key(const core::PublicKey& key) const { return parts_->keys->find(key) != nullptr; }
  size_t mempool_size() const;
  // Equivocations this node has seen (shared/CONSENSUS.md "Evidence"): two validly signed votes
  // by one key in one slot for different blocks, or two signed blocks by one producer in one
  // slot. A producer node reports each in a report_evidence transaction (signed with its key),
  // so the chain records it and the offender leaves the schedule (chain/producers/ejection.h).
  // Lock-free: readable under read().
  uint64_t equivocations_seen() const { return parts_->watch->equivocations_seen(); }
  std::vector<chain::finality::DoubleVoteEvidence> double_votes() const;
  std::vector<chain::finality::DoubleBlockEvidence> double_blocks() const;
  // The sequence the account's next transaction must carry, counting its pending ones.
  uint64_t next_sequence(const core::PublicKey& account) const;

  // The stored blocks, for reads that take no lock (block_at, header_at, height_of,
  // find_transaction, transaction_at: see storage/block_store.h). The API reads blocks here, so a
  // flood of block reads never holds the lock production and votes need (issue 14, item 11).
  const storage::BlockStore& blocks() const { return *store_; }
  // Runs f(chain, store) under the node's lock, for consistent reads. Only for reads of memory:
  // read blocks through blocks(), outside the lock.
  template <class F>
  auto read(F&& f) const {
    std::lock_guard lock(mu_);
    return f(*chain_, *store_);
  }

 private:
  Controller() = default;
  core::Result<Accepted> accept_block_unreported(const chain::Block& block, core::TimeMs now);
  PeerTx submit_checked(core::ByteView tx_bytes, core::TimeMs now, bool from_peer);
  // Hands this node's votes to the vote listener, outside the lock.
  void send_votes(const std::vector<chain::finality::SignedVote>& votes);
  // Hands the evidence reports admitted under the lock to the tx listener, outside it.
  void flush_reports();

  mutable std::mutex mu_;
  std::unique_ptr<storage::BlockStore> store_;
  std::unique_ptr<chain::Chain> chain_;
  std::unique_ptr<NodeParts> parts_;  // refers to chain_ and store_: declared after them
  std::unique_ptr<VerifyPool> pool_;  // transaction signatures of peers' blocks
  RejectCache rejected_{20'000};      // peers' transactions that failed the state checks; under mu_
  std::atomic<uint64_t> signature_checks_{0};
};

}  // namespace lingji::consensus
