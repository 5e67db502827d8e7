#include "consensus/controller.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "chain/chain_errors.h"
#include "chain/executor.h"
#include "chain/token/account.h"
#include "chain/producers/schedule.h"
#include "consensus/safety_store.h"
#include "consensus/verify_pool.h"

namespace lingji::consensus {

using chain::chain_error;

namespace {

std::vector<std::pair<core::Bytes, core::Bytes>> state_entries(const chain::State& s) {
  std::vector<std::pair<core::Bytes, core::Bytes>> out;
  s.for_each({}, [&](const core::Bytes& k, const core::Bytes& v) { out.emplace_back(k, v); });
  return out;
}

core::Result<chain::Genesis> stored_genesis(const storage::BlockStore& store) {
  auto json = store.genesis_json();
  if (!json) return storage::storage_error("storage.corruption", "the store has no genesis");
  return chain::parse_genesis_json(*json);
}

}  // namespace

core::Result<std::unique_ptr<Controller>> Controller::open(ControllerOptions options) {
  auto store = storage::BlockStore::open(options.data_dir, options.sync_writes);
  if (!store) return store.error();
  std::unique_ptr<Controller> node(new Controller());
  node->store_ = std::move(*store);
  auto& s = *node->store_;
  if (!s.genesis_json()) {
    if (!options.genesis)
      return chain_error("genesis.invalid", "the data directory holds no chain and no genesis was given");
    if (auto st = s.put_genesis_json(chain::genesis_to_json(*options.genesis)); !st) return st.error();
  }
  auto genesis = stored_genesis(s);
  if (!genesis) return genesis.error();
  node->chain_ = std::make_unique<chain::Chain>(std::move(*genesis));
  if (s.head_height() == 0) {
    // (Re)write the genesis state: a crash between storing the genesis and its state must
    // not leave block 1's changes applied to an empty state.
    if (auto st = s.replace_state(state_entries(node->chain_->state())); !st) return st.error();
  } else {
    auto head = s.block_at(s.head_height());
    if (!head)
      return storage::storage_error("storage.corruption",
                              "head block " + std::to_string(s.head_height()) + " is missing or damaged");
    if (auto st = node->chain_->restore(s.load_state(), head->header); !st)
      return storage::storage_error("storage.corruption",
                              st.error().message + "; run lingjid --replay to rebuild the state");
  }
  node->safety_dir_ = options.data_dir / "safety";
  for (auto& key : options.producer_keys) {
    if (node->find_key(key.public_key())) continue;
    ProducerKey& k = node->producer_keys_.emplace_back(ProducerKey{key, key.public_key(), std::nullopt, {}});
    node->open_safety(k);
  }
  node->mempool_ = std::make_unique<Mempool>(options.mempool_capacity);
  node->pool_ = std::make_unique<VerifyPool>(0);
  node->pending_ = std::make_unique<chain::StateOverlay>(node->chain_->state());
  return node;
}

core::Result<core::Hash256> Controller::submit(core::ByteView tx_bytes, core::TimeMs now) {
  auto decoded = chain::SignedTransaction::decode(tx_bytes);
  if (!decoded) return decoded.error();
  const chain::SignedTransaction& tx = *decoded;
  // Context-free checks and the signature run outside the lock; a transaction already known
  // (gossip brings each one from every peer) is refused before its signature costs anything.
  if (auto st = chain::check_transaction(tx, chain_->chain_id()); !st) return st.error();
  {
    std::lock_guard lock(mu_);
    if (mempool_->contains(tx.id()) || store_->find_transaction(tx.id()))
      return chain_error("tx.duplicate", "transaction " + tx.id().hex() + " is already known");
  }
  if (!tx.verify_signature())
    return chain_error("tx.bad_signature", "signature does not match the sender's key");
  std::function<void(core::ByteView)> listener;
  {
    std::lock_guard lock(mu_);
    auto id = submit_locked(tx, now);
    if (!id) return id;
    listener = tx_listener_;
  }
  if (listener) listener(tx_bytes);
  return tx.id();
}

void Controller::set_tx_listener(std::function<void(core::ByteView)> listener) {
  std::lock_guard lock(mu_);
  tx_listener_ = std::move(listener);
}

core::Result<core::Hash256> Controller::submit_locked(const chain::SignedTransaction& tx, core::TimeMs now) {
  if (mempool_->contains(tx.id()) || store_->find_transaction(tx.id()))
    return chain_error("tx.duplicate", "transaction " + tx.id().hex() + " is already known");
  if (mempool_->full())
    return consensus_error("tx.mempool_full", "the node's mempool is full; retry later");
  if (auto st = chain::execute_transaction(*pending_, tx, pending_context(now)); !st) return st.error();
  mempool_->add(tx);
  return tx.id();
}

chain::TxContext Controller::pending_context(core::TimeMs now) const {
  return chain::TxContext{chain_->genesis(), chain_->chain_id(), now, chain_->head().height + 1};
}

void Controller::rebuild_pending(core::TimeMs now) {
  pending_ = std::make_unique<chain::StateOverlay>(chain_->state());
  for (const auto& tx : mempool_->all()) {
    if (auto st = chain::execute_transaction(*pending_, tx, pending_context(now)); !st) {
      rejections_.add(tx.id(), st.error());
      mempool_->remove(tx.id());
    }
  }
}

const Controller::ProducerKey* Controller::find_key(const core::PublicKey& key) const {
  for (const auto& k : producer_keys_)
    if (k.public_key == key) return &k;
  return nullptr;
}

std::vector<core::PublicKey> Controller::producer_keys() const {
  std::vector<core::PublicKey> out;
  for (const auto& k : producer_keys_) out.push_back(k.public_key);
  return out;
}

void Controller::open_safety(ProducerKey& k) {
  const core::PublicKey& key = k.public_key;
  auto loaded = SafetyStore::load(safety_dir_, key);
  if (loaded.status == SafetyLoad::kOk) {
    k.safety = loaded.state;
    return;
  }
  if (loaded.status != SafetyLoad::kMissing) {
    k.voting_disabled = "the safety file of this key is damaged or unreadable (" + loaded.reason +
                        "); this key never votes again: register a new signing key";
    return;
  }
  // No file: only a key that the chain has never seen voting may start afresh; for any other a
  // fresh file could sign a second vote in a slot it already voted in.
  chain::ProducerRecord voted;
  for (uint64_t g = 0;; ++g) {
    auto members = chain::load_generation(chain_->state(), g);
    if (members.empty()) break;
    for (const auto& m : members)
      if (m.signing_key == key) voted.votes_cast += chain::load_producer_record(chain_->state(), m.account).votes_cast;
  }
  if (voted.votes_cast > 0) {
    k.voting_disabled = "this key has voted on this chain but its safety file is missing; it never votes again: "
                        "register a new signing key";
    return;
  }
  const auto fin = chain_->final_block();
  auto initial = chain::finality::SafetyState::initial(fin.slot, fin.id);
  if (auto st = SafetyStore::create(safety_dir_, key, initial); !st) {
    k.voting_disabled = st.error().message;
    return;
  }
  k.safety = initial;
}

bool Controller::head_certified() const {
  std::lock_guard lock(mu_);
  return next_justify_ && next_justify_->claim.block_id == chain_->head_id();
}

std::string Controller::voting_disabled_reason(const core::PublicKey& key) const {
  std::lock_guard lock(mu_);
  const ProducerKey* k = find_key(key);
  return k ? k->voting_disabled : std::string();
}

std::vector<std::pair<core::PublicKey, std::string>> Controller::voting_disabled_reasons() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<core::PublicKey, std::string>> out;
  for (const auto& k : producer_keys_)
    if (!k.voting_disabled.empty()) out.emplace_back(k.public_key, k.voting_disabled);
  return out;
}

