// What the API answers, read leniently: the queue response of a batch, what its queue status means,
// the v2 error body, and the status reports of the tracking endpoints (their shape is not published;
// docs/api-assumptions.md says what is assumed). No HTTP here: src/wasm/ makes the requests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pe {

// ---- queue response -------------------------------------------------------------------------
struct QueueResponse {
  bool ok = false;             // false: the body was not a JSON object of the documented shape
  std::optional<std::string> uuid;  // null when nothing was queued
  long prospects_count = 0;
  long total_prospects_count = 0;
  // The API's queue status, as received: ENQUEUED, PARTIALLY_ENQUEUED, NOT_ENQUEUED,
  // CREDITS_EXHAUSTED, or another. (Not a BatchState, which is this tool's, send_policy.hpp.)
  std::string queue_status;
  std::string error;           // why ok == false
};
// Lenient: numbers given as strings are accepted; missing counts are 0; unknown fields ignored.
// http_status is named in the error ("The API answered 201 but the body is not JSON: ...").
QueueResponse parse_queue_response(std::string_view body, int http_status = 200);

struct StatusMeaning {
  std::string headline;   // plain language, e.g. "All eligible prospects were queued."
  std::string next_step;  // what the user should do next
  bool known = true;      // false for a status this tool does not know (shown as it came)
  bool stop_sending = false;  // PARTIALLY_ENQUEUED, CREDITS_EXHAUSTED: do not send further batches
};
StatusMeaning explain_queue_status(std::string_view queue_status);

// ---- v2 error body {"title","status","detail","timestamp"} ----------------------------------
struct ApiError {
  std::string title;
  int status = 0;
  std::string detail;
  std::string timestamp;
};
std::optional<ApiError> parse_error_body(std::string_view body);
// The server's detail (or title) from an error body, made safe and cut for a sentence, without a
// final full stop; "" when the body has none.
std::string error_detail(std::string_view body);

// ---- status reports (shape not published: parse leniently) ----------------------------------
struct TrackedProspect {
  std::string email;
  std::string status;             // e.g. PENDING, PROCESSING, PROCESSED (as received)
  std::string processing_result;  // e.g. ENRICHED, NOT_FOUND (as received; may be empty)
  bool final_state = false;       // status is not one of the pending ones
};
struct TrackedBatch {
  std::string uuid;
  std::string created;
  std::string status;             // batch-level status if present (as received)
  std::vector<TrackedProspect> prospects;
  bool all_final = false;         // every prospect is final (or the batch status is final and no prospects listed)
};
struct StatusReport {
  bool ok = false;                // false: not JSON
  std::string error;
  std::vector<TrackedBatch> batches;  // every object found that looks like a batch (has a uuid)
};
// Accepts one batch object, {"prospect_enrichments":[...]}, {"enrichments":[...]}, {"data":[...]},
// a bare array, or any nesting of those: it walks the JSON and collects objects with a "uuid";
// prospects are objects with an "email" found in any array inside the batch
// ("prospects", "leads", "items", ...). "status"/"state" and "processing_result"/"result" are read.
StatusReport parse_status_response(std::string_view body);

// Pending statuses (not final): PENDING, QUEUED, ENQUEUED, IN_PROGRESS, PROCESSING, RUNNING, NEW.
bool is_pending_status(std::string_view status);

}  // namespace pe
