// merkle_tree_test.cpp: shape, hashes, canonicity, erase and proofs of chain/state/merkle_tree.
#include "chain/state/merkle_tree.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

namespace lingji::chain {
namespace {

using core::Hash256;

// Deterministic test keys and values: BLAKE2b of a tag and a little-endian counter.
Hash256 tagged(uint8_t tag, uint64_t i, uint64_t version = 0) {
  core::Bytes b{tag};
  for (int s = 0; s < 64; s += 8) b.push_back(static_cast<uint8_t>(i >> s));
  for (int s = 0; s < 64; s += 8) b.push_back(static_cast<uint8_t>(version >> s));
  return core::blake2b_256(b);
}
Hash256 key_of(uint64_t i) { return tagged('k', i); }
// Values are byte strings; these are 32 bytes (a tagged hash), so the leaf preimage has the same
// 65-byte shape as a state record of that size.
core::Bytes value_of(uint64_t i, uint64_t version) {
  Hash256 h = tagged('v', i, version);
  return core::Bytes(h.bytes.begin(), h.bytes.end());
}

Hash256 from_hex(const char* hex) { return *Hash256::from(*core::from_hex(hex)); }

// The hash formulas, written out independently of the module.
Hash256 leaf_by_hand(const Hash256& k, const core::Bytes& v) {
  core::Bytes b{0x00};
  b.insert(b.end(), k.bytes.begin(), k.bytes.end());
  b.insert(b.end(), v.begin(), v.end());
  return core::blake2b_256(b);
}
// BLAKE2b-256 with a salt and a personalization, straight from libsodium.
Hash256 tagged_hash(const core::Bytes& data, uint16_t salt_bitmap, const char* person) {
  unsigned char salt[16] = {static_cast<unsigned char>(salt_bitmap & 0xFF), static_cast<unsigned char>(salt_bitmap >> 8)};
  unsigned char personal[16];
  std::memcpy(personal, person, 16);
  Hash256 h;
  crypto_generichash_blake2b_salt_personal(h.bytes.data(), 32, data.data(), data.size(), nullptr, 0, salt, personal);
  return h;
}
// children: the present children's hashes in nibble order, as the bitmap lists them.
Hash256 internal_by_hand(uint16_t bitmap, const std::vector<Hash256>& children) {
  core::Bytes items;
  size_t next = 0;
  for (unsigned g = 0; g < 4; ++g) {
    std::vector<Hash256> group;
    for (unsigned i = 4 * g; i < 4 * g + 4; ++i)
      if (bitmap & (1u << i)) group.push_back(children.at(next++));
    if (group.empty()) continue;
    Hash256 item = group[0];
    if (group.size() > 1) {
      core::Bytes b;
      for (const auto& c : group) b.insert(b.end(), c.bytes.begin(), c.bytes.end());
      item = tagged_hash(b, 0, "LINGJI/STATE/GRP");
    }
    items.insert(items.end(), item.bytes.begin(), item.bytes.end());
  }
  EXPECT_EQ(next, children.size());
  return tagged_hash(items, bitmap, "LINGJI/STATE/NOD");
}

unsigned nib(const Hash256& k, unsigned d) {
  return d % 2 == 0 ? k.bytes[d / 2] >> 4 : k.bytes[d / 2] & 0x0F;
}

// Reference root computed from scratch from the canonical-shape definition (sorted keys,
// grouped by nibble), sharing no code with the incremental tree.
using Set = std::map<Hash256, core::Bytes>;
using Pair = std::pair<Hash256, core::Bytes>;
Hash256 reference_node(const std::vector<Pair>& v, size_t lo, size_t hi, unsigned depth) {
  if (hi - lo == 1) return leaf_by_hand(v[lo].first, v[lo].second);
  uint16_t bitmap = 0;
  std::vector<Hash256> children;
  for (size_t i = lo; i < hi;) {
    size_t j = i;
    while (j < hi && nib(v[j].first, depth) == nib(v[i].first, depth)) ++j;
    bitmap |= static_cast<uint16_t>(1u << nib(v[i].first, depth));
    children.push_back(reference_node(v, i, j, depth + 1));
    i = j;
  }
  return internal_by_hand(bitmap, children);
}
Hash256 reference_root(const Set& s) {
  if (s.empty()) return Hash256{};
  std::vector<Pair> v(s.begin(), s.end());
  return reference_node(v, 0, v.size(), 0);
}

TEST(MerkleTree, EmptyRootIsZero) {
  MerkleTree t;
  EXPECT_EQ(t.root(), Hash256{});
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(t.prove(key_of(1)).has_value());
  EXPECT_FALSE(t.erase(key_of(1)));
  EXPECT_EQ(t.root(), Hash256{});
}

TEST(MerkleTree, SingleKeyRootIsLeafHash) {
  MerkleTree t;
  const Hash256 k = key_of(7);
  const core::Bytes v = value_of(7, 0);
  t.put(k, v);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.root(), leaf_by_hand(k, v));
  EXPECT_NE(t.root(), Hash256{});
  // Replacing the value changes the root; putting the same value again does not.
  t.put(k, value_of(7, 1));
  EXPECT_EQ(t.root(), leaf_by_hand(k, value_of(7, 1)));
  t.put(k, value_of(7, 1));
  EXPECT_EQ(t.root(), leaf_by_hand(k, value_of(7, 1)));
  // Values of any length: empty, and longer than one BLAKE2b block with the key.
  for (size_t size : {0, 95, 96, 300}) {
    core::Bytes long_value(size, 0xA5);
    t.put(k, long_value);
    EXPECT_EQ(t.root(), leaf_by_hand(k, long_value)) << size;
    EXPECT_TRUE(verify_inclusion(t.root(), k, long_value, *t.prove(k))) << size;
  }
  EXPECT_EQ(t.size(), 1u);
}

TEST(MerkleTree, TwoKeysDivergingAtNibbleZero) {
  // Nibble 0 is 0xE and 0x3: bitmap 0x4008, stored as bytes 08 40; children in nibble order.
  const Hash256 a = from_hex("e100000000000000000000000000000000000000000000000000000000000000");
  const Hash256 b = from_hex("3f00000000000000000000000000000000000000000000000000000000000000");
  const core::Bytes va = value_of(1, 0), vb = value_of(2, 0);
  MerkleTree t;
  t.put(a, va);
  t.put(b, vb);
  const Hash256 expected = internal_by_hand(0x4008, {leaf_by_hand(b, vb), leaf_by_hand(a, va)});
  EXPECT_EQ(t.root(), expected);
  MerkleTree reversed;
  reversed.put(b, vb);
  reversed.put(a, va);
  EXPECT_EQ(reversed.root(), expected);
}

TEST(MerkleTree, TwoKeysDivergingAtNibbleFiveBuildAChain) {
  // Shared prefix 1,2,3,4,5; then 0xA vs 0xB. Nodes at depths 0..4 have one internal child each.
  const Hash256 a = from_hex("12345a0000000000000000000000000000000000000000000000000000000000");
  const Hash256 b = from_hex("12345bff00000000000000000000000000000000000000000000000000000000");
  const core::Bytes va = value_of(1, 0), vb = value_of(2, 0);
  Hash256 h = internal_by_hand(0x0C00, {leaf_by_hand(a, va), leaf_by_hand(b, vb)});  // depth 5
  for (int depth = 4; depth >= 0; --depth) {
    h = internal_by_hand(static_cast<uint16_t>(1u << (depth + 1)), {h});  // nibble depth+1
  }
  MerkleTree t;
  t.put(a, va);
  t.put(b, vb);
  EXPECT_EQ(t.root(), h);

  // A third key diverging at nibble 2 splits the chain; erasing it restores the chain.
  const Hash256 c = from_hex("1290000000000000000000000000000000000000000000000000000000000000");
  t.put(c, vb);
  EXPECT_NE(t.root(), h);
  EXPECT_TRUE(t.erase(c));
  EXPECT_EQ(t.root(), h);
  // Erasing b collapses the whole chain into a's leaf at depth 0.
  EXPECT_TRUE(t.erase(b));
  EXPECT_EQ(t.root(), leaf_by_hand(a, va));
}

TEST(MerkleTree, KeysDivergingAtLastNibbleUseMaximumDepth) {
  const Hash256 a = from_hex("abababababababababababababababababababababababababababababababa0");
  const Hash256 b = from_hex("abababababababababababababababababababababababababababababababa7");
  MerkleTree t;
  t.put(a, value_of(1, 0));
  t.put(b, value_of(2, 0));
  EXPECT_EQ(t.root(), reference_root({{a, value_of(1, 0)}, {b, value_of(2, 0)}}));
  auto proof = t.prove(b);
  ASSERT_TRUE(proof.has_value());
  EXPECT_EQ(proof->levels.size(), 64u);
  EXPECT_TRUE(verify_inclusion(t.root(), b, value_of(2, 0), *proof));
  EXPECT_TRUE(t.erase(a));
  EXPECT_EQ(t.root(), leaf_by_hand(b, value_of(2, 0)));
}

// Several histories (insertion orders, interleaved updates and erasures, root() taken at
// different points) that end in the same set must give the same root as a fresh tree.
TEST(MerkleTree, RootIsIndependentOfHistory) {
  constexpr uint64_t kN = 2000;
  auto permutation = [&](int s) {
    std::vector<uint64_t> p(kN);
    for (uint64_t i = 0; i < kN; ++i) {
      switch (s) {
        case 0: p[i] = i; break;
        case 1: p[i] = kN - 1 - i; break;
        case 2: p[i] = (i * 7919) % kN; break;  // 7919 and 1237 are prime, coprime to 2000
        default: p[i] = (i * 1237 + 17) % kN; break;
      }
    }
    return p;
  };
  Set final_set;
  for (uint64_t i = 0; i < kN; ++i) {
    if (i % 7 != 0) final_set[key_of(i)] = value_of(i, 2);
  }
  const Hash256 expected = reference_root(final_set);

  MerkleTree fresh;
  for (const auto& [k, v] : final_set) fresh.put(k, v);
  EXPECT_EQ(fresh.root(), expected);
  EXPECT_EQ(fresh.size(), final_set.size());

  for (int s = 0; s < 4; ++s) {
    SCOPED_TRACE(s);
    const auto p = permutation(s);
    MerkleTree t;
    Set mirror;
    for (uint64_t step = 0; step < kN; ++step) {
      const uint64_t i = p[step];
      t.put(key_of(i), value_of(i, 0));
      mirror[key_of(i)] = value_of(i, 0);
      if (step % 3 == 0) {  // update an earlier key
        const uint64_t j = p[step / 2];
        t.put(key_of(j), value_of(j, 1));
        mirror[key_of(j)] = value_of(j, 1);
      }
      if (step % 5 == 0) {  // erase an earlier key (possibly already erased)
        const uint64_t j = p[step / 3];
        EXPECT_EQ(t.erase(key_of(j)), mirror.erase(key_of(j)) == 1);
      }
      // Taking the root mid-way leaves clean hashes behind that later updates must invalidate.
      if (step % (31 + s) == 0) {
        ASSERT_EQ(t.root(), reference_root(mirror)) << "step " << step;
      }
      ASSERT_EQ(t.size(), mirror.size());
    }
    // Converge on final_set, walking the keys in another order than they were inserted.
    for (uint64_t step = 0; step < kN; ++step) {
      const uint64_t i = p[(step * 3 + 1) % kN];  // 3 is coprime to 2000
      if (i % 7 == 0) {
        t.erase(key_of(i));
      } else {
        t.put(key_of(i), value_of(i, 2));
      }
      if (step % 97 == 0) t.root();
    }
    EXPECT_EQ(t.size(), final_set.size());
    EXPECT_EQ(t.root(), expected);
  }
}

TEST(MerkleTree, IncrementalRootMatchesRecomputationAfterEveryUpdate) {
  MerkleTree t;
  Set mirror;
  for (uint64_t step = 0; step < 600; ++step) {
    const uint64_t i = (step * 37) % 211;  // revisits keys: inserts, updates and erases
    if (step % 4 == 3) {
      EXPECT_EQ(t.erase(key_of(i)), mirror.erase(key_of(i)) == 1);
    } else {
      t.put(key_of(i), value_of(i, step));
      mirror[key_of(i)] = value_of(i, step);
    }
    ASSERT_EQ(t.root(), reference_root(mirror)) << "step " << step;
  }
}

TEST(MerkleTree, EraseEverythingReturnsToZeroRoot) {
  MerkleTree t;
  for (uint64_t i = 0; i < 1000; ++i) t.put(key_of(i), value_of(i, 0));
  EXPECT_NE(t.root(), Hash256{});
  for (uint64_t i = 0; i < 1000; ++i) {
    const uint64_t j = (i * 389) % 1000;
    ASSERT_TRUE(t.erase(key_of(j)));
    if (i % 100 == 0) t.root();
  }
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.root(), Hash256{});
  // The recycled nodes must behave like new ones.
  t.put(key_of(5), value_of(5, 0));
  EXPECT_EQ(t.root(), leaf_by_hand(key_of(5), value_of(5, 0)));
}

