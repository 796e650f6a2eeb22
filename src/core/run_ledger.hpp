// The run model: a run is what the user sees of one queueing of a file — where it went (endpoint and
// account), its batches, and for every prospect whether it is confirmed queued and what tracking
// last said about it. The rules that keep data from going to the wrong place or being charged twice
// live here, pure and tested (tests/core/test_run_ledger.cpp):
//   - "already sent" is a property of prospects (their normalised emails) for one endpoint and one
//     account (key fingerprint), never of batch positions; another endpoint or account is allowed;
//   - an attempt whose answer was lost (no answer, a timeout, a gateway error, an unreadable 2xx)
//     leaves its batch unconfirmed; a later NOT_ENQUEUED for the same prospects confirms them as
//     queued by that earlier attempt, counted once;
//   - unconfirmed prospects are settled by tracking (the status of each batch, then the statuses
//     query by email);
//   - the totals of a run: batches and prospects by state, and once tracked, prospects by
//     enrichment outcome as the API reports them, with the credits used (1.5 x enriched) beside the
//     ceiling shown before sending.
// No I/O here: run_send.hpp drives a run through requests given to it (the CLI's libcurl, later the
// page's worker); the JSON form of a ledger is in json_forms.hpp.
#pragma once

#include <cstddef>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "responses.hpp"
#include "send_policy.hpp"

namespace pe {

// ---- what a ledger holds -------------------------------------------------------------------------

// What tracking last said about one prospect.
struct ProspectTrack {
  std::string uuid;    // the enrichment (the API's batch) that holds it; "" = not found
  std::string status;  // as received: PENDING, PROCESSING, PROCESSED, ...
  std::string result;  // as received: ENRICHED, NO_DATA_FOUND, NOT_IN_DATABASE, ... ("" until processed)
  bool asked = false;  // the statuses query was asked about it since its last attempt (not found: uuid "")
  bool found() const { return !uuid.empty(); }
  bool final() const;  // its status is known and not a pending one
};

struct RunBatch {
  std::size_t index = 0;            // 0-based place in the run
  std::vector<std::string> emails;  // normalised (lower-cased), in file order
  BatchState state = BatchState::Waiting;
  int attempts = 0;                 // requests sent for it, over every send of the run
  std::string uuid;                 // of the last answer that had one
  std::string queue_status;         // the API's last answer: ENQUEUED, NOT_ENQUEUED, ...
  long prospects_count = 0;         // of the last answer
  long total_prospects_count = 0;   // of the last answer
  long queued = 0;                  // prospects queued by this run with this batch, over all its sends
  std::string message;              // what happened, in words
  bool answer_lost = false;         // an attempt may have reached the API and its answer was lost;
                                    // cleared when an answer or tracking settles it
  bool queued_earlier = false;      // a NOT_ENQUEUED answer after a lost one: the earlier attempt queued them
  std::string last_attempt_at;      // ISO 8601 UTC time of the last attempt ("" = never sent)
  std::vector<ProspectTrack> tracks;  // parallel to emails once tracked; empty before
};

struct Run {
  std::string id;
  std::string endpoint;           // normalised base URL (endpoint.hpp)
  std::string key_fingerprint;    // key_fingerprint(key): never the key
  std::string file_fingerprint;   // what was read: the file's bytes and the options that change its prospects
  std::string file_name;
  std::string created;            // ISO 8601 UTC
  std::size_t batch_size = 0;
  double credits_ceiling = 0;     // kCreditsPerProspect x prospects of the run: shown before sending
  std::string tracked_at;         // the last tracking ("" = never)
  std::vector<RunBatch> batches;

