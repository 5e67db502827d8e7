#include "consensus/controller.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "consensus/block_gate.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {

using chain::chain_error;

core::Result<std::unique_ptr<Controller>> Controller::open(ControllerOptions options) {
  auto store = storage::BlockStore::open(options.data_dir, options.sync_writes);
  if (!store) return store.error();
  if (options.block_read_hook) (*store)->set_read_hook(std::move(options.block_read_hook));
  std::unique_ptr<Controller> node(new Controller());
  node->store_ = std::move(*store);
  auto& s = *node->store_;
  const bool new_chain = !s.genesis_json();
  if (new_chain) {
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
  if (new_chain && options.init_keys_of_new_chain) {
    const auto safety_dir = options.data_dir / "safety";
    const auto fin = node->chain_->final_block();
    for (const auto& key : options.producer_keys) {
      auto st = SafetyStore::create(safety_dir, key.public_key(), chain::finality::SafetyState::initial(fin.slot, fin.id));
      // An existing file (a key listed twice, or a file left in the directory) is read as it is.
      if (!st && st.error().name != "finality.safety_file_exists") return st.error();
    }
  }
  node->parts_ = std::make_unique<NodeParts>(*node->chain_, s, options.producer_keys, options.data_dir / "safety",
                                            options.mempool_capacity);
  node->pool_ = std::make_unique<VerifyPool>(0);
  return node;
}

// ---- admission ----

core::Result<core::Hash256> Controller::submit(core::ByteView tx_bytes, core::TimeMs now) {
  return submit_checked(tx_bytes, now, /*from_peer=*/false).result;
}

Controller::PeerTx Controller::submit_from_peer(core::ByteView tx_bytes, core::TimeMs now) {
  return submit_checked(tx_bytes, now, /*from_peer=*/true);
}

Controller::PeerTx Controller::submit_checked(core::ByteView tx_bytes, core::TimeMs now, bool from_peer) {
  // Context-free checks and the signature run outside the lock; a transaction already known
  // (gossip brings each one from every peer) is refused before its signature costs anything.
  auto checked = Admission::decode_and_check(tx_bytes, chain_->chain_id());
  if (!checked) return {TxOutcome::kMalformed, checked.error()};
  const chain::SignedTransaction& tx = *checked;
  {
    std::lock_guard lock(mu_);
    if (auto st = parts_->admission->check_unknown(tx.id()); !st) return {TxOutcome::kKnown, st.error()};
    // A peer resending what failed on this head gets the same answer without a verification.
    if (from_peer)
      if (auto err = rejected_.find(tx.id(), chain_->head_id())) return {TxOutcome::kRejected, std::move(*err)};
  }
  signature_checks_.fetch_add(1, std::memory_order_relaxed);
  if (!tx.verify_signature())
    return {TxOutcome::kBadSignature, chain_error("tx.bad_signature", "signature does not match the sender's key")};
  std::function<void(core::ByteView)> listener;
  {
    std::lock_guard lock(mu_);
    auto id = parts_->admission->admit(tx, now);
    if (!id) {
      if (ConsensusErrorRef("tx.mempool_full").matches(id.error())) return {TxOutcome::kBusy, id.error()};
      if (chain::ChainErrorRef("tx.duplicate").matches(id.error())) return {TxOutcome::kKnown, id.error()};
      if (from_peer) rejected_.add(tx.id(), chain_->head_id(), id.error());
      return {TxOutcome::kRejected, id.error()};
    }
    listener = parts_->admission->tx_listener();
  }
  if (listener) listener(tx_bytes);
  return {TxOutcome::kAdmitted, tx.id()};
}

void Controller::set_tx_listener(std::function<void(core::ByteView)> listener) {
  std::lock_guard lock(mu_);
  parts_->admission->set_tx_listener(std::move(listener));
}

TxStatus Controller::transaction_status(const core::Hash256& id) const {
  // Memory under the lock, then the store outside it: a committed transaction is read from its
  // block on disk, which a stranger must not make production wait for (issue 14, item 11).
  // Asking the mempool first misses nothing: a transaction leaves it in the same locked step
  // that stores its block, so one not pending then is in the store now if it was committed.
  TxStatus out;
  {
    std::lock_guard lock(mu_);
    out = parts_->admission->uncommitted_status(id);
  }
  if (out.state == TxState::kPending) return out;
  if (auto loc = store_->find_transaction(id)) {
    if (auto tx = store_->transaction_at(*loc)) {
      out.state = TxState::kCommitted;
      out.location = loc;
      out.tx = std::move(tx);
      out.error.reset();
    }
  }
  return out;
}

uint64_t Controller::next_sequence(const core::PublicKey& account) const {
  std::lock_guard lock(mu_);
  return parts_->admission->next_sequence(account);
}

size_t Controller::mempool_size() const {
  std::lock_guard lock(mu_);
  return parts_->admission->size();
}

// ---- keys, votes and certificates ----

std::vector<core::PublicKey> Controller::producer_keys() const { return parts_->keys->public_keys(); }

bool Controller::head_certified() const {
  std::lock_guard lock(mu_);
  return parts_->votes->head_certified();
}

std::string Controller::voting_disabled_reason(const core::PublicKey& key) const {
  std::lock_guard lock(mu_);
  const ProducerKey* k = parts_->keys->find(key);
  return k ? k->voting_disabled : std::string();
}

std::vector<std::pair<core::PublicKey, std::string>> Controller::voting_disabled_reasons() const {
  std::lock_guard lock(mu_);
  return parts_->keys->disabled_reasons();
}

core::Result<std::vector<std::string>> Controller::init_producer_keys(core::TimeMs now) {
  std::lock_guard lock(mu_);
  ProducerKeys& keys = *parts_->keys;
  for (const auto& k : keys.all()) {
    if (auto st = ProducerKeys::check_new_key(k.public_key, *chain_, now); !st) return st.error();
    if (SafetyStore::load(keys.safety_dir(), k.public_key).status != SafetyLoad::kMissing ||
        std::filesystem::exists(SafetyStore::temp_path(keys.safety_dir(), k.public_key)))
      return chain_error("finality.safety_file_exists",
                         "key " + k.public_key.hex() + " already has a safety file in " + keys.safety_dir().string() +
                             ": it is never created again");
  }
  std::vector<std::string> out;
  for (auto& k : keys.all()) {
    if (auto st = ProducerKeys::init_key(keys.safety_dir(), k.public_key, *chain_, now); !st) return st.error();
    keys.reload(k, *chain_);
    out.push_back("created " + SafetyStore::file_path(keys.safety_dir(), k.public_key).string() + " for key " +
                  k.public_key.hex() + " (locked on block " + std::to_string(chain_->final_block().height) + ")");
  }
  return out;
}

void Controller::send_votes(const std::vector<chain::finality::SignedVote>& votes) {
  if (votes.empty()) return;
  std::function<void(const chain::finality::SignedVote&)> listener;
  {
    std::lock_guard lock(mu_);
    listener = parts_->votes->vote_listener();
  }
  if (listener)
    for (const auto& v : votes) listener(v);
}

void Controller::set_vote_listener(std::function<void(const chain::finality::SignedVote&)> listener) {
  std::lock_guard lock(mu_);
  parts_->votes->set_vote_listener(std::move(listener));
}

core::Result<bool> Controller::add_vote(const chain::finality::SignedVote& vote) {
  // Cheap checks under the lock, the signature outside it (a stranger's forged vote must not
  // hold the lock for a verification), then the vote is stored, under the lock again.
  core::Result<VoteCollector::Screened> screened = VoteCollector::Screened::kIgnore;
  {
    std::lock_guard lock(mu_);
    screened = parts_->votes->screen(vote);
  }
  if (!screened) return screened.error();
  if (*screened == VoteCollector::Screened::kIgnore) return false;
  if (*screened == VoteCollector::Screened::kCheck && !vote.verify(chain_->chain_id()))
    return chain_error("finality.bad_signature", "bad vote signature by " + vote.voter.hex());
  core::Result<bool> out = false;
  {
    std::lock_guard lock(mu_);
    out = parts_->votes->add_verified(vote);
  }
  flush_reports();
  return out;
}

// ---- equivocations ----

void Controller::flush_reports() {
  std::vector<core::Bytes> out;
  std::function<void(core::ByteView)> listener;
  {
    std::lock_guard lock(mu_);
    out = parts_->watch->take_reports();
    listener = parts_->admission->tx_listener();
  }
  if (listener)
    for (const auto& tx : out) listener(tx);
}

std::vector<chain::finality::DoubleVoteEvidence> Controller::double_votes() const {
  std::lock_guard lock(mu_);
  return parts_->watch->double_votes();
}

std::vector<chain::finality::DoubleBlockEvidence> Controller::double_blocks() const {
  std::lock_guard lock(mu_);
  return parts_->watch->double_blocks();
}

// ---- blocks ----


core::Result<Controller::Accepted> Controller::accept_block(const chain::Block& block, core::TimeMs now) {
  auto out = accept_block_unreported(block, now);
  flush_reports();
  return out;
}

core::Result<Controller::Accepted> Controller::accept_block_unreported(const chain::Block& block, core::TimeMs now) {
  // A block of a slot that has not started (one slot of clock skew allowed) is refused before
  // any work: CONSENSUS.md votes only for slot <= now + 1, and nobody may produce ahead.
  // Under the lock: the slot times are read from the state, which a block being applied on
  // another thread may be rewriting (a data race otherwise).
  const uint64_t current = read([&](const chain::Chain& c, const storage::BlockStore&) { return c.slot_at(now); });
  if (block.header.slot > current + 1)
    return chain_error("block.bad_slot", "block of slot " + std::to_string(block.header.slot) +
                                                     " is ahead of the current slot " + std::to_string(current));
  // The cheap checks first (block_gate.h): one block must not buy ~80,000 verifications with
  // an unknown parent, a wrong producer or a forged block signature.
  {
    std::lock_guard lock(mu_);
    auto gate = gate_block(*chain_, *parts_->fork_choice, block.header);
    if (!gate) return gate.error();
    if (*gate) return **gate;
  }
  signature_checks_.fetch_add(1, std::memory_order_relaxed);
  if (!block.verify_signature(chain_->chain_id())) return chain_error("block.bad_signature", "bad block signature");
  // The signed header commits to its transactions: a relay that swapped them is caught by a hash,
  // before their signatures.
  if (chain::transactions_root(block.transactions) != block.header.tx_root)
    return chain_error("block.bad_tx_root", "transaction root does not match");
  // Signatures outside the lock, on all cores, except those of transactions byte for byte in
  // the mempool, whose signature was checked at admission.
  if (!pool_) return consensus_error("consensus.no_verify_pool", "no verification pool");
  std::vector<size_t> positions;  // of the transactions to check
  {
    std::lock_guard lock(mu_);
    positions = parts_->admission->unverified(block.transactions);
  }
  // A synced block's transactions are all unknown: check them in place rather than copy them.
  std::vector<chain::SignedTransaction> subset;
  if (positions.size() < block.transactions.size())
    for (size_t i : positions) subset.push_back(block.transactions[i]);
  const bool all = positions.size() == block.transactions.size();
  signature_checks_.fetch_add(positions.size(), std::memory_order_relaxed);
  if (auto bad = pool_->verify(all ? block.transactions : subset))
    return chain_error("tx.bad_signature",
                       "transaction " + std::to_string(positions[*bad]) + " has a bad signature");
  std::vector<chain::finality::SignedVote> votes;
  EventOutbox::Batch events;
  core::Result<Accepted> accepted = Accepted::kStale;
  {
    std::lock_guard lock(mu_);
    accepted = parts_->fork_choice->accept(block);
    // Taken whatever the outcome (a failed fork switch pops and re-applies blocks too), and
    // delivered when it goes out of scope, after the lock and after the votes are sent.
    events = parts_->outbox.take();
    if (accepted && *accepted == Accepted::kApplied)
      votes = parts_->votes->vote_on_head();  // each durable before send_votes hands it out
  }
  send_votes(votes);
  return accepted;
}

std::vector<core::Bytes> Controller::blocks_from(uint64_t from, size_t max_blocks, size_t max_bytes) const {
  // No lock at all: the bytes are read beside commits (RocksDB and the block files are
  // thread-safe, and a block's location becomes visible in the batch that commits it), so a
  // peer's request never holds up production or votes. The head is where the heights run out.
  std::vector<core::Bytes> out;
  size_t bytes = 0;
  std::optional<core::Hash256> previous;
  for (uint64_t h = std::max<uint64_t>(from, 1); out.size() < max_blocks; ++h) {
    auto b = store_->block_bytes_at(h);
    if (!b) break;
    // A branch switch may have replaced blocks meanwhile: stop where the answer stops being one
    // chain (the peer asks again from there).
    auto header = chain::BlockHeader::decode(core::ByteView(*b).first(std::min(b->size(), chain::BlockHeader::kEncodedBytes)));
    if (!header || (previous && header->previous != *previous)) break;
    previous = header->id();
    bytes += b->size();
    out.push_back(std::move(*b));
    if (bytes >= max_bytes) break;
  }
  return out;
}

core::Result<chain::Block> Controller::produce(core::TimeMs time) {
  std::vector<chain::finality::SignedVote> votes;
  core::Result<chain::Block> produced = chain::Block{};
  EventOutbox::Batch events;
  {
    std::lock_guard lock(mu_);
    produced = parts_->producer->produce(time);
    events = parts_->outbox.take();  // delivered when it goes out of scope, after the lock
    if (produced) votes = parts_->votes->vote_on_head();  // each durable before send_votes hands it out
  }
  send_votes(votes);
  return produced;
}

}  // namespace lingji::consensus
