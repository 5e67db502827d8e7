// finality_rule_test.cpp: the 2-chain finality rule and the finality proof.
#include <gtest/gtest.h>

#include <algorithm>

#include "chain/finality/finality_rule.h"
#include "chain/finality/finality_test_util.h"

namespace lingji::chain::finality {
namespace {

using namespace test_util;

std::string err(const core::Status& st) { return st ? "ok" : st.error().name; }

QuorumCertificate qc_on(const BlockRef& b, const std::vector<core::PrivateKey>& keys) {
  QuorumCertificate qc;
  qc.vote = vote_for(b);
  for (const auto& k : keys) qc.signers.emplace_back(k.public_key(), k.sign(vote_signing_bytes(kChain, qc.vote)));
  std::sort(qc.signers.begin(), qc.signers.end());
  return qc;
}

const BlockRef kA = block(5, "A", kGenesis, kGenesis);
const BlockRef kB = block(6, "B", kA, kA);

TEST(FinalityRuleTest, ProvesFinalNeedsParentNextSlotAndJustify) {
  EXPECT_TRUE(proves_final(kA, kB));
  BlockRef b = kB;
  b.slot = 7;  // a gap: a conflicting block could be certified in slot 6
  EXPECT_FALSE(proves_final(kA, b));
  b = kB;
  b.parent = id_of("other");
  EXPECT_FALSE(proves_final(kA, b));
  b = kB;
  b.justify_id = kGenesis.id;
  b.justify_slot = kGenesis.slot;
  EXPECT_FALSE(proves_final(kA, b));  // B's justify is not A
  b = kB;
  b.justify_slot = 4;  // names A's id with another slot
  EXPECT_FALSE(proves_final(kA, b));
  b = kB;
  b.height = kA.height + 2;
  EXPECT_FALSE(proves_final(kA, b));
  EXPECT_FALSE(proves_final(kB, kA));
  BlockRef top = kA;
  top.slot = UINT64_MAX;  // slot + 1 must not wrap to 0
  BlockRef next = block(0, "wrap", top, top);
  EXPECT_FALSE(proves_final(top, next));
  static_assert(proves_final(BlockRef{1, 1, {}, {}, 0, {}}, BlockRef{2, 2, {}, {}, 1, {}}));
}

TEST(FinalityProofTest, VerifiesAndRoundTrips) {
  auto keys = test_keys(0, 4);
  auto set = public_keys(keys);
  FinalityProof p{kA, kB, qc_on(kB, {keys[0], keys[2], keys[3]})};
  EXPECT_EQ(err(p.verify(kChain, set)), "ok");
  Bytes bytes = p.encode();
  ASSERT_EQ(bytes.size(), 2 * kBlockRefBytes + kVoteBytes + 4 + 3 * 96);
  auto back = FinalityProof::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->a, kA);
  EXPECT_EQ(back->b, kB);
  EXPECT_EQ(back->encode(), bytes);
  EXPECT_EQ(err(back->verify(kChain, set)), "ok");
  for (size_t len = 0; len < bytes.size(); ++len) ASSERT_FALSE(FinalityProof::decode(ByteView(bytes).first(len))) << len;
  bytes.push_back(0);
  EXPECT_EQ(FinalityProof::decode(bytes).error().name, "finality.malformed");
}

TEST(FinalityProofTest, EveryRefusal) {
  auto keys = test_keys(0, 4);
  auto set = public_keys(keys);
  FinalityProof good{kA, kB, qc_on(kB, {keys[0], keys[1], keys[2]})};

  FinalityProof p = good;
  p.qc_on_b = qc_on(kA, {keys[0], keys[1], keys[2]});  // a QC on A, not on B
  EXPECT_EQ(err(p.verify(kChain, set)), "finality.wrong_vote");

  BlockRef gap = block(7, "B-late", kA, kA);  // certified, but not in the next slot
  p = FinalityProof{kA, gap, qc_on(gap, {keys[0], keys[1], keys[2]})};
  EXPECT_EQ(err(p.verify(kChain, set)), "finality.not_final");

  p = good;
  p.qc_on_b = qc_on(kB, {keys[0], keys[1]});
  EXPECT_EQ(err(p.verify(kChain, set)), "finality.no_quorum");
  EXPECT_EQ(err(good.verify(kChain, public_keys(test_keys(10, 4)))), "finality.signer_not_in_set");
  EXPECT_EQ(err(good.verify(kOtherChain, set)), "finality.bad_signature");

  // Pending phase of a set change: S = 0..3, S' = 2..5.
  auto all = test_keys(0, 6);
  std::vector<PublicKey> t = public_keys({all[2], all[3], all[4], all[5]});
  EXPECT_EQ(err(good.verify_joint(kChain, set, t)), "finality.no_quorum");  // 3 of S, 1 of S'
  FinalityProof joint{kA, kB, qc_on(kB, {all[1], all[2], all[3], all[4]})};
  EXPECT_EQ(err(joint.verify_joint(kChain, set, t)), "ok");
  p = joint;
  p.b.slot = 9;
  EXPECT_EQ(err(p.verify_joint(kChain, set, t)), "finality.wrong_vote");
}

}  // namespace
}  // namespace lingji::chain::finality
