// calendar_test.cpp: civil dates, month arithmetic in fixed-offset zones, the monthly unlock day,
// and the ISO-8601 text form.
#include "core/calendar.h"

#include <gtest/gtest.h>

#include <string>

#include "core/core_errors.h"

namespace lingji::core {
namespace {

constexpr int32_t kUtc = 0;
constexpr int32_t kPlus8 = 8 * 60;     // e.g. the chain's zone in genesis
constexpr int32_t kMinus5 = -5 * 60;
constexpr int32_t kMinus330 = -(3 * 60 + 30);

// An instant given by its UTC civil date and time (built from days_from_civil, tested below
// against an independent day count).
TimeMs utc(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return days_from_civil({y, mo, d}) * kMsPerDay + ((h * 60 + mi) * 60 + s) * 1000LL + ms;
}

// An instant given by its local civil date and time in a zone.
TimeMs local(int64_t y, int mo, int d, int h, int mi, int32_t off) {
  return utc(y, mo, d, h, mi) - off * 60'000LL;
}

bool ref_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

TEST(CalendarTest, KnownDates) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({1969, 12, 31}), -1);
  EXPECT_EQ(days_from_civil({1970, 1, 2}), 1);
  EXPECT_EQ(days_from_civil({2000, 1, 1}), 10957);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  EXPECT_EQ(days_from_civil({2024, 2, 29}), 19782);
  EXPECT_EQ(days_from_civil({1900, 1, 1}), -25567);
  EXPECT_EQ(days_from_civil({1600, 3, 1}), -135080);
  EXPECT_EQ(days_from_civil({1, 1, 1}), -719162);
  EXPECT_EQ(days_from_civil({0, 3, 1}), -719468);
  EXPECT_EQ(days_from_civil({9999, 12, 31}), 2932896);
  EXPECT_EQ(civil_from_days(0), (CivilDate{1970, 1, 1}));
  EXPECT_EQ(civil_from_days(11017), (CivilDate{2000, 3, 1}));
  EXPECT_EQ(civil_from_days(19782), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(civil_from_days(-1), (CivilDate{1969, 12, 31}));
}

TEST(CalendarTest, LeapYears) {
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_FALSE(is_leap_year(2026));
  EXPECT_TRUE(is_leap_year(2028));
  EXPECT_TRUE(is_leap_year(0));
  EXPECT_TRUE(is_leap_year(-4));
  EXPECT_FALSE(is_leap_year(-100));
  EXPECT_TRUE(is_leap_year(-400));
  for (int64_t y = -2000; y <= 3000; ++y) ASSERT_EQ(is_leap_year(y), ref_leap(y)) << y;
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2026, 2), 28);
  EXPECT_EQ(days_in_month(1900, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(days_in_month(2026, 4), 30);
  EXPECT_EQ(days_in_month(2026, 12), 31);
}

TEST(CalendarTest, MatchesDayByDayCount) {
  // Walk the calendar one day at a time with an independent leap rule, from 1600 to 2500.
  static constexpr int kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  CivilDate d{1600, 1, 1};
  int64_t n = days_from_civil(d);
  EXPECT_EQ(n, -135140);
  for (; d.year < 2500; ++n) {
    ASSERT_EQ(days_from_civil(d), n);
    ASSERT_EQ(civil_from_days(n), d);
    int len = d.month == 2 && ref_leap(d.year) ? 29 : kLen[d.month - 1];
    if (++d.day > len) {
      d.day = 1;
      if (++d.month > 12) { d.month = 1; ++d.year; }
    }
  }
}

TEST(CalendarTest, RoundTripOverWideRange) {
  for (int64_t z = -3'000'000; z <= 3'000'000; z += 7) {
    CivilDate d = civil_from_days(z);
    ASSERT_GE(d.month, 1);
    ASSERT_LE(d.month, 12);
    ASSERT_GE(d.day, 1);
    ASSERT_LE(d.day, days_in_month(d.year, d.month));
    ASSERT_EQ(days_from_civil(d), z);
  }
  for (int64_t z : {int64_t{-1'000'000'000}, int64_t{1'000'000'000}, int64_t{-719469},
                    int64_t{-146097 * 5 - 1}, int64_t{146097 * 5}}) {
    EXPECT_EQ(days_from_civil(civil_from_days(z)), z) << z;
  }
}

TEST(CalendarTest, LocalDateAndMidnight) {
  TimeMs t = utc(2026, 3, 14, 20, 0);  // 04:00 on the 15th in +08:00, 15:00 on the 14th in -05:00
  EXPECT_EQ(local_date(t, kUtc), (CivilDate{2026, 3, 14}));
  EXPECT_EQ(local_date(t, kPlus8), (CivilDate{2026, 3, 15}));
  EXPECT_EQ(local_date(utc(2026, 3, 15, 3, 0), kMinus5), (CivilDate{2026, 3, 14}));
  EXPECT_EQ(local_date(-1, kUtc), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(local_midnight({2026, 3, 15}, kPlus8), utc(2026, 3, 14, 16, 0));
  EXPECT_EQ(local_midnight({2026, 3, 15}, kMinus5), utc(2026, 3, 15, 5, 0));
  EXPECT_EQ(local_midnight({1970, 1, 1}, kUtc), 0);
}

TEST(CalendarTest, AddMonthsClampsInUtc) {
  EXPECT_EQ(add_months(utc(2026, 8, 31), 6, kUtc), utc(2027, 2, 28));
  EXPECT_EQ(add_months(utc(2027, 8, 31), 6, kUtc), utc(2028, 2, 29));
  EXPECT_EQ(add_months(utc(2025, 1, 31), 1, kUtc), utc(2025, 2, 28));
  EXPECT_EQ(add_months(utc(2024, 1, 31), 1, kUtc), utc(2024, 2, 29));
  EXPECT_EQ(add_months(utc(2100, 1, 31), 1, kUtc), utc(2100, 2, 28));
  EXPECT_EQ(add_months(utc(2026, 3, 31), 1, kUtc), utc(2026, 4, 30));
  EXPECT_EQ(add_months(utc(2026, 12, 15), 1, kUtc), utc(2027, 1, 15));
  EXPECT_EQ(add_months(utc(2026, 12, 31), 2, kUtc), utc(2027, 2, 28));
  EXPECT_EQ(add_months(utc(2026, 11, 30), 14, kUtc), utc(2028, 1, 30));
  EXPECT_EQ(add_months(utc(2026, 1, 15), 0, kUtc), utc(2026, 1, 15));
  EXPECT_EQ(add_months(utc(2026, 1, 15), 120, kUtc), utc(2036, 1, 15));
  // Negative months go back, across the year boundary.
  EXPECT_EQ(add_months(utc(2026, 3, 31), -1, kUtc), utc(2026, 2, 28));
  EXPECT_EQ(add_months(utc(2026, 1, 15), -1, kUtc), utc(2025, 12, 15));
  EXPECT_EQ(add_months(utc(2026, 1, 15), -13, kUtc), utc(2024, 12, 15));
  // The time of day, to the millisecond, is kept.
  EXPECT_EQ(add_months(utc(2026, 8, 31, 13, 45, 30, 123), 6, kUtc), utc(2027, 2, 28, 13, 45, 30, 123));
  EXPECT_EQ(add_months(utc(2026, 12, 31, 23, 59, 59, 999), 1, kUtc), utc(2027, 1, 31, 23, 59, 59, 999));
  // Before the epoch.
  EXPECT_EQ(add_months(utc(1969, 12, 31, 12), 2, kUtc), utc(1970, 2, 28, 12));
}

TEST(CalendarTest, AddMonthsUsesTheLocalDate) {
  // 2026-01-30 20:00Z is Jan 30 in UTC but Jan 31 04:00 in +08:00.
  TimeMs t = utc(2026, 1, 30, 20, 0);
  EXPECT_EQ(add_months(t, 1, kUtc), utc(2026, 2, 28, 20, 0));
  EXPECT_EQ(add_months(t, 1, kPlus8), local(2026, 2, 28, 4, 0, kPlus8));
  EXPECT_EQ(add_months(t, 1, kPlus8), utc(2026, 2, 27, 20, 0));
  // Aug 31 00:30 in +08:00 is still Aug 30 in UTC.
  TimeMs aug = local(2026, 8, 31, 0, 30, kPlus8);
  EXPECT_EQ(aug, utc(2026, 8, 30, 16, 30));
  EXPECT_EQ(add_months(aug, 6, kPlus8), local(2027, 2, 28, 0, 30, kPlus8));
  EXPECT_EQ(add_months(local(2027, 8, 31, 0, 30, kPlus8), 6, kPlus8), local(2028, 2, 29, 0, 30, kPlus8));
  // 2026-03-01 03:00Z is Feb 28 22:00 in -05:00.
  TimeMs m = utc(2026, 3, 1, 3, 0);
  EXPECT_EQ(add_months(m, 1, kUtc), utc(2026, 4, 1, 3, 0));
  EXPECT_EQ(add_months(m, 1, kMinus5), local(2026, 3, 28, 22, 0, kMinus5));
  EXPECT_EQ(add_months(m, 1, kMinus5), utc(2026, 3, 29, 3, 0));
  // Dec 31 in -03:30 while it is already Jan 1 in UTC.
  TimeMs ny = utc(2027, 1, 1, 2, 0);
  EXPECT_EQ(local_date(ny, kMinus330), (CivilDate{2026, 12, 31}));
  EXPECT_EQ(add_months(ny, 2, kMinus330), local(2027, 2, 28, 22, 30, kMinus330));
}

TEST(CalendarTest, NextMonthlyDayInUtc) {
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 10), 15, kUtc), utc(2026, 3, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 14, 23, 59, 59, 999), 15, kUtc), utc(2026, 3, 15));
  // Exactly at midnight of the 15th: "strictly after" means next month.
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 15), 15, kUtc), utc(2026, 4, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 15) - 1, 15, kUtc), utc(2026, 3, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 15) + 1, 15, kUtc), utc(2026, 4, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 20), 15, kUtc), utc(2026, 4, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 1), 1, kUtc), utc(2026, 4, 1));
  // Year end.
  EXPECT_EQ(next_monthly_day(utc(2026, 12, 15), 15, kUtc), utc(2027, 1, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 12, 31, 23, 59), 15, kUtc), utc(2027, 1, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 12, 14, 12), 15, kUtc), utc(2026, 12, 15));
}