TEST(MerkleTree, EraseOfAbsentKeyChangesNothing) {
  MerkleTree t;
  for (uint64_t i = 0; i < 300; ++i) t.put(key_of(i), value_of(i, 0));
  const Hash256 before = t.root();
  // Absent keys reaching an empty slot, and reaching a leaf that holds another key.
  EXPECT_FALSE(t.erase(key_of(1000)));
  Hash256 near = key_of(10);
  near.bytes[31] ^= 1;  // shares 63 nibbles with a present key
  EXPECT_FALSE(t.erase(near));
  EXPECT_EQ(t.size(), 300u);
  EXPECT_EQ(t.root(), before);
  EXPECT_TRUE(t.erase(key_of(10)));
  EXPECT_FALSE(t.erase(key_of(10)));
  EXPECT_EQ(t.size(), 299u);
}

TEST(MerkleTree, ProofsVerifyForPresentKeys) {
  MerkleTree t;
  for (uint64_t i = 0; i < 500; ++i) t.put(key_of(i), value_of(i, 0));
  const Hash256 root = t.root();
  for (uint64_t i = 0; i < 500; ++i) {
    auto proof = t.prove(key_of(i));
    ASSERT_TRUE(proof.has_value());
    EXPECT_GE(proof->levels.size(), 2u);  // 500 keys cannot all be told apart by one nibble
    EXPECT_TRUE(verify_inclusion(root, key_of(i), value_of(i, 0), *proof)) << i;
    EXPECT_FALSE(verify_inclusion(root, key_of(i), value_of(i, 1), *proof)) << i;
    EXPECT_FALSE(verify_inclusion(root, key_of(i + 1), value_of(i, 0), *proof)) << i;
  }
  EXPECT_FALSE(t.prove(key_of(500)).has_value());
}

