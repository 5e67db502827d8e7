// quorum_certificate_test.cpp: quorum sizes, QC verification against one set and two (the
// set-change rule), the canonical QC codec, and the vote builder.
#include <gtest/gtest.h>

#include <algorithm>

#include "chain/finality/finality_test_util.h"
#include "chain/finality/quorum_certificate.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

using namespace test_util;

const Vote kVote{40, 33, id_of("b40"), 39};

// A QC on kVote signed by the given keys, in canonical order.
QuorumCertificate qc_by(const std::vector<core::PrivateKey>& keys, const Vote& vote = kVote) {
  QuorumCertificate qc;
  qc.vote = vote;
  for (const auto& k : keys) qc.signers.emplace_back(k.public_key(), k.sign(vote_signing_bytes(kChain, vote)));
  std::sort(qc.signers.begin(), qc.signers.end());
  return qc;
}

std::vector<core::PrivateKey> first(const std::vector<core::PrivateKey>& keys, size_t n) {
  return {keys.begin(), keys.begin() + static_cast<long>(n)};
}

std::string err(const core::Status& st) { return st ? "ok" : st.error().name; }

TEST(QuorumTest, TableOneToOneHundredOne) {
  EXPECT_EQ(quorum(0), 1u);
  const std::pair<size_t, size_t> known[] = {{1, 1}, {2, 2}, {3, 3}, {4, 3}, {5, 4}, {6, 5}, {7, 5},
                                             {21, 15}, {100, 67}, {101, 68}};
  for (auto [n, q] : known) EXPECT_EQ(quorum(n), q) << n;
  for (size_t n = 1; n <= 101; ++n) {
    const size_t q = quorum(n);
    const size_t f = (n - 1) / 3;  // faults tolerated
    // Two quorums overlap in more than f keys (so in an honest one), and the honest keys alone
    // make a quorum: safety and liveness with f faults.
    EXPECT_GT(2 * q, n + f) << n;
    EXPECT_LE(q, n - f) << n;
    EXPECT_EQ(q, (2 * n) / 3 + 1) << n;
  }
}

TEST(QuorumCertificateTest, ExactlyQuorumPassesOneLessFails) {
  for (size_t n : {1u, 4u, 7u, 21u, 101u}) {
    SCOPED_TRACE(n);
    auto keys = test_keys(0, n);
    auto set = public_keys(keys);
    const size_t q = quorum(n);
    EXPECT_EQ(err(qc_by(first(keys, q)).verify(kChain, set)), "ok");
    EXPECT_EQ(err(qc_by(keys).verify(kChain, set)), "ok");
    auto short_qc = qc_by(first(keys, q - 1)).verify(kChain, set);
    ASSERT_FALSE(short_qc);
    EXPECT_EQ(short_qc.error().name, "finality.no_quorum");
    EXPECT_EQ(short_qc.error().code, 2704);
  }
}

TEST(QuorumCertificateTest, EveryRefusal) {
  auto keys = test_keys(0, 4);
  auto set = public_keys(keys);
  QuorumCertificate good = qc_by(first(keys, 3));
  ASSERT_EQ(err(good.verify(kChain, set)), "ok");

  // A signer outside the set, even with a valid signature and a quorum of members besides.
  QuorumCertificate outsider = qc_by({keys[0], keys[1], keys[2], test_key(99)});
  EXPECT_EQ(err(outsider.verify(kChain, set)), "finality.signer_not_in_set");
  // A bad signature (a member's, with quorum met): over another vote, then flipped bits.
  QuorumCertificate bad = good;
  bad.signers[1].second = keys[0].sign(vote_signing_bytes(kChain, Vote{41, 34, id_of("x"), 40}));
  EXPECT_EQ(err(bad.verify(kChain, set)), "finality.bad_signature");
  bad = good;
  bad.signers[2].second.bytes[5] ^= 1;
  EXPECT_EQ(err(bad.verify(kChain, set)), "finality.bad_signature");
  EXPECT_EQ(err(good.verify(kOtherChain, set)), "finality.bad_signature");  // bound to its chain
  // Another vote under the same signatures.
  QuorumCertificate moved = good;
  moved.vote.block_id = id_of("other");
  EXPECT_EQ(err(moved.verify(kChain, set)), "finality.bad_signature");
  // A repeated signer must not count twice: 2 distinct + 1 repeat is not 3 of 4.
  QuorumCertificate dup = qc_by(first(keys, 2));
  dup.signers.push_back(dup.signers[1]);
  EXPECT_EQ(err(dup.verify(kChain, set)), "finality.non_canonical_signers");
  QuorumCertificate unsorted = good;
  std::swap(unsorted.signers[0], unsorted.signers[1]);
  EXPECT_EQ(err(unsorted.verify(kChain, set)), "finality.non_canonical_signers");
  // A set that repeats a key is a caller bug.
  auto twice = set;
  twice.push_back(set[0]);
  EXPECT_EQ(err(good.verify(kChain, twice)), "finality.bad_producer_set");
  // An empty set is met by no QC.
  EXPECT_EQ(err(QuorumCertificate{kVote, {}}.verify(kChain, {})), "finality.no_quorum");
  EXPECT_EQ(err(good.verify(kChain, {})), "finality.signer_not_in_set");
  // The order of the set does not matter.
  auto reversed = set;
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(err(good.verify(kChain, reversed)), "ok");
}

