// The run model (see run_ledger.hpp).
#include "run_ledger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "constants.hpp"
#include "http_date.hpp"
#include "text.hpp"

namespace pe {

namespace {

const std::string kNotEnqueued = "NOT_ENQUEUED";

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string_view trimmed(std::string_view s) { return trim_ascii_space(s); }

// The tracks of b, one per email (created on first use).
std::vector<ProspectTrack>& tracks_of(RunBatch& b) {
  if (b.tracks.size() != b.emails.size()) b.tracks.resize(b.emails.size());
  return b.tracks;
}

const ProspectTrack* track_at(const RunBatch& b, std::size_t i) { return i < b.tracks.size() ? &b.tracks[i] : nullptr; }

bool sent_once(const RunBatch& b) { return b.attempts > 0; }

}  // namespace

bool ProspectTrack::final() const { return !trimmed(status).empty() && !is_pending_status(status); }

std::size_t Run::prospect_count() const {
  std::size_t n = 0;
  for (const RunBatch& b : batches) n += b.emails.size();
  return n;
}

// ---- one prospect ------------------------------------------------------------------------------

const char* prospect_state_name(ProspectState s) {
  switch (s) {
    case ProspectState::NotSent: return "not_sent";
    case ProspectState::Queued: return "queued";
    case ProspectState::AlreadyPending: return "already_pending";
    case ProspectState::Failed: return "failed";
    case ProspectState::Unconfirmed: return "unconfirmed";
  }
  return "not_sent";
}

ProspectState prospect_state(const RunBatch& b, std::size_t i) {
  const ProspectTrack* t = track_at(b, i);
  if (t && t->found()) return ProspectState::Queued;
  const bool asked = t && t->asked;
  switch (b.state) {
    case BatchState::Sent:
      return trimmed(b.queue_status) == kNotEnqueued && !b.queued_earlier ? ProspectState::AlreadyPending
                                                                          : ProspectState::Queued;
    case BatchState::Partial: return asked ? ProspectState::Failed : ProspectState::Unconfirmed;
    case BatchState::Failed: return ProspectState::Failed;
    case BatchState::Unconfirmed: return asked ? ProspectState::NotSent : ProspectState::Unconfirmed;
    case BatchState::Sending: return ProspectState::Unconfirmed;
    case BatchState::Waiting:
    case BatchState::NotSent: return b.answer_lost && !asked ? ProspectState::Unconfirmed : ProspectState::NotSent;
  }
  return ProspectState::NotSent;
}

// ---- planning ----------------------------------------------------------------------------------

std::unordered_set<std::string> confirmed_emails(const Ledger& l, std::string_view endpoint,
                                                 std::string_view key_fingerprint) {
  std::unordered_set<std::string> out;
  for (const Run& r : l.runs) {
    if (r.endpoint != endpoint || r.key_fingerprint != key_fingerprint) continue;
    for (const RunBatch& b : r.batches)
      for (std::size_t i = 0; i < b.emails.size(); ++i)
        if (confirmed(prospect_state(b, i))) out.insert(b.emails[i]);
  }
  return out;
}

Run plan_run(const RunInfo& info, const std::vector<std::string>& emails,
             const std::unordered_set<std::string>& skip) {
  Run r;
  r.id = info.id;
  r.endpoint = info.endpoint;
  r.key_fingerprint = info.key_fingerprint;
  r.file_fingerprint = info.file_fingerprint;
  r.file_name = info.file_name;
  r.created = info.created;
  r.batch_size = info.batch_size == 0 ? kDefaultBatchSize : info.batch_size;
  std::unordered_set<std::string_view> seen;
  seen.reserve(emails.size());
  std::size_t count = 0;
  for (const std::string& e : emails) {
    if (skip.count(e) || !seen.insert(e).second) continue;
    if (r.batches.empty() || r.batches.back().emails.size() == r.batch_size) {
      r.batches.emplace_back();
      r.batches.back().index = r.batches.size() - 1;
      r.batches.back().emails.reserve(r.batch_size);
    }
    r.batches.back().emails.push_back(e);
    ++count;
  }
  r.credits_ceiling = kCreditsPerProspect * static_cast<double>(count);
  return r;
}

Run* find_run(Ledger& l, std::string_view endpoint, std::string_view key_fingerprint,
              std::string_view file_fingerprint, std::size_t batch_size) {
  for (auto it = l.runs.rbegin(); it != l.runs.rend(); ++it)
    if (it->endpoint == endpoint && it->key_fingerprint == key_fingerprint &&
        it->file_fingerprint == file_fingerprint && it->batch_size == batch_size)
      return &*it;
  return nullptr;
}

bool settle_interrupted(Run& r) {
  bool changed = false;
  for (RunBatch& b : r.batches) {
    if (b.state == BatchState::Sending) {
      b.state = BatchState::Unconfirmed;
      b.answer_lost = true;
      b.message = "The run stopped while this batch was being sent (attempt " + std::to_string(b.attempts) +
                  "); its outcome is unknown. Tracking settles it; sending it again is safe (the API does not "
                  "queue a pending prospect twice).";
      changed = true;
    } else if (b.state == BatchState::Waiting) {
      b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::NotSent;
      b.message = "The run stopped before this batch was sent.";
      changed = true;
    }
  }
  return changed;
}

std::vector<std::size_t> to_send(const RunBatch& b, const std::unordered_set<std::string>& elsewhere) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < b.emails.size(); ++i)
    if (!confirmed(prospect_state(b, i)) && !elsewhere.count(b.emails[i])) out.push_back(i);
  return out;
}

