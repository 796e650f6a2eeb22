// Helpers of the API tests (responses, HTTP dates, send policy): UTC times and HTTP results.
#pragma once

#include <ctime>
#include <string>

#include "send_policy.hpp"

namespace pe_test {

using pe::HttpResult;

// Unix seconds of a UTC date, independent of the local time zone.
inline long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}
inline std::time_t utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return static_cast<std::time_t>(days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + s);
}

inline const std::time_t kNov1994 = utc(1994, 11, 6, 8, 49, 37);  // the RFC example date

inline HttpResult http(int status, std::string body = "", std::string retry_after = "", bool timed_out = false) {
  HttpResult r;
  r.status = status;
  r.body = std::move(body);
  r.retry_after = std::move(retry_after);
  r.timed_out = timed_out;
  return r;
}

inline const std::time_t kNow = utc(2026, 5, 1, 12, 0, 0);

}  // namespace pe_test
