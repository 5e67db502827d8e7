// calendar.h: chain time and the civil calendar, in pure integer arithmetic.
//
// Chain time is milliseconds since the Unix epoch (UTC), taken from block timestamps only.
// Calendar rules (lock-up ends, the monthly unlock on the 15th) are evaluated in the chain's
// time zone, a fixed UTC offset in minutes written in the genesis file (no daylight saving, so
// every node computes the same instant). Algorithms: H. Hinnant's days_from_civil.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace lingji::core {

using TimeMs = int64_t;
inline constexpr int64_t kMsPerDay = 86'400'000;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

int64_t days_from_civil(const CivilDate& d);  // days since 1970-01-01
CivilDate civil_from_days(int64_t days);
bool is_leap_year(int64_t year);
int days_in_month(int64_t year, int month);

// The local date and time-of-day (ms) of an instant in a zone of the given UTC offset.
CivilDate local_date(TimeMs t, int32_t utc_offset_minutes);
// The instant of local midnight starting the given local date.
TimeMs local_midnight(const CivilDate& d, int32_t utc_offset_minutes);

// The same local date-time `months` later; the day is clamped to the end of a shorter month
// (Aug 31 + 6 months = Feb 28, or Feb 29 in a leap year).
TimeMs add_months(TimeMs t, int months, int32_t utc_offset_minutes);

// The first local midnight of a day-of-month `day` strictly after t (so at exactly that midnight,
// the next month's). In a month shorter than `day` the month's last day is used, as in add_months.
// Requires: 1 <= day <= 31.
TimeMs next_monthly_day(TimeMs t, int day, int32_t utc_offset_minutes);
// The k-th (k >= 0) monthly occurrence after `first`, which must itself be a local midnight
// on `day` (day <= 28, so it exists in every month).
TimeMs monthly_occurrence(TimeMs first, int k, int32_t utc_offset_minutes);

// ISO-8601 in UTC with milliseconds dropped when zero: "2026-11-25T08:20:00Z".
std::string format_utc(TimeMs t);
// Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM" / "-HH:MM" (no fractional seconds).
// Errors: kTimeInvalid (core.invalid_time) for any other form or an impossible date or time.
Result<TimeMs> parse_iso8601(std::string_view text);

}  // namespace lingji::core
