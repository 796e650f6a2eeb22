// The send policy of a queue run (see send_policy.hpp).
#include "send_policy.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "http_date.hpp"
#include "text.hpp"

namespace pe {
namespace {

double finite_or(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

double backoff_ms(int attempt, const RetryPolicy& p, double jitter01) {
  double base = std::max(0.0, finite_or(p.base_delay_ms, 0.0));
  double cap = std::max(0.0, finite_or(p.max_delay_ms, 0.0));
  double j = std::isfinite(jitter01) ? std::min(std::max(jitter01, 0.0), 1.0) : 0.5;
  int exp = std::max(0, attempt - 1);
  double d = exp >= 60 ? cap : std::min(base * std::ldexp(1.0, exp), cap);
  return std::min(d * (0.5 + j), cap);
}

// "2", "1.5" (seconds, at most one decimal).
std::string seconds_text(double ms) {
  double tenths = std::round(ms / 100.0);
  if (!std::isfinite(tenths) || tenths < 0) tenths = 0;
  if (tenths > 1e15) tenths = 1e15;
  long long t = static_cast<long long>(tenths);
  std::string s = std::to_string(t / 10);
  if (t % 10 != 0) s += "." + std::to_string(t % 10);
  return s;
}

std::string plural(long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// A wait in plain words, rounded up: "45 seconds", "20 minutes", "2 hours 5 minutes".
std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds > 1e12) return "a very long time";
  long long s = static_cast<long long>(std::ceil(std::max(0.0, seconds)));
  if (s < 60) return plural(s, "second", "seconds");
  long long minutes = (s + 59) / 60;
  if (minutes < 60) return plural(minutes, "minute", "minutes");
  long long hours = minutes / 60, rest = minutes % 60;
  std::string out = plural(hours, "hour", "hours");
  if (rest) out += " " + plural(rest, "minute", "minutes");
  return out;
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

Decision retry_or_give_up(std::string problem, double delay_ms, int attempt, const RetryPolicy& p) {
  Decision d;
  int max_attempts = std::max(1, p.max_attempts);
  if (attempt >= max_attempts) {
    d.outcome = Outcome::FailBatch;
    d.message = "Gave up after " + plural(attempt, "attempt", "attempts") + ": " + lower_first(problem) +
                ". The batch was not confirmed; send it again later (already-queued emails are not charged twice).";
    return d;
  }
  d.outcome = Outcome::Retry;
  d.delay_ms = delay_ms;
  d.message = problem + "; waiting " + seconds_text(delay_ms) + "s before retrying.";
  return d;
}

// 429 / 503: honour Retry-After when it parses; otherwise back off.
Decision rate_limited(const HttpResult& r, std::string problem, int attempt, const RetryPolicy& p,
                      double jitter01, std::time_t now) {
  auto ra = parse_retry_after(r.retry_after, now);
  if (ra) {
    double ms = *ra * 1000.0;
    double limit = std::max(0.0, finite_or(p.max_retry_after_ms, 0.0));
    if (ms > limit) {
      Decision d;
      d.outcome = Outcome::FailBatch;
      d.message = problem + ": the API asks to wait " + duration_text(*ra) +
                  ", longer than this tool waits (" + duration_text(limit / 1000.0) +
                  "). The batch was not sent; send it again " +
                  (*ra > 1e12 ? std::string("much later") : "in " + duration_text(*ra) + " or later") + ".";
      return d;
    }
    return retry_or_give_up(std::move(problem), ms, attempt, p);
  }
  return retry_or_give_up(std::move(problem), backoff_ms(attempt, p, jitter01), attempt, p);
}

Decision with(Outcome outcome, std::string message, bool stop_sending = false) {
  Decision d;
  d.outcome = outcome;
  d.message = std::move(message);
  d.stop_sending = stop_sending;
  return d;
}

// Status 0: no answer at all. From an API that never answered this page, a second one in a row is
// a browser block (CORS) or no network; otherwise it is a dropped connection, retried.
Decision no_response(const HttpResult& r, int attempt, const RetryPolicy& p, double jitter01) {
  if (!r.reached_before && attempt == 1)
    return retry_or_give_up("No response from the API", backoff_ms(1, p, jitter01), attempt, p);
  if (!r.reached_before && attempt == 2)
    return with(Outcome::StopBlocked,
                "No response from the API: the browser blocked the request or the network is down. If the page "
                "is opened from disk or another site, the API may refuse browser calls (CORS): open the page "
                "through the bundled web server (scripts/run.sh) which proxies the API, or use the curl command "
                "from the dry run.");
  return retry_or_give_up("No response from the API", backoff_ms(attempt, p, jitter01), attempt, p);
}

// 2xx: the batch was taken; its queue response says how much of it was queued.
Decision accepted(const HttpResult& r) {
  QueueResponse q = parse_queue_response(r.body, r.status);
  if (!q.ok) {
    std::string err = q.error;
    while (!err.empty() && (err.back() == '.' || is_ascii_space(err.back()))) err.pop_back();
    Decision d = with(Outcome::FailBatch, err + ". The batch may have been queued anyway: check the enrichment "
                                                "status before sending it again.");
    d.response = std::move(q);
    return d;
  }
  StatusMeaning m = explain_queue_status(q.queue_status);
  Decision d = with(Outcome::Sent,
                    m.headline + " " + std::to_string(q.prospects_count) + " of " +
                        plural(q.total_prospects_count, "prospect", "prospects") + " queued. " + m.next_step,
                    m.stop_sending);
  d.response = std::move(q);
  return d;
}

// 413: every later batch of the run has the same size, so sending them would only fail the same
// way. This batch fails and the run stops.
Decision too_large(const HttpResult& r) {
  const std::string detail = error_detail(r.body);
  return with(Outcome::FailBatch,
              "The request was too large for the API (413)" + (detail.empty() ? std::string() : ": " + detail) +
                  ". Every later batch has the same size, so nothing more is sent: lower the batch size in Settings "
                  "(or --batch-size in the command-line tool) and send this batch and the rest again.",
              true);
}

// Any other 4xx: this batch is refused; the next may be fine.
Decision rejected(const HttpResult& r) {
  const std::string detail = error_detail(r.body);
  std::string what = "The API rejected this batch (" + std::to_string(r.status) + ")";
  if (!detail.empty()) what += ": " + detail;
  const char* next = r.status == 404 || r.status == 405 ? "Check the API address in Settings, then send this batch again."
                                                        : "Fix the rows and send this batch again.";
  return with(Outcome::FailBatch, what + ". " + next);
}

// 5xx: retried; 503 honours Retry-After like 429.
Decision server_error(const HttpResult& r, int attempt, const RetryPolicy& p, double jitter01, std::time_t now) {
  const std::string code_text = std::to_string(r.status);
  const std::string detail = error_detail(r.body);
  std::string problem = detail.empty() ? "The API had a server error (" + code_text + ")"
                                       : "The API had a server error (" + code_text + ": " + detail + ")";
  if (r.status == 503) return rate_limited(r, std::move(problem), attempt, p, jitter01, now);
  return retry_or_give_up(std::move(problem), backoff_ms(attempt, p, jitter01), attempt, p);
}

}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Sent: return "sent";
    case Outcome::Retry: return "retry";
    case Outcome::FailBatch: return "failed";
    case Outcome::StopAuth: return "stop_auth";
    case Outcome::StopBlocked: return "stop_blocked";
  }
  return "failed";
}

