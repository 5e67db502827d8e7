// merkle_tree.cpp: see merkle_tree.h for the shape and hash grammar.
#include "chain/state/merkle_tree.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace lingji::chain {

namespace {

using core::Hash256;

// Distinct keys differ in some nibble < 64, so internal nodes sit at depths 0..63 and a path
// passes at most 64 of them.
constexpr unsigned kMaxInternalDepth = 64;

unsigned nibble_at(const Hash256& key, unsigned depth) {
  const uint8_t b = key.bytes[depth >> 1];
  return (depth & 1) ? (b & 0x0F) : (b >> 4);
}

Hash256 leaf_hash(const Hash256& key, core::ByteView value) {
  uint8_t buf[1 + 32 + 95];  // one BLAKE2b block: values up to 95 bytes hash in one call
  if (value.size() > sizeof buf - 33) {
    static constexpr uint8_t kLeaf = 0x00;
    return core::Blake2b().update({&kLeaf, 1}).update(key.view()).update(value).finish();
  }
  buf[0] = 0x00;
  std::memcpy(buf + 1, key.bytes.data(), 32);
  if (!value.empty()) std::memcpy(buf + 33, value.data(), value.size());
  return core::blake2b_256({buf, 33 + value.size()});
}

constexpr core::Blake2bParam tag(const char (&text)[17]) {
  core::Blake2bParam p{};
  for (size_t i = 0; i < 16; ++i) p[i] = static_cast<uint8_t>(text[i]);
  return p;
}
constexpr core::Blake2bParam kNodeTag = tag("LINGJI/STATE/NOD");
constexpr core::Blake2bParam kGroupTag = tag("LINGJI/STATE/GRP");

unsigned group_mask(uint16_t bitmap, unsigned g) { return (bitmap >> (4 * g)) & 0xFu; }

// item[g] of a node, from the children of group g present in `mask` (non-zero).
// child_hash(i) is called once per present child, in increasing i.
template <class ChildHash>
Hash256 group_item(unsigned mask, unsigned g, ChildHash&& child_hash) {
  if (std::popcount(mask) == 1) return child_hash(4 * g + static_cast<unsigned>(std::countr_zero(mask)));
  uint8_t buf[4 * 32];
  size_t len = 0;
  for (unsigned bits = mask; bits != 0; bits &= bits - 1) {
    const Hash256& h = child_hash(4 * g + static_cast<unsigned>(std::countr_zero(bits)));
    std::memcpy(buf + len, h.bytes.data(), 32);
    len += 32;
  }
  return core::blake2b_256({buf, len}, core::Blake2bParam{}, kGroupTag);
}

// The node hash from its groups' items; item(g) is called for each group holding a child.
template <class Item>
Hash256 node_hash(uint16_t bitmap, Item&& item) {
  uint8_t buf[4 * 32];
  size_t len = 0;
  for (unsigned g = 0; g < 4; ++g) {
    if (group_mask(bitmap, g) == 0) continue;
    std::memcpy(buf + len, item(g).bytes.data(), 32);
    len += 32;
  }
  core::Blake2bParam salt{};
  salt[0] = static_cast<uint8_t>(bitmap & 0xFF);
  salt[1] = static_cast<uint8_t>(bitmap >> 8);
  return core::blake2b_256({buf, len}, salt, kNodeTag);
}

// An internal node's hash from all of its child hashes (proof verification).
// child_hash(i) is called once per set bit, in increasing i.
template <class ChildHash>
Hash256 internal_hash(uint16_t bitmap, ChildHash&& child_hash) {
  std::array<Hash256, 4> items;
  for (unsigned g = 0; g < 4; ++g)
    if (const unsigned mask = group_mask(bitmap, g)) items[g] = group_item(mask, g, child_hash);
  return node_hash(bitmap, [&](unsigned g) -> const Hash256& { return items[g]; });
}

}  // namespace

MerkleTree::MerkleTree() { core::ensure_sodium(); }