TEST(QuorumCertificateTest, TooManySigners) {
  QuorumCertificate qc{kVote, {}};
  for (size_t i = 0; i <= kMaxQcSigners; ++i) {
    PublicKey k;
    k.bytes[0] = static_cast<uint8_t>(i >> 8);
    k.bytes[1] = static_cast<uint8_t>(i);
    qc.signers.emplace_back(k, Signature{});
  }
  EXPECT_EQ(err(qc.verify(kChain, {})), "finality.too_many_signers");
  auto r = QuorumCertificate::decode(qc.encode());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "finality.too_many_signers");
  qc.signers.pop_back();  // exactly the maximum decodes
  Bytes max_bytes = qc.encode();
  EXPECT_EQ(max_bytes.size(), kMaxQcBytes);
  EXPECT_TRUE(QuorumCertificate::decode(max_bytes));
}

TEST(QuorumCertificateTest, EncodingRoundTripsAndIsCanonical) {
  auto keys = test_keys(0, 7);
  QuorumCertificate qc = qc_by(first(keys, 5));
  Bytes bytes = qc.encode();
  ASSERT_EQ(bytes.size(), kVoteBytes + 4 + 5 * 96);
  auto back = QuorumCertificate::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->vote, qc.vote);
  EXPECT_EQ(back->signers, qc.signers);
  EXPECT_EQ(back->encode(), bytes);
  EXPECT_TRUE(QuorumCertificate::decode(QuorumCertificate{kVote, {}}.encode()));  // empty decodes

  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = QuorumCertificate::decode(ByteView(bytes).first(len));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().name, "finality.malformed") << len;
  }
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(QuorumCertificate::decode(longer).error().name, "finality.malformed");

  QuorumCertificate unsorted = qc;
  std::swap(unsorted.signers[3], unsorted.signers[4]);
  EXPECT_EQ(QuorumCertificate::decode(unsorted.encode()).error().name, "finality.non_canonical_signers");
  QuorumCertificate dup = qc;
  dup.signers[4] = dup.signers[3];
  EXPECT_EQ(QuorumCertificate::decode(dup.encode()).error().name, "finality.non_canonical_signers");
  EXPECT_EQ(QuorumCertificate::decode(dup.encode()).error().code, 2705);
}

// S = keys 0..3, S' = keys 2..5: keys 2 and 3 are in both (quorum 3 of 4 for each).
class JointQuorumTest : public ::testing::Test {
 protected:
  std::vector<core::PrivateKey> all = test_keys(0, 6);
  std::vector<PublicKey> s = public_keys(first(all, 4));
  std::vector<PublicKey> t = public_keys({all[2], all[3], all[4], all[5]});
};

TEST_F(JointQuorumTest, QuorumOfOneSetOnlyIsRejected) {
  // 0,1,2: 3 of S, 1 of S'.
  EXPECT_EQ(err(qc_by({all[0], all[1], all[2]}).verify_joint(kChain, s, t)), "finality.no_quorum");
  // 3,4,5: 1 of S, 3 of S'.
  EXPECT_EQ(err(qc_by({all[3], all[4], all[5]}).verify_joint(kChain, s, t)), "finality.no_quorum");
  // Each alone is a valid single-set QC.
  EXPECT_EQ(err(qc_by({all[0], all[1], all[2]}).verify(kChain, s)), "ok");
  EXPECT_EQ(err(qc_by({all[3], all[4], all[5]}).verify(kChain, t)), "ok");
}

