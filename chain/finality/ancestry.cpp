#include "chain/finality/ancestry.h"

#include "chain/state/key_prefixes.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

const Bytes kFinalKey{key_prefix("final")};

StateKey ancestor_key(uint64_t height) { return numbered_record_key(key_prefix("ancestor"), height); }

}  // namespace

void init_ancestry(StateOverlay& s, const Hash256& chain_id) {
  store_ancestor(s, 0, Ancestor{0, Hash256{}, QcClaim{0, 0, chain_id}, 0, false});
  core::Writer w;
  w.u64(0).u64(0).fixed(chain_id);
  s.put(kFinalKey, w.take());
}

std::optional<Ancestor> load_ancestor(const StateReader& s, uint64_t height) {
  const Bytes* v = s.get(ancestor_key(height));
  if (!v) return std::nullopt;
  core::Reader r(*v);
  Ancestor a;
  uint8_t joint = 0;
  if (!r.u64(a.slot) || !r.fixed(a.parent) || !r.u64(a.justify.slot) || !r.u64(a.justify.height) ||
      !r.fixed(a.justify.block_id) || !r.u64(a.generation) || !r.u8(joint) || joint > 1 || !r.finish())
    return std::nullopt;
  a.joint = joint == 1;
  return a;
}

void store_ancestor(StateOverlay& s, uint64_t height, const Ancestor& a) {
  core::Writer w;
  w.u64(a.slot).fixed(a.parent).u64(a.justify.slot).u64(a.justify.height).fixed(a.justify.block_id);
  w.u64(a.generation).u8(a.joint ? 1 : 0);
  s.put(ancestor_key(height), w.take());
}

FinalBlock load_final(const StateReader& s) {
  FinalBlock f;
  const Bytes* v = s.get(kFinalKey);
  if (!v) return f;
  core::Reader r(*v);
  if (!r.u64(f.height) || !r.u64(f.slot) || !r.fixed(f.id) || !r.finish()) return FinalBlock{};
  return f;
}

void advance_final(StateOverlay& s, const FinalBlock& f) {
  const FinalBlock old = load_final(s);
  for (uint64_t h = old.height; h < f.height; ++h) s.erase(ancestor_key(h));
  core::Writer w;
  w.u64(f.height).u64(f.slot).fixed(f.id);
  s.put(kFinalKey, w.take());
}

std::optional<Hash256> ancestor_id(const StateReader& s, const BlockHeader& child, uint64_t height) {
  if (height >= child.height) return std::nullopt;
  if (height + 1 == child.height) return child.previous;
  auto next = load_ancestor(s, height + 1);
  if (!next || !load_ancestor(s, height)) return std::nullopt;
  return next->parent;
}

}  // namespace lingji::chain::finality