MerkleTree::Ref MerkleTree::new_leaf(const Hash256& key, const Hash256& hash) {
  Leaf leaf{key, hash};
  if (!free_leaves_.empty()) {
    const Ref r = free_leaves_.back();
    free_leaves_.pop_back();
    leaves_[leaf_index(r)] = leaf;
    return r;
  }
  // Index 0x7FFFFFFF would encode as kEmpty.
  if (leaves_.size() >= kLeafBit - 1) throw std::length_error("merkle_tree: too many leaves");
  leaves_.push_back(leaf);
  return kLeafBit | static_cast<uint32_t>(leaves_.size() - 1);
}

MerkleTree::Ref MerkleTree::new_internal() {
  Internal node;
  node.child.fill(kEmpty);
  if (!free_internals_.empty()) {
    const Ref r = free_internals_.back();
    free_internals_.pop_back();
    internals_[r] = node;
    return r;
  }
  if (internals_.size() >= kLeafBit) throw std::length_error("merkle_tree: too many nodes");
  internals_.push_back(node);
  return static_cast<Ref>(internals_.size() - 1);
}

void MerkleTree::free_leaf(Ref r) { free_leaves_.push_back(r); }
void MerkleTree::free_internal(Ref r) { free_internals_.push_back(r); }

void MerkleTree::set_slot(Ref parent, unsigned nibble, Ref r) {
  if (parent == kEmpty) {
    root_ = r;
    return;
  }
  Internal& node = internals_[parent];
  node.child[nibble] = r;
  const uint16_t bit = static_cast<uint16_t>(1u << nibble);
  node.bitmap = (r == kEmpty) ? (node.bitmap & ~bit) : (node.bitmap | bit);
  mark_dirty(parent, nibble);
}

void MerkleTree::put(const Hash256& key, core::ByteView value) {
  const Hash256 hash = leaf_hash(key, value);
  Ref path[kMaxInternalDepth];  // internal nodes passed, root first
  unsigned n = 0;
  Ref parent = kEmpty;
  unsigned parent_nibble = 0;
  Ref cur = root_;
  while (cur != kEmpty && !is_leaf(cur)) {
    path[n++] = cur;
    parent = cur;
    parent_nibble = nibble_at(key, n - 1);
    cur = internals_[cur].child[parent_nibble];
  }
  const unsigned depth = n;  // depth of the slot cur occupies

  if (cur == kEmpty) {
    set_slot(parent, parent_nibble, new_leaf(key, hash));
    ++size_;
  } else {
    Leaf& leaf = leaves_[leaf_index(cur)];
    if (leaf.key == key) {
      if (leaf.hash == hash) return;  // no change: keep the cached hashes
      leaf.hash = hash;
    } else {
      // Two keys now share the prefix of this slot: push both down to where they diverge,
      // through a chain of single-child internal nodes (canonical: one per shared prefix).
      unsigned diverge = depth;
      while (nibble_at(leaf.key, diverge) == nibble_at(key, diverge)) ++diverge;
      const unsigned old_nibble = nibble_at(leaf.key, diverge);
      // `leaf` may dangle after the allocations below; it is not used again.
      const Ref new_ref = new_leaf(key, hash);
      Ref below = new_internal();
      set_slot(below, old_nibble, cur);
      set_slot(below, nibble_at(key, diverge), new_ref);
      for (unsigned d = diverge; d > depth; --d) {
        const Ref above = new_internal();
        set_slot(above, nibble_at(key, d - 1), below);
        below = above;
      }
      set_slot(parent, parent_nibble, below);
      ++size_;
    }
  }
  for (unsigned i = 0; i < n; ++i) mark_dirty(path[i], nibble_at(key, i));
}