TEST(CalendarTest, NextMonthlyDayInOffsetZones) {
  // +08:00: the local 15th starts at 16:00Z on the 14th.
  TimeMs mid = local(2026, 3, 15, 0, 0, kPlus8);
  EXPECT_EQ(mid, utc(2026, 3, 14, 16, 0));
  EXPECT_EQ(next_monthly_day(mid - 1, 15, kPlus8), mid);
  EXPECT_EQ(next_monthly_day(mid, 15, kPlus8), local(2026, 4, 15, 0, 0, kPlus8));
  EXPECT_EQ(next_monthly_day(mid + 1, 15, kPlus8), local(2026, 4, 15, 0, 0, kPlus8));
  // 20:00Z on the 14th is still the 14th in UTC but already the 15th locally.
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 14, 20, 0), 15, kUtc), utc(2026, 3, 15));
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 14, 20, 0), 15, kPlus8), utc(2026, 4, 14, 16, 0));

  // -05:00: the local 15th starts at 05:00Z on the 15th.
  TimeMs mid5 = local(2026, 3, 15, 0, 0, kMinus5);
  EXPECT_EQ(mid5, utc(2026, 3, 15, 5, 0));
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 15, 4, 0), 15, kMinus5), mid5);  // 23:00 on the 14th
  EXPECT_EQ(next_monthly_day(utc(2026, 3, 15, 4, 0), 15, kUtc), utc(2026, 4, 15));
  EXPECT_EQ(next_monthly_day(mid5, 15, kMinus5), utc(2026, 4, 15, 5, 0));
  EXPECT_EQ(next_monthly_day(mid5 - 1, 15, kMinus5), mid5);

  // Year end: Jan 1 07:00 in +08:00 is Dec 31 23:00Z.
  EXPECT_EQ(next_monthly_day(utc(2026, 12, 31, 23, 0), 15, kPlus8), local(2027, 1, 15, 0, 0, kPlus8));
  EXPECT_EQ(next_monthly_day(local(2026, 12, 15, 0, 0, kPlus8), 15, kPlus8),
            local(2027, 1, 15, 0, 0, kPlus8));
  // Jan 1 03:00Z is Dec 31 22:00 in -05:00.
  EXPECT_EQ(next_monthly_day(utc(2027, 1, 1, 3, 0), 15, kMinus5), utc(2027, 1, 15, 5, 0));
  EXPECT_EQ(next_monthly_day(utc(2026, 12, 15, 4, 59), 15, kMinus5), utc(2026, 12, 15, 5, 0));
}

