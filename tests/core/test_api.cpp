// Tests for src/core/api.hpp: queue/status/error parsing, Retry-After and the send policy.
#include "api.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace {

using namespace pe;

// Unix seconds of a UTC date, independent of the local time zone.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}
std::time_t utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return static_cast<std::time_t>(days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + s);
}

const std::time_t kNov1994 = utc(1994, 11, 6, 8, 49, 37);  // the RFC example date

HttpResult http(int status, std::string body = "", std::string retry_after = "", bool timed_out = false) {
  HttpResult r;
  r.status = status;
  r.body = std::move(body);
  r.retry_after = std::move(retry_after);
  r.timed_out = timed_out;
  return r;
}

const std::time_t kNow = utc(2026, 5, 1, 12, 0, 0);

// ---- helpers of the test itself ---------------------------------------------------------------
TEST(ApiTestHelpers, UtcMatchesKnownEpochValues) {
  EXPECT_EQ(utc(1970, 1, 1, 0, 0, 0), 0);
  EXPECT_EQ(kNov1994, 784111777);
  EXPECT_EQ(utc(2000, 3, 1, 0, 0, 0), 951868800);
}

// ---- constants ----------------------------------------------------------------------------------
TEST(ApiConstants, Endpoints) {
  EXPECT_STREQ(kDefaultBaseUrl, "https://api.woodpecker.co");
  EXPECT_STREQ(kQueuePath, "/rest/v2/lead_finder/prospects/enrichments");
  EXPECT_STREQ(kStatusQueryPath, "/rest/v2/lead_finder/prospects/enrichments/statuses/query");
}

// ---- parse_queue_response -----------------------------------------------------------------------
TEST(ParseQueueResponse, DocumentedExample) {
  auto q = parse_queue_response(R"({
    "uuid": "e9e6abc4-799e-4c24-b412-7917b1db919d",
    "prospects_count": 2,
    "total_prospects_count": 2,
    "status": "ENQUEUED"
  })");
  ASSERT_TRUE(q.ok) << q.error;
  ASSERT_TRUE(q.uuid.has_value());
  EXPECT_EQ(*q.uuid, "e9e6abc4-799e-4c24-b412-7917b1db919d");
  EXPECT_EQ(q.prospects_count, 2);
  EXPECT_EQ(q.total_prospects_count, 2);
  EXPECT_EQ(q.status, "ENQUEUED");
  EXPECT_EQ(q.error, "");
}

TEST(ParseQueueResponse, NullUuidWhenNothingQueued) {
  auto q = parse_queue_response(
      R"({"uuid": null, "prospects_count": 0, "total_prospects_count": 3, "status": "CREDITS_EXHAUSTED"})");
  ASSERT_TRUE(q.ok);
  EXPECT_FALSE(q.uuid.has_value());
  EXPECT_EQ(q.prospects_count, 0);
  EXPECT_EQ(q.total_prospects_count, 3);
  EXPECT_EQ(q.status, "CREDITS_EXHAUSTED");
}

TEST(ParseQueueResponse, LenientCountsAndMissingFields) {
  auto q = parse_queue_response(R"({"prospects_count": "7", "total_prospects_count": " 9 ", "status": "PARTIALLY_ENQUEUED", "extra": [1,2]})");
  ASSERT_TRUE(q.ok);
  EXPECT_FALSE(q.uuid.has_value());
  EXPECT_EQ(q.prospects_count, 7);
  EXPECT_EQ(q.total_prospects_count, 9);

  auto m = parse_queue_response(R"({"status": "NOT_ENQUEUED"})");
  ASSERT_TRUE(m.ok);
  EXPECT_EQ(m.prospects_count, 0);
  EXPECT_EQ(m.total_prospects_count, 0);
  EXPECT_FALSE(m.uuid.has_value());

  auto f = parse_queue_response(R"({"status": "ENQUEUED", "prospects_count": 4.0, "total_prospects_count": "abc", "uuid": 12})");
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.prospects_count, 4);
  EXPECT_EQ(f.total_prospects_count, 0);
  ASSERT_TRUE(f.uuid.has_value());
  EXPECT_EQ(*f.uuid, "12");

  auto h = parse_queue_response(R"({"status": "ENQUEUED", "prospects_count": 1e300, "total_prospects_count": null})");
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(h.prospects_count, std::numeric_limits<long>::max());
  EXPECT_EQ(h.total_prospects_count, 0);
}

TEST(ParseQueueResponse, NotJson) {
  auto q = parse_queue_response("<html>Bad gateway</html>");
  EXPECT_FALSE(q.ok);
  EXPECT_EQ(q.error, "The API answered 200 but the body is not JSON: <html>Bad gateway</html>");
}

TEST(ParseQueueResponse, NotJsonIsCutAt200Characters) {
  std::string body(500, 'x');
  auto q = parse_queue_response(body);
  EXPECT_FALSE(q.ok);
  EXPECT_EQ(q.error, "The API answered 200 but the body is not JSON: " + std::string(200, 'x') + "\xE2\x80\xA6");
}

