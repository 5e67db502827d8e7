// peer_rules_test.cpp: address parsing, dial backoff, the ban list and the duplicate-connection
// rule (net/peer_rules.h).
#include "net/peer_rules.h"

#include <gtest/gtest.h>

#include "net/net_errors.h"

namespace lingji::net {
namespace {

using std::chrono::milliseconds;

TEST(PeerRulesTest, ParsesHostPort) {
  auto a = parse_host_port("127.0.0.1:8781", false);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8781);
  auto v6 = parse_host_port("[::1]:1", false);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 1);
  auto name = parse_host_port("seed.example:65535", false);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->port, 65535);
  auto any = parse_host_port("0.0.0.0:0", true);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->port, 0);
}

TEST(PeerRulesTest, RejectsBadAddresses) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":80", "h:65536", "h:0", "h:-1", "h:8a",
                          "h:123456", "::1:80", "[]:80"}) {
    auto r = parse_host_port(bad, false);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, kNetBadAddress) << bad;
    EXPECT_EQ(r.error().name, "net.bad_address");
  }
}

TEST(PeerRulesTest, BackoffDoublesToFiveSecondsAndResets) {
  Backoff b;
  std::vector<long> seen;
  for (int i = 0; i < 9; ++i) seen.push_back(static_cast<long>(b.next().count()));
  EXPECT_EQ(seen, (std::vector<long>{500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000}));
  b.reset();
  EXPECT_EQ(b.next(), milliseconds(500));
}

TEST(PeerRulesTest, BanExpiresAndNeverShortens) {
  BanList bans;
  const Clock::time_point t0 = Clock::now();
  bans.ban("127.0.0.2", t0 + milliseconds(100));
  EXPECT_TRUE(bans.is_banned("127.0.0.2", t0));
  EXPECT_TRUE(bans.is_banned("127.0.0.2", t0 + milliseconds(99)));
  EXPECT_FALSE(bans.is_banned("127.0.0.1", t0));
  bans.ban("127.0.0.2", t0 + milliseconds(50));  // an earlier expiry keeps the later one
  EXPECT_TRUE(bans.is_banned("127.0.0.2", t0 + milliseconds(99)));
  EXPECT_FALSE(bans.is_banned("127.0.0.2", t0 + milliseconds(100)));
  EXPECT_EQ(bans.size(), 0u);  // the expired entry was removed
}

TEST(PeerRulesTest, DuplicateRuleAgreesAtBothEnds) {
  core::Hash256 small, big;
  small.bytes[0] = 1;
  big.bytes[0] = 2;
  // Connection X dialled by small, Y dialled by big. Seen from small: X outbound, Y inbound.
  // Both ends must keep X whichever arrived first.
  // At small: existing X (outbound), new Y (inbound) -> keep existing.
  EXPECT_FALSE(keep_new_connection(small, big, /*existing_inbound=*/false, /*new_inbound=*/true));
  // At small: existing Y (inbound), new X (outbound) -> keep new.
  EXPECT_TRUE(keep_new_connection(small, big, true, false));
  // At big: X is inbound, Y outbound.
  EXPECT_FALSE(keep_new_connection(big, small, true, false));  // existing X, new Y
  EXPECT_TRUE(keep_new_connection(big, small, false, true));   // existing Y, new X
  // One node dialled both: keep the first.
  EXPECT_FALSE(keep_new_connection(small, big, false, false));
  EXPECT_FALSE(keep_new_connection(small, big, true, true));
}

}  // namespace
}  // namespace lingji::net
