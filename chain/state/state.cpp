#include "chain/state/state.h"

namespace lingji::chain {

const Bytes* StateOverlay::get(ByteView key) const {
  const ChangeSet::value_type* e = index_.find(key, key_index_hash(key));
  if (e == nullptr) return base_->get(key);
  return e->second ? &*e->second : nullptr;
}

void StateOverlay::write(StateKey key, std::optional<Bytes> value) {
  const uint64_t hash = key_index_hash(key);
  if (ChangeSet::value_type* e = index_.find(key, hash)) {
    if (journaling_) journal_.push_back({e, true, std::move(e->second)});
    e->second = std::move(value);
    return;
  }
  ChangeSet::value_type* e = &*writes_.emplace(std::move(key), std::move(value)).first;
  index_.insert(writes_, e, hash);
  if (journaling_) journal_.push_back({e, false, std::nullopt});
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
    if (p->existed) {
      p->entry->second = std::move(p->value);
    } else {
      index_.erase(p->entry, key_index_hash(p->entry->first));
      writes_.erase(writes_.find(p->entry->first));
    }
  }
  commit();
}

State::State(const State& other) : kv_(other.kv_), tree_(other.tree_) { index_.rebuild(kv_); }

State& State::operator=(const State& other) {
  if (this != &other) {
    kv_ = other.kv_;
    tree_ = other.tree_;
    index_.rebuild(kv_);
  }
  return *this;
}

const Bytes* State::get(ByteView key) const {
  const Map::value_type* e = index_.find(key, key_index_hash(key));
  return e == nullptr ? nullptr : &e->second.value;
}

ChangeSet State::apply(const ChangeSet& changes, bool with_undo) {
  ChangeSet undo;
  for (const auto& [key, value] : changes) {
    const uint64_t hash = key_index_hash(key);
    Map::value_type* e = index_.find(key, hash);
    if (with_undo)  // changes is ordered, so each entry goes at the end; the old value is moved out
      undo.emplace_hint(undo.end(), key, e == nullptr ? std::nullopt : std::optional<Bytes>(std::move(e->second.value)));
    if (value) {
      if (e == nullptr) {
        const core::Hash256 key_hash = core::blake2b_256(key);
        tree_.put(key_hash, *value);
        index_.insert(kv_, &*kv_.emplace(key, Entry{*value, key_hash}).first, hash);
      } else {
        tree_.put(e->second.key_hash, *value);
        e->second.value = *value;
      }
    } else if (e != nullptr) {
      tree_.erase(e->second.key_hash);
      index_.erase(e, hash);
      kv_.erase(kv_.find(key));
    }
  }
  return undo;
}

void State::for_each(ByteView prefix, const std::function<void(const Bytes&, const Bytes&)>& fn) const {
  for (auto it = kv_.lower_bound(prefix); it != kv_.end(); ++it) {
    if (it->first.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), it->first.begin())) break;
    fn(it->first.bytes(), it->second.value);  // a copy: callers take const Bytes& (off the hot path)
  }
}

}  // namespace lingji::chain
