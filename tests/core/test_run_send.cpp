// Driving a run (src/core/run_send.hpp) against a fake API that queues like the sandbox: each
// prospect queued exactly once whatever is lost or killed, the ledger saved before every request and
// after every answer, a kill at every point followed by a resume, tracking with 429 back-off.
#include "run_send.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_test_util.hpp"
#include "constants.hpp"
#include "json_forms.hpp"
#include "requests.hpp"

namespace {

using namespace pe;
using nlohmann::json;

// What the fake API does with the next request.
enum class Fault { None, DropBefore, DropAfter, RateLimit, Refused, Gateway502After };

// A fake of the queue endpoint and the two status endpoints, with the sandbox's rules: a prospect
// already pending is not eligible (NOT_ENQUEUED when none is), credits as a count of prospects.
struct FakeApi {
  std::map<std::string, int> queued_times;  // email -> how many times it was queued
  std::map<std::string, std::vector<std::string>> enrichments;  // uuid -> emails
  std::set<std::string> pending;
  long credits = 1000000;
  std::vector<Fault> faults;  // consumed in order, one per request
  int requests = 0;
  std::string created = "2026-05-01T12:00:00Z";

  AttemptResult answer(int status, const json& body, std::string retry_after = "") {
    AttemptResult r;
    r.http.status = status;
    r.http.body = body.dump();
    r.http.retry_after = std::move(retry_after);
    return r;
  }

  json batch_view(const std::string& uuid, const std::set<std::string>* only) {
    json ps = json::array();
    for (const std::string& e : enrichments[uuid])
      if (!only || only->count(e)) ps.push_back({{"email", e}, {"status", "PENDING"}, {"processing_result", nullptr}});
    return {{"uuid", uuid}, {"created", created}, {"status", "IN_PROGRESS"}, {"prospects", ps}};
  }

  json queue(const json& body) {
    std::vector<std::string> eligible;
    for (const json& p : body["prospects"]) {
      const std::string e = p["email"];
      if (!pending.count(e) && std::find(eligible.begin(), eligible.end(), e) == eligible.end()) eligible.push_back(e);
    }
    const long total = static_cast<long>(body["prospects"].size());
    if (eligible.empty()) return {{"uuid", nullptr}, {"prospects_count", 0}, {"total_prospects_count", total}, {"status", "NOT_ENQUEUED"}};
    if (credits <= 0) return {{"uuid", nullptr}, {"prospects_count", 0}, {"total_prospects_count", total}, {"status", "CREDITS_EXHAUSTED"}};
    std::string status = "ENQUEUED";
    if (static_cast<long>(eligible.size()) > credits) {
      eligible.resize(static_cast<std::size_t>(credits));
      status = "PARTIALLY_ENQUEUED";
    }
    credits -= static_cast<long>(eligible.size());
    const std::string uuid = "u-" + std::to_string(enrichments.size() + 1);
    for (const std::string& e : eligible) {
      pending.insert(e);
      ++queued_times[e];
    }
    enrichments[uuid] = eligible;
    return {{"uuid", uuid}, {"prospects_count", eligible.size()}, {"total_prospects_count", total}, {"status", status}};
  }

