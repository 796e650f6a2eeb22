// API response parsing and the send policy: parse_queue_response, parse_status_response,
// parse_error_body, parse_retry_after and decide() with any status, body, Retry-After header,
// attempt, policy, jitter and clock. Nothing may crash, and the decisions must be consistent:
//   - a Retry has a finite delay in [0, cap]: the backoff cap (max_delay_ms), or for a Retry-After
//     that parsed, exactly that wait and at most max_retry_after_ms;
//   - never a Retry at or after the last attempt; Sent only for 2xx with a parsed queue status;
//     StopAuth exactly for 401/403; StopBlocked only for a second unanswered attempt;
//   - every decision has a message; decide() is a pure function of its arguments.
//   - every message can be shown as it is: valid UTF-8, no control or bidi character, whatever
//     bytes the server sent (they reach messages only through pe::safe_snippet).
//
// Input: the last bytes choose status, attempt, policy, jitter and clock; the front holds the body
// and the Retry-After value.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "http_date.hpp"
#include "requests.hpp"
#include "responses.hpp"
#include "send_policy.hpp"
#include "fuzz_util.hpp"

using pe::Outcome;

namespace {

double pick_double(FuzzedDataProvider& fdp, double usual) {
  static const double kSpecial[] = {0.0, -1.0, 1.0, 1e-300, 1e300, -1e300,
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()};
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return usual;
    case 1: return kSpecial[fdp.ConsumeIntegralInRange<std::size_t>(0, std::size(kSpecial) - 1)];
    case 2: return fdp.ConsumeFloatingPointInRange<double>(-10.0, 1e7);
    default: return fdp.ConsumeFloatingPoint<double>();
  }
}

double clean_cap(double v) { return std::max(0.0, std::isfinite(v) ? v : 0.0); }

