// Driving a run (run_ledger.hpp) through requests: sending its batches one at a time with decide()
// on every answer, and tracking it (the status of each enrichment, then the statuses query by
// email). The loops are here, the I/O is not: the caller gives the requests, the clock, the waits
// and the saving of the ledger (RunIo). The `enrich` CLI gives libcurl and a ledger file; the tests
// give a fake API (tests/core/test_run_send.cpp).
#pragma once

#include <cstddef>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "run_ledger.hpp"

namespace pe {

// What happened, for progress and logs.
struct RunEvent {
  enum class Kind {
    Attempt,  // a queue request goes out (batch, attempt)
    Retry,    // it is sent again after delay_ms (message says why)
    Batch,    // the batch is settled for this send (its state and message are in the run)
    Poll,     // an enrichment was polled (batch), or could not be (message)
    Query,    // a statuses query answered for `count` prospects, or could not (message)
  };
  Kind kind = Kind::Attempt;
  std::size_t batch = 0;
  int attempt = 0;
  double delay_ms = 0;
  std::size_t count = 0;
  bool failed = false;
  std::string message;
};

struct RunIo {
  // One request to the run's endpoint: path is kQueuePath, kQueuePath + "/" + uuid (GET when body is
  // null) or kStatusQueryPath; the caller adds the base URL and the key. Should not throw; if it
  // does, the request counts as gone without an answer.
  std::function<AttemptResult(const std::string& path, const std::string* body)> request;
  std::function<void(double ms)> sleep;     // may return early once cancelled() is true
  std::function<bool()> cancelled;          // stop as soon as possible (checked between requests)
  std::function<std::time_t()> now;
  std::function<double()> jitter;           // in [0,1)
  std::function<void()> save;               // writes the ledger; throws when it cannot (the run stops)
  std::function<void(const RunEvent&)> event;  // optional
};

// Sends the batches of a run, one request at a time. Between begin_send() and end_send() (run_ledger.hpp):
//   RunSender s(run, io); for each batch: s.send(b, places, body) until it returns false; end_send(run, s.stop(), s.stop_message()).
// The ledger is saved before every request (the batch is "sending": a kill from then on leaves it
// unconfirmed) and after every answer.
class RunSender {
 public:
  RunSender(Run& run, RunIo& io, RetryPolicy policy = {});
  // Sends the prospects `places` of batch b, whose request body is `body`, until the batch is settled.
  // False when the run must stop (stop() says why).
  bool send(std::size_t b, const std::vector<std::size_t>& places, const std::string& body);
  StopReason stop() const { return stop_; }
  const std::string& stop_message() const { return stop_message_; }
  bool reached() const { return reached_; }  // the API has answered in this send

 private:
  void emit(RunEvent e);
  Run& run_;
  RunIo& io_;
  RetryPolicy policy_;
  StopReason stop_ = StopReason::None;
  std::string stop_message_;
  bool reached_ = false;
};

// Tracks a run: GET of every enrichment not yet final, then the statuses query (in chunks of
// kStatusQueryChunk emails) for the prospects not found there; one request at a time, pace_ms
// apart, retrying 429/503 (Retry-After), 5xx, timeouts and dropped connections as decide() says.
// A 401/403 or an unreachable API stops it.
class RunTracker {
 public:
  RunTracker(Run& run, RunIo& io, double pace_ms = 200, RetryPolicy policy = {});
  // Polls, then queries; saves the ledger every save_every requests and at the end. True when it
  // went through (some requests may have failed: failures() counts them).
  bool track(std::size_t save_every = 25);
  bool poll();                                      // the GETs alone
  bool query(const std::vector<ProspectRef>& refs);  // the statuses query alone
  StopReason stop() const { return stop_; }
  const std::string& stop_message() const { return stop_message_; }
  std::size_t failures() const { return failures_; }
  std::size_t requests() const { return requests_; }

 private:
  // One request until it is answered (2xx) or given up: the body of the answer, or nullopt.
  bool fetch(const std::string& path, const std::string* body, std::string& answer, std::string& problem);
  void emit(RunEvent e);
  void maybe_save();
  Run& run_;
  RunIo& io_;
  double pace_ms_;
  RetryPolicy policy_;
  StopReason stop_ = StopReason::None;
  std::string stop_message_;
  std::size_t failures_ = 0, requests_ = 0, save_every_ = 25, since_save_ = 0;
  bool reached_ = false;
};

}  // namespace pe
