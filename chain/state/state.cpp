#include "chain/state/state.h"

#include <cstring>

namespace lingji::chain {

const Bytes* StateOverlay::get(ByteView key) const {
  auto it = writes_.find(key);
  if (it == writes_.end()) return base_->get(key);
  return it->second ? &*it->second : nullptr;
}

void StateOverlay::write(StateKey key, std::optional<Bytes> value) {
  if (!journaling_) {
    writes_.insert_or_assign(std::move(key), std::move(value));
    return;
  }
  auto it = writes_.lower_bound(key);
  if (it != writes_.end() && !BytesLess::less(key, it->first)) {
    journal_.push_back({it, true, std::move(it->second)});
    it->second = std::move(value);
  } else {
    it = writes_.emplace_hint(it, std::move(key), std::move(value));
    journal_.push_back({it, false, std::nullopt});
  }
}

void StateOverlay::begin() {
  journaling_ = true;
  journal_.clear();
}

void StateOverlay::commit() {
  journaling_ = false;
  journal_.clear();
}

void StateOverlay::rollback() {
  // Newest first, so a key written twice ends at its value from before the savepoint.
  for (auto p = journal_.rbegin(); p != journal_.rend(); ++p) {
    if (p->existed) p->entry->second = std::move(p->value);
    else writes_.erase(p->entry);
  }
  commit();
}

State::State(const State& other) : kv_(other.kv_), tree_(other.tree_) { rebuild_index(); }

State& State::operator=(const State& other) {
  if (this != &other) {
    kv_ = other.kv_;
    tree_ = other.tree_;
    rebuild_index();
  }
  return *this;
}

// A fixed multiply-xorshift mix of the key's 8-byte words. It only places keys in the index, so
// it needs no cryptographic strength, and nothing derived from it leaves this class.
uint64_t State::index_hash(ByteView key) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ key.size();
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, key.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  if (i < key.size()) {
    uint64_t w = 0;
    std::memcpy(&w, key.data() + i, key.size() - i);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
  }
  h = (h ^ (h >> 29)) * 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

State::Entry* State::find_entry(ByteView key, uint64_t hash) const {
  if (index_.empty()) return nullptr;
  const size_t mask = index_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = index_[i];
    if (slot.entry == nullptr) return nullptr;
    if (slot.hash == hash && slot.entry->first.size() == key.size() &&
        std::memcmp(slot.entry->first.data(), key.data(), key.size()) == 0)
      return slot.entry;
  }
}

void State::index_insert(Entry* entry, uint64_t hash) {
  if ((kv_.size() + 1) * 2 > index_.size()) {  // kv_ already holds entry: size() counts it once more
    rebuild_index();
    return;
  }
  const size_t mask = index_.size() - 1;
  size_t i = hash & mask;
  while (index_[i].entry != nullptr) i = (i + 1) & mask;
  index_[i] = {hash, entry};
}

void State::index_erase(const Entry* entry, uint64_t hash) {
  const size_t mask = index_.size() - 1;
  size_t i = hash & mask;
  while (index_[i].entry != entry) i = (i + 1) & mask;
  // Backward-shift deletion: pull later slots of the probe run into the hole when their home
  // slot does not lie (cyclically) after the hole, so every key stays reachable from its home.
  for (size_t j = (i + 1) & mask; index_[j].entry != nullptr; j = (j + 1) & mask) {
    const size_t home = index_[j].hash & mask;
    const bool reachable_past_hole = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (reachable_past_hole) continue;
    index_[i] = index_[j];
    i = j;
  }
  index_[i] = Slot{};
}

void State::rebuild_index() {
  size_t capacity = 16;
  while (capacity < (kv_.size() + 1) * 2) capacity *= 2;
  index_.assign(capacity, Slot{});
  const size_t mask = capacity - 1;
  for (Entry& e : kv_) {
    const uint64_t hash = index_hash(e.first);
    size_t i = hash & mask;
    while (index_[i].entry != nullptr) i = (i + 1) & mask;
    index_[i] = {hash, &e};
  }
}

const Bytes* State::get(ByteView key) const {
  const Entry* e = find_entry(key, index_hash(key));
  return e == nullptr ? nullptr : &e->second;
}

ChangeSet State::apply(const ChangeSet& changes, bool with_undo) {
  ChangeSet undo;
  for (const auto& [key, value] : changes) {
    const uint64_t hash = index_hash(key);
    Entry* e = find_entry(key, hash);
    if (with_undo)  // changes is ordered, so each entry goes at the end; the old value is moved out
      undo.emplace_hint(undo.end(), key, e == nullptr ? std::nullopt : std::optional<Bytes>(std::move(e->second)));
    core::Hash256 key_hash = core::blake2b_256(key);
    if (value) {
      tree_.put(key_hash, core::blake2b_256(*value));
      if (e == nullptr) index_insert(&*kv_.emplace(key, *value).first, hash);
      else e->second = *value;
    } else if (e != nullptr) {
      tree_.erase(key_hash);
      index_erase(e, hash);
      kv_.erase(kv_.find(key));
    }
  }
  return undo;
}

void State::for_each(ByteView prefix, const std::function<void(const Bytes&, const Bytes&)>& fn) const {
  for (auto it = kv_.lower_bound(prefix); it != kv_.end(); ++it) {
    if (it->first.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), it->first.begin())) break;
    fn(it->first.bytes(), it->second);  // a copy: callers take const Bytes& (off the hot path)
  }
}

}  // namespace lingji::chain
