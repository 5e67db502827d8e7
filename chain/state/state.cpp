#include "chain/state/state.h"

namespace lingji::chain {

const Bytes* StateOverlay::get(ByteView key) const {
  auto it = writes_.find(key);
  if (it == writes_.end()) return base_->get(key);
  return it->second ? &*it->second : nullptr;
}

void StateOverlay::absorb(StateOverlay&& child) {
  for (auto& [k, v] : child.writes_) writes_.insert_or_assign(k, std::move(v));
  child.writes_.clear();
}

const Bytes* State::get(ByteView key) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? nullptr : &it->second;
}

ChangeSet State::apply(const ChangeSet& changes) {
  ChangeSet undo;
  for (const auto& [key, value] : changes) {
    auto it = kv_.find(key);
    undo.emplace(key, it == kv_.end() ? std::nullopt : std::optional<Bytes>(it->second));
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
    fn(it->first, it->second);
  }
}

}  // namespace lingji::chain