  AttemptResult request(const std::string& path, const std::string* body) {
    ++requests;
    const Fault f = faults.empty() ? Fault::None : faults.front();
    if (!faults.empty()) faults.erase(faults.begin());
    if (f == Fault::Refused) {
      AttemptResult r;
      r.never_left = true;
      r.transport_error = "Connection refused";
      return r;
    }
    if (f == Fault::DropBefore) return AttemptResult{};
    if (f == Fault::RateLimit) return answer(429, {{"title", "Too Many Requests"}}, "1");
    json out;
    if (path == kQueuePath) {
      out = queue(json::parse(*body));
    } else if (path == kStatusQueryPath) {
      std::set<std::string> asked;
      const json query = json::parse(*body);
      for (const json& e : query["emails"]) asked.insert(e.get<std::string>());
      json list = json::array();
      for (const auto& [uuid, emails] : enrichments)
        for (const std::string& e : emails)
          if (asked.count(e)) {
            list.push_back(batch_view(uuid, &asked));
            break;
          }
      out = {{"prospect_enrichments", list}};
    } else {
      const std::string uuid = path.substr(std::string(kQueuePath).size() + 1);
      if (!enrichments.count(uuid)) return answer(404, {{"title", "Not Found"}});
      out = batch_view(uuid, nullptr);
    }
    if (f == Fault::DropAfter) return AttemptResult{};  // processed, the answer lost
    if (f == Fault::Gateway502After) return answer(502, "<html>502 Bad Gateway</html>");
    return answer(200, out);
  }
};

struct Killed : std::runtime_error {
  Killed() : std::runtime_error("killed") {}
};

// The I/O of a run over a FakeApi. "disk" is the ledger as last saved; kill_at_save = N makes the
// N-th save throw instead (a kill at that point: nothing more happens, the disk keeps the last one).
struct Harness {
  FakeApi api;
  Ledger ledger;
  std::string disk;
  int saves = 0;
  int kill_at_save = 0;
  std::vector<double> sleeps;
  RunIo io;

