// Driving a run through requests (see run_send.hpp).
#include "run_send.hpp"

#include <exception>
#include <utility>

#include "constants.hpp"
#include "requests.hpp"
#include "text.hpp"

namespace pe {

namespace {

AttemptResult guarded_request(RunIo& io, const std::string& path, const std::string* body) {
  try {
    return io.request(path, body);
  } catch (const std::exception& e) {
    AttemptResult r;
    r.transport_error = e.what();
    return r;
  } catch (...) {
    AttemptResult r;
    r.transport_error = "the request failed";
    return r;
  }
}

double jitter(RunIo& io) { return io.jitter ? io.jitter() : 0.5; }
bool cancelled(RunIo& io) { return io.cancelled && io.cancelled(); }

}  // namespace

// ---- sending -------------------------------------------------------------------------------------

RunSender::RunSender(Run& run, RunIo& io, RetryPolicy policy) : run_(run), io_(io), policy_(policy) {}

void RunSender::emit(RunEvent e) {
  if (io_.event) io_.event(e);
}

bool RunSender::send(std::size_t b, const std::vector<std::size_t>& places, const std::string& body) {
  for (int attempt = 1;; ++attempt) {
    if (cancelled(io_)) {
      stop_ = StopReason::Cancelled;
      return false;
    }
    begin_attempt(run_, b, places, iso8601_utc(io_.now()));
    io_.save();  // from here on, a kill leaves the batch unconfirmed
    emit({RunEvent::Kind::Attempt, b, attempt, 0, places.size(), false, {}});
    AttemptResult res = guarded_request(io_, kQueuePath, &body);
    res.http.reached_before = reached_;
    if (res.http.status != 0) reached_ = true;
    AttemptStep step = record_attempt(run_, b, places.size(), res, attempt, policy_, jitter(io_), io_.now());
    io_.save();
    if (step.retry) {
      emit({RunEvent::Kind::Retry, b, attempt, step.decision.delay_ms, places.size(), false, step.decision.message});
      io_.sleep(step.decision.delay_ms);
      continue;
    }
    emit({RunEvent::Kind::Batch, b, attempt, 0, places.size(), run_.batches[b].state != BatchState::Sent,
          run_.batches[b].message});
    if (step.stop != StopReason::None) {
      stop_ = step.stop;
      stop_message_ = step.decision.message;
      return false;
    }
    return true;
  }
}

// ---- tracking ------------------------------------------------------------------------------------

RunTracker::RunTracker(Run& run, RunIo& io, double pace_ms, RetryPolicy policy)
    : run_(run), io_(io), pace_ms_(pace_ms > 0 ? pace_ms : 0), policy_(policy) {}

void RunTracker::emit(RunEvent e) {
  if (io_.event) io_.event(e);
}

void RunTracker::maybe_save() {
  if (++since_save_ >= save_every_) {
    since_save_ = 0;
    io_.save();
  }
}

bool RunTracker::fetch(const std::string& path, const std::string* body, std::string& answer, std::string& problem) {
  for (int attempt = 1;; ++attempt) {
    if (cancelled(io_)) {
      stop_ = StopReason::Cancelled;
      stop_message_ = "Tracking was stopped.";
      return false;
    }
    if (attempt == 1 && requests_ > 0 && pace_ms_ > 0) io_.sleep(pace_ms_);  // one at a time, politely apart
    ++requests_;
    AttemptResult res = guarded_request(io_, path, body);
    res.http.reached_before = reached_;
    if (res.http.status != 0) reached_ = true;
    if (res.http.status >= 200 && res.http.status <= 299) {
      answer = std::move(res.http.body);
      return true;
    }
    const Decision d = decide(res.http, attempt, policy_, jitter(io_), io_.now());
    const std::string transport =
        res.transport_error.empty() ? std::string() : " (" + safe_snippet(res.transport_error, 200) + ")";
    switch (d.outcome) {
      case Outcome::Retry:
        io_.sleep(d.delay_ms);
        continue;
      case Outcome::StopAuth:
        stop_ = StopReason::Auth;
        stop_message_ = "The API key was refused (" + std::to_string(res.http.status) +
                        "). Check WOODPECKER_API_KEY: it must be the key the run was queued with.";
        return false;
      case Outcome::StopBlocked:
        stop_ = StopReason::Unreachable;
        stop_message_ = "The API could not be reached" + transport + ": check the network and the address.";
        return false;
      case Outcome::Sent:  // not reached: 2xx is handled above
      case Outcome::FailBatch:
        break;
    }
    if (res.http.status == 429 || res.http.status == 503) {
      // Asked to wait longer than the policy waits, or refused on every attempt: so would the rest be.
      stop_ = StopReason::RateLimited;
      stop_message_ = d.message;
      return false;
    }
    if (res.http.status == 0 && res.never_left) {
      stop_ = StopReason::Unreachable;
      stop_message_ = "The API could not be reached" + transport + ": check the network and the address.";
      return false;
    }
    ++failures_;
    const std::string detail = error_detail(res.http.body);
    problem = res.http.status == 0 ? "no answer" + transport
              : res.http.timed_out ? std::string("the request timed out")
                                   : "the API answered " + std::to_string(res.http.status) + (detail.empty() ? "" : ": " + detail);
    return false;
  }
}

bool RunTracker::poll() {
  for (std::size_t b : batches_to_poll(run_)) {
    const std::string uuid = run_.batches[b].uuid;
    std::string answer, problem;
    if (!fetch(std::string(kQueuePath) + "/" + uuid, nullptr, answer, problem)) {
      if (stop_ != StopReason::None) return false;
      emit({RunEvent::Kind::Poll, b, 0, 0, 0, true, "enrichment " + uuid + ": " + problem});
      continue;
    }
    const StatusReport rep = parse_status_response(answer);
    const TrackedBatch* found = nullptr;
    for (const TrackedBatch& t : rep.batches)
      if (t.uuid == uuid) {
        found = &t;
        break;
      }
    if (!found) {
      ++failures_;
      emit({RunEvent::Kind::Poll, b, 0, 0, 0, true,
            "enrichment " + uuid + ": " + (rep.ok ? "the answer does not list it" : rep.error)});
      continue;
    }
    apply_batch_status(run_, b, *found);
    emit({RunEvent::Kind::Poll, b, 0, 0, found->prospects.size(), false, {}});
    maybe_save();
  }
  return true;
}

bool RunTracker::query(const std::vector<ProspectRef>& refs) {
  for (std::size_t start = 0; start < refs.size(); start += kStatusQueryChunk) {
    const std::size_t end = std::min(refs.size(), start + kStatusQueryChunk);
    std::vector<ProspectRef> chunk(refs.begin() + static_cast<std::ptrdiff_t>(start),
                                   refs.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<std::string> emails;
    emails.reserve(chunk.size());
    for (const ProspectRef& r : chunk) emails.push_back(run_.batches[r.batch].emails[r.place]);
    const std::string body = build_status_query(emails);
    std::string answer, problem;
    if (!fetch(kStatusQueryPath, &body, answer, problem)) {
      if (stop_ != StopReason::None) return false;
      emit({RunEvent::Kind::Query, chunk.front().batch, 0, 0, chunk.size(), true, "statuses query: " + problem});
      continue;
    }
    const StatusReport rep = parse_status_response(answer);
    if (!rep.ok) {
      ++failures_;
      emit({RunEvent::Kind::Query, chunk.front().batch, 0, 0, chunk.size(), true, "statuses query: " + rep.error});
      continue;
    }
    apply_status_query(run_, chunk, rep);
    emit({RunEvent::Kind::Query, chunk.front().batch, 0, 0, chunk.size(), false, {}});
    maybe_save();
  }
  return true;
}

bool RunTracker::track(std::size_t save_every) {
  save_every_ = save_every == 0 ? 1 : save_every;
  const bool ok = poll() && query(prospects_to_query(run_));
  if (ok) run_.tracked_at = iso8601_utc(io_.now());
  io_.save();
  return ok;
}

}  // namespace pe