std::vector<std::size_t> batches_to_send(const Run& r, const std::unordered_set<std::string>& elsewhere) {
  std::vector<std::size_t> out;
  for (const RunBatch& b : r.batches)
    if (!to_send(b, elsewhere).empty()) out.push_back(b.index);
  return out;
}

std::vector<std::size_t> batches_to_settle(const Run& r) {
  std::vector<std::size_t> out;
  for (const RunBatch& b : r.batches)
    if (b.answer_lost || b.state == BatchState::Partial || b.state == BatchState::Unconfirmed) out.push_back(b.index);
  return out;
}

// ---- one attempt -------------------------------------------------------------------------------

bool answer_may_be_lost(const AttemptResult& r) {
  const int s = r.http.status;
  if (r.never_left) return false;
  if (r.http.timed_out) return true;
  if (s == 0) return true;
  if (s == 500 || s == 502 || s == 504) return true;
  if (s >= 200 && s <= 299) return !parse_queue_response(r.http.body, s).ok;
  return false;
}

const char* stop_reason_name(StopReason s) {
  switch (s) {
    case StopReason::None: return "";
    case StopReason::Credits: return "credits";
    case StopReason::Auth: return "auth";
    case StopReason::Unreachable: return "unreachable";
    case StopReason::TooLarge: return "too_large";
    case StopReason::RateLimited: return "rate_limited";
    case StopReason::Cancelled: return "cancelled";
    case StopReason::Failed: return "failed";
  }
  return "";
}

void begin_send(Run& r, const std::vector<std::size_t>& batches) {
  for (std::size_t i : batches) {
    if (i >= r.batches.size()) continue;
    RunBatch& b = r.batches[i];
    b.state = BatchState::Waiting;
    b.message = "waiting to be sent";
  }
}

void begin_attempt(Run& r, std::size_t bi, const std::vector<std::size_t>& sending, std::string_view now_iso) {
  RunBatch& b = r.batches.at(bi);
  b.state = BatchState::Sending;
  ++b.attempts;
  b.last_attempt_at = std::string(now_iso);
  b.message = "attempt " + std::to_string(b.attempts) + ": " + plural(sending.size(), "prospect", "prospects");
  if (!b.tracks.empty())
    for (std::size_t i : sending)
      if (i < b.tracks.size()) b.tracks[i] = ProspectTrack{};
}

