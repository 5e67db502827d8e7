// vote_test.cpp: vote signing bytes, signatures and the strict signed-vote codec. The committed
// vectors in tests/vectors/finality_vectors.json were computed by an independent implementation
// (Python: struct + hashlib + cryptography's Ed25519) and pin the signing bytes and signatures.
#include <gtest/gtest.h>

#include <fstream>  // purity-ok: tests read committed vector files
#include <nlohmann/json.hpp>

#include "chain/finality/finality_test_util.h"
#include "chain/finality/vote.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

using namespace test_util;
using Json = nlohmann::json;

Bytes H(const std::string& hex) {
  auto b = core::from_hex(hex);
  EXPECT_TRUE(b.has_value()) << hex;
  return b.value_or(Bytes{});
}
std::string S(const Json& j, const char* f) { return j.at(f).get<std::string>(); }

const Vote kVote{17, 12, id_of("b17"), 16};

TEST(FinalityVoteTest, SigningBytesAreDomainChainIdThenFields) {
  Bytes sb = vote_signing_bytes(kChain, kVote);
  ASSERT_EQ(sb.size(), kVoteSigningDomain.size() + 32 + kVoteBytes);
  EXPECT_EQ(std::string(sb.begin(), sb.begin() + 14), "LINGJI/VOTE/v1");
  EXPECT_TRUE(std::equal(kChain.bytes.begin(), kChain.bytes.end(), sb.begin() + 14));
  Bytes enc = kVote.encode();
  ASSERT_EQ(enc.size(), kVoteBytes);
  EXPECT_TRUE(std::equal(enc.begin(), enc.end(), sb.begin() + 46));
  EXPECT_EQ(enc[0], 17);  // little-endian, as core/codec.h
  EXPECT_EQ(enc[8], 12);
  EXPECT_EQ(enc[48], 16);
}

TEST(FinalityVoteTest, SignVerifyAndEveryTamperFails) {
  auto key = test_key(1);
  SignedVote v = SignedVote::sign(kChain, kVote, key);
  EXPECT_EQ(v.voter, key.public_key());
  EXPECT_TRUE(v.verify(kChain));
  EXPECT_EQ(SignedVote::sign(kChain, kVote, key), v);  // deterministic

  EXPECT_FALSE(v.verify(kOtherChain));  // bound to its chain
  auto tampered = [&](auto change) {
    SignedVote t = v;
    change(t);
    return t.verify(kChain);
  };
  EXPECT_FALSE(tampered([](SignedVote& t) { t.vote.slot++; }));
  EXPECT_FALSE(tampered([](SignedVote& t) { t.vote.height++; }));
  EXPECT_FALSE(tampered([](SignedVote& t) { t.vote.block_id.bytes[31] ^= 1; }));
  EXPECT_FALSE(tampered([](SignedVote& t) { t.vote.justify_slot++; }));
  EXPECT_FALSE(tampered([&](SignedVote& t) { t.voter = test_key(2).public_key(); }));
  for (size_t i = 0; i < 64; i += 9) {
    EXPECT_FALSE(tampered([i](SignedVote& t) { t.signature.bytes[i] ^= 0x40; })) << i;
  }
  EXPECT_FALSE(tampered([](SignedVote& t) { t.signature = Signature{}; }));
}

TEST(FinalityVoteTest, EncodingRoundTripsAndIsStrict) {
  SignedVote v = SignedVote::sign(kChain, Vote{UINT64_MAX, UINT64_MAX, id_of("x"), UINT64_MAX - 1}, test_key(3));
  Bytes bytes = v.encode();
  ASSERT_EQ(bytes.size(), kSignedVoteBytes);
  auto back = SignedVote::decode(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, v);
  EXPECT_TRUE(back->verify(kChain));
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = SignedVote::decode(ByteView(bytes).first(len));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().name, "finality.malformed");
    EXPECT_EQ(r.error().code, 2701);
  }
  bytes.push_back(0);
  auto r = SignedVote::decode(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "finality.malformed");
}

TEST(FinalityVoteTest, CommittedVectorsReproduce) {
  std::ifstream f(LINGJI_SOURCE_DIR "/tests/vectors/finality_vectors.json");
  ASSERT_TRUE(f.good()) << "cannot open tests/vectors/finality_vectors.json";
  Json vectors = Json::parse(f);
  ASSERT_EQ(vectors.size(), 3u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(S(v, "name"));
    const Json& o = v.at("object");
    ASSERT_EQ(S(o, "type"), "vote");
    Hash256 chain_id = Hash256::from(H(S(o, "chain_id"))).value();
    Vote vote{std::stoull(S(o, "slot")), std::stoull(S(o, "height")), Hash256::from(H(S(o, "block_id"))).value(),
              std::stoull(S(o, "justify_slot"))};
    EXPECT_EQ(core::to_hex(vote.encode()), S(v, "bytes"));
    EXPECT_EQ(core::to_hex(vote_signing_bytes(chain_id, vote)), S(v, "signing_bytes"));
    core::PrivateKey key = dev_key(S(v, "signer"));
    EXPECT_EQ(key.public_key().hex(), S(v, "voter"));
    SignedVote sv = SignedVote::sign(chain_id, vote, key);
    EXPECT_EQ(sv.signature.hex(), S(v, "signature"));
    EXPECT_EQ(core::to_hex(sv.encode()), S(v, "signed_vote"));
    auto decoded = SignedVote::decode(H(S(v, "signed_vote")));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, sv);
    EXPECT_TRUE(decoded->verify(chain_id));
  }
}

}  // namespace
}  // namespace lingji::chain::finality