TEST(MerkleTree, TamperedProofsFail) {
  MerkleTree t;
  for (uint64_t i = 0; i < 500; ++i) t.put(key_of(i), value_of(i, 0));
  const Hash256 root = t.root();
  const Hash256 k = key_of(42);
  const core::Bytes v = value_of(42, 0);
  const MerkleProof good = *t.prove(k);
  ASSERT_TRUE(verify_inclusion(root, k, v, good));
  int tampered_siblings = 0;
  for (size_t l = 0; l < good.levels.size(); ++l) {
    SCOPED_TRACE(l);
    MerkleProof p = good;
    if (!good.levels[l].siblings.empty()) {  // empty only on a single-child chain level
      ++tampered_siblings;
      p.levels[l].siblings.back().bytes[31] ^= 0x80;
      EXPECT_FALSE(verify_inclusion(root, k, v, p));
      p = good;
      p.levels[l].siblings.pop_back();
      EXPECT_FALSE(verify_inclusion(root, k, v, p));
      p = good;
    }
    p.levels[l].nibble ^= 0x01;
    EXPECT_FALSE(verify_inclusion(root, k, v, p));
    p = good;
    p.levels[l].bitmap ^= static_cast<uint16_t>(1u << ((p.levels[l].nibble + 1) % 16));
    EXPECT_FALSE(verify_inclusion(root, k, v, p));
  }
  EXPECT_GE(tampered_siblings, 2);
  MerkleProof truncated = good;
  truncated.levels.pop_back();
  EXPECT_FALSE(verify_inclusion(root, k, v, truncated));
  EXPECT_FALSE(verify_inclusion(root, k, v, MerkleProof{}));
}

