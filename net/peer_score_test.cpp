// peer_score_test.cpp: the misbehaviour score, the token bucket and the bounded ban list
// (net/peer_score.h, net/peer_rules.h), with a hand-driven clock.
#include "net/peer_score.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

#include "net/identity.h"
#include "net/net_errors.h"

namespace lingji::net {
namespace {

using std::chrono::milliseconds;
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1);

TEST(PeerScoreTest, PointsAddUpAndDecay) {
  PeerScore s;
  EXPECT_FALSE(s.add(misbehaviour_points(kNetMalformedMessage), t0));
  EXPECT_EQ(s.value(t0), 50);
  EXPECT_EQ(s.value(t0 + milliseconds(1000)), 40);  // kDecayPerSecond
  EXPECT_TRUE(s.add(misbehaviour_points(kNetMalformedMessage), t0));
  // After a quiet spell the same fault does not ban.
  PeerScore q;
  EXPECT_FALSE(q.add(50, t0));
  EXPECT_FALSE(q.add(50, t0 + milliseconds(5000)));
  EXPECT_EQ(q.value(t0 + milliseconds(5000)), 50);
  EXPECT_EQ(q.value(t0 + std::chrono::hours(1000)), 0);
}

TEST(PeerScoreTest, PointsPerReason) {
  EXPECT_EQ(misbehaviour_points(kNetRejectedTx), 1);
  EXPECT_EQ(misbehaviour_points(kNetRateLimited), 5);
  EXPECT_EQ(misbehaviour_points(kNetUnsolicited), 20);
  EXPECT_EQ(misbehaviour_points(kNetMalformedMessage), 50);
  EXPECT_EQ(misbehaviour_points(kNetBadAuth), kBanScore);
  EXPECT_EQ(misbehaviour_points(kNetIdleTimeout), 0);
  // A steady trickle of rejected transactions under the decay never bans.
  PeerScore s;
  for (int i = 0; i < 10'000; ++i) EXPECT_FALSE(s.add(1, t0 + milliseconds(100 * i))) << i;
}

TEST(PeerScoreTest, TokenBucketAllowsBurstThenRate) {
  TokenBucket b(10, 20);
  int taken = 0;
  while (b.take(t0)) ++taken;
  EXPECT_EQ(taken, 20);
  EXPECT_EQ(b.wait(t0), milliseconds(101));
  EXPECT_FALSE(b.take(t0 + milliseconds(99)));
  EXPECT_TRUE(b.take(t0 + milliseconds(100)));
  EXPECT_FALSE(b.take(t0 + milliseconds(100)));
  taken = 0;
  while (b.take(t0 + std::chrono::hours(1))) ++taken;
  EXPECT_EQ(taken, 20);  // never more than the burst
}

// A budget of bytes (get_blocks answers): the cost is known after the work, so a spend may
// overdraw, and nothing is available again until the rate has paid the debt back.
TEST(PeerScoreTest, TokenBucketSpendsAfterTheWorkAndRepaysAnOverdraft) {
  TokenBucket b(1000, 2000);
  EXPECT_EQ(b.available(t0), 2000);
  b.spend(2500);
  EXPECT_EQ(b.available(t0), -500);
  EXPECT_EQ(b.available(t0 + milliseconds(499)), -1);
  EXPECT_EQ(b.available(t0 + milliseconds(600)), 100);
  EXPECT_EQ(b.available(t0 + std::chrono::hours(1)), 2000);  // never more than the burst
}

TEST(PeerScoreTest, BanListIsBoundedAndDropsTheSoonestExpiry) {
  BanList bans(3);
  bans.ban("a", t0 + milliseconds(300));
  bans.ban("b", t0 + milliseconds(100));
  bans.ban("c", t0 + milliseconds(200));
  bans.ban("d", t0 + milliseconds(400));
  EXPECT_EQ(bans.size(), 3u);
  EXPECT_FALSE(bans.is_banned("b", t0));
  EXPECT_TRUE(bans.is_banned("a", t0));
  EXPECT_TRUE(bans.is_banned("d", t0));
  EXPECT_FALSE(bans.is_banned("d", t0 + milliseconds(400)));  // expired and removed
  EXPECT_EQ(bans.size(), 2u);
  EXPECT_NE(identity_ban_key(core::Hash256{}), "0.0.0.0");
}

TEST(IdentityTest, CreatedOnceWithMode0600AndReadBack) {
  const auto dir = std::filesystem::temp_directory_path() / ("lingji-identity-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto path = dir / "p2p_identity.key";
  auto created = load_or_create_identity(path);
  ASSERT_TRUE(created.ok()) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = load_or_create_identity(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), created->public_key());
  ::chmod(path.c_str(), 0644);
  auto leaked = load_or_create_identity(path);
  ASSERT_FALSE(leaked.ok());
  EXPECT_EQ(leaked.error().code, kNetBadIdentity);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lingji::net