TEST(ParseQueueResponse, CutNeverSplitsUtf8AndHidesControls) {
  std::string body = "\n";
  for (int i = 0; i < 250; ++i) body += "\xC3\xA9";  // é
  auto q = parse_queue_response(body);
  EXPECT_FALSE(q.ok);
  std::string expected = "The API answered 200 but the body is not JSON:  ";
  for (int i = 0; i < 199; ++i) expected += "\xC3\xA9";
  expected += "\xE2\x80\xA6";
  EXPECT_EQ(q.error, expected);
}

TEST(ParseQueueResponse, EmptyNotObjectAndNoStatus) {
  auto e = parse_queue_response("  ");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.error, "The API answered 200 but the body is empty.");

  auto a = parse_queue_response("[1,2]");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.error, "The API answered 200 but the body is not a JSON object: [1,2]");

  auto s = parse_queue_response(R"({"uuid":"u1","prospects_count":1})");
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.error, R"(The API answered 200 but the body has no queue status: {"uuid":"u1","prospects_count":1})");

  auto n = parse_queue_response(R"({"status": 5})");
  EXPECT_FALSE(n.ok);
  EXPECT_EQ(n.status, "");
  EXPECT_FALSE(n.uuid.has_value());
}

// ---- explain_queue_status -----------------------------------------------------------------------
TEST(ExplainQueueStatus, Enqueued) {
  auto m = explain_queue_status("ENQUEUED");
  EXPECT_TRUE(m.known);
  EXPECT_FALSE(m.stop_sending);
  EXPECT_EQ(m.headline, "All eligible prospects in this batch were queued for enrichment.");
  EXPECT_EQ(m.next_step, "Track the batch; credits are charged only for prospects enrichment finds data for.");
}

TEST(ExplainQueueStatus, PartiallyEnqueuedStopsSending) {
  auto m = explain_queue_status("PARTIALLY_ENQUEUED");
  EXPECT_TRUE(m.known);
  EXPECT_TRUE(m.stop_sending);
  EXPECT_EQ(m.headline,
            "Only some prospects in this batch were queued, usually because the account's credits do not cover all of them.");
  EXPECT_EQ(m.next_step,
            "Add credits in Woodpecker's billing section (an account admin can do this), then send the remaining batches.");
}

TEST(ExplainQueueStatus, NotEnqueued) {
  auto m = explain_queue_status("NOT_ENQUEUED");
  EXPECT_TRUE(m.known);
  EXPECT_FALSE(m.stop_sending);
  EXPECT_EQ(m.headline, "None of the prospects in this batch were queued: they are already pending enrichment.");
  EXPECT_EQ(m.next_step, "They are not charged again; track the earlier batch that queued them.");
}

TEST(ExplainQueueStatus, CreditsExhaustedStopsSending) {
  auto m = explain_queue_status("CREDITS_EXHAUSTED");
  EXPECT_TRUE(m.known);
  EXPECT_TRUE(m.stop_sending);
  EXPECT_EQ(m.headline, "Not enough credits: nothing in this batch was queued.");
  EXPECT_EQ(m.next_step,
            "An account admin can add credits in the billing section of Woodpecker; then send the remaining batches.");
}

TEST(ExplainQueueStatus, TrimmedButCaseSensitive) {
  EXPECT_TRUE(explain_queue_status("  ENQUEUED\n").known);
  auto m = explain_queue_status("enqueued");
  EXPECT_FALSE(m.known);
  EXPECT_FALSE(m.stop_sending);
  EXPECT_EQ(m.headline, "The API answered with status \xE2\x80\x9C" "enqueued\xE2\x80\x9D, which this tool does not know.");
  EXPECT_EQ(m.next_step, "Check the batch in Woodpecker before sending again.");
}

TEST(ExplainQueueStatus, UnknownStatusShownTrimmed) {
  auto m = explain_queue_status(" SOMETHING_NEW ");
  EXPECT_FALSE(m.known);
  EXPECT_EQ(m.headline, "The API answered with status \xE2\x80\x9CSOMETHING_NEW\xE2\x80\x9D, which this tool does not know.");
}

