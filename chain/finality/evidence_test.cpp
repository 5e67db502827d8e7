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

// A stand-in header format for the generic DoubleBlockEvidence check: "slot:producer-hex:body" signed
// as is. The real one will use BlockHeader once it carries a slot.
SignedHeader header(uint64_t slot, const core::PrivateKey& k, const std::string& body) {
  std::string text = std::to_string(slot) + ":" + k.public_key().hex() + ":" + body;
  Bytes bytes(text.begin(), text.end());
  return SignedHeader{slot, k.public_key(), bytes, k.sign(bytes)};
}
core::Status check(const Hash256&, const SignedHeader& h) {
  std::string expected_prefix = std::to_string(h.slot) + ":" + h.producer.hex() + ":";
  if (std::string(h.header.begin(), h.header.end()).rfind(expected_prefix, 0) != 0)
    return core::make_error(2310, "block.malformed", "slot or producer do not match the header");
  if (!core::verify(h.producer, h.header, h.signature))
    return core::make_error(2305, "block.bad_signature", "bad signature");
  return core::Ok();
}

TEST(DoubleBlockEvidenceTest, ValidInvalidAndCanonical) {
  auto k = test_key(3);
  DoubleBlockEvidence e = DoubleBlockEvidence::make(header(12, k, "two"), header(12, k, "one"));
  EXPECT_EQ(err(e.verify(kChain, check)), "ok");
  Bytes bytes = e.encode();
  auto back = DoubleBlockEvidence::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, e);
  EXPECT_EQ(DoubleBlockEvidence::decode(DoubleBlockEvidence{e.b, e.a}.encode()).error().name,
            "finality.not_equivocation");
  bytes.push_back(0);
  EXPECT_EQ(DoubleBlockEvidence::decode(bytes).error().name, "finality.malformed");

  EXPECT_EQ(err(DoubleBlockEvidence::make(header(12, k, "a"), header(12, test_key(4), "b")).verify(kChain, check)),
            "finality.not_equivocation");
  EXPECT_EQ(err(DoubleBlockEvidence::make(header(12, k, "a"), header(13, k, "b")).verify(kChain, check)),
            "finality.not_equivocation");
  EXPECT_EQ(err(DoubleBlockEvidence::make(header(12, k, "a"), header(12, k, "a")).verify(kChain, check)),
            "finality.not_equivocation");
  DoubleBlockEvidence forged = e;
  forged.b.signature.bytes[0] ^= 1;
  EXPECT_EQ(err(forged.verify(kChain, check)), "block.bad_signature");
  forged = e;
  forged.a.slot = 11;  // claims a slot its header does not have
  forged.b.slot = 11;
  EXPECT_EQ(err(forged.verify(kChain, check)), "block.malformed");
}

}  // namespace
}  // namespace lingji::chain::finality