// A root built by someone else may hold the same key twice, once off its path. Only the copy on
// the key's own path may verify, so no root can prove two values for one key.
TEST(MerkleTree, ProofMustFollowTheKeysPath) {
  const Hash256 k = from_hex("5000000000000000000000000000000000000000000000000000000000000000");
  const Hash256 on_path = leaf_by_hand(k, value_of(1, 0));
  const Hash256 off_path = leaf_by_hand(k, value_of(2, 0));  // placed under nibble 9
  const Hash256 forged_root = internal_by_hand(0x0220, {on_path, off_path});
  MerkleProof honest{{MerkleProofLevel{5, 0x0220, {off_path}}}};
  EXPECT_TRUE(verify_inclusion(forged_root, k, value_of(1, 0), honest));
  MerkleProof forged{{MerkleProofLevel{9, 0x0220, {on_path}}}};
  EXPECT_FALSE(verify_inclusion(forged_root, k, value_of(2, 0), forged));
}

TEST(MerkleTree, ProofDeeperThanTheKeyIsRejected) {
  // 65 levels would need nibble 64 of a 64-nibble key.
  MerkleProof p;
  p.levels.assign(65, MerkleProofLevel{0, 0x0001, {}});
  Hash256 h = leaf_by_hand(Hash256{}, core::Bytes(32, 0));
  for (int i = 0; i < 65; ++i) h = internal_by_hand(0x0001, {h});
  EXPECT_FALSE(verify_inclusion(h, Hash256{}, core::Bytes(32, 0), p));
  p.levels.pop_back();  // 64 levels of nibble 0: the all-zero key's real path
  h = leaf_by_hand(Hash256{}, core::Bytes(32, 0));
  for (int i = 0; i < 64; ++i) h = internal_by_hand(0x0001, {h});
  EXPECT_TRUE(verify_inclusion(h, Hash256{}, core::Bytes(32, 0), p));
}