const char* name(Outcome o) {
  switch (o) {
    case Outcome::Sent: return "Sent";
    case Outcome::Retry: return "Retry";
    case Outcome::FailBatch: return "FailBatch";
    case Outcome::StopAuth: return "StopAuth";
    case Outcome::StopBlocked: return "StopBlocked";
  }
  return "?";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  static const int kStatuses[] = {0, 200, 201, 202, 204, 299, 400, 401, 403, 404, 405, 408, 413, 422, 429, 500, 502, 503, 504};
  pe::HttpResult r;
  r.status = fdp.ConsumeBool() ? kStatuses[fdp.ConsumeIntegralInRange<std::size_t>(0, std::size(kStatuses) - 1)]
                               : fdp.ConsumeIntegral<int>();
  r.timed_out = fdp.ConsumeProbability<float>() < 0.1f;
  r.reached_before = fdp.ConsumeBool();
  const int attempt = fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<int>(-2, 8) : fdp.ConsumeIntegral<int>();
  pe::RetryPolicy p;
  if (fdp.ConsumeBool()) {
    p.max_attempts = fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<int>(-1, 8) : fdp.ConsumeIntegral<int>();
    p.base_delay_ms = pick_double(fdp, 1000);
    p.max_delay_ms = pick_double(fdp, 60000);
    p.max_retry_after_ms = pick_double(fdp, 15 * 60 * 1000);
  }
  const double jitter = pick_double(fdp, 0.5);
  const std::time_t now = fdp.ConsumeBool() ? static_cast<std::time_t>(1790000000) : fdp.ConsumeIntegral<std::time_t>();
  r.retry_after = fdp.ConsumeRandomLengthString(40);
  r.body = fdp.ConsumeRemainingBytesAsString();
  const std::string ctx = "status " + std::to_string(r.status) + " attempt " + std::to_string(attempt) +
                          " body " + fuzz::show(r.body) + " retry-after " + fuzz::show(r.retry_after);

  // ---- parsers on their own
  const pe::QueueResponse q = pe::parse_queue_response(r.body);
  FUZZ_CHECK(q.ok == q.error.empty(), "queue response: an error exactly when not ok");
  if (q.ok) FUZZ_CHECK(!q.queue_status.empty(), "queue response: ok means a status");
  FUZZ_CHECK(fuzz::safe_message(q.error), "queue response error is safe text: " + fuzz::show(q.error));

  const pe::StatusMeaning m = pe::explain_queue_status(r.body);
  FUZZ_CHECK(!m.headline.empty() && !m.next_step.empty(), "a status meaning has words");
  FUZZ_CHECK(fuzz::safe_message(m.headline), "status headline is safe text: " + fuzz::show(m.headline));

  if (auto e = pe::parse_error_body(r.body)) {
    FUZZ_CHECK(e->status >= 0 && e->status <= 999, "error body status in 0..999");
    FUZZ_CHECK(fuzz::valid_utf8(e->title) && fuzz::valid_utf8(e->detail), "error body texts come from JSON: UTF-8");
  }

  const pe::StatusReport rep = pe::parse_status_response(r.body);
  FUZZ_CHECK(rep.ok == rep.error.empty(), "status report: an error exactly when not ok");
  if (!rep.ok) FUZZ_CHECK(rep.batches.empty(), "status report: no batches when not ok");
  std::vector<std::string> emails;
  for (const pe::TrackedBatch& b : rep.batches) {
    FUZZ_CHECK(!b.uuid.empty(), "a batch has a uuid");
    bool all = true;
    for (const pe::TrackedProspect& ps : b.prospects) {
      FUZZ_CHECK(!ps.email.empty() && ps.email.front() != ' ' && ps.email.back() != ' ', "prospect email trimmed, non-empty");
      FUZZ_CHECK(ps.final_state == (!ps.status.empty() && !pe::is_pending_status(ps.status)), "final_state follows status");
      all = all && ps.final_state;
      emails.push_back(ps.email);
    }
    if (!b.prospects.empty()) FUZZ_CHECK(b.all_final == all, "all_final: every prospect final");
  }
  const std::string query = pe::build_status_query(emails);
  const nlohmann::json qj = nlohmann::json::parse(query, nullptr, false);
  FUZZ_CHECK(!qj.is_discarded() && qj.is_object(), "status query is a JSON object: " + fuzz::show(query));
  if (!emails.empty()) FUZZ_CHECK(qj.contains("emails") && qj["emails"].size() == emails.size(), "status query lists the emails");

  const std::optional<double> ra = pe::parse_retry_after(r.retry_after, now);
  if (ra) FUZZ_CHECK(!std::isnan(*ra) && *ra >= 0, "Retry-After is >= 0 seconds: " + fuzz::show(r.retry_after));

  // ---- the decision
  const pe::Decision d = pe::decide(r, attempt, p, jitter, now);
  const std::string what = std::string(name(d.outcome)) + " for " + ctx + ": " + d.message;
  FUZZ_CHECK(!d.message.empty(), "a decision explains itself: " + what);
  FUZZ_CHECK(fuzz::safe_message(d.message), "decision message is safe text: " + what);
  FUZZ_CHECK(std::isfinite(d.delay_ms) && d.delay_ms >= 0, "delay finite and >= 0: " + what);

  const int last = std::max(1, p.max_attempts);
  const int code = r.status;
  switch (d.outcome) {
    case Outcome::Retry: {
      FUZZ_CHECK(std::max(1, attempt) < last, "a Retry only before the last attempt: " + what);
      const bool by_header = !r.timed_out && (code == 429 || code == 503) && ra.has_value();
      if (by_header) {
        FUZZ_CHECK(d.delay_ms == *ra * 1000.0, "a Retry-After wait is honoured exactly: " + what);
        FUZZ_CHECK(d.delay_ms <= clean_cap(p.max_retry_after_ms), "Retry-After wait within max_retry_after_ms: " + what);
      } else {
        FUZZ_CHECK(d.delay_ms <= clean_cap(p.max_delay_ms),
                   "backoff within max_delay_ms (" + std::to_string(d.delay_ms) + "): " + what);
      }
      break;
    }
    case Outcome::Sent:
      FUZZ_CHECK(!r.timed_out && code >= 200 && code <= 299, "Sent only for a 2xx answer: " + what);
      FUZZ_CHECK(d.response.ok && !d.response.queue_status.empty(), "Sent carries the parsed response: " + what);
      FUZZ_CHECK(d.stop_sending == pe::explain_queue_status(d.response.queue_status).stop_sending, "stop_sending follows the status");
      break;
    case Outcome::StopAuth:
      FUZZ_CHECK(!r.timed_out && (code == 401 || code == 403), "StopAuth exactly for 401/403: " + what);
      break;
    case Outcome::StopBlocked:
      FUZZ_CHECK(!r.timed_out && code == 0 && !r.reached_before && attempt == 2, "StopBlocked: second unanswered attempt: " + what);
      break;
    case Outcome::FailBatch:
      break;
    default:
      FUZZ_CHECK(false, "outcome out of range");
  }
  if (!r.timed_out && (code == 401 || code == 403)) FUZZ_CHECK(d.outcome == Outcome::StopAuth, "401/403 stop: " + what);
  // stop_sending: with Sent (PARTIALLY_ENQUEUED, CREDITS_EXHAUSTED), or a batch failed as too large
  // (413: every later batch is as large).
  if (d.outcome != Outcome::Sent)
    FUZZ_CHECK(!d.stop_sending || (d.outcome == Outcome::FailBatch && !r.timed_out && code == 413),
               "stop_sending only with Sent or a 413: " + what);
  if (!r.timed_out && code == 413) FUZZ_CHECK(d.outcome == Outcome::FailBatch && d.stop_sending, "413 fails and stops: " + what);

  const pe::Decision again = pe::decide(r, attempt, p, jitter, now);
  FUZZ_CHECK(again.outcome == d.outcome && again.message == d.message &&
                 (again.delay_ms == d.delay_ms || (std::isnan(again.delay_ms) && std::isnan(d.delay_ms))),
             "decide() is deterministic: " + what);
  return 0;
}
