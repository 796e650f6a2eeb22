// Dates in HTTP headers: Retry-After as delta seconds or an HTTP date (IMF-fixdate, RFC 850 and
// asctime forms, RFC 9110 section 5.6.7), read without the C library's time zone functions.
#pragma once

#include <ctime>
#include <optional>
#include <string_view>

namespace pe {

// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
// "Sun Nov  6 08:49:37 1994") -> Unix seconds (UTC). A two-digit year is placed within 50 years of
// `now`. nullopt when it is not one of the three forms or not a real date.
std::optional<long long> parse_http_date(std::string_view s, std::time_t now);

// Retry-After: "120" (delta seconds; a fraction is tolerated) or an HTTP date. Returns the wait in
// seconds (>= 0), nullopt when absent or unparsable.
std::optional<double> parse_retry_after(std::string_view value, std::time_t now);

// Days since 1970-01-01 of a proleptic Gregorian date (also the run ledger's times).
long long days_from_civil(long long y, unsigned m, unsigned d);

}  // namespace pe
