// The run model (src/core/run_ledger.hpp), its JSON form (json_forms.hpp), the per-row results
// (results_csv.hpp), and what it stands on: SHA-256, endpoints and key fingerprints (digest.hpp,
// endpoint.hpp).
#include "run_ledger.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "api_test_util.hpp"
#include "digest.hpp"
#include "endpoint.hpp"
#include "json_forms.hpp"
#include "results_csv.hpp"

namespace {

using namespace pe;
using namespace pe_test;

const std::string kE1 = "https://api.woodpecker.co";
const std::string kE2 = "http://127.0.0.1:8090";
const std::string kK1 = "aaaaaaaaaaaa";
const std::string kK2 = "bbbbbbbbbbbb";

std::vector<std::string> emails(int n, const std::string& prefix = "p") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i) + "@example.com");
  return out;
}

pe::Run make_run(const std::vector<std::string>& list, std::size_t batch_size, const std::string& endpoint = kE1,
             const std::string& key = kK1, const std::unordered_set<std::string>& skip = {}) {
  RunInfo info;
  info.id = "r1";
  info.endpoint = endpoint;
  info.key_fingerprint = key;
  info.file_fingerprint = "f1";
  info.file_name = "list.csv";
  info.created = "2026-05-01T12:00:00Z";
  info.batch_size = batch_size;
  return plan_run(info, list, skip);
}

AttemptResult result(int status, std::string body = "", std::string retry_after = "") {
  AttemptResult r;
  r.http = http(status, std::move(body), std::move(retry_after));
  r.http.reached_before = true;
  return r;
}
AttemptResult no_answer() { return result(0); }
AttemptResult refused_connection() {
  AttemptResult r = result(0);
  r.never_left = true;
  r.transport_error = "Connection refused";
  return r;
}
std::string queue_answer(const char* status, long count, long total, const char* uuid = "u-1") {
  return std::string("{\"uuid\":") + (uuid ? "\"" + std::string(uuid) + "\"" : "null") +
         ",\"prospects_count\":" + std::to_string(count) + ",\"total_prospects_count\":" + std::to_string(total) +
         ",\"status\":\"" + status + "\"}";
}

// Sends batch b of r (all its places) with one result per attempt; returns the last step.
AttemptStep attempt_all(pe::Run& r, std::size_t b, const std::vector<AttemptResult>& results) {
  std::vector<std::size_t> places;
  for (std::size_t i = 0; i < r.batches[b].emails.size(); ++i) places.push_back(i);
  AttemptStep step;
  int attempt = 0;
  for (const AttemptResult& res : results) {
    begin_attempt(r, b, places, "2026-05-01T12:00:00Z");
    step = record_attempt(r, b, places.size(), res, ++attempt, RetryPolicy{}, 0.5, kNow);
  }
  return step;
}

