// The send policy of a queue run: what one HTTP result means for the batch that was sent (decide():
// done, wait and send again, fail, or stop the run), within a retry policy; and the states a batch
// goes through in a run (BatchState), with which of them are final and which may be sent again.
// Pure C++: src/wasm/ makes the requests and asks decide() what each result means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ctime>
#include <string>
#include <string_view>

#include "responses.hpp"

namespace pe {

// ---- the result of one request and what it means ----------------------------------------------

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
// Every outcome, in the enum's order: the page gets their names through constants().
inline constexpr Outcome kOutcomes[] = {Outcome::Sent, Outcome::Retry, Outcome::FailBatch, Outcome::StopAuth,
                                        Outcome::StopBlocked};
static_assert(std::size(kOutcomes) == static_cast<std::size_t>(Outcome::StopBlocked) + 1, "every Outcome is in kOutcomes");
// "sent", "retry", "failed", "stop_auth", "stop_blocked".
const char* outcome_name(Outcome o);

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

// ---- batch states: where a batch of a queue run is -------------------------------------------
// This tool's own word for a batch ("state"); the API's answer about it is its queue status
// (QueueResponse::queue_status, e.g. ENQUEUED), never called a state.

enum class BatchState : std::uint8_t {
  Waiting,      // in the run, not sent yet
  Sending,      // its request is out (an attempt, or a wait before the next one)
  Sent,         // the API queued it (ENQUEUED or NOT_ENQUEUED: nothing left to queue)
  Partial,      // the API queued part of it (PARTIALLY_ENQUEUED)
  Failed,       // the API refused it, or every attempt failed
  Unconfirmed,  // a request may have reached the API, but no answer confirmed it
  NotSent,      // the run ended before it was sent
};

struct BatchStateInfo {
  BatchState state;
  const char* name;     // as stored in ledgers and exchanged with the page: "not_sent"
  const char* words;    // as the user reads it (the page's batches table, the report): "not sent"
  bool final;           // the run is over for this batch
  bool resendable;      // the page offers to send it again
  const char* meaning;  // one line, for docs and tests
};

// The one table of batch states: the page gets it through the module's constants()
// (constants_json(), written into the page's constants.js at build time).
inline constexpr BatchStateInfo kBatchStates[] = {
    {BatchState::Waiting, "waiting", "waiting", false, false, "in the run, not sent yet"},
    {BatchState::Sending, "sending", "sending…", false, false, "its request is out, or it waits to be sent again"},
    {BatchState::Sent, "sent", "sent", true, false, "the API queued it"},
    {BatchState::Partial, "partial", "partly queued", true, true, "the API queued part of it"},
    {BatchState::Failed, "failed", "failed", true, true, "the API refused it, or every attempt failed"},
    {BatchState::Unconfirmed, "unconfirmed", "unconfirmed", true, true, "it may have reached the API; no answer confirmed it"},
    {BatchState::NotSent, "not_sent", "not sent", true, true, "the run ended before it was sent"},
};
// Every state is in the table once, in the order of the enum (kBatchStates[s] describes s).
constexpr bool batch_states_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kBatchStates); ++i)
    if (static_cast<std::size_t>(kBatchStates[i].state) != i) return false;
  return std::size(kBatchStates) == static_cast<std::size_t>(BatchState::NotSent) + 1;
}
static_assert(batch_states_in_enum_order(), "every BatchState has its row in kBatchStates, in the enum's order");

const BatchStateInfo& batch_state_info(BatchState s);
inline const char* batch_state_name(BatchState s) { return batch_state_info(s).name; }
inline const char* batch_state_words(BatchState s) { return batch_state_info(s).words; }
// The state a name stands for; false for a name that is none of kBatchStates.
bool parse_batch_state(std::string_view name, BatchState& out);

}  // namespace pe
