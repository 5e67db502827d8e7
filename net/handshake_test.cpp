// handshake_test.cpp: the handshake proof (net/handshake.h): it verifies for the connection it
// was made for and for no other: not replayed on a new nonce, not relayed by a man in the middle
// to a third node, not on another chain, not by another key.
#include "net/handshake.h"

#include <gtest/gtest.h>

#include "net/identity.h"
#include "net/net_errors.h"

namespace lingji::net {
namespace {

core::Hash256 filled(uint8_t b) {
  core::Hash256 h;
  h.bytes.fill(b);
  return h;
}

Hello hello_of(const core::PrivateKey& k, uint8_t nonce, uint8_t chain = 1) {
  return Hello{2, filled(chain), k.public_key(), 0, {}, filled(nonce)};
}

int code(const core::Status& st) { return st ? 0 : st.error().code; }

TEST(HandshakeTest, AProofVerifiesForItsOwnConnectionOnly) {
  const core::PrivateKey x = random_identity(), v = random_identity();
  const Hello hx = hello_of(x, 10), hv = hello_of(v, 20);
  const core::Bytes proof = encode_auth(x, hx, hv);
  ASSERT_EQ(proof.size(), kAuthFrameLimit);
  EXPECT_EQ(code(check_auth(proof, hx, hv)), 0);
  // Replayed on a later connection: v's nonce is new.
  EXPECT_EQ(code(check_auth(proof, hx, hello_of(v, 21))), kNetBadAuth);
  // Claimed by another key.
  const core::PrivateKey m = random_identity();
  Hello claimed = hx;
  claimed.node_id = m.public_key();
  EXPECT_EQ(code(check_auth(proof, claimed, hv)), kNetBadAuth);
  // Another chain.
  EXPECT_EQ(code(check_auth(proof, hello_of(x, 10, 2), hello_of(v, 20, 2))), kNetBadAuth);
  // Not a signature at all.
  EXPECT_EQ(code(check_auth(core::Bytes(63, 0), hx, hv)), kNetProtocolViolation);
}

TEST(HandshakeTest, AManInTheMiddleCannotRelayAProofToAThirdNode) {
  // m dials v claiming to be x, takes v's nonce, and hands it to x as its own nonce on a
  // connection x made (or accepted) with m. x signs for m, as whom m really is.
  const core::PrivateKey x = random_identity(), v = random_identity(), m = random_identity();
  const Hello hv = hello_of(v, 30);
  Hello m_to_x = hello_of(m, 30);  // v's nonce, m's identity
  const core::Bytes proof = encode_auth(x, hello_of(x, 40), m_to_x);
  EXPECT_EQ(code(check_auth(proof, hello_of(x, 40), m_to_x)), 0);  // good for m...
  EXPECT_EQ(code(check_auth(proof, hello_of(x, 40), hv)), kNetBadAuth);  // ...not for v
}

TEST(HandshakeTest, AuthMessageLayout) {
  const core::PrivateKey x = random_identity(), v = random_identity();
  const core::Bytes msg = auth_message(hello_of(x, 1), hello_of(v, 2));
  const std::string domain = "LINGJI/P2P-AUTH/v1";
  ASSERT_EQ(msg.size(), domain.size() + 5 * 32);
  EXPECT_EQ(std::string(msg.begin(), msg.begin() + static_cast<ptrdiff_t>(domain.size())), domain);
  const auto at = [&](size_t i) { return core::Hash256::from(core::ByteView(msg).subspan(domain.size() + 32 * i, 32)); };
  EXPECT_EQ(at(0), filled(1));  // chain id
  EXPECT_EQ(at(1), x.public_key());
  EXPECT_EQ(at(2), v.public_key());
  EXPECT_EQ(at(3), filled(2));  // the verifier's nonce
  EXPECT_EQ(at(4), filled(1));  // the signer's nonce
}

}  // namespace
}  // namespace lingji::net