// ---- SHA-256, keys, endpoints ------------------------------------------------------------------

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, FedInPiecesOfAnySize) {
  const std::string million(1000000, 'a');
  Sha256 h;
  std::size_t at = 0, step = 1;
  while (at < million.size()) {
    const std::size_t n = std::min(step, million.size() - at);
    h.update(std::string_view(million).substr(at, n));
    at += n;
    step = step * 3 % 997 + 1;
  }
  EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(KeyFingerprint, IsTheSandboxLogsPrefixAndNeverTheKey) {
  // The sandbox's request log shows the same 12 digits (tools/sandbox/README.md).
  EXPECT_EQ(key_fingerprint("sandbox-key"), "db6bcf6a2a36");
  EXPECT_EQ(key_fingerprint("  sandbox-key\n"), "db6bcf6a2a36");
  EXPECT_NE(key_fingerprint("sandbox-key2"), "db6bcf6a2a36");
  EXPECT_EQ(key_fingerprint("sandbox-key").find("sandbox"), std::string::npos);
}

TEST(KeyProblem, NamesTheCharacterByItsPlaceWithoutTheKey) {
  EXPECT_EQ(key_problem("abc-DEF_123.~!"), "");
  EXPECT_EQ(key_problem("  padded  "), "");
  EXPECT_EQ(key_problem(""), "The API key is empty.");
  const std::string p = key_problem("secr\xE2\x80\x8B" "et\x01");
  EXPECT_NE(p.find("Character 5 of the API key is U+200B (and 1 more character like it)"), std::string::npos) << p;
  EXPECT_EQ(p.find("secr"), std::string::npos);
  EXPECT_NE(key_problem("ab\xff").find("not UTF-8"), std::string::npos);
}

TEST(Endpoint, NormalisedSoThatOneEndpointIsOneString) {
  EXPECT_EQ(check_endpoint("HTTPS://API.Woodpecker.co:443/").url, "https://api.woodpecker.co");
  EXPECT_EQ(check_endpoint(" https://api.woodpecker.co ").url, "https://api.woodpecker.co");
  EXPECT_EQ(check_endpoint("http://LOCALHOST:8090//").url, "http://localhost:8090");
  EXPECT_EQ(check_endpoint("http://127.0.0.1:8080/sandbox/").url, "http://127.0.0.1:8080/sandbox");
  EXPECT_EQ(check_endpoint("http://[::1]:9000").url, "http://[::1]:9000");
  EXPECT_EQ(check_endpoint("https://proxy.example.com:8443/woodpecker").url, "https://proxy.example.com:8443/woodpecker");
}

TEST(Endpoint, RefusesWhatWouldLeakTheKeyOrIsNotAnAddress) {
  for (const char* bad : {"", "api.woodpecker.co", "ftp://x.example", "http://api.woodpecker.co",
                          "http://127.0.0.1", "https://user:pw@api.woodpecker.co", "https://api.woodpecker.co/?a=1",
                          "https://api.woodpecker.co/#x", "https://api.woodpecker.co/a b", "https://:443",
                          "https://x.example:99999", "https://x.example:8a", "https://x.example/p%2e"}) {
    const EndpointCheck c = check_endpoint(bad);
    EXPECT_FALSE(c.ok) << bad;
    EXPECT_NE(c.message.find("Allowed are"), std::string::npos) << bad;
  }
  EXPECT_NE(check_endpoint("http://api.woodpecker.co").message.find("unencrypted"), std::string::npos);
}

// ---- planning ----------------------------------------------------------------------------------

TEST(Plan, BatchesFollowTheFileAndRepeatsArePlannedOnce) {
  std::vector<std::string> list = emails(7);
  list.push_back("p3@example.com");
  const pe::Run r = make_run(list, 3);
  ASSERT_EQ(r.batches.size(), 3u);
  EXPECT_EQ(r.batches[0].emails, (std::vector<std::string>{"p0@example.com", "p1@example.com", "p2@example.com"}));
  EXPECT_EQ(r.batches[2].emails, (std::vector<std::string>{"p6@example.com"}));
  EXPECT_EQ(r.batches[2].index, 2u);
  EXPECT_EQ(r.prospect_count(), 7u);
  EXPECT_DOUBLE_EQ(r.credits_ceiling, 10.5);
  for (const RunBatch& b : r.batches) EXPECT_EQ(b.state, BatchState::Waiting);
}

TEST(Plan, AlreadySentIsAPropertyOfProspectsForOneEndpointAndAccount) {
  Ledger l;
  l.runs.push_back(make_run(emails(4), 2));  // E1, K1
  attempt_all(l.runs[0], 0, {result(200, queue_answer("ENQUEUED", 2, 2))});
  // p0, p1 are confirmed for (E1, K1); p2, p3 were never sent.
  EXPECT_EQ(confirmed_emails(l, kE1, kK1), (std::unordered_set<std::string>{"p0@example.com", "p1@example.com"}));
  // The same file edited (a row inserted before them: batch positions shift) offers only what is new.
  std::vector<std::string> edited = {"new@example.com"};
  for (const std::string& e : emails(4)) edited.push_back(e);
  const pe::Run again = make_run(edited, 2, kE1, kK1, confirmed_emails(l, kE1, kK1));
  EXPECT_EQ(again.prospect_count(), 3u);
  EXPECT_EQ(again.batches[0].emails, (std::vector<std::string>{"new@example.com", "p2@example.com"}));
  // Another endpoint (a sandbox rehearsal first) or another account: nothing is skipped.
  EXPECT_TRUE(confirmed_emails(l, kE2, kK1).empty());
  EXPECT_TRUE(confirmed_emails(l, kE1, kK2).empty());
  EXPECT_EQ(make_run(emails(4), 2, kE2, kK1, confirmed_emails(l, kE2, kK1)).prospect_count(), 4u);
}

TEST(Plan, FindRunMatchesEndpointAccountFileAndBatchSize) {
  Ledger l;
  l.runs.push_back(make_run(emails(2), 2, kE1, kK1));
  l.runs.push_back(make_run(emails(2), 2, kE2, kK1));
  EXPECT_EQ(find_run(l, kE2, kK1, "f1", 2), &l.runs[1]);
  EXPECT_EQ(find_run(l, kE1, kK1, "f1", 2), &l.runs[0]);
  EXPECT_EQ(find_run(l, kE1, kK2, "f1", 2), nullptr);
  EXPECT_EQ(find_run(l, kE1, kK1, "f2", 2), nullptr);
  EXPECT_EQ(find_run(l, kE1, kK1, "f1", 3), nullptr);
}

// ---- attempts ----------------------------------------------------------------------------------

TEST(Attempt, EnqueuedConfirmsTheBatch) {
  pe::Run r = make_run(emails(3), 3);
  const AttemptStep s = attempt_all(r, 0, {result(200, queue_answer("ENQUEUED", 3, 3, "u-7"))});
  EXPECT_FALSE(s.retry);
  EXPECT_EQ(s.stop, StopReason::None);
  const RunBatch& b = r.batches[0];
  EXPECT_EQ(b.state, BatchState::Sent);
  EXPECT_EQ(b.uuid, "u-7");
  EXPECT_EQ(b.queued, 3);
  EXPECT_EQ(b.attempts, 1);
  EXPECT_FALSE(b.answer_lost);
  const RunTotals t = run_totals(r);
  EXPECT_EQ(t.queued, 3u);
  EXPECT_EQ(t.sent, 3u);
  EXPECT_EQ(t.batches_by_state.at("sent"), 1u);
  EXPECT_TRUE(to_send(b, {}).empty());
}

// Issue 11, defect 3: a lost answer, then NOT_ENQUEUED for the same prospects, is "queued by the
// earlier attempt", counted once, never "0 queued".
TEST(Attempt, LostAnswerThenNotEnqueuedConfirmsTheEarlierAttemptOnce) {
  for (const AttemptResult& lost : {no_answer(), result(502, "<html>Bad Gateway</html>"), result(504),
                                    result(200, "{\"uuid\":\"u-1\",\"prosp")}) {
    pe::Run r = make_run(emails(50), 50);
    AttemptStep s = attempt_all(r, 0, {lost});
    if (lost.http.status == 200) {
      EXPECT_EQ(r.batches[0].state, BatchState::Unconfirmed);  // an unreadable 2xx: not retried, not failed
      s = attempt_all(r, 0, {result(200, queue_answer("NOT_ENQUEUED", 0, 50, nullptr))});
    } else {
      EXPECT_TRUE(s.retry);
      EXPECT_TRUE(r.batches[0].answer_lost);
      std::vector<std::size_t> all;
      for (std::size_t i = 0; i < 50; ++i) all.push_back(i);
      begin_attempt(r, 0, all, "2026-05-01T12:00:01Z");
      s = record_attempt(r, 0, 50, result(200, queue_answer("NOT_ENQUEUED", 0, 50, nullptr)), 2, RetryPolicy{}, 0.5, kNow);
    }
    const RunBatch& b = r.batches[0];
    EXPECT_EQ(b.state, BatchState::Sent) << lost.http.status;
    EXPECT_TRUE(b.queued_earlier);
    EXPECT_FALSE(b.answer_lost);
    EXPECT_EQ(b.queued, 50);
    EXPECT_NE(b.message.find("most likely queued the 50 prospects this answer did not"), std::string::npos) << b.message;
    const RunTotals t = run_totals(r);
    EXPECT_EQ(t.queued, 50u);
    EXPECT_EQ(t.already_pending, 0u);
    EXPECT_EQ(t.api_queued, 50);
  }
}

TEST(Attempt, NotEnqueuedWithoutALostAnswerIsAlreadyPendingAndNotSentAgain) {
  pe::Run r = make_run(emails(4), 4);
  attempt_all(r, 0, {result(200, queue_answer("NOT_ENQUEUED", 0, 4, nullptr))});
  EXPECT_EQ(r.batches[0].state, BatchState::Sent);
  EXPECT_EQ(prospect_state(r.batches[0], 0), ProspectState::AlreadyPending);
  const RunTotals t = run_totals(r);
  EXPECT_EQ(t.already_pending, 4u);
  EXPECT_EQ(t.queued, 0u);
  EXPECT_EQ(t.api_queued, 0);
  EXPECT_TRUE(to_send(r.batches[0], {}).empty());
}

TEST(Attempt, EveryAttemptLostLeavesItUnconfirmedAndResendable) {
  pe::Run r = make_run(emails(2), 2);
  const AttemptStep s = attempt_all(r, 0, std::vector<AttemptResult>(6, no_answer()));
  EXPECT_FALSE(s.retry);
  EXPECT_EQ(s.stop, StopReason::None);
  EXPECT_EQ(r.batches[0].state, BatchState::Unconfirmed);
  EXPECT_TRUE(r.batches[0].answer_lost);
  EXPECT_EQ(run_totals(r).unconfirmed, 2u);
  EXPECT_EQ(to_send(r.batches[0], {}).size(), 2u);
  EXPECT_EQ(batches_to_settle(r), std::vector<std::size_t>{0});
}

TEST(Attempt, ARequestThatNeverLeftIsNotLostAndAnUnreachableApiStopsTheRun) {
  pe::Run r = make_run(emails(2), 2);
  AttemptStep s = attempt_all(r, 0, {refused_connection()});
  EXPECT_TRUE(s.retry);
  EXPECT_FALSE(r.batches[0].answer_lost);
  EXPECT_NE(r.batches[0].message.find("No response from the API (Connection refused)"), std::string::npos);
  s = attempt_all(r, 0, std::vector<AttemptResult>(6, refused_connection()));
  EXPECT_EQ(s.stop, StopReason::Unreachable);
  EXPECT_EQ(r.batches[0].state, BatchState::NotSent);
  EXPECT_NE(r.batches[0].message.find("could not be reached (Connection refused)"), std::string::npos);
}

TEST(Attempt, AnswersThatStopTheRun) {
  {
    pe::Run r = make_run(emails(10), 10);
    const AttemptStep s = attempt_all(r, 0, {result(200, queue_answer("PARTIALLY_ENQUEUED", 4, 10))});
    EXPECT_EQ(s.stop, StopReason::Credits);
    EXPECT_EQ(r.batches[0].state, BatchState::Partial);
    EXPECT_EQ(r.batches[0].queued, 4);
    EXPECT_EQ(run_totals(r).unconfirmed, 10u);  // which 4 is known only once tracked
    EXPECT_EQ(batches_to_settle(r), std::vector<std::size_t>{0});
  }
  {
    pe::Run r = make_run(emails(2), 2);
    const AttemptStep s = attempt_all(r, 0, {result(200, queue_answer("CREDITS_EXHAUSTED", 0, 2, nullptr))});
    EXPECT_EQ(s.stop, StopReason::Credits);
    EXPECT_EQ(r.batches[0].state, BatchState::Failed);
    EXPECT_EQ(run_totals(r).failed, 2u);
  }
  {
    pe::Run r = make_run(emails(2), 2);
    const AttemptStep s = attempt_all(r, 0, {result(401, R"({"title":"Unauthorized","status":401})")});
    EXPECT_EQ(s.stop, StopReason::Auth);
    EXPECT_EQ(r.batches[0].state, BatchState::NotSent);
  }
  {
    pe::Run r = make_run(emails(2), 2);  // a lost answer, then the key refused: it may be queued
    const AttemptStep s = attempt_all(r, 0, {no_answer(), result(403)});
    EXPECT_EQ(s.stop, StopReason::Auth);
    EXPECT_EQ(r.batches[0].state, BatchState::Unconfirmed);
  }
  {
    pe::Run r = make_run(emails(2), 2);
    const AttemptStep s = attempt_all(r, 0, {result(413)});
    EXPECT_EQ(s.stop, StopReason::TooLarge);
    EXPECT_EQ(r.batches[0].state, BatchState::Failed);
  }
  {
    pe::Run r = make_run(emails(2), 2);
    const AttemptStep s = attempt_all(r, 0, {result(400, R"({"title":"Bad Request","detail":"prospects[1].email is required"})")});
    EXPECT_EQ(s.stop, StopReason::None);
    EXPECT_EQ(r.batches[0].state, BatchState::Failed);
    EXPECT_NE(r.batches[0].message.find("prospects[1].email is required"), std::string::npos);
  }
}

TEST(Attempt, ARateLimitLongerThanThePolicyWaitsStopsTheRun) {
  pe::Run r = make_run(emails(4), 2);
  const AttemptStep s = attempt_all(r, 0, {result(429, "", "3600")});
  EXPECT_EQ(s.stop, StopReason::RateLimited);
  EXPECT_EQ(r.batches[0].state, BatchState::Failed);
  EXPECT_NE(r.batches[0].message.find("asks to wait 1 hour"), std::string::npos) << r.batches[0].message;
  end_send(r, s.stop, "");
  EXPECT_NE(r.batches[1].message.find("rate limit"), std::string::npos);
  EXPECT_EQ(to_send(r.batches[0], {}).size(), 2u);
}

TEST(Attempt, RateLimitWaitsWhatRetryAfterSays) {
  pe::Run r = make_run(emails(2), 2);
  const AttemptStep s = attempt_all(r, 0, {result(429, "", "2")});
  EXPECT_TRUE(s.retry);
  EXPECT_DOUBLE_EQ(s.decision.delay_ms, 2000);
  EXPECT_EQ(r.batches[0].state, BatchState::Sending);
  EXPECT_FALSE(r.batches[0].answer_lost);
}

TEST(Attempt, AnInterruptedRunIsSettledOnLoad) {
  pe::Run r = make_run(emails(6), 2);
  attempt_all(r, 0, {result(200, queue_answer("ENQUEUED", 2, 2))});
  begin_send(r, {1, 2});
  begin_attempt(r, 1, {0, 1}, "2026-05-01T12:00:00Z");  // killed while batch 1 was out
  EXPECT_TRUE(settle_interrupted(r));
  EXPECT_EQ(r.batches[0].state, BatchState::Sent);
  EXPECT_EQ(r.batches[1].state, BatchState::Unconfirmed);
  EXPECT_TRUE(r.batches[1].answer_lost);
  EXPECT_EQ(r.batches[2].state, BatchState::NotSent);
  EXPECT_FALSE(settle_interrupted(r));
  EXPECT_EQ(batches_to_send(r, {}), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(batches_to_settle(r), std::vector<std::size_t>{1});
}

TEST(Attempt, EndSendSaysWhyTheRestWasNotSent) {
  pe::Run r = make_run(emails(6), 2);
  begin_send(r, {0, 1, 2});
  attempt_all(r, 0, {result(200, queue_answer("PARTIALLY_ENQUEUED", 1, 2))});
  end_send(r, StopReason::Credits, "");
  EXPECT_EQ(r.batches[1].state, BatchState::NotSent);
  EXPECT_NE(r.batches[1].message.find("credits ran out"), std::string::npos);
  const RunTotals t = run_totals(r);
  EXPECT_EQ(t.not_sent, 4u);
  EXPECT_EQ(t.batches_by_state.at("not_sent"), 2u);
  EXPECT_EQ(t.batches_by_state.at("partial"), 1u);
}

// ---- tracking ----------------------------------------------------------------------------------

TrackedBatch tracked(const std::string& uuid, const std::string& created,
                     const std::vector<std::tuple<std::string, std::string, std::string>>& prospects) {
  TrackedBatch b;
  b.uuid = uuid;
  b.created = created;
  for (const auto& [email, status, result] : prospects) {
    TrackedProspect p;
    p.email = email;
    p.status = status;
    p.processing_result = result;
    p.final_state = !is_pending_status(status);
    b.prospects.push_back(p);
  }
  return b;
}

TEST(Tracking, TotalsByOutcomeAndCreditsUsed) {
  pe::Run r = make_run(emails(4), 4);
  attempt_all(r, 0, {result(200, queue_answer("ENQUEUED", 4, 4, "u-1"))});
  EXPECT_EQ(batches_to_poll(r), std::vector<std::size_t>{0});
  apply_batch_status(r, 0, tracked("u-1", "2026-05-01T12:00:05Z",
                                   {{"P0@example.com", "PROCESSED", "ENRICHED"},
                                    {"p1@example.com", "PROCESSED", "ENRICHED"},
                                    {"p2@example.com", "PROCESSED", "NO_DATA_FOUND"},
                                    {"p3@example.com", "PROCESSING", ""}}));
  RunTotals t = run_totals(r);
  EXPECT_EQ(t.tracked, 4u);
  EXPECT_EQ(t.final, 3u);
  EXPECT_EQ(t.pending, 1u);
  EXPECT_EQ(t.by_result.at("ENRICHED"), 2u);
  EXPECT_EQ(t.by_result.at("NO_DATA_FOUND"), 1u);
  EXPECT_DOUBLE_EQ(t.credits_used, 3.0);
  EXPECT_DOUBLE_EQ(t.credits_ceiling, 6.0);
  EXPECT_EQ(batches_to_poll(r), std::vector<std::size_t>{0});  // p3 is not final yet
  apply_batch_status(r, 0, tracked("u-1", "", {{"p3@example.com", "PROCESSED", "NOT_IN_DATABASE"}}));
  t = run_totals(r);
  EXPECT_EQ(t.pending, 0u);
  EXPECT_TRUE(batches_to_poll(r).empty());
  EXPECT_TRUE(prospects_to_query(r).empty());
}

TEST(Tracking, TheStatusesQuerySettlesUnconfirmedBatches) {
  pe::Run r = make_run(emails(9), 3);
  for (std::size_t b = 0; b < 3; ++b) attempt_all(r, b, std::vector<AttemptResult>(6, no_answer()));
  const std::vector<ProspectRef> asked = prospects_to_query(r);
  ASSERT_EQ(asked.size(), 9u);
  StatusReport rep;
  rep.ok = true;
  rep.batches.push_back(tracked("u-a", "2026-05-01T12:00:00+00:00",
                                {{"p0@example.com", "PENDING", ""}, {"p1@example.com", "PENDING", ""},
                                 {"p2@example.com", "PENDING", ""}, {"p3@example.com", "PENDING", ""}}));
  apply_status_query(r, asked, rep);
  // Batch 0: all found -> sent, counted once. Batch 1: one of three -> partly queued, the other two
  // are sent again. Batch 2: none -> it was not queued.
  EXPECT_EQ(r.batches[0].state, BatchState::Sent);
  EXPECT_EQ(r.batches[0].queued, 3);
  EXPECT_EQ(r.batches[0].uuid, "u-a");
  EXPECT_EQ(r.batches[1].state, BatchState::Partial);
  EXPECT_EQ(to_send(r.batches[1], {}), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(prospect_state(r.batches[1], 1), ProspectState::Failed);
  EXPECT_EQ(r.batches[2].state, BatchState::NotSent);
  EXPECT_EQ(to_send(r.batches[2], {}).size(), 3u);
  EXPECT_TRUE(batches_to_settle(r).empty() || batches_to_settle(r) == std::vector<std::size_t>{1});
  const RunTotals t = run_totals(r);
  EXPECT_EQ(t.queued, 4u);
  EXPECT_EQ(t.failed, 2u);
  EXPECT_EQ(t.not_sent, 3u);
  EXPECT_EQ(t.unconfirmed, 0u);
}

TEST(Tracking, AnEnrichmentFromBeforeTheAttemptIsNotThisRuns) {
  pe::Run r = make_run(emails(1), 1);
  attempt_all(r, 0, std::vector<AttemptResult>(6, no_answer()));  // last attempt: 12:00:00Z
  StatusReport rep;
  rep.ok = true;
  rep.batches.push_back(tracked("old", "2026-04-01T09:00:00+02:00", {{"p0@example.com", "PROCESSED", "ENRICHED"}}));
  apply_status_query(r, prospects_to_query(r), rep);
  EXPECT_EQ(r.batches[0].state, BatchState::NotSent);
  // Ten minutes early (clocks differ) still counts; the newest one wins.
  rep.batches.push_back(tracked("near", "2026-05-01T13:50:00+02:00", {{"p0@example.com", "PENDING", ""}}));
  rep.batches.push_back(tracked("new", "2026-05-01T12:00:02Z", {{"p0@example.com", "PROCESSING", ""}}));
  attempt_all(r, 0, std::vector<AttemptResult>(6, no_answer()));
  apply_status_query(r, prospects_to_query(r), rep);
  EXPECT_EQ(r.batches[0].state, BatchState::Sent);
  EXPECT_EQ(r.batches[0].tracks[0].uuid, "new");
}

TEST(Tracking, PartlyQueuedThenTrackedThenTheRestSentCountsEachOnce) {
  pe::Run r = make_run(emails(4), 4);
  attempt_all(r, 0, {result(200, queue_answer("PARTIALLY_ENQUEUED", 2, 4, "u-1"))});
  StatusReport rep;
  rep.ok = true;
  rep.batches.push_back(tracked("u-1", "2026-05-01T12:00:01Z", {{"p0@example.com", "PENDING", ""}, {"p1@example.com", "PENDING", ""}}));
  apply_status_query(r, prospects_to_query(r, batches_to_settle(r)), rep);
  const std::vector<std::size_t> rest = to_send(r.batches[0], {});
  ASSERT_EQ(rest, (std::vector<std::size_t>{2, 3}));
  begin_attempt(r, 0, rest, "2026-05-01T12:10:00Z");
  record_attempt(r, 0, rest.size(), result(200, queue_answer("ENQUEUED", 2, 2, "u-2")), 1, RetryPolicy{}, 0.5, kNow);
  EXPECT_EQ(r.batches[0].state, BatchState::Sent);
  EXPECT_EQ(r.batches[0].queued, 4);
  const RunTotals t = run_totals(r);
  EXPECT_EQ(t.queued, 4u);
  EXPECT_EQ(t.api_queued, 4);
  EXPECT_TRUE(batches_to_send(r, {}).empty());
}

TEST(Tracking, ProspectsOfNotEnqueuedBatchesAreQueriedByEmail) {
  pe::Run r = make_run(emails(2), 2);
  attempt_all(r, 0, {result(200, queue_answer("NOT_ENQUEUED", 0, 2, nullptr))});
  EXPECT_TRUE(batches_to_poll(r).empty());
  const std::vector<ProspectRef> q = prospects_to_query(r);
  ASSERT_EQ(q.size(), 2u);
  StatusReport rep;
  rep.ok = true;
  rep.batches.push_back(tracked("elsewhere", "2026-05-01T11:59:00Z", {{"p0@example.com", "PROCESSED", "ENRICHED"}}));
  apply_status_query(r, q, rep);
  EXPECT_EQ(r.batches[0].tracks[0].result, "ENRICHED");
  EXPECT_EQ(prospect_state(r.batches[0], 1), ProspectState::AlreadyPending);
  EXPECT_EQ(prospects_to_query(r).size(), 1u);  // p1 still unknown
}

// ---- the per-row view and the results CSV ----------------------------------------------------

TEST(RunIndex, TheNewestConfirmedWordOnEachEmail) {
  Ledger l;
  l.runs.push_back(make_run(emails(2), 2));
  attempt_all(l.runs[0], 0, {result(200, queue_answer("ENQUEUED", 2, 2, "u-old"))});
  l.runs.push_back(make_run(emails(3), 3));
  l.runs[1].id = "r2";
  attempt_all(l.runs[1], 0, {result(400)});
  l.runs.push_back(make_run(emails(2), 2, kE2));  // another endpoint: not in this index
  const RunIndex idx(l, kE1, kK1);
  EXPECT_EQ(idx.size(), 3u);
  ASSERT_NE(idx.find("p0@example.com"), nullptr);
  EXPECT_EQ(idx.find("p0@example.com")->batch->uuid, "u-old");  // confirmed in run 1, failed in run 2
  EXPECT_EQ(idx.find("p2@example.com")->state, ProspectState::Failed);
  EXPECT_EQ(idx.find("p2@example.com")->run->id, "r2");
  EXPECT_EQ(idx.find("nobody@example.com"), nullptr);
}

TEST(ResultsCsv, EveryRowWithItsOriginalColumnsAndOutcomeFormulaSafe) {
  Ledger l;
  l.runs.push_back(make_run({"a@example.com", "b@example.com"}, 1));
  attempt_all(l.runs[0], 0, {result(200, queue_answer("ENQUEUED", 1, 1, "u-a"))});
  attempt_all(l.runs[0], 1, {result(400, R"({"detail":"bad"})")});
  apply_batch_status(l.runs[0], 0, tracked("u-a", "", {{"a@example.com", "PROCESSED", "ENRICHED"}}));
  const RunIndex idx(l, kE1, kK1);
  ResultsCsv csv(idx);
  std::string out;
  csv.header(out, {"Email", "Note"});
  csv.row(out, {"A@example.com", "=HYPERLINK(\"x\")"}, RowStatus::Valid, {}, "a@example.com");
  csv.row(out, {"b@example.com"}, RowStatus::Valid, {}, "b@example.com");
  Finding f;
  f.row = 3;
  f.field = "email";
  f.code = Code::EmailInvalid;
  f.message = "no @";
  csv.row(out, {"nope", "x", "extra"}, RowStatus::Invalid, {f}, "");
  csv.row(out, {"c@example.com", ""}, RowStatus::Valid, {}, "c@example.com");
  const std::string expected =
      "Email,Note,validation,validation_details,batch_uuid,queue_outcome,queue_details,enrichment_status,enrichment_result\r\n"
      "A@example.com,\"'=HYPERLINK(\"\"x\"\")\",valid,,u-a,queued,\"run r1, batch 1\",PROCESSED,ENRICHED\r\n"
      "b@example.com,,valid,,,failed,\"run r1, batch 2: The API rejected this batch (400): bad. Fix the rows and send "
      "this batch again.\",,\r\n"
      "nope,x,invalid,error email: no @,,,,,\r\n"
      "c@example.com,,valid,,,not_sent,in no run of this ledger for this endpoint and key,,\r\n";
  EXPECT_EQ(out, expected);
}

// ---- the JSON form -----------------------------------------------------------------------------

TEST(LedgerJson, RoundTripsEveryField) {
  Ledger l;
  l.runs.push_back(make_run(emails(3), 2));
  pe::Run& r = l.runs[0];
  attempt_all(r, 0, {no_answer(), result(200, queue_answer("NOT_ENQUEUED", 0, 2, nullptr))});
  apply_status_query(r, prospects_to_query(r), StatusReport{true, "", {tracked("u-9", "", {{"p0@example.com", "PENDING", ""}})}});
  r.tracked_at = "2026-05-01T12:30:00Z";
  r.file_name = "list \xE2\x80\x9C" "1\xE2\x80\x9D.csv";
  const std::string json = to_json(l);
  Ledger back;
  std::string error;
  ASSERT_TRUE(ledger_from_json(json, back, error)) << error;
  EXPECT_EQ(to_json(back), json);
  EXPECT_EQ(back.runs[0].batches[0].tracks[0].uuid, "u-9");
  EXPECT_TRUE(back.runs[0].batches[0].queued_earlier);
  EXPECT_EQ(back.runs[0].batches[1].state, BatchState::Waiting);
  pe::Run one;
  ASSERT_TRUE(run_from_json(to_json(r), one, error)) << error;
  EXPECT_EQ(to_json(one), to_json(r));
}

TEST(LedgerJson, RefusesWhatIsNotALedgerAndSaysWhere) {
  Ledger l;
  l.runs.push_back(make_run(emails(1), 1));
  Ledger kept = l;
  std::string error;
  EXPECT_FALSE(ledger_from_json("{\"format\":\"prospect-enricher-ledger\",\"version\":1,\"runs\":[", l, error));
  EXPECT_NE(error.find("not JSON"), std::string::npos);
  EXPECT_FALSE(ledger_from_json("[]", l, error));
  EXPECT_NE(error.find("not a Prospect Enricher run ledger"), std::string::npos);
  EXPECT_FALSE(ledger_from_json("{\"format\":\"prospect-enricher-ledger\",\"version\":2,\"runs\":[]}", l, error));
  EXPECT_NE(error.find("version"), std::string::npos);
  std::string bad = to_json(kept);
  bad.replace(bad.find("\"state\":\"waiting\""), 17, "\"state\":\"queued!\"");
  EXPECT_FALSE(ledger_from_json(bad, l, error));
  EXPECT_EQ(error, "runs[0].batches[0].state: \xE2\x80\x9Cqueued!\xE2\x80\x9D is not a batch state");
  std::string no_emails = to_json(kept);
  no_emails.replace(no_emails.find("\"emails\""), 8, "\"mails\"");
  EXPECT_FALSE(ledger_from_json(no_emails, l, error));
  EXPECT_EQ(error, "runs[0].batches[0].emails: should be an array of emails");
  EXPECT_EQ(to_json(l), to_json(kept));  // untouched by a failed read
}

TEST(LedgerJson, TotalsForm) {
  pe::Run r = make_run(emails(2), 2);
  attempt_all(r, 0, {result(200, queue_answer("ENQUEUED", 2, 2))});
  const std::string j = to_json(run_totals(r));
  EXPECT_NE(j.find("\"batches_by_state\":{\"failed\":0,\"not_sent\":0,\"partial\":0,\"sending\":0,\"sent\":1,"), std::string::npos) << j;
  EXPECT_NE(j.find("\"queued\":2,"), std::string::npos);
  EXPECT_NE(j.find("\"credits_used\":0.0,\"credits_ceiling\":3.0}"), std::string::npos) << j;
}

// ---- times ---------------------------------------------------------------------------------------

TEST(Times, Iso8601BothWays) {
  EXPECT_EQ(parse_iso8601("2026-05-01T12:00:00Z"), static_cast<double>(kNow));
  EXPECT_EQ(parse_iso8601("2026-05-01T14:00:00+02:00"), static_cast<double>(kNow));
  EXPECT_EQ(parse_iso8601("2026-05-01 07:30:00-0430"), static_cast<double>(kNow));
  EXPECT_DOUBLE_EQ(*parse_iso8601("2026-05-01T12:00:00.25Z"), static_cast<double>(kNow) + 0.25);
  EXPECT_EQ(parse_iso8601("2026-05-01T12:00:00"), static_cast<double>(kNow));
  for (const char* bad : {"", "2026-05-01", "2026-13-01T00:00:00Z", "2026-05-01T12:00:00+2", "2026-05-01T12:00:00Zx"})
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  EXPECT_EQ(iso8601_utc(kNow), "2026-05-01T12:00:00Z");
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(parse_iso8601(iso8601_utc(kNow + 86399)), static_cast<double>(kNow + 86399));
}

TEST(Times, EtaFromTheObservedRate) {
  EXPECT_FALSE(eta_seconds(0, 400, 10).has_value());
  EXPECT_FALSE(eta_seconds(10, 400, 0).has_value());
  EXPECT_DOUBLE_EQ(*eta_seconds(100, 400, 50), 150);
  EXPECT_DOUBLE_EQ(*eta_seconds(400, 400, 50), 0);
}

}  // namespace