bool MerkleTree::erase(const Hash256& key) {
  Ref path[kMaxInternalDepth];
  uint8_t nibbles[kMaxInternalDepth];
  unsigned n = 0;
  Ref cur = root_;
  while (cur != kEmpty && !is_leaf(cur)) {
    const unsigned nib = nibble_at(key, n);
    path[n] = cur;
    nibbles[n] = static_cast<uint8_t>(nib);
    ++n;
    cur = internals_[cur].child[nib];
  }
  // Absent: return before marking anything dirty, so the cached root stays valid.
  if (cur == kEmpty || leaves_[leaf_index(cur)].key != key) return false;

  free_leaf(cur);
  --size_;
  if (n == 0) {
    root_ = kEmpty;
    return true;
  }
  set_slot(path[n - 1], nibbles[n - 1], kEmpty);

  // Restore the canonical shape: an internal node whose only child is a leaf means that leaf's
  // prefix is now unique one level higher, so the leaf replaces it; repeat upward. Without this
  // the root would depend on whether a key had once been inserted and removed.
  unsigned k = n;  // path[0..k) survive
  while (k > 0) {
    const Internal& node = internals_[path[k - 1]];
    if (node.bitmap == 0) throw std::logic_error("merkle_tree: internal node with no child");
    if (std::popcount(node.bitmap) != 1) break;
    const Ref only = node.child[std::countr_zero(node.bitmap)];
    if (!is_leaf(only)) break;  // a single internal child is canonical (>= 2 keys below)
    free_internal(path[k - 1]);
    --k;
    set_slot(k == 0 ? kEmpty : path[k - 1], k == 0 ? 0 : nibbles[k - 1], only);
  }
  for (unsigned i = 0; i < k; ++i) mark_dirty(path[i], nibbles[i]);
  return true;
}

const Hash256& MerkleTree::rehash(Ref r) {
  if (is_leaf(r)) return leaves_[leaf_index(r)].hash;
  // rehash() never allocates, so this reference stays valid across the recursion.
  Internal& node = internals_[r];
  if (node.dirty) {
    for (unsigned g = 0; g < 4; ++g) {
      const unsigned mask = group_mask(node.bitmap, g);
      if (mask == 0 || (node.stale & (1u << g)) == 0) continue;
      node.item[g] = group_item(mask, g, [&](unsigned i) -> const Hash256& { return rehash(node.child[i]); });
    }
    node.stale = 0;
    node.hash = node_hash(node.bitmap, [&](unsigned g) -> const Hash256& { return node.item[g]; });
    node.dirty = false;
  }
  return node.hash;
}

Hash256 MerkleTree::root() {
  if (root_ == kEmpty) return Hash256{};
  return rehash(root_);
}

std::optional<MerkleProof> MerkleTree::prove(const Hash256& key) {
  root();  // every cached hash is valid from here on
  MerkleProof proof;
  Ref cur = root_;
  unsigned depth = 0;
  while (cur != kEmpty && !is_leaf(cur)) {
    const Internal& node = internals_[cur];
    const unsigned nib = nibble_at(key, depth);
    if (node.child[nib] == kEmpty) return std::nullopt;
    MerkleProofLevel level;
    level.nibble = static_cast<uint8_t>(nib);
    level.bitmap = node.bitmap;
    level.siblings.reserve(static_cast<size_t>(std::popcount(node.bitmap)) - 1);
    for (uint32_t bits = node.bitmap; bits != 0; bits &= bits - 1) {
      const unsigned i = static_cast<unsigned>(std::countr_zero(bits));
      if (i != nib) level.siblings.push_back(rehash(node.child[i]));
    }
    proof.levels.push_back(std::move(level));
    cur = node.child[nib];
    ++depth;
  }
  if (cur == kEmpty || leaves_[leaf_index(cur)].key != key) return std::nullopt;
  std::reverse(proof.levels.begin(), proof.levels.end());
  return proof;
}

bool verify_inclusion(const Hash256& root, const Hash256& key_hash, core::ByteView value,
                      const MerkleProof& proof) {
  core::ensure_sodium();
  const size_t n = proof.levels.size();
  if (n > kMaxInternalDepth) return false;
  Hash256 h = leaf_hash(key_hash, value);
  for (size_t i = 0; i < n; ++i) {
    const MerkleProofLevel& level = proof.levels[i];
    const unsigned depth = static_cast<unsigned>(n - 1 - i);
    // The path is fixed by the key. A proof taking another branch is rejected here rather than
    // relying on the leaf hash alone to bind the position.
    if (level.nibble != nibble_at(key_hash, depth)) return false;
    if (((level.bitmap >> level.nibble) & 1) == 0) return false;
    if (level.siblings.size() + 1 != static_cast<size_t>(std::popcount(level.bitmap))) {
      return false;
    }
    size_t s = 0;
    h = internal_hash(level.bitmap, [&](unsigned nib) -> const Hash256& {
      return nib == level.nibble ? h : level.siblings[s++];
    });
  }
  return h == root;
}

}  // namespace lingji::chain