namespace {

const char* const kLostNote =
    " An attempt of this batch got no answer, so the API may have queued it anyway: tracking settles it, and "
    "sending it again is safe (the API does not queue a pending prospect twice).";

// A 2xx queue answer (decide() said Sent) recorded on the batch.
void take_answer(RunBatch& b, std::size_t sent, const Decision& d, AttemptStep& step) {
  const QueueResponse& q = d.response;
  b.queue_status = q.queue_status;
  b.prospects_count = q.prospects_count;
  b.total_prospects_count = q.total_prospects_count;
  if (q.uuid) b.uuid = *q.uuid;
  b.message = d.message;
  const std::string_view qs = trimmed(q.queue_status);
  const long count = std::max(0L, q.prospects_count);
  if (qs == "ENQUEUED" || qs == kNotEnqueued) {
    b.state = BatchState::Sent;
    if (b.answer_lost) {
      // Everything sent is pending now; what this answer did not queue, the lost attempt did.
      b.queued += static_cast<long>(sent);
      if (qs == kNotEnqueued || static_cast<std::size_t>(count) < sent) {
        b.queued_earlier = true;
        const std::size_t n = sent - std::min(sent, static_cast<std::size_t>(count));
        b.message += " An earlier attempt of this batch got no answer; it most likely queued " +
                     (n == 1 ? std::string("the prospect this answer did not") : "the " + std::to_string(n) + " prospects this answer did not") +
                     ", so they count as queued, once. Nothing is charged twice.";
      }
      b.answer_lost = false;
    } else {
      b.queued += count;
    }
    return;
  }
  if (qs == "PARTIALLY_ENQUEUED") {
    b.state = BatchState::Partial;
    b.queued += count;
    step.stop = StopReason::Credits;
    return;
  }
  if (qs == "CREDITS_EXHAUSTED") {
    b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::Failed;
    if (b.answer_lost) b.message += kLostNote;
    step.stop = StopReason::Credits;
    return;
  }
  // A queue status this tool does not know: whether anything was queued is unknown.
  b.state = BatchState::Unconfirmed;
  b.answer_lost = true;
}

}  // namespace

AttemptStep record_attempt(Run& r, std::size_t bi, std::size_t sent, const AttemptResult& result, int attempt,
                           const RetryPolicy& p, double jitter01, std::time_t now) {
  RunBatch& b = r.batches.at(bi);
  AttemptStep step;
  if (answer_may_be_lost(result)) b.answer_lost = true;
  step.decision = decide(result.http, attempt, p, jitter01, now);
  Decision& d = step.decision;
  const std::string transport =
      result.transport_error.empty() ? std::string() : " (" + safe_snippet(result.transport_error, 200) + ")";
  switch (d.outcome) {
    case Outcome::Retry:
      step.retry = true;
      b.state = BatchState::Sending;
      if (result.http.status == 0 && !transport.empty() && d.message.rfind("No response from the API", 0) == 0)
        d.message.insert(std::string("No response from the API").size(), transport);
      b.message = d.message;
      return step;
    case Outcome::Sent:
      take_answer(b, sent, d, step);
      break;
    case Outcome::FailBatch:
      b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::Failed;
      b.message = d.message + transport + (b.answer_lost ? kLostNote : "");
      if (d.stop_sending) {
        step.stop = StopReason::TooLarge;
      } else if (result.http.status == 429 || result.http.status == 503) {
        // A wait longer than the policy's, or refused on every attempt: the next batches would be too.
        step.stop = StopReason::RateLimited;
      } else if (result.http.status == 0 && result.never_left) {
        // Every attempt failed to reach the API: the next batches would fail the same way.
        step.stop = StopReason::Unreachable;
        d.message = "The API could not be reached" + transport +
                    ". Nothing more is sent: check the API address and the network, then send again.";
        b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::NotSent;
        b.message = d.message + (b.answer_lost ? kLostNote : "");
      }
      break;
    case Outcome::StopAuth:
      step.stop = StopReason::Auth;
      b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::NotSent;
      b.message = d.message + (b.answer_lost ? kLostNote : "");
      break;
    case Outcome::StopBlocked:
      step.stop = StopReason::Unreachable;
      if (!transport.empty())
        d.message = "The API could not be reached" + transport +
                    ". Nothing more is sent: check the API address and the network, then send again.";
      b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::NotSent;
      b.message = d.message + (b.answer_lost ? kLostNote : "");
      break;
  }
  if (attempt > 1 && d.outcome == Outcome::Sent) b.message += " (Sent on attempt " + std::to_string(attempt) + ".)";
  return step;
}