  std::size_t prospect_count() const;
};

struct Ledger {
  std::vector<Run> runs;  // oldest first
};

// ---- one prospect ------------------------------------------------------------------------------

// Where one prospect of a run stands.
enum class ProspectState {
  NotSent,         // never sent, or tracking found it was not queued
  Queued,          // confirmed queued (an answer, a NOT_ENQUEUED after a lost answer, or tracking)
  AlreadyPending,  // NOT_ENQUEUED without a lost answer: pending before this run (not charged by it)
  Failed,          // refused, or left out of a partly queued batch (tracking did not find it)
  Unconfirmed,     // may have been queued: no answer confirmed it and tracking has not settled it
};
const char* prospect_state_name(ProspectState s);  // "not_sent", "queued", "already_pending", "failed", "unconfirmed"
ProspectState prospect_state(const RunBatch& b, std::size_t i);
// Queued or already pending: it must not be queued again to the same endpoint and account.
inline bool confirmed(ProspectState s) { return s == ProspectState::Queued || s == ProspectState::AlreadyPending; }

// ---- planning ----------------------------------------------------------------------------------

// The emails confirmed for this endpoint and account, over every run of the ledger.
std::unordered_set<std::string> confirmed_emails(const Ledger& l, std::string_view endpoint,
                                                 std::string_view key_fingerprint);

struct RunInfo {
  std::string id, endpoint, key_fingerprint, file_fingerprint, file_name, created;
  std::size_t batch_size = 0;  // 0 = the default
};
// A new run of the emails (normalised, in file order) that are not in `skip`, batch_size per
// batch; repeated emails are planned once.
Run plan_run(const RunInfo& info, const std::vector<std::string>& emails,
             const std::unordered_set<std::string>& skip);

// The newest run of the ledger for this endpoint, account and file read with these options, with this
// batch size: the one a rerun resumes. nullptr when there is none.
Run* find_run(Ledger& l, std::string_view endpoint, std::string_view key_fingerprint,
              std::string_view file_fingerprint, std::size_t batch_size);

// A run left by a process that stopped without ending it (killed, crashed, the page closed): a batch
// it was sending may have reached the API (unconfirmed, its answer lost); batches waiting were not
// sent. True when something changed.
bool settle_interrupted(Run& r);

// The places (in b.emails) of the prospects of batch b to send now: those not confirmed, here or
// in `elsewhere` (emails confirmed by other runs to the same endpoint and account).
std::vector<std::size_t> to_send(const RunBatch& b, const std::unordered_set<std::string>& elsewhere);
// Batches with something to send (in order).
std::vector<std::size_t> batches_to_send(const Run& r, const std::unordered_set<std::string>& elsewhere);
// Batches whose outcome tracking should settle before they are sent again: an answer was lost, or
// the batch was partly queued (which of its prospects is not known until tracked).
std::vector<std::size_t> batches_to_settle(const Run& r);

// ---- one attempt -------------------------------------------------------------------------------

// What one request gave: the HTTP result, plus what only the transport knows.
struct AttemptResult {
  HttpResult http;
  bool never_left = false;      // the request surely did not reach the API (no connection, DNS, TLS)
  std::string transport_error;  // the transport's words for a missing answer ("Connection refused")
};
// The request may have been processed although no answer says so: no answer after it left, a
// timeout, a gateway error (500, 502, 504), a 2xx whose body cannot be read.
bool answer_may_be_lost(const AttemptResult& r);

// Why a send of a run stopped before its last batch.
// RateLimited: the API kept refusing (429/503) or asked to wait longer than the policy waits: the
// next batches would be refused the same way.
enum class StopReason { None, Credits, Auth, Unreachable, TooLarge, RateLimited, Cancelled, Failed };
// "", "credits", "auth", "unreachable", "too_large", "rate_limited", "cancelled", "failed"
const char* stop_reason_name(StopReason s);

// A send starts: the batches listed wait (their earlier message is replaced).
void begin_send(Run& r, const std::vector<std::size_t>& batches);
// An attempt of batch b goes out with `count` prospects: it is sending, one more attempt; tracking's
// word on the prospects it sends (places `sending`) no longer holds.
void begin_attempt(Run& r, std::size_t b, const std::vector<std::size_t>& sending, std::string_view now_iso);

struct AttemptStep {
  Decision decision;       // decide()'s word on the result
  bool retry = false;      // send the same prospects again after decision.delay_ms
  StopReason stop = StopReason::None;  // the run stops after this batch
};
// What the result of attempt `attempt` (1-based, within this send of the batch) does to batch b,
// which carried `sent` prospects. decide() says what it means; this records it.
AttemptStep record_attempt(Run& r, std::size_t b, std::size_t sent, const AttemptResult& result, int attempt,
                           const RetryPolicy& p, double jitter01, std::time_t now);
// A send ends: the batches still waiting (or sending, when it was cut short) were not sent, because
// of `stop` (message: the words of the stop, may be empty).
void end_send(Run& r, StopReason stop, std::string_view message);

// ---- tracking ----------------------------------------------------------------------------------

// Batches whose enrichment (uuid) should be polled: they have one, and a prospect of them is not final.
std::vector<std::size_t> batches_to_poll(const Run& r);
// The status of batch b's enrichment (GET by uuid): each prospect of b listed in it is found there.
void apply_batch_status(Run& r, std::size_t b, const TrackedBatch& t);
// A prospect by its place: batch and place in it.
struct ProspectRef {
  std::size_t batch = 0, place = 0;
};
// Prospects the statuses query should be asked about: of the batches in `only` (all when empty),
// sent at least once, not final, and not in a polled enrichment that still holds them.
std::vector<ProspectRef> prospects_to_query(const Run& r, const std::vector<std::size_t>& only = {});
// The answer of a statuses query asked about `asked`: each is found in the newest enrichment that
// lists it and was created no earlier than `kTrackingSkewSeconds` before its batch's last attempt
// (older ones are earlier enrichments of the same email, not this run's), or marked asked and not
// found. Then the batches whose prospects were all asked are settled: all found -> sent, some ->
// partly queued, none (after a lost answer) -> not sent.
void apply_status_query(Run& r, const std::vector<ProspectRef>& asked, const StatusReport& report);
inline constexpr double kTrackingSkewSeconds = 15 * 60;
// Emails per statuses query.
inline constexpr std::size_t kStatusQueryChunk = 100;

// ---- totals ------------------------------------------------------------------------------------

struct RunTotals {
  std::size_t batches = 0;
  std::map<std::string, std::size_t> batches_by_state;  // every BatchState name, 0 included
  std::size_t prospects = 0;
  std::size_t sent = 0;         // in batches sent at least once
  std::size_t queued = 0, already_pending = 0, failed = 0, unconfirmed = 0, not_sent = 0;  // by ProspectState
  long api_queued = 0;          // the API's own count of prospects queued by this run (sum of RunBatch::queued)
  // Once tracked:
  std::size_t tracked = 0;      // confirmed prospects found by tracking
  std::size_t final = 0;        // of those, processed (their outcome is known)
  std::size_t pending = 0;      // confirmed prospects whose outcome is not known yet
  std::map<std::string, std::size_t> by_result;  // final prospects by processing_result, as the API reports it
  double credits_used = 0;      // kCreditsPerProspect x ENRICHED
  double credits_ceiling = 0;   // as shown before sending
};
RunTotals run_totals(const Run& r);

// ---- the per-row view ----------------------------------------------------------------------------

// What a run says about one email, for the results of each input row.
struct ProspectView {
  const Run* run = nullptr;
  const RunBatch* batch = nullptr;
  std::size_t place = 0;
  ProspectState state = ProspectState::NotSent;
};
// Email -> the newest word on it over the runs of one endpoint and account: a confirmed state in the
// newest run that has one, otherwise the newest run that has the email.
class RunIndex {
 public:
  RunIndex(const Ledger& l, std::string_view endpoint, std::string_view key_fingerprint);
  const ProspectView* find(std::string_view email) const;
  std::size_t size() const { return by_email_.size(); }

 private:
  std::unordered_map<std::string_view, ProspectView> by_email_;
};

// ---- times ---------------------------------------------------------------------------------------

// "2026-05-01T10:00:00+02:00", "...Z", "...,123" fractions -> Unix seconds; nullopt otherwise.
std::optional<double> parse_iso8601(std::string_view s);
// Unix seconds -> "2026-05-01T08:00:00Z".
std::string iso8601_utc(std::time_t t);
// Seconds left at the observed rate (done of total in elapsed seconds); nullopt before anything is done.
std::optional<double> eta_seconds(std::size_t done, std::size_t total, double elapsed_seconds);

}  // namespace pe
