#include "consensus/controller.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {

using chain::chain_error;

core::Result<std::unique_ptr<Controller>> Controller::open(ControllerOptions options) {
  auto store = storage::BlockStore::open(options.data_dir, options.sync_writes);
  if (!store) return store.error();
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
  // Context-free checks and the signature run outside the lock; a transaction already known
  // (gossip brings each one from every peer) is refused before its signature costs anything.
  auto checked = Admission::decode_and_check(tx_bytes, chain_->chain_id());
  if (!checked) return checked.error();
  const chain::SignedTransaction& tx = *checked;
  {
    std::lock_guard lock(mu_);
    if (auto st = parts_->admission->check_unknown(tx.id()); !st) return st.error();
  }
  if (!tx.verify_signature())
    return chain_error("tx.bad_signature", "signature does not match the sender's key");
  std::function<void(core::ByteView)> listener;
  {
    std::lock_guard lock(mu_);
    auto id = parts_->admission->admit(tx, now);
    if (!id) return id;
    listener = parts_->admission->tx_listener();
  }
  if (listener) listener(tx_bytes);
  return tx.id();
}

void Controller::set_tx_listener(std::function<void(core::ByteView)> listener) {
  std::lock_guard lock(mu_);
  parts_->admission->set_tx_listener(std::move(listener));
}

TxStatus Controller::transaction_status(const core::Hash256& id) const {
  std::lock_guard lock(mu_);
  return parts_->admission->status(id);
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
  core::Result<bool> out = false;
  {
    std::lock_guard lock(mu_);
    out = parts_->votes->add(vote);
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