TEST(CalendarTest, NextMonthlyDayClampsToShortMonths) {
  // A day past the end of a month means that month's last day, as in add_months; it must
  // never spill into the next month or drift to an earlier day afterwards.
  EXPECT_EQ(next_monthly_day(utc(2026, 2, 10), 30, kUtc), utc(2026, 2, 28));
  EXPECT_EQ(next_monthly_day(utc(2024, 2, 10), 30, kUtc), utc(2024, 2, 29));
  EXPECT_EQ(next_monthly_day(utc(2026, 2, 28), 31, kUtc), utc(2026, 3, 31));
  EXPECT_EQ(next_monthly_day(utc(2026, 1, 31, 12), 31, kUtc), utc(2026, 2, 28));
  EXPECT_EQ(next_monthly_day(utc(2026, 4, 30), 31, kUtc), utc(2026, 5, 31));
  EXPECT_EQ(next_monthly_day(utc(2026, 11, 30, 12), 31, kUtc), utc(2026, 12, 31));
  EXPECT_EQ(next_monthly_day(utc(2026, 12, 31), 31, kUtc), utc(2027, 1, 31));
  EXPECT_EQ(next_monthly_day(local(2026, 2, 27, 23, 0, kPlus8), 29, kPlus8),
            local(2026, 2, 28, 0, 0, kPlus8));
}

