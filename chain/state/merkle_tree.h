// merkle_tree.h: the authenticated state. A radix-16, path-compressed sparse Merkle tree over
// (key_hash -> value) pairs, kept in memory and rehashed incrementally.
//
// Canonical shape: the root depends only on the current set of pairs, never on the order of
// puts and erases. Every node of a consensus replica must agree on it.
//   - A key's path is the 64 nibbles of key_hash, high nibble of byte 0 first.
//   - An internal node exists at prefix p iff at least two present keys start with p.
//   - A leaf sits at the shortest prefix that only its key has (depth 0 if the key is alone).
//   So an internal node may have a single child only if that child is internal. Erase keeps
//   this true by replacing an internal node that has one leaf child with that leaf, upward.
//
// Hashes (domain-separated, so a leaf preimage can never be read as an internal node's):
//   empty tree := 32 zero bytes
//   leaf       := BLAKE2b-256(0x00 || key_hash || value)
//                 the value's own bytes: a record of up to 95 bytes (an account is 17) costs one
//                 compression, where hashing the value first and then the pair cost two
//   internal   := BLAKE2b-256[salt = bitmap:u16le, 14 zero bytes; personal = "LINGJI/STATE/NOD"]
//                   (item[g] for each group g = 0..3 that holds a child, in order)
//                 bit i of bitmap set iff child nibble i is present; group g is nibbles 4g..4g+3
//   item[g]    := the child's hash if the group holds one child, else
//                 BLAKE2b-256[salt = 0; personal = "LINGJI/STATE/GRP"](its child hashes, nibble order)
//   Every input is at most 128 bytes, one BLAKE2b compression, and a node whose children changed
//   in one group rehashes that group and itself: 2 compressions where a flat 16-child preimage
//   (515 bytes) took 5. The bitmap says how many children each group holds, so the items parse
//   one way only.
//   root       := hash of the node at depth 0 (the leaf itself when the tree holds one key)
//
// Cost: put hashes the leaf at once; put/erase walk one path and mark it dirty; root() rehashes
// each dirty internal node once, so k updates between two root() calls cost O(k * depth) hashes. Nodes live in index-addressed pools
// (no pointers), so a MerkleTree copies deeply and iteration never depends on addresses.
// Not thread-safe. No I/O, clocks or randomness (this is part of the deterministic chain/ layer).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/hash.h"

namespace lingji::chain {

// One internal node on the path from a leaf to the root.
struct MerkleProofLevel {
  uint8_t nibble = 0;    // the child the path goes through (must match the key's nibble)
  uint16_t bitmap = 0;   // the node's present children, bit i = nibble i
  std::vector<core::Hash256> siblings;  // hashes of the other present children, nibble order
};

// Inclusion proof: levels[0] is the leaf's parent, levels.back() is the root (depth 0).
// Empty when the tree holds a single key (the root is then the leaf hash).
// No wire encoding is defined here; a codec must add one before proofs leave the process.
struct MerkleProof {
  std::vector<MerkleProofLevel> levels;
};

class MerkleTree {
 public:
  MerkleTree();

  // Inserts the pair, or replaces the value if key_hash is present.
  // Replacing a value by the same value leaves the tree untouched (nothing becomes dirty).
  void put(const core::Hash256& key_hash, core::ByteView value);

  // Removes key_hash. Returns false, and changes nothing, if it is absent.
  bool erase(const core::Hash256& key_hash);

  // The root of the current set (32 zero bytes when empty). Rehashes dirty nodes only.
  core::Hash256 root();

  size_t size() const { return size_; }

  // Proof that key_hash is present, or nullopt if it is absent. Brings hashes up to date first
  // (hence non-const). Check it with verify_inclusion() against root().
  std::optional<MerkleProof> prove(const core::Hash256& key_hash);

 private:
  // A child reference: kEmpty, a leaf (kLeafBit | index into leaves_) or an index into internals_.
  using Ref = uint32_t;
  static constexpr Ref kEmpty = 0xFFFFFFFFu;
  static constexpr Ref kLeafBit = 0x80000000u;

  struct Leaf {
    core::Hash256 key;
    core::Hash256 hash;  // leaf hash of (key, value): always valid
  };
  struct Internal {
    std::array<Ref, 16> child;
    std::array<core::Hash256, 4> item;  // item[g] is valid when group g holds a child and is not stale
    core::Hash256 hash;   // valid when !dirty
    uint16_t bitmap = 0;  // bit i set iff child[i] != kEmpty
    uint8_t stale = 0xF;  // bit g: a child in group g changed since item[g] was computed
    bool dirty = true;    // invariant: a dirty node's ancestors are all dirty
  };

  static bool is_leaf(Ref r) { return r != kEmpty && (r & kLeafBit) != 0; }
  static uint32_t leaf_index(Ref r) { return r & ~kLeafBit; }

  Ref new_leaf(const core::Hash256& key, const core::Hash256& hash);
  Ref new_internal();
  void free_leaf(Ref r);
  void free_internal(Ref r);
  // Points child `nibble` of `parent` (or the root, if parent == kEmpty) at `r`.
  void set_slot(Ref parent, unsigned nibble, Ref r);
  // Something below child `nibble` of internal node r changed.
  void mark_dirty(Ref r, unsigned nibble) {
    internals_[r].dirty = true;
    internals_[r].stale |= static_cast<uint8_t>(1u << (nibble >> 2));
  }
  // Hash of the subtree at r (r != kEmpty), recomputing dirty nodes below it.
  const core::Hash256& rehash(Ref r);

  std::vector<Leaf> leaves_;
  std::vector<Internal> internals_;
  std::vector<Ref> free_leaves_;     // reused LIFO: deterministic, and keeps the pools compact
  std::vector<Ref> free_internals_;
  Ref root_ = kEmpty;
  size_t size_ = 0;
};

// True iff `proof` shows that (key_hash -> value) is in the tree whose root is `root`.
// Rejects proofs whose nibbles disagree with key_hash, whose sibling count disagrees with the
// bitmap, or that are deeper than 64 levels.
bool verify_inclusion(const core::Hash256& root, const core::Hash256& key_hash, core::ByteView value,
                      const MerkleProof& proof);

}  // namespace lingji::chain
