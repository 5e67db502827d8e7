// vesting_test.cpp: the lock-ups of R2 (cliff after 6 or 12 months, or 10% on each local 15th
// once the listing is declared), the future unlock schedule, what a locked account can spend,
// and the retired DeclareListing operation (the committee declares the listing now:
// chain/governance/governance_test.cpp).
#include "chain/vesting/vesting.h"

#include <gtest/gtest.h>

#include "chain/chain_errors.h"
#include "chain/chain_test_util.h"
#include "chain/executor.h"
#include "chain/token/account.h"
#include "chain/vesting/listing_ops.h"

namespace lingji::chain {
namespace {

using testing::dev_genesis;
using testing::make_transfer;
using testing::make_tx;

constexpr int32_t kTz = 480;  // the chain's zone, +08:00

TimeMs T(std::string_view iso) {
  auto t = core::parse_iso8601(iso);
  EXPECT_TRUE(t) << iso;
  return t ? *t : 0;
}

// The locks that a genesis at `genesis_time` creates, by dev key name.
std::optional<Lock> genesis_lock(TimeMs genesis_time, const char* name) {
  State s;
  (void)s.apply(dev_genesis(genesis_time, kTz).initial_state());
  return load_lock(s, dev_key(name).public_key());
}

TEST(VestingCliffTest, CliffDatesFollowTheLocalCalendar) {
  struct Case { const char* genesis; const char* six; const char* twelve; };
  const Case cases[] = {
      {"2026-08-31T00:00:00+08:00", "2027-02-28T00:00:00+08:00", "2027-08-31T00:00:00+08:00"},
      {"2027-08-31T00:00:00+08:00", "2028-02-29T00:00:00+08:00", "2028-08-31T00:00:00+08:00"},  // leap
      {"2028-02-29T00:00:00+08:00", "2028-08-29T00:00:00+08:00", "2029-02-28T00:00:00+08:00"},
      {"2027-01-31T12:00:00+08:00", "2027-07-31T12:00:00+08:00", "2028-01-31T12:00:00+08:00"},
      {"2026-12-15T09:30:00+08:00", "2027-06-15T09:30:00+08:00", "2027-12-15T09:30:00+08:00"},
      // Aug 31 20:00 UTC is Sept 1 04:00 local: the months count from Sept 1.
      {"2026-08-31T20:00:00Z", "2027-03-01T04:00:00+08:00", "2027-09-01T04:00:00+08:00"},
      // Aug 30 20:00 UTC is Aug 31 04:00 local: Feb 28 local, which is Feb 27 in UTC (a UTC
      // calendar would say Feb 28 20:00Z, 24 hours later).
      {"2026-08-30T20:00:00Z", "2027-02-27T20:00:00Z", "2027-08-30T20:00:00Z"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.genesis);
    TimeMs g = T(c.genesis);
    auto investors = genesis_lock(g, "cornerstone");
    auto dealers = genesis_lock(g, "dealers");
    auto team = genesis_lock(g, "team");
    ASSERT_TRUE(investors && dealers && team);
    EXPECT_EQ(core::format_utc(investors->cliff_end), core::format_utc(T(c.six)));
    EXPECT_EQ(core::format_utc(dealers->cliff_end), core::format_utc(T(c.twelve)));
    EXPECT_EQ(core::format_utc(team->cliff_end), core::format_utc(T(c.twelve)));
  }
  EXPECT_EQ(core::local_date(T("2026-08-30T20:00:00Z"), kTz), (core::CivilDate{2026, 8, 31}));
  EXPECT_EQ(core::local_date(genesis_lock(T("2026-08-30T20:00:00Z"), "cornerstone")->cliff_end, kTz),
            (core::CivilDate{2027, 2, 28}));
}

TEST(VestingCliffTest, AllLockedOneMsBeforeTheCliffAllFreeAtIt) {
  TimeMs g = T("2026-11-01T00:00:00+08:00");
  auto lock = genesis_lock(g, "team");
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->category, Category::kTeam);
  EXPECT_EQ(lock->original, Amount::ct(1'500'000'000));
  EXPECT_EQ(lock->cliff_end, T("2027-11-01T00:00:00+08:00"));
  for (TimeMs t : {g, lock->cliff_end - 1}) {
    EXPECT_EQ(unlocked_at(*lock, t, std::nullopt, kTz), Amount::zero());
    EXPECT_EQ(locked_at(*lock, t, std::nullopt, kTz), lock->original);
  }
  for (TimeMs t : {lock->cliff_end, lock->cliff_end + 1, T("2040-01-01T00:00:00Z")}) {
    EXPECT_EQ(unlocked_at(*lock, t, std::nullopt, kTz), lock->original);
    EXPECT_EQ(locked_at(*lock, t, std::nullopt, kTz), Amount::zero());
  }
}

// A lock whose cliff is far away, so only the listing rule unlocks it.
Lock listing_only_lock(int64_t original_units) {
  return Lock{Category::kTeam, Amount::units(original_units), T("2035-01-01T00:00:00+08:00")};
}

TEST(VestingListingTest, FirstUnlockIsTheFirstLocal15thStrictlyAfterTheDeclaration) {
  const std::pair<const char*, const char*> cases[] = {
      {"2027-01-14T23:59:59+08:00", "2027-01-15T00:00:00+08:00"},
      {"2027-01-15T00:00:00+08:00", "2027-02-15T00:00:00+08:00"},  // exactly at midnight: next month
      {"2027-01-15T10:00:00+08:00", "2027-02-15T00:00:00+08:00"},
      {"2027-01-31T12:00:00+08:00", "2027-02-15T00:00:00+08:00"},
      {"2027-12-20T00:00:00+08:00", "2028-01-15T00:00:00+08:00"},  // across the year end
      {"2027-12-15T00:00:00+08:00", "2028-01-15T00:00:00+08:00"},
      {"2027-01-14T16:00:00Z", "2027-02-15T00:00:00+08:00"},  // the 14th in UTC, the 15th local
      {"2027-01-14T15:59:59Z", "2027-01-15T00:00:00+08:00"},
  };
  for (const auto& [declared, first] : cases) {
    SCOPED_TRACE(declared);
    auto times = listing_unlock_times(Listing{T(declared), "x"}, kTz);
    ASSERT_EQ(times.size(), 10u);
    EXPECT_EQ(core::format_utc(times[0]), core::format_utc(T(first)));
  }
  // One ms before local midnight of the 15th: that midnight is the first unlock.
  auto times = listing_unlock_times(Listing{T("2027-01-15T00:00:00+08:00") - 1, "x"}, kTz);
  EXPECT_EQ(times[0], T("2027-01-15T00:00:00+08:00"));
}

TEST(VestingListingTest, TranchesFallMonthlyOnTheLocal15thAtMidnight) {
  auto times = listing_unlock_times(Listing{T("2027-12-20T00:00:00+08:00"), "x"}, kTz);
  ASSERT_EQ(times.size(), 10u);
  for (int k = 0; k < 10; ++k) {
    core::CivilDate want{2028, 1 + k, 15};
    EXPECT_EQ(core::local_date(times[k], kTz), want) << k;
    EXPECT_EQ(times[k], core::local_midnight(want, kTz)) << k;
  }
}

TEST(VestingListingTest, TranchesAreCumulativeFloorsOfTenthsAndTheLastReleasesTheRest) {
  const int64_t original = 1'000'000'007;  // not divisible by 10
  Lock lock = listing_only_lock(original);
  Listing listing{T("2027-01-20T09:00:00+08:00"), "x"};
  const int64_t want[] = {0,         100000000, 200000001, 300000002, 400000002, 500000003,
                          600000004, 700000004, 800000005, 900000006, 1000000007};
  auto times = listing_unlock_times(listing, kTz);
  EXPECT_EQ(unlocked_at(lock, listing.listed_at, listing, kTz), Amount::zero());
  for (int k = 1; k <= 10; ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(unlocked_at(lock, times[k - 1] - 1, listing, kTz).units(), want[k - 1]);
    EXPECT_EQ(unlocked_at(lock, times[k - 1], listing, kTz).units(), want[k]);
    EXPECT_EQ(locked_at(lock, times[k - 1], listing, kTz).units(), original - want[k]);
  }
  EXPECT_EQ(unlocked_at(lock, T("2034-01-01T00:00:00Z"), listing, kTz).units(), original);
}

TEST(VestingListingTest, UnlockedIsTheLargerOfTheCliffAndTheListingRules) {
  TimeMs g = T("2026-11-01T00:00:00+08:00");
  auto investors = genesis_lock(g, "cornerstone");  // cliff 2027-05-01
  auto team = genesis_lock(g, "team");              // cliff 2027-11-01
  ASSERT_TRUE(investors && team);
  Listing listing{T("2026-11-20T10:00:00+08:00"), "x"};  // tranches Dec 15 ... Sep 15
  const int64_t inv = investors->original.units();
  EXPECT_EQ(unlocked_at(*investors, T("2027-04-15T00:00:00+08:00"), listing, kTz).units(), inv / 2);
  EXPECT_EQ(unlocked_at(*investors, investors->cliff_end - 1, listing, kTz).units(), inv / 2);
  EXPECT_EQ(unlocked_at(*investors, investors->cliff_end, listing, kTz).units(), inv);
  EXPECT_EQ(unlocked_at(*investors, T("2027-05-15T00:00:00+08:00"), listing, kTz).units(), inv);
  // The listing can finish before a 12-month cliff.
  EXPECT_EQ(unlocked_at(*team, T("2027-09-15T00:00:00+08:00") - 1, listing, kTz).units(),
            team->original.units() / 10 * 9);
  EXPECT_EQ(unlocked_at(*team, T("2027-09-15T00:00:00+08:00"), listing, kTz), team->original);
}

int64_t sum(const std::vector<UnlockEvent>& events) {
  int64_t s = 0;
  for (const auto& e : events) s += e.amount.units();
  return s;
}

TEST(VestingScheduleTest, UpcomingUnlocksListExactlyTheFutureIncrements) {
  Lock lock{Category::kCornerstoneAngel, Amount::units(1'000'000'007), T("2027-05-01T00:00:00+08:00")};
  // No listing: one event, at the cliff, for everything; none once it has passed.
  auto none = upcoming_unlocks(lock, T("2026-11-01T00:00:00+08:00"), std::nullopt, kTz);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].at, lock.cliff_end);
  EXPECT_EQ(none[0].amount, lock.original);
  EXPECT_TRUE(upcoming_unlocks(lock, lock.cliff_end, std::nullopt, kTz).empty());

  // Listing: five tranches before the cliff, then the cliff releases the rest; the listing
  // tranches after the cliff add nothing and are not listed.
  Listing listing{T("2026-11-20T10:00:00+08:00"), "x"};
  auto ev = upcoming_unlocks(lock, T("2026-11-01T00:00:00+08:00"), listing, kTz);
  const std::pair<const char*, int64_t> want[] = {
      {"2026-12-15T00:00:00+08:00", 100000000}, {"2027-01-15T00:00:00+08:00", 100000001},
      {"2027-02-15T00:00:00+08:00", 100000001}, {"2027-03-15T00:00:00+08:00", 100000000},
      {"2027-04-15T00:00:00+08:00", 100000001}, {"2027-05-01T00:00:00+08:00", 500000004}};
  ASSERT_EQ(ev.size(), std::size(want));
  for (size_t i = 0; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i].at, T(want[i].first)) << i;
    EXPECT_EQ(ev[i].amount.units(), want[i].second) << i;
  }
  EXPECT_EQ(sum(ev), lock.original.units());
  // At exactly a tranche it is no longer upcoming; 1 ms before, it is.
  TimeMs feb15 = T("2027-02-15T00:00:00+08:00");
  auto at = upcoming_unlocks(lock, feb15, listing, kTz);
  auto before = upcoming_unlocks(lock, feb15 - 1, listing, kTz);
  ASSERT_EQ(at.size(), 3u);
  ASSERT_EQ(before.size(), 4u);
  EXPECT_EQ(at[0].at, T("2027-03-15T00:00:00+08:00"));
  EXPECT_EQ(before[0].at, feb15);
  for (TimeMs t : {feb15 - 1, feb15, T("2027-04-30T12:00:00+08:00")})
    EXPECT_EQ(sum(upcoming_unlocks(lock, t, listing, kTz)) + unlocked_at(lock, t, listing, kTz).units(),
              lock.original.units());
}

// Spending through the executor, on the dev genesis (team holds 1,500,000,000 CT, locked).
class VestingSpendTest : public ::testing::Test {
 protected:
  void SetUp() override { (void)state.apply(genesis.initial_state()); }
  core::Status send(const core::PrivateKey& from, Amount amount, TimeMs t, std::vector<Operation> ops = {}) {
    if (ops.empty()) ops.push_back(Transfer{alice, amount, ""});
    uint64_t seq = load_account(state, from.public_key()).sequence;
    auto tx = make_tx(chain_id, from, seq, t + 60'000, std::move(ops));
    StateOverlay s(state);
    core::Status st = execute_transaction(s, tx, TxContext{genesis, chain_id, t});
    if (!st) {
      EXPECT_TRUE(s.writes().empty());
    }
    (void)state.apply(s.take_writes());
    return st;
  }
  static std::string name(const core::Status& st) { return st ? "ok" : st.error().name; }
  // What the committee's enacted listing proposal writes (chain/governance/governance.h).
  void declare_listing(TimeMs t, const std::string& exchange) {
    StateOverlay s(state);
    store_listing(s, Listing{t, exchange});
    (void)state.apply(s.take_writes());
  }

  TimeMs g = T("2026-11-01T00:00:00+08:00");
  Genesis genesis = dev_genesis(g, kTz);
  Hash256 chain_id = genesis.chain_id();
  State state;
  core::PrivateKey team = dev_key("team");
  core::PrivateKey foundation = dev_key("foundation");
  PublicKey alice = dev_key("alice").public_key();
  const Amount tenth = Amount::ct(150'000'000);
};

TEST_F(VestingSpendTest, TeamSpendsExactlyWhatEachTrancheUnlocks) {
  EXPECT_EQ(name(send(team, Amount::units(1), g + 1000)), "token.locked_balance");
  declare_listing(T("2026-11-20T10:00:00+08:00"), "Huobi");
  TimeMs first = T("2026-12-15T00:00:00+08:00");
  EXPECT_EQ(name(send(team, Amount::units(1), first - 1)), "token.locked_balance");
  EXPECT_EQ(name(send(team, Amount::units(tenth.units() + 1), first)), "token.locked_balance");
  EXPECT_EQ(name(send(team, tenth, first)), "ok");
  EXPECT_EQ(name(send(team, Amount::units(1), first + 1)), "token.locked_balance");
  EXPECT_EQ(name(send(team, tenth, T("2027-01-15T00:00:00+08:00"))), "ok");
  EXPECT_EQ(load_account(state, alice).balance, Amount::ct(300'000'000));
  EXPECT_EQ(load_account(state, team.public_key()).balance, Amount::ct(1'200'000'000));
}

TEST_F(VestingSpendTest, CliffFreesTheWholeBalance) {
  auto investors = dev_key("cornerstone");
  TimeMs cliff = T("2027-05-01T00:00:00+08:00");
  EXPECT_EQ(name(send(investors, Amount::units(1), cliff - 1)), "token.locked_balance");
  EXPECT_EQ(name(send(investors, Amount::ct(1'000'000'000), cliff)), "ok");
}

TEST_F(VestingSpendTest, CtReceivedFromOthersIsFreeAtOnce) {
  ASSERT_TRUE(send(dev_key("dev"), {}, g + 1000, {Transfer{team.public_key(), Amount::ct(5), ""}}));
  EXPECT_EQ(spendable(state, team.public_key(), load_account(state, team.public_key()).balance, g + 2000, kTz),
            Amount::ct(5));
  EXPECT_EQ(name(send(team, Amount::units(Amount::ct(5).units() + 1), g + 2000)), "token.locked_balance");
  EXPECT_EQ(name(send(team, Amount::ct(5), g + 2000)), "ok");
  EXPECT_EQ(name(send(team, Amount::units(1), g + 3000)), "token.locked_balance");
  EXPECT_EQ(load_account(state, team.public_key()).balance, Amount::ct(1'500'000'000));
}

TEST_F(VestingSpendTest, DeclareListingIsRefusedEvenFromTheFoundation) {
  EXPECT_EQ(ChainErrorRef("listing.not_foundation").def->code, 2201);
  EXPECT_EQ(ChainErrorRef("listing.already_declared").def->code, 2202);
  EXPECT_EQ(ChainErrorRef("listing.bad_exchange_name").def->code, 2203);
  EXPECT_EQ(ChainErrorRef("listing.moved_to_committee").def->code, 2204);
  TimeMs t = g + 5000;
  core::PrivateKey dev = dev_key("dev");
  for (const core::PrivateKey* from : {&foundation, &dev, &team}) {
    EXPECT_EQ(name(send(*from, {}, t, {DeclareListing{"Huobi"}})), "listing.moved_to_committee");
    EXPECT_EQ(load_account(state, from->public_key()).sequence, 0u);  // the transaction left no trace
  }
  EXPECT_FALSE(load_listing(state));
}

TEST_F(VestingSpendTest, ExchangeNameRules) {
  const PublicKey& f = foundation.public_key();
  for (std::string ok : {std::string("A"), std::string(64, 'x'), std::string("OKX Exchange"), std::string("火币")})
    EXPECT_TRUE(check(DeclareListing{ok}, f)) << ok;
  for (std::string bad : {std::string(), std::string(65, 'x'), std::string("Huobi\n"), std::string("a\tb"),
                          std::string("x\x7f"), std::string("nul\0x", 5)}) {
    auto st = check(DeclareListing{bad}, f);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().name, "listing.bad_exchange_name");
    EXPECT_EQ(st.error().code, 2203);
  }
  // The same rule through the executor's stateless checks, before any state is read.
  auto tx = make_tx(chain_id, foundation, 0, g + 60'000, {DeclareListing{"bad\x01name"}});
  auto st = check_transaction(tx, chain_id);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "listing.bad_exchange_name");
}

}  // namespace
}  // namespace lingji::chain
