// frame_test.cpp: golden bytes of the P2P wire format and the header checks that run before a
// payload is read (net/frame.h).
#include "net/frame.h"

#include <gtest/gtest.h>

#include "net/net_errors.h"

namespace lingji::net {
namespace {

core::Hash256 filled(uint8_t b) {
  core::Hash256 h;
  h.bytes.fill(b);
  return h;
}

PayloadLimits app_limits() {
  PayloadLimits l{};
  l[16] = 1024;
  l[255] = 1;
  return l;
}

TEST(FrameTest, EncodeIsLengthTypePayloadBigEndian) {
  EXPECT_EQ(core::to_hex(encode_frame(16, core::as_bytes("abc"))), "0000000410616263");
  EXPECT_EQ(core::to_hex(encode_frame(3, {})), "0000000103");
}

TEST(FrameTest, HeaderDecodes) {
  const FrameHeader h = decode_frame_header({0x01, 0x02, 0x03, 0x04, 0x10});
  EXPECT_EQ(h.length, 0x01020304u);
  EXPECT_EQ(h.type, 16);
  EXPECT_EQ(h.payload_size(), 0x01020303u);
  EXPECT_EQ(decode_frame_header({0, 0, 0, 0, 1}).payload_size(), 0u);
}

TEST(FrameTest, HeaderChecksLimitsBeforeThePayload) {
  const PayloadLimits l = app_limits();
  EXPECT_TRUE(check_frame_header({1025, 16}, l).ok());  // 1024 payload bytes: the limit
  const core::Status over = check_frame_header({1026, 16}, l);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, kNetProtocolViolation);
  EXPECT_EQ(over.error().name, "net.protocol_violation");
  EXPECT_FALSE(check_frame_header({0xffffffff, 16}, l).ok());
  EXPECT_FALSE(check_frame_header({0, 16}, l).ok());     // no room for the type byte
  EXPECT_FALSE(check_frame_header({1, 17}, l).ok());     // limit 0: not allowed
  EXPECT_TRUE(check_frame_header({2, 255}, l).ok());
  EXPECT_FALSE(check_frame_header({3, 255}, l).ok());
  for (int t : {0, 6, 9, 15}) {  // reserved, even if the app array has a value there
    PayloadLimits with_reserved = l;
    with_reserved[static_cast<size_t>(t)] = 100;
    EXPECT_FALSE(check_frame_header({2, static_cast<uint8_t>(t)}, with_reserved).ok()) << t;
  }
  EXPECT_TRUE(check_frame_header({9, kPing}, l).ok());
  EXPECT_TRUE(check_frame_header({65, kAuth}, l).ok());
  EXPECT_FALSE(check_frame_header({66, kAuth}, l).ok());
  EXPECT_FALSE(check_frame_header({10, kPing}, l).ok());
  EXPECT_TRUE(check_frame_header({kHelloFrameLimit + 1, kHello}, l).ok());
  EXPECT_FALSE(check_frame_header({kHelloFrameLimit + 2, kHello}, l).ok());
  EXPECT_TRUE(check_frame_header({kGoodbyeFrameLimit + 1, kGoodbye}, l).ok());
  EXPECT_FALSE(check_frame_header({kGoodbyeFrameLimit + 2, kGoodbye}, l).ok());
}

TEST(FrameTest, HelloGoldenBytesAndRoundTrip) {
  Hello h{7, filled(0xaa), filled(0xbb), 0x1f90, {0x01, 0x02}, filled(0xcc)};
  const core::Bytes enc = encode_hello(h);
  EXPECT_EQ(core::to_hex(enc), "4c4a5032" "00000007" + std::string(64, 'a') + std::string(64, 'b') +
                                   std::string(64, 'c') + "1f90" "0002" "0102");
  auto dec = decode_hello(enc, 7);
  ASSERT_TRUE(dec.ok()) << dec.error().message;
  EXPECT_EQ(dec->version, 7u);
  EXPECT_EQ(dec->chain_id, filled(0xaa));
  EXPECT_EQ(dec->node_id, filled(0xbb));
  EXPECT_EQ(dec->nonce, filled(0xcc));
  EXPECT_EQ(dec->listen_port, 0x1f90);
  EXPECT_EQ(dec->status, (core::Bytes{1, 2}));
}

TEST(FrameTest, HelloStatusEdges) {
  Hello h{1, filled(1), filled(2), 0, core::Bytes(kMaxStatusBytes, 0x55), filled(3)};
  core::Bytes enc = encode_hello(h);
  EXPECT_EQ(enc.size(), 364u);
  ASSERT_TRUE(decode_hello(enc, 1).ok());
  // 257 status bytes: announced length over the limit.
  h.status.push_back(0);
  auto too_long = decode_hello(encode_hello(h), 1);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, kNetProtocolViolation);
  h.status.clear();
  EXPECT_TRUE(decode_hello(encode_hello(h), 1).ok());
}