  Harness() {
    io.request = [this](const std::string& p, const std::string* b) { return api.request(p, b); };
    io.sleep = [this](double ms) { sleeps.push_back(ms); };
    io.cancelled = [] { return false; };
    io.now = [] { return pe_test::kNow; };
    io.jitter = [] { return 0.5; };
    io.save = [this] {
      if (++saves == kill_at_save) throw Killed();
      disk = to_json(ledger);
    };
  }
};

std::vector<std::string> emails(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("p" + std::to_string(i) + "@example.com");
  return out;
}

pe::Run planned(int n, std::size_t batch_size, const std::unordered_set<std::string>& skip = {}) {
  RunInfo info;
  info.id = "r";
  info.endpoint = "http://127.0.0.1:8090";
  info.key_fingerprint = "db6bcf6a2a36";
  info.file_fingerprint = "f";
  info.created = "2026-05-01T12:00:00Z";
  info.batch_size = batch_size;
  return plan_run(info, emails(n), skip);
}

std::string body_of(const RunBatch& b, const std::vector<std::size_t>& places) {
  std::vector<Prospect> list;
  for (std::size_t p : places) list.push_back(Prospect{b.emails[p], "", "", "", "", ""});
  return batch_body_json(list);
}

// What the CLI does: settle what an earlier send left open, then send what is not confirmed.
StopReason queue_run(Harness& h, pe::Run& run) {
  const std::vector<std::size_t> open = batches_to_settle(run);
  if (!open.empty()) {
    RunTracker t(run, h.io, 0);
    t.query(prospects_to_query(run, open));
  }
  const auto elsewhere = confirmed_emails(h.ledger, run.endpoint, run.key_fingerprint);
  const std::vector<std::size_t> list = batches_to_send(run, elsewhere);
  begin_send(run, list);
  h.io.save();
  RunSender s(run, h.io);
  for (std::size_t b : list) {
    const std::vector<std::size_t> places = to_send(run.batches[b], elsewhere);
    if (!s.send(b, places, body_of(run.batches[b], places))) break;
  }
  end_send(run, s.stop(), s.stop_message());
  h.io.save();
  return s.stop();
}

void expect_each_queued_once(const FakeApi& api, int n) {
  EXPECT_EQ(api.queued_times.size(), static_cast<std::size_t>(n));
  for (const auto& [email, times] : api.queued_times) EXPECT_EQ(times, 1) << email;
}

TEST(RunSender, QueuesEveryBatchOnceAndSavesAroundEveryRequest) {
  Harness h;
  h.ledger.runs.push_back(planned(250, 50));
  EXPECT_EQ(queue_run(h, h.ledger.runs[0]), StopReason::None);
  expect_each_queued_once(h.api, 250);
  const RunTotals t = run_totals(h.ledger.runs[0]);
  EXPECT_EQ(t.queued, 250u);
  EXPECT_EQ(t.batches_by_state.at("sent"), 5u);
  EXPECT_EQ(h.api.requests, 5);
  EXPECT_EQ(h.saves, 2 * 5 + 2);  // before and after each request, at the start and at the end
}

TEST(RunSender, ADroppedAnswerAfterProcessingEndsConfirmedAndCountedOnce) {
  for (Fault f : {Fault::DropAfter, Fault::Gateway502After}) {
    Harness h;
    h.ledger.runs.push_back(planned(150, 50));
    h.api.faults = {Fault::None, f};  // batch 2's answer is lost after the API queued it
    EXPECT_EQ(queue_run(h, h.ledger.runs[0]), StopReason::None);
    expect_each_queued_once(h.api, 150);
    const RunBatch& b = h.ledger.runs[0].batches[1];
    EXPECT_EQ(b.state, BatchState::Sent);
    EXPECT_EQ(b.queue_status, "NOT_ENQUEUED");
    EXPECT_TRUE(b.queued_earlier);
    EXPECT_EQ(b.attempts, 2);
    const RunTotals t = run_totals(h.ledger.runs[0]);
    EXPECT_EQ(t.queued, 150u);
    EXPECT_EQ(t.api_queued, 150);
  }
}

TEST(RunSender, RateLimitsAreWaitedOutAndAnUnreachableApiStops) {
  Harness h;
  h.ledger.runs.push_back(planned(100, 50));
  h.api.faults = {Fault::RateLimit, Fault::RateLimit};
  EXPECT_EQ(queue_run(h, h.ledger.runs[0]), StopReason::None);
  EXPECT_EQ(h.sleeps, (std::vector<double>{1000, 1000}));
  expect_each_queued_once(h.api, 100);

  Harness down;
  down.ledger.runs.push_back(planned(100, 50));
  down.api.faults = std::vector<Fault>(6, Fault::Refused);
  EXPECT_EQ(queue_run(down, down.ledger.runs[0]), StopReason::Unreachable);
  // No answer yet from this API: the second refused connection stops the run; the second batch is
  // not tried.
  EXPECT_EQ(down.api.requests, 2);
  const RunTotals t = run_totals(down.ledger.runs[0]);
  EXPECT_EQ(t.not_sent, 100u);
  EXPECT_EQ(t.unconfirmed, 0u);
}

// Killed at every save of a run (before a request leaves, after the API processed it but before its
// answer was saved, between batches), with answers lost on the way; then the run is read back from
// what was on disk and resumed, as `enrich queue` does. Each prospect is queued exactly once, and
// every one ends confirmed.
TEST(RunSender, KilledAtEveryPointAndResumedQueuesEachProspectOnce) {
  const int n = 120;  // 3 batches of 50, 50, 20
  Harness probe;
  probe.ledger.runs.push_back(planned(n, 50));
  probe.api.faults = {Fault::None, Fault::DropAfter};
  queue_run(probe, probe.ledger.runs[0]);
  const int total_saves = probe.saves;
  ASSERT_GT(total_saves, 6);
  for (int kill = 1; kill <= total_saves; ++kill) {
    Harness h;
    h.ledger.runs.push_back(planned(n, 50));
    h.api.faults = {Fault::None, Fault::DropAfter};
    h.kill_at_save = kill;
    EXPECT_THROW(queue_run(h, h.ledger.runs[0]), Killed) << "kill at save " << kill;
    // A new process: the ledger as it was on disk (or none yet: the run is planned again).
    Harness again;
    again.api = h.api;
    again.api.faults.clear();
    std::string error;
    if (h.disk.empty()) {
      again.ledger.runs.push_back(planned(n, 50));
    } else {
      ASSERT_TRUE(ledger_from_json(h.disk, again.ledger, error)) << error;
      settle_interrupted(again.ledger.runs[0]);
    }
    EXPECT_EQ(queue_run(again, again.ledger.runs[0]), StopReason::None) << "kill at save " << kill;
    expect_each_queued_once(again.api, n);
    const RunTotals t = run_totals(again.ledger.runs[0]);
    EXPECT_EQ(t.queued + t.already_pending, static_cast<std::size_t>(n)) << "kill at save " << kill;
    EXPECT_EQ(t.queued, static_cast<std::size_t>(n)) << "kill at save " << kill;
    EXPECT_EQ(t.unconfirmed + t.not_sent + t.failed, 0u) << "kill at save " << kill;
  }
}

TEST(RunSender, PartlyQueuedForCreditsThenResumedSendsOnlyTheRest) {
  Harness h;
  h.ledger.runs.push_back(planned(100, 50));
  h.api.credits = 70;
  EXPECT_EQ(queue_run(h, h.ledger.runs[0]), StopReason::Credits);
  RunTotals t = run_totals(h.ledger.runs[0]);
  EXPECT_EQ(t.batches_by_state.at("partial"), 1u);
  EXPECT_EQ(t.queued, 50u);
  h.api.credits = 1000;
  EXPECT_EQ(queue_run(h, h.ledger.runs[0]), StopReason::None);
  expect_each_queued_once(h.api, 100);
  t = run_totals(h.ledger.runs[0]);
  EXPECT_EQ(t.queued, 100u);
  EXPECT_EQ(t.api_queued, 100);
}

TEST(RunTracker, PollsEachEnrichmentAndBacksOffOnRateLimits) {
  Harness h;
  h.ledger.runs.push_back(planned(100, 50));
  queue_run(h, h.ledger.runs[0]);
  h.api.faults = {Fault::RateLimit, Fault::None, Fault::RateLimit};
  h.sleeps.clear();
  RunTracker t(h.ledger.runs[0], h.io, 200);
  EXPECT_TRUE(t.track());
  EXPECT_EQ(t.failures(), 0u);
  // pace between requests, and Retry-After (1 s) after each 429
  EXPECT_EQ(h.sleeps, (std::vector<double>{1000, 200, 1000}));
  const RunTotals tt = run_totals(h.ledger.runs[0]);
  EXPECT_EQ(tt.tracked, 100u);
  EXPECT_EQ(tt.pending, 100u);
  EXPECT_FALSE(h.ledger.runs[0].tracked_at.empty());
}

TEST(RunTracker, ALongRateLimitStopsTracking) {
  Harness h;
  h.ledger.runs.push_back(planned(100, 50));
  queue_run(h, h.ledger.runs[0]);
  h.io.request = [](const std::string&, const std::string*) {
    AttemptResult r;
    r.http.status = 429;
    r.http.retry_after = "7200";
    return r;
  };
  RunTracker t(h.ledger.runs[0], h.io, 0);
  EXPECT_FALSE(t.track());
  EXPECT_EQ(t.stop(), StopReason::RateLimited);
  EXPECT_EQ(t.requests(), 1u);
  EXPECT_NE(t.stop_message().find("2 hours"), std::string::npos) << t.stop_message();
}

TEST(RunTracker, ARefusedKeyStopsTracking) {
  Harness h;
  h.ledger.runs.push_back(planned(100, 50));
  queue_run(h, h.ledger.runs[0]);
  h.io.request = [](const std::string&, const std::string*) {
    AttemptResult r;
    r.http.status = 401;
    return r;
  };
  RunTracker t(h.ledger.runs[0], h.io, 0);
  EXPECT_FALSE(t.track());
  EXPECT_EQ(t.stop(), StopReason::Auth);
  EXPECT_NE(t.stop_message().find("WOODPECKER_API_KEY"), std::string::npos);
}

}  // namespace
