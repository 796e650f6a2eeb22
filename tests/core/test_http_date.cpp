// HTTP dates: Retry-After as seconds or an HTTP date (src/core/http_date.hpp).
#include "http_date.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "api_test_util.hpp"

namespace {

using namespace pe;
using namespace pe_test;

// ---- helpers of the test itself ---------------------------------------------------------------
TEST(ApiTestHelpers, UtcMatchesKnownEpochValues) {
  EXPECT_EQ(utc(1970, 1, 1, 0, 0, 0), 0);
  EXPECT_EQ(kNov1994, 784111777);
  EXPECT_EQ(utc(2000, 3, 1, 0, 0, 0), 951868800);
}

// ---- parse_retry_after --------------------------------------------------------------------------
TEST(ParseRetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), 120.0);
  EXPECT_EQ(parse_retry_after("  7 ", kNow), 7.0);
  EXPECT_EQ(parse_retry_after("0", kNow), 0.0);
  EXPECT_EQ(parse_retry_after("1.5", kNow), 1.5);
  EXPECT_EQ(parse_retry_after(std::string(400, '9'), kNow), std::numeric_limits<double>::max());
}

TEST(ParseRetryAfter, ExtremeNowDoesNotOverflow) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", std::numeric_limits<std::time_t>::max()), 0.0);
  EXPECT_TRUE(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", std::numeric_limits<std::time_t>::min()).has_value());
}

TEST(ParseRetryAfter, GarbageAndNegative) {
  EXPECT_EQ(parse_retry_after("", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("   ", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("+5", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("12abc", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("1 2", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after(".", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37", kNow), std::nullopt);   // no zone
  EXPECT_EQ(parse_retry_after("Sun, 31 Nov 1994 08:49:37 GMT", kNow), std::nullopt);  // no 31 Nov
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 24:49:37 GMT", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("Foo, 06 Nov 1994 08:49:37 GMT", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nox 1994 08:49:37 GMT", kNow), std::nullopt);
}

TEST(ParseRetryAfter, ImfFixdate) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kNov1994 - 100), 100.0);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", utc(2026, 10, 21, 7, 0, 0)), 1680.0);
}

TEST(ParseRetryAfter, Rfc850) {
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", kNov1994 - 30), 30.0);
  // Two-digit year of a date in 2026 read while "now" is in 2026.
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-26 07:28:00 GMT", utc(2026, 10, 21, 7, 27, 0)), 60.0);
}

TEST(ParseRetryAfter, Asctime) {
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", kNov1994 - 5), 5.0);
  EXPECT_EQ(parse_retry_after("Sun Nov 16 08:49:37 1994", kNov1994), 10.0 * 86400);
}

TEST(ParseRetryAfter, PastDateIsZero) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kNow), 0.0);
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", kNov1994 + 1), 0.0);
}

}  // namespace