void end_send(Run& r, StopReason stop, std::string_view message) {
  std::string why;
  switch (stop) {
    case StopReason::None: why = "Not sent."; break;
    case StopReason::Credits: why = "Not sent: the run stopped because the credits ran out."; break;
    case StopReason::Auth: why = "Not sent: the run stopped because the API key was refused."; break;
    case StopReason::Unreachable: why = "Not sent: the run stopped because the API could not be reached."; break;
    case StopReason::TooLarge: why = "Not sent: the run stopped because a batch was too large for the API."; break;
    case StopReason::RateLimited: why = "Not sent: the run stopped because the API asked to wait (rate limit)."; break;
    case StopReason::Cancelled: why = "Not sent: the run was stopped."; break;
    case StopReason::Failed: why = "Not sent: the run stopped on an error."; break;
  }
  if (!message.empty()) why += " " + std::string(message);
  for (RunBatch& b : r.batches) {
    if (b.state == BatchState::Waiting) {
      b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::NotSent;
      b.message = why + (b.answer_lost ? kLostNote : "");
    } else if (b.state == BatchState::Sending) {
      b.state = b.answer_lost ? BatchState::Unconfirmed : BatchState::NotSent;
      b.message = (b.answer_lost ? "Stopped while this batch was being sent." : "Stopped before this batch was sent again: ") +
                  std::string(b.answer_lost ? kLostNote : b.message);
    }
  }
}

// ---- tracking ----------------------------------------------------------------------------------

std::vector<std::size_t> batches_to_poll(const Run& r) {
  std::vector<std::size_t> out;
  for (const RunBatch& b : r.batches) {
    if (b.uuid.empty()) continue;
    bool open = b.tracks.size() != b.emails.size();
    for (std::size_t i = 0; !open && i < b.tracks.size(); ++i) {
      const ProspectTrack& t = b.tracks[i];
      // Still to learn: a prospect not final, unless tracking placed it in another enrichment.
      if (!t.final() && (!t.found() || t.uuid == b.uuid)) open = true;
    }
    if (open) out.push_back(b.index);
  }
  return out;
}

void apply_batch_status(Run& r, std::size_t bi, const TrackedBatch& t) {
  RunBatch& b = r.batches.at(bi);
  std::unordered_map<std::string, const TrackedProspect*> by_email;
  for (const TrackedProspect& p : t.prospects) by_email[ascii_lower(trimmed(p.email))] = &p;
  std::vector<ProspectTrack>& tracks = tracks_of(b);
  for (std::size_t i = 0; i < b.emails.size(); ++i) {
    auto it = by_email.find(b.emails[i]);
    if (it == by_email.end()) continue;
    ProspectTrack& k = tracks[i];
    k.uuid = t.uuid;
    k.status = it->second->status;
    k.result = it->second->processing_result;
  }
}

std::vector<ProspectRef> prospects_to_query(const Run& r, const std::vector<std::size_t>& only) {
  std::vector<ProspectRef> out;
  auto consider = [&](const RunBatch& b) {
    const bool reached = b.state == BatchState::Sent || b.state == BatchState::Partial ||
                         b.state == BatchState::Unconfirmed || b.state == BatchState::Sending || b.answer_lost;
    if (!sent_once(b) || !reached) return;
    for (std::size_t i = 0; i < b.emails.size(); ++i) {
      const ProspectTrack* t = track_at(b, i);
      if (t && t->found() && (t->final() || t->uuid == b.uuid)) continue;  // known, or polled by its uuid
      out.push_back({b.index, i});
    }
  };
  if (only.empty()) {
    for (const RunBatch& b : r.batches) consider(b);
  } else {
    for (std::size_t i : only)
      if (i < r.batches.size()) consider(r.batches[i]);
  }
  return out;
}