std::vector<chain::finality::SignedVote> Controller::vote_on_head() {
  std::vector<chain::finality::SignedVote> out;
  if (producer_keys_.empty()) return out;
  const auto voters = chain_->head_voters();
  const chain::BlockHeader& h = chain_->head();
  const chain::finality::BlockRef ref{h.slot, h.height, chain_->head_id(), h.previous, h.justify.slot,
                                      h.justify.block_id};
  for (auto& k : producer_keys_) {
    if (!k.safety) continue;
    if (std::find(voters.set.begin(), voters.set.end(), k.public_key) == voters.set.end() &&
        (!voters.next || std::find(voters.next->begin(), voters.next->end(), k.public_key) == voters.next->end()))
      continue;
    // The store holds this node's one branch: the lock is extended iff it is a block of it.
    const bool extends_lock =
        k.safety->lock_id == chain_->chain_id() || store_->height_of(k.safety->lock_id).has_value();
    auto vote = SafetyStore::prepare_vote(safety_dir_, chain_->chain_id(), k.key, *k.safety, ref, extends_lock);
    if (!vote) {
      if (vote.error().name == "finality.safety_io_error") {
        k.voting_disabled = "cannot persist the vote state: " + vote.error().message;
        k.safety.reset();
      }
      continue;
    }
    (void)add_vote_locked(vote->vote);
    out.push_back(vote->vote);
  }
  return out;
}

