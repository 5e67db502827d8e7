// evidence_test.cpp: evidence of equivocating votes (DoubleVoteEvidence) and blocks (DoubleBlockEvidence).
#include <gtest/gtest.h>

#include "chain/finality/evidence.h"
#include "chain/finality/finality_test_util.h"

namespace lingji::chain::finality {
namespace {

using namespace test_util;

std::string err(const core::Status& st) { return st ? "ok" : st.error().name; }

const Vote kV1{9, 8, id_of("b9"), 8};
const Vote kV2{9, 8, id_of("b9'"), 7};

DoubleVoteEvidence evidence(const core::PrivateKey& k1, const Vote& v1, const core::PrivateKey& k2, const Vote& v2) {
  return DoubleVoteEvidence::make(SignedVote::sign(kChain, v1, k1), SignedVote::sign(kChain, v2, k2));
}

TEST(DoubleVoteEvidenceTest, ValidEvidenceAndItsOneEncoding) {
  auto k = test_key(1);
  DoubleVoteEvidence e = evidence(k, kV1, k, kV2);
  EXPECT_EQ(err(e.verify(kChain)), "ok");
  EXPECT_LT(e.a.vote.block_id, e.b.vote.block_id);
  // The same pair in either order gives one encoding.
  EXPECT_EQ(evidence(k, kV2, k, kV1), e);
  Bytes bytes = e.encode();
  ASSERT_EQ(bytes.size(), 2 * kSignedVoteBytes);
  auto back = DoubleVoteEvidence::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
  EXPECT_EQ(err(back->verify(kChain)), "ok");
  // The other order does not decode, and does not verify.
  DoubleVoteEvidence swapped{e.b, e.a};
  EXPECT_EQ(DoubleVoteEvidence::decode(swapped.encode()).error().name, "finality.not_equivocation");
  EXPECT_EQ(err(swapped.verify(kChain)), "finality.not_equivocation");
  for (size_t len = 0; len < bytes.size(); ++len) ASSERT_FALSE(DoubleVoteEvidence::decode(ByteView(bytes).first(len)));
  bytes.push_back(1);
  EXPECT_EQ(DoubleVoteEvidence::decode(bytes).error().name, "finality.malformed");
}

TEST(DoubleVoteEvidenceTest, InvalidCases) {
  auto k = test_key(1);
  EXPECT_EQ(err(evidence(k, kV1, test_key(2), kV2).verify(kChain)), "finality.not_equivocation");  // two keys
  Vote later = kV2;
  later.slot = 10;
  EXPECT_EQ(err(evidence(k, kV1, k, later).verify(kChain)), "finality.not_equivocation");  // two slots
  Vote same_block = kV1;
  same_block.height = 99;  // same block id: not two blocks (and not an honest pair either)
  EXPECT_EQ(err(evidence(k, kV1, k, same_block).verify(kChain)), "finality.not_equivocation");
  DoubleVoteEvidence e = evidence(k, kV1, k, kV2);
  EXPECT_EQ(err(e.verify(kOtherChain)), "finality.bad_signature");
  DoubleVoteEvidence forged = e;
  forged.b.signature.bytes[10] ^= 1;
  EXPECT_EQ(err(forged.verify(kChain)), "finality.bad_signature");
  forged = e;
  forged.a.vote.justify_slot++;  // tampered field under a genuine signature
  EXPECT_EQ(err(forged.verify(kChain)), "finality.bad_signature");
  EXPECT_EQ(forged.verify(kChain).error().code, 2702);
}

// A block header of `slot` by k, told apart by its state root.
SignedHeader header(uint64_t slot, const core::PrivateKey& k, const std::string& body, const Hash256& chain = kChain) {
  BlockHeader h;
  h.height = 7;
  h.previous = id_of("parent");
  h.slot = slot;
  h.timestamp = 1'000 * static_cast<TimeMs>(slot);
  h.producer = k.public_key();
  h.state_root = id_of(body);
  return SignedHeader::sign(chain, h, k);
}

TEST(DoubleBlockEvidenceTest, ValidEvidenceAndItsOneEncoding) {
  auto k = test_key(3);
  DoubleBlockEvidence e = DoubleBlockEvidence::make(header(12, k, "two"), header(12, k, "one"));
  EXPECT_EQ(err(e.verify(kChain)), "ok");
  EXPECT_LT(e.a.header.id(), e.b.header.id());
  EXPECT_EQ(DoubleBlockEvidence::make(header(12, k, "one"), header(12, k, "two")), e);
  Bytes bytes = e.encode();
  ASSERT_EQ(bytes.size(), 2 * (BlockHeader::kEncodedBytes + 64));
  auto back = DoubleBlockEvidence::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
  EXPECT_EQ(err(back->verify(kChain)), "ok");
  DoubleBlockEvidence swapped{e.b, e.a};
  EXPECT_EQ(DoubleBlockEvidence::decode(swapped.encode()).error().name, "finality.not_equivocation");
  EXPECT_EQ(err(swapped.verify(kChain)), "finality.not_equivocation");
  for (size_t len = 0; len < bytes.size(); ++len) ASSERT_FALSE(DoubleBlockEvidence::decode(ByteView(bytes).first(len)));
  bytes.push_back(0);
  EXPECT_EQ(DoubleBlockEvidence::decode(bytes).error().name, "finality.malformed");
}

TEST(DoubleBlockEvidenceTest, InvalidCases) {
  auto k = test_key(3);
  // Two producers, two slots, one block twice.
  EXPECT_EQ(err(DoubleBlockEvidence::make(header(12, k, "a"), header(12, test_key(4), "b")).verify(kChain)),
            "finality.not_equivocation");
  EXPECT_EQ(err(DoubleBlockEvidence::make(header(12, k, "a"), header(13, k, "b")).verify(kChain)),
            "finality.not_equivocation");
  EXPECT_EQ(err(DoubleBlockEvidence::make(header(12, k, "a"), header(12, k, "a")).verify(kChain)),
            "finality.not_equivocation");
  DoubleBlockEvidence e = DoubleBlockEvidence::make(header(12, k, "one"), header(12, k, "two"));
  // Signed for another chain; a flipped signature bit; a field changed under a genuine signature.
  EXPECT_EQ(err(DoubleBlockEvidence::make(header(12, k, "one", kOtherChain), header(12, k, "two", kOtherChain))
                    .verify(kChain)),
            "finality.bad_signature");
  DoubleBlockEvidence forged = e;
  forged.b.signature.bytes[0] ^= 1;
  EXPECT_EQ(err(forged.verify(kChain)), "finality.bad_signature");
  forged = e;
  forged.a.header.tx_count = 5;
  forged = DoubleBlockEvidence::make(forged.a, forged.b);
  EXPECT_EQ(err(forged.verify(kChain)), "finality.bad_signature");
  // Headers that claim the key of another producer (signed by k): bad signature, not evidence against it.
  SignedHeader x = header(12, k, "x"), y = header(12, k, "y");
  x.header.producer = y.header.producer = test_key(5).public_key();
  EXPECT_EQ(err(DoubleBlockEvidence::make(x, y).verify(kChain)), "finality.bad_signature");
}

}  // namespace
}  // namespace lingji::chain::finality