TEST(FrameTest, HelloErrors) {
  const core::Bytes good = encode_hello({1, filled(1), filled(2), 9, {7}, filled(3)});
  auto code_of = [](const core::Bytes& b, uint32_t version) {
    auto r = decode_hello(b, version);
    return r.ok() ? 0 : r.error().code;
  };
  EXPECT_EQ(code_of(good, 1), 0);
  core::Bytes magic = good;
  magic[3] = '3';
  EXPECT_EQ(code_of(magic, 1), kNetWrongMagic);
  EXPECT_EQ(code_of(core::Bytes(good.begin(), good.begin() + 7), 1), kNetWrongMagic);
  EXPECT_EQ(code_of(good, 2), kNetWrongVersion);
  // Another version's layout is not parsed: a bare magic + version is "wrong version", not bad.
  EXPECT_EQ(code_of(core::Bytes(good.begin(), good.begin() + 8), 2), kNetWrongVersion);
  EXPECT_EQ(code_of(core::Bytes(good.begin(), good.end() - 1), 1), kNetProtocolViolation);
  core::Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(code_of(trailing, 1), kNetProtocolViolation);
  EXPECT_EQ(code_of({}, 1), kNetWrongMagic);
}

TEST(FrameTest, GoodbyeGoldenBytesAndLimits) {
  EXPECT_EQ(core::to_hex(encode_goodbye({kNetWrongChain, "no"})), "1395" "6e6f");
  auto g = decode_goodbye(encode_goodbye({kNetShutdown, ""}));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->code, kNetShutdown);
  EXPECT_EQ(g->text, "");
  // Long text is cut on encode, so what we send always decodes.
  const core::Bytes cut = encode_goodbye({kNetShutdown, std::string(300, 'x')});
  EXPECT_EQ(cut.size(), 2 + kMaxGoodbyeText);
  EXPECT_TRUE(decode_goodbye(cut).ok());
  core::Bytes over = cut;
  over.push_back('x');
  EXPECT_FALSE(decode_goodbye(over).ok());
  EXPECT_FALSE(decode_goodbye(core::Bytes{0x13}).ok());
}

TEST(FrameTest, PingIsEightBytes) {
  EXPECT_EQ(core::to_hex(encode_ping(0x0102030405060708)), "0102030405060708");
  auto n = decode_ping(encode_ping(42));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 42u);
  EXPECT_FALSE(decode_ping(core::Bytes(7, 0)).ok());
  EXPECT_FALSE(decode_ping(core::Bytes(9, 0)).ok());
}

TEST(FrameTest, ErrorNamesAreStable) {
  EXPECT_EQ(net_error_name(kNetBindFailed), "net.bind_failed");
  EXPECT_EQ(net_error_name(kNetBadAddress), "net.bad_address");
  EXPECT_EQ(net_error_name(kNetWrongChain), "net.wrong_chain");
  EXPECT_EQ(net_error_name(kNetProtocolViolation), "net.protocol_violation");
  EXPECT_EQ(net_error_name(kNetBanned), "net.banned");
  EXPECT_EQ(net_error_name(5099), "net.unknown");
  EXPECT_EQ(kNetBindFailed, 5001);
  EXPECT_EQ(kNetBadAddress, 5002);
}

}  // namespace
}  // namespace lingji::net
