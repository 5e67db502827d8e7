#include "core/calendar.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "core/core_errors.h"

namespace lingji::core {

int64_t days_from_civil(const CivilDate& d) {
  int64_t y = d.year - (d.month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {y + (m <= 2), m, d};
}

bool is_leap_year(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

CivilDate local_date(TimeMs t, int32_t off) {
  return civil_from_days(floor_div(t + int64_t{off} * 60'000, kMsPerDay));
}

TimeMs local_midnight(const CivilDate& d, int32_t off) {
  return days_from_civil(d) * kMsPerDay - int64_t{off} * 60'000;
}

TimeMs add_months(TimeMs t, int months, int32_t off) {
  TimeMs local = t + int64_t{off} * 60'000;
  int64_t day_index = floor_div(local, kMsPerDay);
  TimeMs time_of_day = local - day_index * kMsPerDay;
  CivilDate d = civil_from_days(day_index);
  int64_t m0 = d.year * 12 + (d.month - 1) + months;
  CivilDate r{floor_div(m0, 12), static_cast<int>(m0 - floor_div(m0, 12) * 12) + 1, 0};
  r.day = std::min(d.day, days_in_month(r.year, r.month));
  return local_midnight(r, off) + time_of_day;
}

// Local midnight of `day` in the given month, clamped to the month's last day.
static TimeMs clamped_midnight(int64_t year, int month, int day, int32_t off) {
  return local_midnight({year, month, std::min(day, days_in_month(year, month))}, off);
}

TimeMs next_monthly_day(TimeMs t, int day, int32_t off) {
  // Clamp in this month (day 30 in February is Feb 28/29, not a day in March), and build next
  // month's date from the month itself, not from a clamped candidate: the 31st after Feb 28 is
  // Mar 31, not Mar 28.
  CivilDate d = local_date(t, off);
  TimeMs candidate = clamped_midnight(d.year, d.month, day, off);
  if (candidate > t) return candidate;  // strictly after: at exactly midnight, take next month
  if (d.month == 12) return clamped_midnight(d.year + 1, 1, day, off);
  return clamped_midnight(d.year, d.month + 1, day, off);
}

TimeMs monthly_occurrence(TimeMs first, int k, int32_t off) { return add_months(first, k, off); }

std::string format_utc(TimeMs t) {
  int64_t days = floor_div(t, kMsPerDay);
  int64_t ms = t - days * kMsPerDay;
  CivilDate d = civil_from_days(days);
  char buf[48];
  int64_t s = ms / 1000;
  if (ms % 1000 == 0)
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ", static_cast<long long>(d.year),
                  d.month, d.day, static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(d.year), d.month, d.day, static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                  static_cast<long long>(ms % 1000));
  return buf;
}

Result<TimeMs> parse_iso8601(std::string_view text) {
  auto bad = [&] {
    return core_error("core.invalid_time",
                      "invalid time \"" + std::string(text.substr(0, 40)) +
                          "\": expected YYYY-MM-DDTHH:MM:SSZ or an offset like +08:00");
  };
  auto num = [&](size_t pos, size_t len, int& out) {
    if (pos + len > text.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (text.size() < 20 || !num(0, 4, y) || text[4] != '-' || !num(5, 2, mo) || text[7] != '-' ||
      !num(8, 2, d) || text[10] != 'T' || !num(11, 2, h) || text[13] != ':' || !num(14, 2, mi) ||
      text[16] != ':' || !num(17, 2, s))
    return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) return bad();
  int off = 0;
  std::string_view zone = text.substr(19);
  if (zone == "Z") {
    off = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh, om;
    if (!num(20, 2, oh) || !num(23, 2, om) || oh > 14 || om > 59) return bad();
    off = (oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  return local_midnight({y, mo, d}, off) + ((h * 60 + mi) * 60 + s) * 1000LL;
}

}  // namespace lingji::core
