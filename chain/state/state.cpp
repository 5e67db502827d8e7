#include "chain/state/state.h"

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

const Bytes* State::get(ByteView key) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? nullptr : &it->second;
}

ChangeSet State::apply(const ChangeSet& changes, bool with_undo) {
  ChangeSet undo;
  for (const auto& [key, value] : changes) {
    auto it = kv_.find(key);
    if (with_undo)  // changes is ordered, so each entry goes at the end; the old value is moved out
      undo.emplace_hint(undo.end(), key, it == kv_.end() ? std::nullopt : std::optional<Bytes>(std::move(it->second)));
    core::Hash256 key_hash = core::blake2b_256(key);
    if (value) {
      tree_.put(key_hash, core::blake2b_256(*value));
      if (it == kv_.end()) kv_.emplace(key, *value);
      else it->second = *value;
    } else if (it != kv_.end()) {
      tree_.erase(key_hash);
      kv_.erase(it);
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