void Controller::send_votes(const std::vector<chain::finality::SignedVote>& votes) {
  if (votes.empty()) return;
  std::function<void(const chain::finality::SignedVote&)> listener;
  {
    std::lock_guard lock(mu_);
    listener = vote_listener_;
  }
  if (listener)
    for (const auto& v : votes) listener(v);
}

void Controller::set_vote_listener(std::function<void(const chain::finality::SignedVote&)> listener) {
  std::lock_guard lock(mu_);
  vote_listener_ = std::move(listener);
}

core::Result<bool> Controller::add_vote(const chain::finality::SignedVote& vote) {
  core::Result<bool> out = false;
  {
    std::lock_guard lock(mu_);
    out = add_vote_locked(vote);
  }
  flush_reports();
  return out;
}

void Controller::watch_for_double_vote(const chain::finality::SignedVote& vote) {
  if (vote.vote.slot <= chain_->final_block().slot) return;
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
  if (!vote.verify(chain_->chain_id())) return;
  if (!it->second.verify(chain_->chain_id())) {
    it->second = vote;
    return;
  }
  auto evidence = chain::finality::DoubleVoteEvidence::make(it->second, vote);
  if (std::find(double_votes_.begin(), double_votes_.end(), evidence) != double_votes_.end()) return;
  std::fprintf(stderr, "lingjid: EQUIVOCATION: key %s voted for two blocks in slot %llu\n",
               vote.voter.hex().c_str(), static_cast<unsigned long long>(vote.vote.slot));
  report_locked(chain::EvidenceKind::kDoubleVote, evidence.encode());
  double_votes_.push_back(std::move(evidence));
  ++equivocations_seen_;
}

void Controller::watch_for_double_block(const chain::Block& block) {
  const auto& h = block.header;
  if (h.slot <= chain_->final_block().slot) return;
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
  report_locked(chain::EvidenceKind::kDoubleBlock, evidence.encode());
  double_blocks_.push_back(std::move(evidence));
  ++equivocations_seen_;
}