Decision decide(const HttpResult& r, int attempt, const RetryPolicy& p, double jitter01, std::time_t now) {
  if (attempt < 1) attempt = 1;
  const int code = r.status;
  if (r.timed_out) return retry_or_give_up("The request timed out", backoff_ms(attempt, p, jitter01), attempt, p);
  if (code == 0) return no_response(r, attempt, p, jitter01);
  if (code >= 200 && code <= 299) return accepted(r);
  if (code == 401 || code == 403)
    return with(Outcome::StopAuth, "The API key was refused (" + std::to_string(code) +
                                       "). Check the key in Settings; nothing more will be sent.");
  if (code == 429) return rate_limited(r, "Rate limited by the API (429)", attempt, p, jitter01, now);
  if (code == 408)
    return retry_or_give_up("The API timed out waiting for the request (408)", backoff_ms(attempt, p, jitter01),
                            attempt, p);
  if (code == 413) return too_large(r);
  if (code >= 400 && code <= 499) return rejected(r);
  if (code >= 500 && code <= 599) return server_error(r, attempt, p, jitter01, now);
  return with(Outcome::FailBatch, "The API answered with an unexpected status (" + std::to_string(code) +
                                      "). The batch was not confirmed: check the enrichment status before sending it again.");
}

// ---- batch states ----------------------------------------------------------------------------

const BatchStateInfo& batch_state_info(BatchState s) {
  for (const BatchStateInfo& i : kBatchStates)
    if (i.state == s) return i;
  return kBatchStates[0];  // not reached: every state is listed
}

bool parse_batch_state(std::string_view name, BatchState& out) {
  for (const BatchStateInfo& i : kBatchStates)
    if (name == i.name) {
      out = i.state;
      return true;
    }
  return false;
}

}  // namespace pe