TEST(CalendarTest, NextMonthlyDayIsAlwaysTheNextOne) {
  // Over three years in three zones: the result is a local midnight on the 15th, strictly
  // after t, and no local 15th-midnight lies in between.
  for (int32_t off : {kUtc, kPlus8, kMinus5, kMinus330}) {
    for (TimeMs t = utc(2026, 1, 1); t < utc(2029, 1, 1); t += 5 * 3'600'000 + 17) {
      TimeMs n = next_monthly_day(t, 15, off);
      ASSERT_GT(n, t);
      CivilDate d = local_date(n, off);
      ASSERT_EQ(d.day, 15);
      ASSERT_EQ(local_midnight(d, off), n);
      ASSERT_LE(add_months(n, -1, off), t);  // the occurrence before n is not after t
      ASSERT_LE(n - t, 31 * kMsPerDay);
      ASSERT_EQ(next_monthly_day(n - 1, 15, off), n);
    }
  }
}

TEST(CalendarTest, MonthlyOccurrence) {
  TimeMs first = local(2026, 1, 15, 0, 0, kPlus8);
  EXPECT_EQ(monthly_occurrence(first, 0, kPlus8), first);
  EXPECT_EQ(monthly_occurrence(first, 1, kPlus8), local(2026, 2, 15, 0, 0, kPlus8));
  EXPECT_EQ(monthly_occurrence(first, 11, kPlus8), local(2026, 12, 15, 0, 0, kPlus8));
  EXPECT_EQ(monthly_occurrence(first, 12, kPlus8), local(2027, 1, 15, 0, 0, kPlus8));
  EXPECT_EQ(monthly_occurrence(first, 120, kPlus8), local(2036, 1, 15, 0, 0, kPlus8));
  EXPECT_EQ(monthly_occurrence(utc(2026, 12, 28), 2, kUtc), utc(2027, 2, 28));
  TimeMs first5 = local(2026, 1, 1, 0, 0, kMinus5);
  EXPECT_EQ(monthly_occurrence(first5, 14, kMinus5), utc(2027, 3, 1, 5, 0));
  // Consecutive occurrences agree with next_monthly_day.
  for (int k = 0; k < 48; ++k) {
    EXPECT_EQ(next_monthly_day(monthly_occurrence(first, k, kPlus8), 15, kPlus8),
              monthly_occurrence(first, k + 1, kPlus8));
  }
}