// ---- parse_error_body ---------------------------------------------------------------------------
TEST(ParseErrorBody, DocumentedShape) {
  auto e = parse_error_body(
      R"({"title": "Bad Request", "status": 400, "detail": "prospects must not be empty", "timestamp": "2025-03-05 17:57:00"})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->title, "Bad Request");
  EXPECT_EQ(e->status, 400);
  EXPECT_EQ(e->detail, "prospects must not be empty");
  EXPECT_EQ(e->timestamp, "2025-03-05 17:57:00");
}

TEST(ParseErrorBody, StatusAsStringAndPartialFields) {
  auto e = parse_error_body(R"({"detail": "too many prospects", "status": "413"})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->title, "");
  EXPECT_EQ(e->status, 413);
  EXPECT_EQ(e->detail, "too many prospects");
  EXPECT_EQ(e->timestamp, "");

  auto t = parse_error_body(R"({"title": "Unauthorized"})");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->title, "Unauthorized");
  EXPECT_EQ(t->status, 0);
  EXPECT_EQ(t->detail, "");
}

TEST(ParseErrorBody, RejectsOtherBodies) {
  EXPECT_FALSE(parse_error_body("").has_value());
  EXPECT_FALSE(parse_error_body("Not Found").has_value());
  EXPECT_FALSE(parse_error_body("[]").has_value());
  EXPECT_FALSE(parse_error_body(R"("detail")").has_value());
  EXPECT_FALSE(parse_error_body(R"({"status": 500})").has_value());
  EXPECT_FALSE(parse_error_body(R"({"title": null, "detail": null})").has_value());
  EXPECT_FALSE(parse_error_body(R"({"title": "x")").has_value());
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

// ---- decide: 2xx -----------------------------------------------------------------------------------
TEST(Decide, SentEnqueued) {
  RetryPolicy p;
  auto d = decide(http(200, R"({"uuid":"b1","prospects_count":3,"total_prospects_count":5,"status":"ENQUEUED"})"), 1, p,
                  0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Sent);
  EXPECT_FALSE(d.stop_sending);
  EXPECT_EQ(d.delay_ms, 0);
  EXPECT_TRUE(d.response.ok);
  EXPECT_EQ(*d.response.uuid, "b1");
  EXPECT_EQ(d.message,
            "All eligible prospects in this batch were queued for enrichment. 3 of 5 prospects queued. "
            "Track the batch; credits are charged only for prospects enrichment finds data for.");
}

TEST(Decide, SentPartiallyEnqueuedStopsSending) {
  auto d = decide(http(201, R"({"uuid":"b2","prospects_count":2,"total_prospects_count":50,"status":"PARTIALLY_ENQUEUED"})"), 1,
                  RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Sent);
  EXPECT_TRUE(d.stop_sending);
  EXPECT_EQ(d.message,
            "Only some prospects in this batch were queued, usually because the account's credits do not cover all of them. "
            "2 of 50 prospects queued. Add credits in Woodpecker's billing section (an account admin can do this), then "
            "send the remaining batches.");
}

TEST(Decide, SentCreditsExhaustedStopsSending) {
  auto d = decide(http(200, R"({"uuid":null,"prospects_count":0,"total_prospects_count":1,"status":"CREDITS_EXHAUSTED"})"), 2,
                  RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Sent);
  EXPECT_TRUE(d.stop_sending);
  EXPECT_FALSE(d.response.uuid.has_value());
  EXPECT_EQ(d.message,
            "Not enough credits: nothing in this batch was queued. 0 of 1 prospect queued. An account admin can add "
            "credits in the billing section of Woodpecker; then send the remaining batches.");
}

TEST(Decide, SentNotEnqueuedKeepsSending) {
  auto d = decide(http(200, R"({"uuid":null,"prospects_count":0,"total_prospects_count":4,"status":"NOT_ENQUEUED"})"), 1,
                  RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Sent);
  EXPECT_FALSE(d.stop_sending);
  EXPECT_EQ(d.message,
            "None of the prospects in this batch were queued: they are already pending enrichment. 0 of 4 prospects "
            "queued. They are not charged again; track the earlier batch that queued them.");
}

TEST(Decide, SentUnknownStatus) {
  auto d = decide(http(200, R"({"uuid":"b3","prospects_count":1,"total_prospects_count":1,"status":"HELD"})"), 1,
                  RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Sent);
  EXPECT_FALSE(d.stop_sending);
  EXPECT_EQ(d.response.status, "HELD");
  EXPECT_EQ(d.message,
            "The API answered with status \xE2\x80\x9CHELD\xE2\x80\x9D, which this tool does not know. 1 of 1 prospect "
            "queued. Check the batch in Woodpecker before sending again.");
}

TEST(Decide, UnparsableSuccessFailsWithoutRetry) {
  auto d = decide(http(200, "OK"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.delay_ms, 0);
  EXPECT_FALSE(d.response.ok);
  EXPECT_EQ(d.message,
            "The API answered 200 but the body is not JSON: OK. The batch may have been queued anyway: check the "
            "enrichment status before sending it again.");

  auto e = decide(http(202, ""), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(e.outcome, Outcome::FailBatch);
  EXPECT_EQ(e.message,
            "The API answered 202 but the body is empty. The batch may have been queued anyway: check the enrichment "
            "status before sending it again.");
}

// ---- decide: 4xx -----------------------------------------------------------------------------------
TEST(Decide, AuthErrorsStopEverything) {
  auto d = decide(http(401, R"({"title":"Unauthorized","status":401})"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::StopAuth);
  EXPECT_EQ(d.message, "The API key was refused (401). Check the key in Settings; nothing more will be sent.");
  auto f = decide(http(403, ""), 3, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(f.outcome, Outcome::StopAuth);
  EXPECT_EQ(f.message, "The API key was refused (403). Check the key in Settings; nothing more will be sent.");
}

TEST(Decide, BadRequestWithServerDetail) {
  auto d = decide(
      http(400, R"({"title":"Bad Request","status":400,"detail":"prospects[0].email is invalid.","timestamp":"2025-03-05 17:57:00"})"),
      1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.message, "The API rejected this batch (400): prospects[0].email is invalid. Fix the rows and send this batch again.");
}

TEST(Decide, UnprocessableWithTitleOnlyAndWithoutBody) {
  auto d = decide(http(422, R"({"title":"Unprocessable Entity"})"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.message, "The API rejected this batch (422): Unprocessable Entity. Fix the rows and send this batch again.");

  auto e = decide(http(409, "<html>conflict</html>"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(e.outcome, Outcome::FailBatch);
  EXPECT_EQ(e.message, "The API rejected this batch (409). Fix the rows and send this batch again.");

  auto u = decide(http(415, ""), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(u.outcome, Outcome::FailBatch);
  EXPECT_EQ(u.message, "The API rejected this batch (415). Fix the rows and send this batch again.");

  auto o = decide(http(418, ""), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(o.outcome, Outcome::FailBatch);
  EXPECT_EQ(o.message, "The API rejected this batch (418). Fix the rows and send this batch again.");
}

TEST(Decide, NotFoundPointsAtTheAddress) {
  auto d = decide(http(404, R"({"title":"Not Found","status":404,"detail":"No route"})"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.message, "The API rejected this batch (404): No route. Check the API address in Settings, then send this batch again.");
  auto m = decide(http(405, ""), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(m.outcome, Outcome::FailBatch);
  EXPECT_EQ(m.message, "The API rejected this batch (405). Check the API address in Settings, then send this batch again.");
}

TEST(Decide, TooLargePointsAtBatchSize) {
  auto d = decide(http(413, ""), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.message,
            "The request was too large for the API (413). Every later batch has the same size, so nothing more "
            "is sent: lower the batch size in Settings (or --batch-size in the command-line tool) and send this "
            "batch and the rest again.");
}

// 413: this batch fails and the run stops, because every later batch is as large; the message names
// the cause ("too large") and the remedy ("batch size"), with or without a server detail and on any
// attempt.
TEST(Decide, TooLargeStopsTheRun) {
  const std::string bodies[] = {"", "<html>413 Request Entity Too Large</html>",
                                R"({"title":"Payload Too Large","status":413,"detail":"At most 100 prospects."})"};
  for (const std::string& body : bodies)
    for (int attempt : {1, 3}) {
      auto d = decide(http(413, body), attempt, RetryPolicy{}, 0.5, kNow);
      EXPECT_EQ(d.outcome, Outcome::FailBatch) << body;
      EXPECT_TRUE(d.stop_sending) << body;
      EXPECT_NE(d.message.find("too large"), std::string::npos) << d.message;
      EXPECT_NE(d.message.find("batch size"), std::string::npos) << d.message;
      EXPECT_NE(d.message.find("--batch-size"), std::string::npos) << d.message;
      EXPECT_NE(d.message.find("the rest again"), std::string::npos) << d.message;
    }
  auto detail = decide(http(413, bodies[2]), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_NE(detail.message.find("(413): At most 100 prospects. "), std::string::npos) << detail.message;
  // Other client errors concern this batch only: the run goes on.
  EXPECT_FALSE(decide(http(400, ""), 1, RetryPolicy{}, 0.5, kNow).stop_sending);
  EXPECT_FALSE(decide(http(422, ""), 1, RetryPolicy{}, 0.5, kNow).stop_sending);
}

TEST(Decide, RequestTimeout408IsRetried) {
  auto d = decide(http(408, ""), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 1000);
  EXPECT_EQ(d.message, "The API timed out waiting for the request (408); waiting 1s before retrying.");
}

// ---- decide: 429 ----------------------------------------------------------------------------------
TEST(Decide, RateLimitedHonoursRetryAfterSeconds) {
  auto d = decide(http(429, "", "30"), 1, RetryPolicy{}, 0.9, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 30000);
  EXPECT_EQ(d.message, "Rate limited by the API (429); waiting 30s before retrying.");
}

TEST(Decide, RateLimitedHonoursRetryAfterDate) {
  auto d = decide(http(429, "", "Fri, 01 May 2026 12:00:45 GMT"), 2, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 45000);
  EXPECT_EQ(d.message, "Rate limited by the API (429); waiting 45s before retrying.");
}

TEST(Decide, RateLimitedWithoutRetryAfterBacksOff) {
  auto d = decide(http(429, ""), 3, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 4000);
  EXPECT_EQ(d.message, "Rate limited by the API (429); waiting 4s before retrying.");

  auto g = decide(http(429, "", "later"), 1, RetryPolicy{}, 0.0, kNow);
  EXPECT_EQ(g.outcome, Outcome::Retry);
  EXPECT_EQ(g.delay_ms, 500);
  EXPECT_EQ(g.message, "Rate limited by the API (429); waiting 0.5s before retrying.");
}

TEST(Decide, RateLimitedTooLongFailsTheBatch) {
  auto d = decide(http(429, "", "3600"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.message,
            "Rate limited by the API (429): the API asks to wait 1 hour, longer than this tool waits (15 minutes). "
            "The batch was not sent; send it again in 1 hour or later.");

  auto e = decide(http(429, "", "901"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(e.outcome, Outcome::FailBatch);
  EXPECT_EQ(e.message,
            "Rate limited by the API (429): the API asks to wait 16 minutes, longer than this tool waits (15 minutes). "
            "The batch was not sent; send it again in 16 minutes or later.");

  auto huge = decide(http(429, "", std::string(400, '9')), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(huge.outcome, Outcome::FailBatch);
  EXPECT_EQ(huge.message,
            "Rate limited by the API (429): the API asks to wait a very long time, longer than this tool waits "
            "(15 minutes). The batch was not sent; send it again much later.");

  auto ok = decide(http(429, "", "900"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(ok.outcome, Outcome::Retry);
  EXPECT_EQ(ok.delay_ms, 900000);
}

TEST(Decide, RateLimitedOnLastAttemptGivesUp) {
  RetryPolicy p;
  p.max_attempts = 3;
  auto d = decide(http(429, "", "5"), 3, p, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.message,
            "Gave up after 3 attempts: rate limited by the API (429). The batch was not confirmed; send it again later "
            "(already-queued emails are not charged twice).");
}

// ---- decide: 5xx, timeouts, no response -----------------------------------------------------------
TEST(Decide, ServerErrorsRetryWithExponentialBackoff) {
  RetryPolicy p;  // base 1000, max 60000, 6 attempts
  const double expected[] = {1000, 2000, 4000, 8000, 16000};
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto d = decide(http(500, ""), attempt, p, 0.5, kNow);
    EXPECT_EQ(d.outcome, Outcome::Retry) << attempt;
    EXPECT_EQ(d.delay_ms, expected[attempt - 1]) << attempt;
  }
  auto d = decide(http(502, ""), 2, p, 0.5, kNow);
  EXPECT_EQ(d.message, "The API had a server error (502); waiting 2s before retrying.");
}

TEST(Decide, BackoffJitterIsPlusMinusHalf) {
  RetryPolicy p;
  EXPECT_EQ(decide(http(500, ""), 1, p, 0.0, kNow).delay_ms, 500);
  EXPECT_EQ(decide(http(500, ""), 1, p, 0.25, kNow).delay_ms, 750);
  EXPECT_EQ(decide(http(500, ""), 2, p, 0.75, kNow).delay_ms, 2500);
  EXPECT_EQ(decide(http(504, ""), 3, p, 0.0, kNow).delay_ms, 2000);
  // Out-of-range jitter is clamped to [0, 1].
  EXPECT_EQ(decide(http(500, ""), 1, p, -3.0, kNow).delay_ms, 500);
  EXPECT_EQ(decide(http(500, ""), 1, p, 7.0, kNow).delay_ms, 1500);
}

TEST(Decide, BackoffIsCappedAtMaxDelay) {
  RetryPolicy p;
  p.max_attempts = 20;
  EXPECT_EQ(decide(http(500, ""), 7, p, 0.5, kNow).delay_ms, 60000);   // 64000 capped
  EXPECT_EQ(decide(http(500, ""), 7, p, 0.9, kNow).delay_ms, 60000);   // never above max
  EXPECT_EQ(decide(http(500, ""), 7, p, 0.0, kNow).delay_ms, 30000);
  EXPECT_EQ(decide(http(500, ""), 6, p, 0.99, kNow).delay_ms, 47680);  // 32000 * 1.49
  EXPECT_EQ(decide(http(500, ""), 19, p, 0.5, kNow).delay_ms, 60000);
  p.max_attempts = 1000;
  EXPECT_EQ(decide(http(500, ""), 500, p, 0.5, kNow).delay_ms, 60000);  // huge exponent
}

TEST(Decide, CustomPolicyNumbers) {
  RetryPolicy p;
  p.base_delay_ms = 250;
  p.max_delay_ms = 3000;
  p.max_attempts = 10;
  EXPECT_EQ(decide(http(503, ""), 1, p, 0.5, kNow).delay_ms, 250);
  EXPECT_EQ(decide(http(503, ""), 4, p, 0.5, kNow).delay_ms, 2000);
  EXPECT_EQ(decide(http(503, ""), 5, p, 0.5, kNow).delay_ms, 3000);
  EXPECT_EQ(decide(http(503, ""), 4, p, 0.0, kNow).delay_ms, 1000);
}

TEST(Decide, ServerErrorDetailIsQuoted) {
  auto d = decide(http(500, R"({"title":"Internal Server Error","status":500,"detail":"Something broke."})"), 1,
                  RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.message, "The API had a server error (500: Something broke); waiting 1s before retrying.");
}

TEST(Decide, ServiceUnavailableHonoursRetryAfter) {
  auto d = decide(http(503, "", "12"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 12000);
  EXPECT_EQ(d.message, "The API had a server error (503); waiting 12s before retrying.");

  auto f = decide(http(503, "", "7200"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(f.outcome, Outcome::FailBatch);
  EXPECT_EQ(f.message,
            "The API had a server error (503): the API asks to wait 2 hours, longer than this tool waits (15 minutes). "
            "The batch was not sent; send it again in 2 hours or later.");
}

TEST(Decide, RetryAfterIgnoredForOther5xx) {
  auto d = decide(http(500, "", "30"), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 1000);
}

TEST(Decide, OtherServerStatusesRetry) {
  for (int code : {501, 504, 520, 599}) {
    auto d = decide(http(code, ""), 1, RetryPolicy{}, 0.5, kNow);
    EXPECT_EQ(d.outcome, Outcome::Retry) << code;
    EXPECT_EQ(d.delay_ms, 1000) << code;
  }
}

TEST(Decide, GivesUpAtMaxAttempts) {
  RetryPolicy p;  // 6 attempts
  auto before = decide(http(502, ""), 5, p, 0.5, kNow);
  EXPECT_EQ(before.outcome, Outcome::Retry);
  EXPECT_EQ(before.delay_ms, 16000);
  auto d = decide(http(502, ""), 6, p, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.delay_ms, 0);
  EXPECT_EQ(d.message,
            "Gave up after 6 attempts: the API had a server error (502). The batch was not confirmed; send it again "
            "later (already-queued emails are not charged twice).");
  EXPECT_EQ(decide(http(502, ""), 9, p, 0.5, kNow).outcome, Outcome::FailBatch);
}

TEST(Decide, SingleAttemptPolicyNeverRetries) {
  RetryPolicy p;
  p.max_attempts = 1;
  auto d = decide(http(0, "", "", true), 1, p, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::FailBatch);
  EXPECT_EQ(d.message,
            "Gave up after 1 attempt: the request timed out. The batch was not confirmed; send it again later "
            "(already-queued emails are not charged twice).");
  p.max_attempts = 0;  // nonsense: treated as 1
  EXPECT_EQ(decide(http(500, ""), 1, p, 0.5, kNow).outcome, Outcome::FailBatch);
}

TEST(Decide, TimeoutRetriesEvenOnFirstAttempt) {
  auto d = decide(http(0, "", "", true), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 1000);
  EXPECT_EQ(d.message, "The request timed out; waiting 1s before retrying.");
}

TEST(Decide, NoResponseFromAnApiThatNeverAnsweredIsRetriedOnceThenABrowserBlock) {
  auto first = decide(http(0, ""), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(first.outcome, Outcome::Retry);
  EXPECT_EQ(first.delay_ms, 1000);
  EXPECT_EQ(first.message, "No response from the API; waiting 1s before retrying.");
  auto d = decide(http(0, ""), 2, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::StopBlocked);
  EXPECT_EQ(d.message,
            "No response from the API: the browser blocked the request or the network is down. If the page is "
            "opened from disk or another site, the API may refuse browser calls (CORS): open the page through the "
            "bundled web server (scripts/run.sh) which proxies the API, or use the curl command from the dry run.");
  EXPECT_EQ(d.message.find("http"), std::string::npos);
}

TEST(Decide, NoResponseFromAnApiThatAnsweredBeforeIsADroppedConnection) {
  HttpResult r = http(0, "");
  r.reached_before = true;
  auto d = decide(r, 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 1000);
  auto d2 = decide(r, 2, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d2.outcome, Outcome::Retry);
  EXPECT_EQ(d2.delay_ms, 2000);
  EXPECT_EQ(d2.message, "No response from the API; waiting 2s before retrying.");
  auto g = decide(r, 6, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(g.outcome, Outcome::FailBatch);
  EXPECT_EQ(g.message,
            "Gave up after 6 attempts: no response from the API. The batch was not confirmed; send it again later "
            "(already-queued emails are not charged twice).");
}

TEST(Decide, NoResponseAfterAnAnswerInTheSameBatchIsRetried) {
  // Attempt 3+ without an answer ever: the block was already ruled out on attempt 2 only if it answered.
  auto d = decide(http(0, ""), 3, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(d.outcome, Outcome::Retry);
  EXPECT_EQ(d.delay_ms, 4000);
}

TEST(Decide, UnexpectedStatuses) {
  for (int code : {100, 302, 304, 600, -1}) {
    auto d = decide(http(code, ""), 1, RetryPolicy{}, 0.5, kNow);
    EXPECT_EQ(d.outcome, Outcome::FailBatch) << code;
  }
  EXPECT_EQ(decide(http(302, ""), 1, RetryPolicy{}, 0.5, kNow).message,
            "The API answered with an unexpected status (302). The batch was not confirmed: check the enrichment "
            "status before sending it again.");
}

TEST(Decide, AttemptBelowOneIsTreatedAsFirst) {
  EXPECT_EQ(decide(http(0, ""), 0, RetryPolicy{}, 0.5, kNow).delay_ms, 1000);
  EXPECT_EQ(decide(http(500, ""), -4, RetryPolicy{}, 0.5, kNow).delay_ms, 1000);
}

// ---- is_pending_status ----------------------------------------------------------------------------
TEST(IsPendingStatus, KnownPendingValues) {
  for (const char* s : {"PENDING", "QUEUED", "ENQUEUED", "IN_PROGRESS", "PROCESSING", "RUNNING", "NEW", "pending",
                        " Processing ", "in-progress", "In Progress"})
    EXPECT_TRUE(is_pending_status(s)) << s;
  for (const char* s : {"PROCESSED", "COMPLETED", "DONE", "FAILED", "ENRICHED", "", "NEWS", "PARTIALLY_ENQUEUED"})
    EXPECT_FALSE(is_pending_status(s)) << s;
}

// ---- parse_status_response ------------------------------------------------------------------------
TEST(ParseStatusResponse, SandboxSingleBatchShape) {
  auto r = parse_status_response(R"({
    "uuid": "e9e6abc4-799e-4c24-b412-7917b1db919d",
    "created": "2026-05-01T10:00:00+02:00",
    "status": "PROCESSING",
    "prospects": [
      {"email": "erlich@bachmanity.com", "status": "PROCESSED", "processing_result": "ENRICHED"},
      {"email": "jared@piedpiper.com", "status": "PENDING", "processing_result": null}
    ]
  })");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.batches.size(), 1u);
  const auto& b = r.batches[0];
  EXPECT_EQ(b.uuid, "e9e6abc4-799e-4c24-b412-7917b1db919d");
  EXPECT_EQ(b.created, "2026-05-01T10:00:00+02:00");
  EXPECT_EQ(b.status, "PROCESSING");
  ASSERT_EQ(b.prospects.size(), 2u);
  EXPECT_EQ(b.prospects[0].email, "erlich@bachmanity.com");
  EXPECT_EQ(b.prospects[0].status, "PROCESSED");
  EXPECT_EQ(b.prospects[0].processing_result, "ENRICHED");
  EXPECT_TRUE(b.prospects[0].final_state);
  EXPECT_EQ(b.prospects[1].email, "jared@piedpiper.com");
  EXPECT_EQ(b.prospects[1].status, "PENDING");
  EXPECT_EQ(b.prospects[1].processing_result, "");
  EXPECT_FALSE(b.prospects[1].final_state);
  EXPECT_FALSE(b.all_final);
}

TEST(ParseStatusResponse, AllProspectsFinal) {
  auto r = parse_status_response(R"({"uuid":"u","status":"PROCESSING","prospects":[
      {"email":"a@x.com","status":"PROCESSED","processing_result":"NOT_FOUND"},
      {"email":"b@x.com","status":"FAILED"}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_TRUE(r.batches[0].all_final);
  EXPECT_EQ(r.batches[0].prospects[1].processing_result, "");
}

TEST(ParseStatusResponse, ListShape) {
  auto r = parse_status_response(R"({"prospect_enrichments":[
      {"uuid":"b1","created":"2026-05-01T10:00:00Z","prospects":[{"email":"a@x.com","status":"PROCESSED","processing_result":"ENRICHED"}]},
      {"uuid":"b2","created":"2026-05-01T11:00:00Z","prospects":[{"email":"c@x.com","status":"QUEUED"}]}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 2u);
  EXPECT_EQ(r.batches[0].uuid, "b1");
  EXPECT_EQ(r.batches[0].created, "2026-05-01T10:00:00Z");
  EXPECT_EQ(r.batches[0].status, "");
  EXPECT_TRUE(r.batches[0].all_final);
  EXPECT_EQ(r.batches[1].uuid, "b2");
  EXPECT_FALSE(r.batches[1].all_final);
  ASSERT_EQ(r.batches[1].prospects.size(), 1u);
  EXPECT_EQ(r.batches[1].prospects[0].status, "QUEUED");
}

TEST(ParseStatusResponse, LeadEnrichmentSiblingShapeHasNoProspects) {
  auto r = parse_status_response(R"({"lead_enrichments":[{"uuid":"L1","created":"2026-05-01T10:00:00+02:00",
      "leads":[{"uid":"x1","status":"PROCESSED","processing_result":"NOT_CONVERTED_TO_PROSPECT"}]}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_EQ(r.batches[0].uuid, "L1");
  EXPECT_EQ(r.batches[0].created, "2026-05-01T10:00:00+02:00");
  EXPECT_EQ(r.batches[0].prospects.size(), 0u);
  EXPECT_FALSE(r.batches[0].all_final);  // no prospects and no batch status
}

TEST(ParseStatusResponse, AlternateKeysAndNonStringValues) {
  auto r = parse_status_response(R"({"data":[{"uuid":42,"state":"done","createdAt":"yesterday",
      "items":[{"email":" a@x.com ","state":"PROCESSED","result":"ENRICHED"},
               {"email":"b@x.com","status":3,"enrichment_status":true},
               {"email":"c@x.com","status":null,"result":{"x":1}},
               {"email":"","status":"PROCESSED"},
               {"email":7,"status":"PROCESSED"},
               "d@x.com"]}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  const auto& b = r.batches[0];
  EXPECT_EQ(b.uuid, "42");
  EXPECT_EQ(b.created, "yesterday");
  EXPECT_EQ(b.status, "done");
  ASSERT_EQ(b.prospects.size(), 3u);
  EXPECT_EQ(b.prospects[0].email, "a@x.com");
  EXPECT_EQ(b.prospects[0].status, "PROCESSED");
  EXPECT_EQ(b.prospects[0].processing_result, "ENRICHED");
  EXPECT_EQ(b.prospects[1].status, "3");
  EXPECT_EQ(b.prospects[1].processing_result, "true");
  EXPECT_TRUE(b.prospects[1].final_state);
  EXPECT_EQ(b.prospects[2].status, "");
  EXPECT_EQ(b.prospects[2].processing_result, "");
  EXPECT_FALSE(b.prospects[2].final_state);  // no status is not final
  EXPECT_FALSE(b.all_final);
}

TEST(ParseStatusResponse, BatchStatusDecidesWhenNoProspects) {
  auto r = parse_status_response(R"([{"uuid":"a","status":"COMPLETED"},{"uuid":"b","status":"FINISHED"},
      {"uuid":"c","status":"DONE"},{"uuid":"d","status":"RUNNING"},{"uuid":"e"},{"uuid":"f","status":"  "}])");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 6u);
  EXPECT_TRUE(r.batches[0].all_final);
  EXPECT_TRUE(r.batches[1].all_final);
  EXPECT_TRUE(r.batches[2].all_final);
  EXPECT_FALSE(r.batches[3].all_final);
  EXPECT_FALSE(r.batches[4].all_final);
  EXPECT_FALSE(r.batches[5].all_final);
}

TEST(ParseStatusResponse, ProspectsDecideOverBatchStatus) {
  auto r = parse_status_response(R"({"uuid":"a","status":"COMPLETED","prospects":[{"email":"a@x.com","status":"PENDING"}]})");
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_FALSE(r.batches[0].all_final);
}

TEST(ParseStatusResponse, NestedBatchesAreAllCollected) {
  auto r = parse_status_response(R"({"enrichments":[
      {"uuid":"outer","status":"COMPLETED","children":[{"uuid":"inner","prospects":[{"email":"i@x.com","status":"PROCESSED","uuid":"p1"}]}],
       "meta":{"page":{"uuid":"deep"}}}],
      "data":{"more":[[{"uuid":"far"}]]}})");
  ASSERT_TRUE(r.ok);
  // Object members are visited in key order ("data" before "enrichments"), arrays in order, a batch
  // before the batches nested in it; a prospect carrying a uuid is not taken for a batch.
  ASSERT_EQ(r.batches.size(), 4u);
  EXPECT_EQ(r.batches[0].uuid, "far");
  EXPECT_EQ(r.batches[1].uuid, "outer");
  EXPECT_EQ(r.batches[1].prospects.size(), 0u);
  EXPECT_TRUE(r.batches[1].all_final);
  EXPECT_EQ(r.batches[2].uuid, "inner");
  ASSERT_EQ(r.batches[2].prospects.size(), 1u);
  EXPECT_EQ(r.batches[2].prospects[0].email, "i@x.com");
  EXPECT_TRUE(r.batches[2].all_final);
  EXPECT_EQ(r.batches[3].uuid, "deep");
}

TEST(ParseStatusResponse, EmptyListsAndObjectsWithoutUuid) {
  auto a = parse_status_response(R"({"prospect_enrichments":[]})");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.batches.size(), 0u);
  auto b = parse_status_response(R"({"uuid":null,"status":"DONE"})");
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.batches.size(), 0u);
  auto c = parse_status_response("42");
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(c.batches.size(), 0u);
  auto d = parse_status_response("[]");
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.batches.size(), 0u);
}

TEST(ParseStatusResponse, MalformedJson) {
  auto r = parse_status_response(R"({"uuid": "a", )");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, R"(The status answer is not JSON: {"uuid": "a", )");
  EXPECT_EQ(r.batches.size(), 0u);
  auto e = parse_status_response("");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.error, "The status answer is empty.");
  auto u = parse_status_response("{\"uuid\": \"\xFF\"}");  // invalid UTF-8
  EXPECT_FALSE(u.ok);
  EXPECT_EQ(u.error, "The status answer is not JSON: {\"uuid\": \"\xEF\xBF\xBD\"}");
}

TEST(ParseStatusResponse, DeepNestingIsBoundedAndSafe) {
  const int depth = 100000;
  std::string body;
  for (int i = 0; i < depth; ++i) body += "[";
  body += R"({"uuid":"too-deep"})";
  for (int i = 0; i < depth; ++i) body += "]";
  auto r = parse_status_response(body);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.batches.size(), 0u);

  std::string shallow;
  for (int i = 0; i < 10; ++i) shallow += R"({"x":)";
  shallow += R"({"uuid":"ok"})";
  for (int i = 0; i < 10; ++i) shallow += "}";
  auto s = parse_status_response(shallow);
  ASSERT_EQ(s.batches.size(), 1u);
  EXPECT_EQ(s.batches[0].uuid, "ok");

  std::string unclosed(200000, '{');
  auto u = parse_status_response(unclosed);
  EXPECT_FALSE(u.ok);
}

TEST(ParseStatusResponse, HugeArrays) {
  std::string body = R"({"uuid":"big","prospects":[)";
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    if (i) body += ",";
    body += R"({"email":"p)" + std::to_string(i) + R"(@x.com","status":"PROCESSED"})";
  }
  body += "]}";
  auto r = parse_status_response(body);
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  ASSERT_EQ(r.batches[0].prospects.size(), static_cast<size_t>(n));
  EXPECT_EQ(r.batches[0].prospects[n - 1].email, "p19999@x.com");
  EXPECT_TRUE(r.batches[0].all_final);
}

// ---- build_status_query ---------------------------------------------------------------------------
TEST(BuildStatusQuery, CompactAndEscaped) {
  EXPECT_EQ(build_status_query({}), "{}");
  EXPECT_EQ(build_status_query({"a@b.com"}), R"({"emails":["a@b.com"]})");
  EXPECT_EQ(build_status_query({"a@b.com", "q\"uote@x.com", "back\\slash@x.com"}),
            R"({"emails":["a@b.com","q\"uote@x.com","back\\slash@x.com"]})");
  EXPECT_EQ(build_status_query({"tab\t@x.com"}), R"({"emails":["tab\t@x.com"]})");
  EXPECT_EQ(build_status_query({"\xC3\xA9@x.com"}), "{\"emails\":[\"\xC3\xA9@x.com\"]}");
  EXPECT_EQ(build_status_query({"bad\xFF@x.com"}), "{\"emails\":[\"bad\xEF\xBF\xBD@x.com\"]}");
}

}  // namespace