namespace {

struct Candidate {
  const TrackedBatch* batch;
  const TrackedProspect* prospect;
  std::optional<double> created;
};

// Settles a batch whose prospects tracking has all asked about (or found).
void settle_tracked(RunBatch& b) {
  if (!(b.answer_lost || b.state == BatchState::Partial || b.state == BatchState::Unconfirmed)) return;
  std::size_t found = 0;
  std::string uuid;
  for (std::size_t i = 0; i < b.emails.size(); ++i) {
    const ProspectTrack* t = track_at(b, i);
    if (!t || (!t->asked && !t->found())) return;  // not all known yet
    if (t->found()) {
      ++found;
      if (uuid.empty()) uuid = t->uuid;
    }
  }
  const std::size_t n = b.emails.size();
  if (found == n) {
    b.state = BatchState::Sent;
    b.answer_lost = false;
    b.queued = std::max(b.queued, static_cast<long>(found));
    if (b.uuid.empty()) b.uuid = uuid;
    b.message = "Tracking found " + (n == 1 ? std::string("its prospect") : "all " + std::to_string(n) + " of its prospects") +
                " queued at the API (enrichment " + uuid + "): confirmed, counted once.";
  } else if (found > 0) {
    b.state = BatchState::Partial;
    b.answer_lost = false;
    b.queued = std::max(b.queued, static_cast<long>(found));
    b.message = "Tracking found " + std::to_string(found) + " of its " + std::to_string(n) +
                " prospects queued at the API; the other " + std::to_string(n - found) +
                " were not queued: send them again.";
  } else if (b.state != BatchState::Partial) {
    b.state = BatchState::NotSent;
    b.answer_lost = false;
    b.message = "Tracking found none of its prospects at the API: it was not queued. Send it again.";
  } else {
    b.answer_lost = false;
  }
}

}  // namespace