TEST(MerkleTree, SingleKeyProofIsEmpty) {
  MerkleTree t;
  t.put(key_of(1), value_of(1, 0));
  auto proof = t.prove(key_of(1));
  ASSERT_TRUE(proof.has_value());
  EXPECT_TRUE(proof->levels.empty());
  EXPECT_TRUE(verify_inclusion(t.root(), key_of(1), value_of(1, 0), *proof));
  EXPECT_FALSE(verify_inclusion(t.root(), key_of(1), value_of(1, 1), *proof));
}

TEST(MerkleTree, ProofAgainstOldRootFailsAfterUpdate) {
  MerkleTree t;
  for (uint64_t i = 0; i < 200; ++i) t.put(key_of(i), value_of(i, 0));
  const Hash256 old_root = t.root();
  const MerkleProof old_proof = *t.prove(key_of(3));
  t.put(key_of(150), value_of(150, 1));  // another key changes
  const Hash256 new_root = t.root();
  ASSERT_NE(new_root, old_root);
  EXPECT_TRUE(verify_inclusion(old_root, key_of(3), value_of(3, 0), old_proof));
  EXPECT_FALSE(verify_inclusion(new_root, key_of(3), value_of(3, 0), old_proof));
  EXPECT_TRUE(verify_inclusion(new_root, key_of(3), value_of(3, 0), *t.prove(key_of(3))));
  // After the key itself is updated, the old value no longer verifies against the new root.
  t.put(key_of(3), value_of(3, 1));
  EXPECT_FALSE(verify_inclusion(t.root(), key_of(3), value_of(3, 0), *t.prove(key_of(3))));
  EXPECT_TRUE(verify_inclusion(t.root(), key_of(3), value_of(3, 1), *t.prove(key_of(3))));
}

}  // namespace
}  // namespace lingji::chain