void Controller::report_locked(chain::EvidenceKind kind, core::Bytes evidence) {
  if (producer_keys_.empty()) return;
  const core::PrivateKey& key = producer_keys_.front().key;  // any of this node's keys may report
  chain::TransactionBody body;
  body.chain_id = chain_->chain_id();
  const core::TimeMs now = chain_->head().timestamp;
  body.expiration = now + std::min<core::TimeMs>(chain_->genesis().params.max_transaction_lifetime_ms, 600'000);
  body.sender = key.public_key();
  body.sequence = chain::load_account(*pending_, body.sender).sequence;
  body.operations.push_back(chain::ReportEvidence{kind, std::move(evidence)});
  auto tx = chain::SignedTransaction::sign(std::move(body), key);
  // Refused when the chain already holds the offence (another node reported it first).
  if (submit_locked(tx, now)) reports_to_send_.push_back(tx.bytes());
}

void Controller::flush_reports() {
  std::vector<core::Bytes> out;
  std::function<void(core::ByteView)> listener;
  {
    std::lock_guard lock(mu_);
    out.swap(reports_to_send_);
    listener = tx_listener_;
  }
  if (listener)
    for (const auto& tx : out) listener(tx);
}

std::vector<chain::finality::DoubleVoteEvidence> Controller::double_votes() const {
  std::lock_guard lock(mu_);
  return double_votes_;
}

std::vector<chain::finality::DoubleBlockEvidence> Controller::double_blocks() const {
  std::lock_guard lock(mu_);
  return double_blocks_;
}

core::Result<bool> Controller::add_vote_locked(const chain::finality::SignedVote& vote) {
  watch_for_double_vote(vote);
  const auto& v = vote.vote;
  const auto& head = chain_->head();
  if (v.height > head.height || (v.height == head.height && v.block_id != chain_->head_id())) {
    // A vote can overtake its block; keep a bounded number of them for a few heights.
    if (v.height <= head.height + 3) {
      auto& early = early_votes_[v.block_id];
      if (early.size() < 2 * chain::kMaxActiveProducers) early.push_back(vote);
    }
    return false;
  }
  if (v.height <= chain_->final_block().height) return false;  // already final: nothing to certify
  auto at = store_->header_at(v.height);
  if (!at || at->id() != v.block_id) return false;  // another branch's block
  auto it = builders_.find(v.block_id);
  if (it == builders_.end()) {
    const auto voters = chain_->voters_at(v.height);
    it = builders_.emplace(v.block_id, chain::finality::QcBuilder(chain_->chain_id(),
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

void Controller::after_head_change(const chain::Block& block) {
  for (const auto& tx : block.transactions) mempool_->remove(tx.id());
  const auto& h = chain_->head();
  if (next_justify_ && next_justify_->claim.slot <= h.justify.slot) next_justify_.reset();
  const uint64_t final_height = chain_->final_block().height;
  fork_db_.prune(final_height);
  const uint64_t final_slot = chain_->final_block().slot;
  std::erase_if(votes_seen_, [&](const auto& e) { return e.first.second <= final_slot; });
  std::erase_if(blocks_seen_, [&](const auto& e) { return e.first.second <= final_slot; });
  if (auto st = store_->prune_undo(final_height); !st)
    std::fprintf(stderr, "lingjid: cannot prune undo records: %s\n", st.error().message.c_str());
  for (auto it = builders_.begin(); it != builders_.end();) {
    if (it->second.vote().height <= final_height) it = builders_.erase(it);
    else ++it;
  }
  for (auto it = early_votes_.begin(); it != early_votes_.end();) {
    if (it->second.empty() || it->second.front().vote.height + 3 < h.height) it = early_votes_.erase(it);
    else ++it;
  }
  // Votes that arrived before this block.
  if (auto early = early_votes_.extract(chain_->head_id()); !early.empty())
    for (const auto& v : early.mapped()) (void)add_vote_locked(v);
}

core::Result<Controller::Accepted> Controller::accept_block(const chain::Block& block, core::TimeMs now) {
  auto out = accept_block_unreported(block, now);
  flush_reports();
  return out;
}

core::Result<Controller::Accepted> Controller::accept_block_unreported(const chain::Block& block, core::TimeMs now) {
  // A block of a slot that has not started (one slot of clock skew allowed) is refused before
  // any work: CONSENSUS.md votes only for slot <= now + 1, and nobody may produce ahead.
  const uint64_t current = chain_->slot_at(now);
  if (block.header.slot > current + 1)
    return chain_error("block.bad_slot", "block of slot " + std::to_string(block.header.slot) +
                                                     " is ahead of the current slot " + std::to_string(current));
  // Signatures outside the lock, on all cores, except those of transactions byte for byte in
  // the mempool, whose signature was checked at admission (the id covers the body only, so the
  // whole bytes, signature included, are compared).
  if (!pool_) return consensus_error("consensus.no_verify_pool", "no verification pool");
  std::vector<size_t> positions;  // of the transactions to check
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < block.transactions.size(); ++i)
      if (const auto* known = mempool_->find(block.transactions[i].id());
          !known || known->bytes() != block.transactions[i].bytes())
        positions.push_back(i);
  }
  // A synced block's transactions are all unknown: check them in place rather than copy them.
  std::vector<chain::SignedTransaction> subset;
  if (positions.size() < block.transactions.size())
    for (size_t i : positions) subset.push_back(block.transactions[i]);
  const bool all = positions.size() == block.transactions.size();
  if (auto bad = pool_->verify(all ? block.transactions : subset))
    return chain_error("tx.bad_signature",
                       "transaction " + std::to_string(positions[*bad]) + " has a bad signature");
  std::vector<chain::finality::SignedVote> votes;
  {
    std::lock_guard lock(mu_);
    const auto& head = chain_->head();
    const uint64_t height = block.header.height;
    const core::Hash256 id = block.header.id();
    if (on_branch(height, id) || fork_db_.contains(id)) return Accepted::kKnown;
    if (height <= chain_->final_block().height) return Accepted::kStale;
    if (block.header.previous == chain_->head_id()) {
      if (auto st = apply_and_store(block); !st) return st.error();
      watch_for_double_block(block);
      after_head_change(block);
      rebuild_pending(block.header.timestamp);
    } else {
      if (height == 0) return Accepted::kStale;
      const bool parent_known = on_branch(height - 1, block.header.previous) || fork_db_.contains(block.header.previous);
      if (!parent_known) return height > head.height + 1 ? Accepted::kAhead : Accepted::kUnknownParent;
      // A competing branch. Only a producer's signed block is kept (anyone else's would be a
      // free way to fill the fork database); the rest is checked if the node switches to it.
      if (!chain::is_producer_key(chain_->state(), block.header.producer))
        return chain_error("block.wrong_producer", "block signed by a key that is no producer's");
      if (!block.verify_signature(chain_->chain_id()))
        return chain_error("block.bad_signature", "bad block signature");
      watch_for_double_block(block);
      if (!fork_db_.add(block)) return Accepted::kStale;
      // Follow the highest quorum certificate; on equal certificates, the longer branch.
      const auto rank = [](const chain::BlockHeader& h) { return std::pair(h.justify.slot, h.height); };
      if (rank(block.header) <= rank(head)) return Accepted::kFork;
      auto switched = switch_to(id);
      if (!switched) return switched.error();
      if (!*switched) return Accepted::kFork;
    }
    votes = vote_on_head();
  }
  send_votes(votes);
  return Accepted::kApplied;
}

bool Controller::on_branch(uint64_t height, const core::Hash256& id) const {
  if (height == 0) return id == chain_->chain_id();
  if (height > chain_->head().height) return false;
  auto h = store_->header_at(height);
  return h && h->id() == id;
}

core::Status Controller::apply_and_store(const chain::Block& block) {
  auto changes = chain_->apply_block(block, /*signatures_verified=*/true);
  if (!changes) return changes.error();
  if (auto st = store_->commit_block(block, changes->writes, changes->undo); !st) {
    // Memory is now ahead of disk; stopping keeps the promise that a served block is stored.
    std::fprintf(stderr, "lingjid: fatal: cannot store block %llu: %s\n",
                 static_cast<unsigned long long>(block.header.height), st.error().message.c_str());
    std::abort();
  }
  return core::Ok();
}

chain::Block Controller::pop_and_unstore() {
  const uint64_t height = chain_->head().height;
  auto fatal = [&](const std::string& why) {
    std::fprintf(stderr, "lingjid: fatal: cannot pop block %llu: %s\n", static_cast<unsigned long long>(height),
                 why.c_str());
    std::abort();
  };
  auto undo = store_->undo_at(height);
  if (!undo) fatal("its undo record is missing");
  auto parent = height == 1 ? std::optional(chain_->genesis_header()) : store_->header_at(height - 1);
  if (!parent) fatal("its parent's header is missing");
  if (auto st = chain_->pop_head(*undo, *parent); !st) fatal(st.error().message);
  auto popped = store_->pop_head();
  if (!popped) fatal(popped.error().message);
  return std::move(*popped);
}

core::Result<bool> Controller::switch_to(const core::Hash256& tip) {
  // The branch, from the tip down to the first block whose parent is on the followed branch.
  std::vector<chain::Block> branch;
  for (const chain::Block* b = fork_db_.find(tip); b; b = fork_db_.find(b->header.previous)) branch.push_back(*b);
  std::reverse(branch.begin(), branch.end());
  const uint64_t ancestor = branch.front().header.height - 1;
  if (!on_branch(ancestor, branch.front().header.previous)) return false;  // (fork database inconsistent)
  if (ancestor < chain_->final_block().height) {
    fork_db_.erase_with_descendants(branch.front().header.id());  // it conflicts with a final block
    return false;
  }
  std::vector<chain::Block> popped;
  while (chain_->head().height > ancestor) popped.push_back(pop_and_unstore());
  std::reverse(popped.begin(), popped.end());
  for (size_t i = 0; i < branch.size(); ++i) {
    if (auto st = apply_and_store(branch[i]); !st) {
      // The branch is invalid from here: go back to the blocks this node followed.
      fork_db_.erase_with_descendants(branch[i].header.id());
      for (size_t j = i; j > 0; --j) (void)pop_and_unstore();
      for (const auto& b : popped)
        if (auto back = apply_and_store(b); !back) {
          std::fprintf(stderr, "lingjid: fatal: cannot re-apply block %llu after a failed switch: %s\n",
                       static_cast<unsigned long long>(b.header.height), back.error().message.c_str());
          std::abort();
        }
      return st.error();
    }
    fork_db_.erase(branch[i].header.id());
  }
  std::fprintf(stderr, "lingjid: switched to the branch of block %llu (%s): popped %zu blocks, applied %zu\n",
               static_cast<unsigned long long>(branch.back().header.height), tip.hex().substr(0, 12).c_str(),
               popped.size(), branch.size());
  for (const auto& b : branch)
    for (const auto& tx : b.transactions) mempool_->remove(tx.id());
  after_head_change(branch.back());
  if (next_justify_ && !on_branch(next_justify_->claim.height, next_justify_->claim.block_id)) next_justify_.reset();
  // The blocks left behind may still win later (they wait in the fork database); their
  // transactions go back to the mempool ahead of the ones waiting there, which are younger: a
  // sender's next sequences queue behind them, and the mempool is applied in its order.
  std::vector<chain::SignedTransaction> requeue;
  for (const auto& b : popped)
    for (const auto& tx : b.transactions)
      if (!store_->find_transaction(tx.id())) requeue.push_back(tx);
  auto waiting = mempool_->all();
  for (const auto& tx : waiting) mempool_->remove(tx.id());
  for (auto* list : {&requeue, &waiting})
    for (auto& tx : *list)
      if (!mempool_->contains(tx.id())) mempool_->add(std::move(tx));
  rebuild_pending(chain_->head().timestamp);  // drops (and records) what no longer applies
  for (auto& b : popped) (void)fork_db_.add(std::move(b));
  return true;
}

std::vector<core::Bytes> Controller::blocks_from(uint64_t from, size_t max_blocks, size_t max_bytes) const {
  std::lock_guard lock(mu_);
  std::vector<core::Bytes> out;
  size_t bytes = 0;
  for (uint64_t h = std::max<uint64_t>(from, 1); h <= store_->head_height() && out.size() < max_blocks; ++h) {
    auto b = store_->block_bytes_at(h);
    if (!b) break;
    bytes += b->size();
    out.push_back(std::move(*b));
    if (bytes >= max_bytes) break;
  }
  return out;
}

core::Result<chain::Block> Controller::produce(core::TimeMs time) {
  std::vector<chain::finality::SignedVote> votes;
  chain::Block out;
  {
    std::lock_guard lock(mu_);
    if (producer_keys_.empty()) return chain_error("block.wrong_producer", "this node has no producer key");
    const uint64_t slot = chain_->slot_at(time);
    if (slot <= chain_->head().slot)
      return chain_error("block.bad_slot", "slot " + std::to_string(slot) + " is not after the head's");
    // The key the schedule names, if this node holds it; otherwise the first key, which
    // produce_block refuses with block.wrong_producer.
    const auto named = chain_->producer_at(slot);
    const ProducerKey* signer = named ? find_key(*named) : nullptr;
    if (!signer) signer = &producer_keys_.front();
    auto candidates = mempool_->oldest(chain_->genesis().params.max_block_transactions);
    auto result = chain_->produce_block(candidates, slot, signer->key, next_justify_);
    if (!result) return result.error();
    auto& produced = *result;
    if (auto st = store_->commit_block(produced.block, produced.changes.writes, produced.changes.undo); !st) {
      // Memory is now ahead of disk; stopping keeps the promise that a served block is stored.
      std::fprintf(stderr, "lingjid: fatal: cannot store block %llu: %s\n",
                   static_cast<unsigned long long>(produced.block.header.height), st.error().message.c_str());
      std::abort();
    }
    for (const auto& [id, error] : produced.rejected) {
      rejections_.add(id, error);
      mempool_->remove(id);
    }
    after_head_change(produced.block);
    // Re-apply what is left on top of the new head (O(mempool), bounded by its capacity): the
    // block's writes can depend on its own time (a listing's date), which admission could not know.
    rebuild_pending(produced.block.header.timestamp);
    votes = vote_on_head();
    out = std::move(produced.block);
  }
  send_votes(votes);
  return out;
}

TxStatus Controller::transaction_status(const core::Hash256& id) const {
  std::lock_guard lock(mu_);
  TxStatus out;
  if (auto loc = store_->find_transaction(id)) {
    if (auto tx = store_->transaction_at(*loc)) {
      out.state = TxState::kCommitted;
      out.location = loc;
      out.tx = std::move(tx);
      return out;
    }
  }
  if (const auto* tx = mempool_->find(id)) {
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

uint64_t Controller::next_sequence(const core::PublicKey& account) const {
  std::lock_guard lock(mu_);
  return chain::load_account(*pending_, account).sequence;
}

size_t Controller::mempool_size() const {
  std::lock_guard lock(mu_);
  return mempool_->size();
}

core::Result<ReplayReport> replay(const std::filesystem::path& data_dir, unsigned threads) {
  auto store = storage::BlockStore::open(data_dir, true);
  if (!store) return store.error();
  auto genesis = stored_genesis(**store);
  if (!genesis) return genesis.error();
  auto start = std::chrono::steady_clock::now();
  chain::Chain chain(std::move(*genesis));
  VerifyPool pool(threads);
  ReplayReport report;
  const uint64_t head = (*store)->head_height();
  // Pipelined: the pool's workers check block h+1's signatures while this thread applies block
  // h, then this thread joins them (VerifyPool::start/finish), so replay runs near the
  // verification limit with no more busy threads than cores.
  std::optional<chain::Block> next;
  if (head >= 1 && (next = (*store)->block_at(1))) pool.start(next->transactions);
  for (uint64_t h = 1; h <= head; ++h) {
    const std::optional<size_t> bad_signature = next ? pool.finish() : std::nullopt;
    const std::optional<chain::Block> cur = std::move(next);
    if (!cur)
      return storage::storage_error("storage.corruption",
                              "block " + std::to_string(h) + " is missing or damaged");
    if (bad_signature)
      return chain_error("tx.bad_signature", "block " + std::to_string(h) + " transaction " +
                                                         std::to_string(*bad_signature) + ": bad signature");
    next.reset();
    if (h + 1 <= head && (next = (*store)->block_at(h + 1))) pool.start(next->transactions);
    auto applied = chain.apply_block(*cur, /*signatures_verified=*/true);
    if (!applied) {
      if (next) (void)pool.finish();  // the workers must be done with `next` before it goes
      core::Error e = applied.error();
      e.message = "replay stopped at block " + std::to_string(h) + ": " + e.message;
      return e;
    }
    ++report.blocks;
    report.transactions += cur->transactions.size();
  }
  if (auto st = (*store)->replace_state(state_entries(chain.state())); !st) return st.error();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace lingji::consensus
