// Dates in HTTP headers (see http_date.hpp).
#include "http_date.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "text.hpp"

namespace pe {

// Howard Hinnant's days_from_civil.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

namespace {

std::string_view trim(std::string_view s) { return trim_ascii_space(s); }
bool iequals(std::string_view a, std::string_view b) { return equals_ascii_ci(a, b); }

// Year of a Unix time (UTC).
long long year_of(long long t) {
  long long z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<long long>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

bool is_leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(long long y, unsigned m) {
  static const unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : kDays[m - 1];
}

int month_index(std::string_view s) {
  static const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (iequals(s, kMonths[i])) return i + 1;
  return 0;
}

bool is_weekday(std::string_view s) {
  static const char* kShort[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char* kLong[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  for (int i = 0; i < 7; ++i)
    if (iequals(s, kShort[i]) || iequals(s, kLong[i])) return true;
  return false;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

long long to_int(std::string_view s) {  // s is all digits, short
  long long r = 0;
  for (char c : s) r = r * 10 + (c - '0');
  return r;
}

bool parse_clock(std::string_view s, int& h, int& mi, int& se) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)) || !all_digits(s.substr(6, 2))) return false;
  h = static_cast<int>(to_int(s.substr(0, 2)));
  mi = static_cast<int>(to_int(s.substr(3, 2)));
  se = static_cast<int>(to_int(s.substr(6, 2)));
  return h <= 23 && mi <= 59 && se <= 60;
}

std::vector<std::string_view> split_tokens(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && seps.find(s[i]) != std::string_view::npos) ++i;
    std::size_t j = i;
    while (j < s.size() && seps.find(s[j]) == std::string_view::npos) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::optional<long long> parse_http_date(std::string_view s, std::time_t now) {
  if (s.size() > 64) return std::nullopt;
  std::size_t comma = s.find(',');
  long long year = 0;
  unsigned month = 0, day = 0;
  int h = 0, mi = 0, se = 0;
  if (comma != std::string_view::npos) {
    // "Sun, 06 Nov 1994 08:49:37 GMT" or "Sunday, 06-Nov-94 08:49:37 GMT"
    if (!is_weekday(trim(s.substr(0, comma)))) return std::nullopt;
    std::string_view rest = s.substr(comma + 1);
    auto t = split_tokens(rest, " \t");
    std::string_view d, mo, y, clock, zone;
    if (t.size() == 5) {  // IMF-fixdate
      d = t[0], mo = t[1], y = t[2], clock = t[3], zone = t[4];
      if (y.size() != 4) return std::nullopt;
    } else if (t.size() == 3) {  // RFC 850: date part "06-Nov-94"
      auto p = split_tokens(t[0], "-");
      if (p.size() != 3 || t[0].front() == '-' || t[0].back() == '-') return std::nullopt;
      d = p[0], mo = p[1], y = p[2], clock = t[1], zone = t[2];
      if (y.size() != 2 && y.size() != 4) return std::nullopt;
    } else {
      return std::nullopt;
    }
    if (!iequals(zone, "GMT") && !iequals(zone, "UTC")) return std::nullopt;
    if (d.size() < 1 || d.size() > 2 || !all_digits(d) || !all_digits(y)) return std::nullopt;
    month = static_cast<unsigned>(month_index(mo));
    day = static_cast<unsigned>(to_int(d));
    year = to_int(y);
    if (y.size() == 2) {  // RFC 7231: a two-digit year more than 50 years ahead is in the past
      long long now_year = year_of(static_cast<long long>(now));
      long long century = now_year - ((now_year % 100) + 100) % 100;
      year += century;
      if (year > now_year + 50) year -= 100;
    }
    if (!parse_clock(clock, h, mi, se)) return std::nullopt;
  } else {
    // asctime: "Sun Nov  6 08:49:37 1994"
    auto t = split_tokens(s, " \t");
    if (t.size() != 5 || !is_weekday(t[0])) return std::nullopt;
    month = static_cast<unsigned>(month_index(t[1]));
    if (t[2].size() < 1 || t[2].size() > 2 || !all_digits(t[2])) return std::nullopt;
    day = static_cast<unsigned>(to_int(t[2]));
    if (!parse_clock(t[3], h, mi, se)) return std::nullopt;
    if (t[4].size() != 4 || !all_digits(t[4])) return std::nullopt;
    year = to_int(t[4]);
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day) * 86400LL + h * 3600LL + mi * 60LL + se;
}

std::optional<double> parse_retry_after(std::string_view value, std::time_t now) {
  std::string_view s = trim(value);
  if (s.empty()) return std::nullopt;
  if ((s.front() >= '0' && s.front() <= '9') || s.front() == '.') {
    // delta-seconds; a fraction is tolerated
    std::size_t i = 0;
    double v = 0;
    bool digits = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      v = v * 10 + (s[i] - '0');
      digits = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      double scale = 0.1;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        v += (s[i] - '0') * scale;
        scale /= 10;
        digits = true;
      }
    }
    if (!digits || i != s.size()) return std::nullopt;
    return std::isfinite(v) ? v : std::numeric_limits<double>::max();  // absurdly long: still "too long"
  }
  // Keep "now" within +-3 million years so that date arithmetic cannot overflow.
  const long long kLimit = 100000000000000LL;
  long long n = std::min(std::max(static_cast<long long>(now), -kLimit), kLimit);
  auto t = parse_http_date(s, static_cast<std::time_t>(n));
  if (!t) return std::nullopt;
  long long diff = *t - n;
  return diff > 0 ? static_cast<double>(diff) : 0.0;
}

}  // namespace pe