TEST(CalendarTest, FormatUtc) {
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(format_utc(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_utc(-kMsPerDay), "1969-12-31T00:00:00Z");
  EXPECT_EQ(format_utc(utc(2000, 3, 1)), "2000-03-01T00:00:00Z");
  EXPECT_EQ(format_utc(utc(2024, 2, 29, 23, 59, 59, 999)), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(format_utc(utc(2024, 2, 29, 12, 34, 56, 70)), "2024-02-29T12:34:56.070Z");
  EXPECT_EQ(format_utc(1'795'594'800'000), "2026-11-25T08:20:00Z");
  EXPECT_EQ(utc(2026, 11, 25, 8, 20), 1'795'594'800'000);
}

Result<TimeMs> parse(const std::string& s) { return parse_iso8601(s); }

TEST(CalendarTest, ParseIso8601) {
  auto ok = [](const std::string& s) {
    auto r = parse_iso8601(s);
    EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : TimeMs{-12345};
  };
  EXPECT_EQ(ok("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ok("2026-11-25T08:20:00Z"), 1'795'594'800'000);
  EXPECT_EQ(ok("2026-11-25T16:20:00+08:00"), 1'795'594'800'000);
  EXPECT_EQ(ok("2026-11-25T03:20:00-05:00"), 1'795'594'800'000);
  EXPECT_EQ(ok("2026-11-25T04:50:00-03:30"), 1'795'594'800'000);
  EXPECT_EQ(ok("2026-11-25T08:20:00+00:00"), 1'795'594'800'000);
  EXPECT_EQ(ok("2026-11-25T08:20:00-00:00"), 1'795'594'800'000);
  // Local midnight in +08:00 is the previous UTC day.
  EXPECT_EQ(ok("2026-03-15T00:00:00+08:00"), utc(2026, 3, 14, 16, 0));
  EXPECT_EQ(ok("2024-02-29T23:59:59Z"), utc(2024, 2, 29, 23, 59, 59));
  EXPECT_EQ(ok("2000-02-29T00:00:00Z"), utc(2000, 2, 29));
  EXPECT_EQ(ok("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(ok("2026-01-01T00:00:00+14:00"), utc(2025, 12, 31, 10, 0));
}

TEST(CalendarTest, ParseIso8601RejectsInvalid) {
  for (const char* s : {"", "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                        "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
                        "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z",
                        "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00",
                        "2026-01-01T00:00:00z", "2026-01-01 00:00:00Z", "2026-01-01t00:00:00Z",
                        "2026-1-01T00:00:00Z", "26-01-01T00:00:00Z", "+2026-01-01T00:00:00Z",
                        "2026/01/01T00:00:00Z", "2026-01-01T00:00Z", "2026-01-01T0:00:00Z",
                        "2026-01-01T00:00:00ZZ", "2026-01-01T00:00:00Z ", " 2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00+8:00", "2026-01-01T00:00:00+08:0",
                        "2026-01-01T00:00:00+0800", "2026-01-01T00:00:00+08", "2026-01-01T00:00:00+15:00",
                        "2026-01-01T00:00:00+08:60", "2026-01-01T00:00:00 08:00",
                        "2026-01-01T00:00:00+08:00Z", "2026-01-01T00:00:00UTC", "2026-01-01",
                        "2026-01-01T-1:00:00Z", "2O26-01-01T00:00:00Z"}) {
    auto r = parse(s);
    ASSERT_FALSE(r.ok()) << "accepted \"" << s << "\"";
    EXPECT_EQ(r.error().code, kTimeInvalid) << s;
    EXPECT_EQ(r.error().name, "core.invalid_time") << s;
  }
}

TEST(CalendarTest, FormatParseRoundTrip) {
  for (TimeMs t = utc(1965, 1, 1); t < utc(2105, 1, 1); t += 86'413'000LL * 7 + 1000) {
    auto r = parse(format_utc(t));
    ASSERT_TRUE(r.ok()) << format_utc(t);
    ASSERT_EQ(*r, t);
  }
}

}  // namespace
}  // namespace lingji::core