TEST_F(JointQuorumTest, BothQuorumsAreAcceptedAndSharedKeysCountForBoth) {
  // 1,2,3,4: S has 1,2,3 (3); S' has 2,3,4 (3). Keys 2 and 3 count for both.
  EXPECT_EQ(err(qc_by({all[1], all[2], all[3], all[4]}).verify_joint(kChain, s, t)), "ok");
  EXPECT_EQ(err(qc_by(all).verify_joint(kChain, s, t)), "ok");
  // Identical sets: the joint rule is the single rule.
  EXPECT_EQ(err(qc_by({all[0], all[1], all[2]}).verify_joint(kChain, s, s)), "ok");
  // A signer in neither set.
  EXPECT_EQ(err(qc_by({all[1], all[2], all[3], all[4], test_key(50)}).verify_joint(kChain, s, t)),
            "finality.signer_not_in_set");
  // A signer of S' only is not in S: the single-set check refuses it.
  EXPECT_EQ(err(qc_by({all[1], all[2], all[3], all[4]}).verify(kChain, s)), "finality.signer_not_in_set");
  // Bad signature and bad sets are still found.
  auto bad = qc_by({all[1], all[2], all[3], all[4]});
  bad.signers[0].second.bytes[0] ^= 1;
  EXPECT_EQ(err(bad.verify_joint(kChain, s, t)), "finality.bad_signature");
  auto t2 = t;
  t2.push_back(t[0]);
  EXPECT_EQ(err(qc_by(all).verify_joint(kChain, s, t2)), "finality.bad_producer_set");
  EXPECT_EQ(err(qc_by(all).verify_joint(kChain, t2, s)), "finality.bad_producer_set");
}

TEST(QcBuilderTest, ReachesQuorumAtQAndProducesAValidQc) {
  auto keys = test_keys(0, 7);
  auto set = public_keys(keys);
  QcBuilder b(kChain, kVote, set);
  for (size_t i = 0; i < quorum(7); ++i) {
    EXPECT_FALSE(b.has_quorum()) << i;
    EXPECT_FALSE(b.certificate().has_value());
    auto r = b.add(SignedVote::sign(kChain, kVote, keys[6 - i]));  // any order in, sorted out
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, QcBuilder::Added::kAdded);
  }
  EXPECT_TRUE(b.has_quorum());
  auto qc = b.certificate();
  ASSERT_TRUE(qc);
  EXPECT_EQ(qc->signers.size(), quorum(7));
  EXPECT_EQ(err(qc->verify(kChain, set)), "ok");
  EXPECT_TRUE(QuorumCertificate::decode(qc->encode()));
}

TEST(QcBuilderTest, DuplicatesAreIgnoredAndBadVotesRefused) {
  auto keys = test_keys(0, 4);
  QcBuilder b(kChain, kVote, public_keys(keys));
  SignedVote v0 = SignedVote::sign(kChain, kVote, keys[0]);
  ASSERT_EQ(*b.add(v0), QcBuilder::Added::kAdded);
  EXPECT_EQ(*b.add(v0), QcBuilder::Added::kDuplicate);
  EXPECT_EQ(*b.add(SignedVote::sign(kChain, kVote, keys[0])), QcBuilder::Added::kDuplicate);
  EXPECT_EQ(b.size(), 1u);

  auto other_vote = b.add(SignedVote::sign(kChain, Vote{40, 33, id_of("b40'"), 39}, keys[1]));
  ASSERT_FALSE(other_vote);
  EXPECT_EQ(other_vote.error().name, "finality.wrong_vote");
  auto outsider = b.add(SignedVote::sign(kChain, kVote, test_key(77)));
  ASSERT_FALSE(outsider);
  EXPECT_EQ(outsider.error().name, "finality.signer_not_in_set");
  SignedVote forged = SignedVote::sign(kChain, kVote, keys[1]);
  forged.signature.bytes[0] ^= 1;
  auto bad = b.add(forged);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().name, "finality.bad_signature");
  auto wrong_chain = b.add(SignedVote::sign(kOtherChain, kVote, keys[1]));
  ASSERT_FALSE(wrong_chain);
  EXPECT_EQ(wrong_chain.error().name, "finality.bad_signature");
  EXPECT_EQ(b.size(), 1u);  // nothing refused was kept
  // The real vote by keys[1] is still accepted afterwards.
  EXPECT_EQ(*b.add(SignedVote::sign(kChain, kVote, keys[1])), QcBuilder::Added::kAdded);
  EXPECT_FALSE(b.has_quorum());
}

TEST(QcBuilderTest, JointQuorumNeedsBothSets) {
  auto all = test_keys(0, 6);
  std::vector<PublicKey> s = public_keys(first(all, 4));
  std::vector<PublicKey> t = public_keys({all[2], all[3], all[4], all[5]});
  QcBuilder b(kChain, kVote, s, t);
  for (size_t i : {0u, 1u, 2u}) ASSERT_TRUE(b.add(SignedVote::sign(kChain, kVote, all[i])));
  EXPECT_FALSE(b.has_quorum());  // 3 of S, 1 of S'
  ASSERT_TRUE(b.add(SignedVote::sign(kChain, kVote, all[5])));  // a key of S' only is a member
  EXPECT_FALSE(b.has_quorum());  // 3 of S, 2 of S'
  ASSERT_TRUE(b.add(SignedVote::sign(kChain, kVote, all[3])));  // shared: counts for both
  ASSERT_TRUE(b.has_quorum());
  EXPECT_EQ(err(b.certificate()->verify_joint(kChain, s, t)), "ok");
}

}  // namespace
}  // namespace lingji::chain::finality