void apply_status_query(Run& r, const std::vector<ProspectRef>& asked, const StatusReport& report) {
  std::unordered_map<std::string, std::vector<Candidate>> by_email;
  for (const TrackedBatch& tb : report.batches) {
    const std::optional<double> created = parse_iso8601(tb.created);
    for (const TrackedProspect& p : tb.prospects)
      by_email[ascii_lower(trimmed(p.email))].push_back({&tb, &p, created});
  }
  std::vector<std::size_t> touched;
  for (const ProspectRef& ref : asked) {
    if (ref.batch >= r.batches.size()) continue;
    RunBatch& b = r.batches[ref.batch];
    if (ref.place >= b.emails.size()) continue;
    ProspectTrack& t = tracks_of(b)[ref.place];
    t.asked = true;
    if (touched.empty() || touched.back() != ref.batch) touched.push_back(ref.batch);
    auto it = by_email.find(b.emails[ref.place]);
    if (it == by_email.end()) continue;
    const std::optional<double> since =
        b.last_attempt_at.empty() ? std::nullopt : parse_iso8601(b.last_attempt_at);
    const Candidate* best = nullptr;
    for (const Candidate& c : it->second) {
      // An enrichment created well before this batch was sent is an earlier one of the same email.
      if (since && c.created && *c.created < *since - kTrackingSkewSeconds) continue;
      const double t_c = c.created ? *c.created : -std::numeric_limits<double>::infinity();
      const double t_best = best && best->created ? *best->created : -std::numeric_limits<double>::infinity();
      if (!best || t_c > t_best) best = &c;
    }
    if (!best) continue;
    t.uuid = best->batch->uuid;
    t.status = best->prospect->status;
    t.result = best->prospect->processing_result;
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (std::size_t i : touched) settle_tracked(r.batches[i]);
}

// ---- totals ------------------------------------------------------------------------------------

RunTotals run_totals(const Run& r) {
  RunTotals t;
  for (const BatchStateInfo& s : kBatchStates) t.batches_by_state[s.name] = 0;
  t.credits_ceiling = r.credits_ceiling;
  for (const RunBatch& b : r.batches) {
    ++t.batches;
    ++t.batches_by_state[batch_state_name(b.state)];
    t.api_queued += b.queued;
    for (std::size_t i = 0; i < b.emails.size(); ++i) {
      ++t.prospects;
      if (sent_once(b)) ++t.sent;
      const ProspectState s = prospect_state(b, i);
      switch (s) {
        case ProspectState::NotSent: ++t.not_sent; break;
        case ProspectState::Queued: ++t.queued; break;
        case ProspectState::AlreadyPending: ++t.already_pending; break;
        case ProspectState::Failed: ++t.failed; break;
        case ProspectState::Unconfirmed: ++t.unconfirmed; break;
      }
      if (!confirmed(s)) continue;
      const ProspectTrack* k = track_at(b, i);
      if (k && k->found()) ++t.tracked;
      if (k && k->found() && k->final()) {
        ++t.final;
        ++t.by_result[trimmed(k->result).empty() ? std::string("(none)") : std::string(trimmed(k->result))];
      } else {
        ++t.pending;
      }
    }
  }
  auto enriched = t.by_result.find("ENRICHED");
  t.credits_used = kCreditsPerProspect * static_cast<double>(enriched == t.by_result.end() ? 0 : enriched->second);
  return t;
}

// ---- the per-row view ----------------------------------------------------------------------------

RunIndex::RunIndex(const Ledger& l, std::string_view endpoint, std::string_view key_fingerprint) {
  for (const Run& r : l.runs) {
    if (r.endpoint != endpoint || r.key_fingerprint != key_fingerprint) continue;
    for (const RunBatch& b : r.batches)
      for (std::size_t i = 0; i < b.emails.size(); ++i) {
        ProspectView v{&r, &b, i, prospect_state(b, i)};
        auto [it, inserted] = by_email_.emplace(b.emails[i], v);
        if (!inserted && (confirmed(v.state) || !confirmed(it->second.state))) it->second = v;
      }
  }
}

const ProspectView* RunIndex::find(std::string_view email) const {
  auto it = by_email_.find(email);
  return it == by_email_.end() ? nullptr : &it->second;
}

// ---- times ---------------------------------------------------------------------------------------

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<double> parse_iso8601(std::string_view s) {
  s = trimmed(s);
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t i = 19;
  double frac = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    double scale = 0.1;
    ++i;
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return std::nullopt;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) frac += (s[i] - '0') * scale;
  }
  long offset = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!digits(s, i + 1, 2, oh)) return std::nullopt;
      i += 3;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size()) {
        if (!digits(s, i, 2, om)) return std::nullopt;
        i += 2;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset = sign * (oh * 3600L + om * 60L);
    } else {
      return std::nullopt;
    }
  }
  if (i != s.size()) return std::nullopt;
  const long long days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return static_cast<double>(days * 86400LL + h * 3600LL + mi * 60LL + sec - offset) + frac;
}

std::string iso8601_utc(std::time_t t) {
  long long secs = static_cast<long long>(t);
  long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  long long rem = secs - days * 86400;
  // civil_from_days (H. Hinnant)
  days += 719468;
  const long long era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, rem / 3600, rem % 3600 / 60, rem % 60);
  return buf;
}

std::optional<double> eta_seconds(std::size_t done, std::size_t total, double elapsed_seconds) {
  if (done == 0 || !(elapsed_seconds > 0) || !std::isfinite(elapsed_seconds)) return std::nullopt;
  if (done >= total) return 0.0;
  return static_cast<double>(total - done) * elapsed_seconds / static_cast<double>(done);
}

}  // namespace pe
