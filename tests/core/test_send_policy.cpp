// The send policy: decide() for every kind of HTTP result, and the batch states (src/core/send_policy.hpp).
#include "send_policy.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "api_test_util.hpp"

namespace {

using namespace pe;
using namespace pe_test;

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
  EXPECT_EQ(d.response.queue_status, "HELD");
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

}  // namespace

// ---- batch states ---------------------------------------------------------------------------------
namespace {

TEST(BatchStates, TheSevenStatesWithTheirNamesWordsFinalAndResendable) {
  std::string listed;
  for (const pe::BatchStateInfo& s : pe::kBatchStates)
    listed += std::string(s.name) + " (" + s.words + ")" + (s.final ? " final" : "") + (s.resendable ? " resendable" : "") + "; ";
  EXPECT_EQ(listed,
            "waiting (waiting); sending (sending…); sent (sent) final; partial (partly queued) final resendable; "
            "failed (failed) final resendable; unconfirmed (unconfirmed) final resendable; "
            "not_sent (not sent) final resendable; ");
}

TEST(BatchStates, NamesRoundTripAndUnknownNamesAreRefused) {
  for (const pe::BatchStateInfo& s : pe::kBatchStates) {
    pe::BatchState back = pe::BatchState::Waiting;
    ASSERT_TRUE(pe::parse_batch_state(s.name, back)) << s.name;
    EXPECT_EQ(back, s.state);
    EXPECT_STREQ(pe::batch_state_name(s.state), s.name);
    EXPECT_STREQ(pe::batch_state_words(s.state), s.words);
  }
  pe::BatchState st = pe::BatchState::Sent;
  EXPECT_FALSE(pe::parse_batch_state("Sent", st));
  EXPECT_FALSE(pe::parse_batch_state("queued", st));
  EXPECT_FALSE(pe::parse_batch_state("", st));
  EXPECT_EQ(st, pe::BatchState::Sent);
}

TEST(Outcomes, NamesThePageReads) {
  EXPECT_STREQ(pe::outcome_name(pe::Outcome::Sent), "sent");
  EXPECT_STREQ(pe::outcome_name(pe::Outcome::Retry), "retry");
  EXPECT_STREQ(pe::outcome_name(pe::Outcome::FailBatch), "failed");
  EXPECT_STREQ(pe::outcome_name(pe::Outcome::StopAuth), "stop_auth");
  EXPECT_STREQ(pe::outcome_name(pe::Outcome::StopBlocked), "stop_blocked");
}

}  // namespace
