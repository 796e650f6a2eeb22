// Woodpecker prospect-enrichment API: response parsing and the send/retry policy.
// Pure C++ (no HTTP here): src/wasm/ performs the requests and asks this code what they mean.
// The assumed status shapes are written down in docs/api-assumptions.md.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pe {

inline constexpr const char* kDefaultBaseUrl = "https://api.woodpecker.co";
inline constexpr const char* kQueuePath = "/rest/v2/lead_finder/prospects/enrichments";
inline constexpr const char* kStatusQueryPath = "/rest/v2/lead_finder/prospects/enrichments/statuses/query";

// ---- queue response -------------------------------------------------------------------------
struct QueueResponse {
  bool ok = false;             // false: the body was not a JSON object of the documented shape
  std::optional<std::string> uuid;  // null when nothing was queued
  long prospects_count = 0;
  long total_prospects_count = 0;
  std::string status;          // as received (ENQUEUED, PARTIALLY_ENQUEUED, NOT_ENQUEUED, CREDITS_EXHAUSTED, or other)
  std::string error;           // why ok == false
};
// Lenient: numbers given as strings are accepted; missing counts are 0; unknown fields ignored.
QueueResponse parse_queue_response(std::string_view body);

struct StatusMeaning {
  std::string headline;   // plain language, e.g. "All eligible prospects were queued."
  std::string next_step;  // what the user should do next
  bool known = true;      // false for a status this tool does not know (shown as it came)
  bool stop_sending = false;  // PARTIALLY_ENQUEUED, CREDITS_EXHAUSTED: do not send further batches
};
StatusMeaning explain_queue_status(std::string_view status);

// ---- v2 error body {"title","status","detail","timestamp"} ----------------------------------
struct ApiError {
  std::string title;
  int status = 0;
  std::string detail;
  std::string timestamp;
};
std::optional<ApiError> parse_error_body(std::string_view body);

// ---- Retry-After ----------------------------------------------------------------------------
// "120" (delta seconds) or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT", also RFC 850 and asctime
// forms). Returns the wait in seconds (>= 0), nullopt when absent or unparsable.
std::optional<double> parse_retry_after(std::string_view value, std::time_t now);

// ---- send policy ----------------------------------------------------------------------------
struct HttpResult {
  int status = 0;            // HTTP status; 0 = no response (network error, CORS block, dropped)
  bool timed_out = false;
  std::string body;
  std::string retry_after;   // the Retry-After header, if any
  bool reached_before = false;  // this API has answered this page before: a missing answer is a
                                // dropped connection, not a browser block
};

struct RetryPolicy {
  int max_attempts = 6;           // attempts per batch, the first included
  double base_delay_ms = 1000;    // exponential backoff: base * 2^(attempt-1), with jitter
  double max_delay_ms = 60000;
  double max_retry_after_ms = 15 * 60 * 1000;  // a longer Retry-After fails the batch instead
};

enum class Outcome {
  Sent,         // 2xx with a parsable queue response; batch done (see stop_sending)
  Retry,        // wait delay_ms, then send the same batch again
  FailBatch,    // this batch failed (400, 404, 413, 422, unparsable 2xx, retries exhausted); go on,
                // unless stop_sending is set (413: every later batch is as large)
  StopAuth,     // 401/403: stop everything, ask for a valid key
  StopBlocked,  // status 0 twice in a row from an API that never answered: likely a CORS/network
                // block; stop and explain (the first one is retried once: it may be a dropped connection)
};

struct Decision {
  Outcome outcome = Outcome::FailBatch;
  double delay_ms = 0;        // for Retry
  std::string message;        // plain language: what happened and what to do
  QueueResponse response;     // for Sent
  bool stop_sending = false;  // leave the rest unsent: Sent with PARTIALLY_ENQUEUED / CREDITS_EXHAUSTED,
                              // or FailBatch for 413 (the request was too large; lower the batch size)
};

// attempt is 1-based (the attempt whose result this is). jitter01 in [0,1) randomises backoff
// (pass a fixed value in tests). now is used for HTTP-date Retry-After values.
Decision decide(const HttpResult& r, int attempt, const RetryPolicy& p, double jitter01, std::time_t now);

// ---- status responses (shape not published: parse leniently) --------------------------------
struct ProspectState {
  std::string email;
  std::string status;             // e.g. PENDING, PROCESSING, PROCESSED (as received)
  std::string processing_result;  // e.g. ENRICHED, NOT_FOUND (as received; may be empty)
  bool final_state = false;       // status is not one of the pending ones
};
struct BatchState {
  std::string uuid;
  std::string created;
  std::string status;             // batch-level status if present
  std::vector<ProspectState> prospects;
  bool all_final = false;         // every prospect is final (or the batch status is final and no prospects listed)
};
struct StatusReport {
  bool ok = false;                // false: not JSON
  std::string error;
  std::vector<BatchState> batches;  // every object found that looks like a batch (has a uuid)
};
// Accepts one batch object, {"prospect_enrichments":[...]}, {"enrichments":[...]}, {"data":[...]},
// a bare array, or any nesting of those: it walks the JSON and collects objects with a "uuid";
// prospects are objects with an "email" found in any array inside the batch
// ("prospects", "leads", "items", ...). "status"/"state" and "processing_result"/"result" are read.
StatusReport parse_status_response(std::string_view body);

// Pending statuses (not final): PENDING, QUEUED, ENQUEUED, IN_PROGRESS, PROCESSING, RUNNING, NEW.
bool is_pending_status(std::string_view status);

// ---- request bodies ---------------------------------------------------------------------------
// {"emails":[...]} for the status query; empty list -> "{}".
std::string build_status_query(const std::vector<std::string>& emails);

}  // namespace pe
