// What the API answers: queue responses, queue statuses, error bodies, status reports (src/core/responses.hpp).
#include "responses.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "api_test_util.hpp"

namespace {

using namespace pe;
using namespace pe_test;

// ---- parse_queue_response -----------------------------------------------------------------------
TEST(ParseQueueResponse, DocumentedExample) {
  auto q = parse_queue_response(R"({
    "uuid": "e9e6abc4-799e-4c24-b412-7917b1db919d",
    "prospects_count": 2,
    "total_prospects_count": 2,
    "status": "ENQUEUED"
  })");
  ASSERT_TRUE(q.ok) << q.error;
  ASSERT_TRUE(q.uuid.has_value());
  EXPECT_EQ(*q.uuid, "e9e6abc4-799e-4c24-b412-7917b1db919d");
  EXPECT_EQ(q.prospects_count, 2);
  EXPECT_EQ(q.total_prospects_count, 2);
  EXPECT_EQ(q.queue_status, "ENQUEUED");
  EXPECT_EQ(q.error, "");
}

TEST(ParseQueueResponse, NullUuidWhenNothingQueued) {
  auto q = parse_queue_response(
      R"({"uuid": null, "prospects_count": 0, "total_prospects_count": 3, "status": "CREDITS_EXHAUSTED"})");
  ASSERT_TRUE(q.ok);
  EXPECT_FALSE(q.uuid.has_value());
  EXPECT_EQ(q.prospects_count, 0);
  EXPECT_EQ(q.total_prospects_count, 3);
  EXPECT_EQ(q.queue_status, "CREDITS_EXHAUSTED");
}

TEST(ParseQueueResponse, LenientCountsAndMissingFields) {
  auto q = parse_queue_response(R"({"prospects_count": "7", "total_prospects_count": " 9 ", "status": "PARTIALLY_ENQUEUED", "extra": [1,2]})");
  ASSERT_TRUE(q.ok);
  EXPECT_FALSE(q.uuid.has_value());
  EXPECT_EQ(q.prospects_count, 7);
  EXPECT_EQ(q.total_prospects_count, 9);

  auto m = parse_queue_response(R"({"status": "NOT_ENQUEUED"})");
  ASSERT_TRUE(m.ok);
  EXPECT_EQ(m.prospects_count, 0);
  EXPECT_EQ(m.total_prospects_count, 0);
  EXPECT_FALSE(m.uuid.has_value());

  auto f = parse_queue_response(R"({"status": "ENQUEUED", "prospects_count": 4.0, "total_prospects_count": "abc", "uuid": 12})");
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.prospects_count, 4);
  EXPECT_EQ(f.total_prospects_count, 0);
  ASSERT_TRUE(f.uuid.has_value());
  EXPECT_EQ(*f.uuid, "12");

  auto h = parse_queue_response(R"({"status": "ENQUEUED", "prospects_count": 1e300, "total_prospects_count": null})");
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(h.prospects_count, std::numeric_limits<long>::max());
  EXPECT_EQ(h.total_prospects_count, 0);
}

TEST(ParseQueueResponse, NotJson) {
  auto q = parse_queue_response("<html>Bad gateway</html>");
  EXPECT_FALSE(q.ok);
  EXPECT_EQ(q.error, "The API answered 200 but the body is not JSON: <html>Bad gateway</html>");
}

TEST(ParseQueueResponse, NotJsonIsCutAt200Characters) {
  std::string body(500, 'x');
  auto q = parse_queue_response(body);
  EXPECT_FALSE(q.ok);
  EXPECT_EQ(q.error, "The API answered 200 but the body is not JSON: " + std::string(200, 'x') + "\xE2\x80\xA6");
}

TEST(ParseQueueResponse, CutNeverSplitsUtf8AndHidesControls) {
  std::string body = "\n";
  for (int i = 0; i < 250; ++i) body += "\xC3\xA9";  // é
  auto q = parse_queue_response(body);
  EXPECT_FALSE(q.ok);
  std::string expected = "The API answered 200 but the body is not JSON:  ";
  for (int i = 0; i < 199; ++i) expected += "\xC3\xA9";
  expected += "\xE2\x80\xA6";
  EXPECT_EQ(q.error, expected);
}

TEST(ParseQueueResponse, EmptyNotObjectAndNoStatus) {
  auto e = parse_queue_response("  ");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.error, "The API answered 200 but the body is empty.");

  auto a = parse_queue_response("[1,2]");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.error, "The API answered 200 but the body is not a JSON object: [1,2]");

  auto s = parse_queue_response(R"({"uuid":"u1","prospects_count":1})");
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.error, R"(The API answered 200 but the body has no queue status: {"uuid":"u1","prospects_count":1})");

  auto n = parse_queue_response(R"({"status": 5})");
  EXPECT_FALSE(n.ok);
  EXPECT_EQ(n.queue_status, "");
  EXPECT_FALSE(n.uuid.has_value());
}

// ---- explain_queue_status -----------------------------------------------------------------------
TEST(ExplainQueueStatus, Enqueued) {
  auto m = explain_queue_status("ENQUEUED");
  EXPECT_TRUE(m.known);
  EXPECT_FALSE(m.stop_sending);
  EXPECT_EQ(m.headline, "All eligible prospects in this batch were queued for enrichment.");
  EXPECT_EQ(m.next_step, "Track the batch; credits are charged only for prospects enrichment finds data for.");
}

TEST(ExplainQueueStatus, PartiallyEnqueuedStopsSending) {
  auto m = explain_queue_status("PARTIALLY_ENQUEUED");
  EXPECT_TRUE(m.known);
  EXPECT_TRUE(m.stop_sending);
  EXPECT_EQ(m.headline,
            "Only some prospects in this batch were queued, usually because the account's credits do not cover all of them.");
  EXPECT_EQ(m.next_step,
            "Add credits in Woodpecker's billing section (an account admin can do this), then send the remaining batches.");
}

TEST(ExplainQueueStatus, NotEnqueued) {
  auto m = explain_queue_status("NOT_ENQUEUED");
  EXPECT_TRUE(m.known);
  EXPECT_FALSE(m.stop_sending);
  EXPECT_EQ(m.headline, "None of the prospects in this batch were queued: they are already pending enrichment.");
  EXPECT_EQ(m.next_step, "They are not charged again; track the earlier batch that queued them.");
}

TEST(ExplainQueueStatus, CreditsExhaustedStopsSending) {
  auto m = explain_queue_status("CREDITS_EXHAUSTED");
  EXPECT_TRUE(m.known);
  EXPECT_TRUE(m.stop_sending);
  EXPECT_EQ(m.headline, "Not enough credits: nothing in this batch was queued.");
  EXPECT_EQ(m.next_step,
            "An account admin can add credits in the billing section of Woodpecker; then send the remaining batches.");
}

TEST(ExplainQueueStatus, TrimmedButCaseSensitive) {
  EXPECT_TRUE(explain_queue_status("  ENQUEUED\n").known);
  auto m = explain_queue_status("enqueued");
  EXPECT_FALSE(m.known);
  EXPECT_FALSE(m.stop_sending);
  EXPECT_EQ(m.headline, "The API answered with status \xE2\x80\x9C" "enqueued\xE2\x80\x9D, which this tool does not know.");
  EXPECT_EQ(m.next_step, "Check the batch in Woodpecker before sending again.");
}

TEST(ExplainQueueStatus, UnknownStatusShownTrimmed) {
  auto m = explain_queue_status(" SOMETHING_NEW ");
  EXPECT_FALSE(m.known);
  EXPECT_EQ(m.headline, "The API answered with status \xE2\x80\x9CSOMETHING_NEW\xE2\x80\x9D, which this tool does not know.");
}

// ---- parse_error_body ---------------------------------------------------------------------------
TEST(ParseErrorBody, DocumentedShape) {
  auto e = parse_error_body(
      R"({"title": "Bad Request", "status": 400, "detail": "prospects must not be empty", "timestamp": "2025-03-05 17:57:00"})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->title, "Bad Request");
  EXPECT_EQ(e->status, 400);
  EXPECT_EQ(e->detail, "prospects must not be empty");
  EXPECT_EQ(e->timestamp, "2025-03-05 17:57:00");
}

TEST(ParseErrorBody, StatusAsStringAndPartialFields) {
  auto e = parse_error_body(R"({"detail": "too many prospects", "status": "413"})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->title, "");
  EXPECT_EQ(e->status, 413);
  EXPECT_EQ(e->detail, "too many prospects");
  EXPECT_EQ(e->timestamp, "");

  auto t = parse_error_body(R"({"title": "Unauthorized"})");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->title, "Unauthorized");
  EXPECT_EQ(t->status, 0);
  EXPECT_EQ(t->detail, "");
}

TEST(ParseErrorBody, RejectsOtherBodies) {
  EXPECT_FALSE(parse_error_body("").has_value());
  EXPECT_FALSE(parse_error_body("Not Found").has_value());
  EXPECT_FALSE(parse_error_body("[]").has_value());
  EXPECT_FALSE(parse_error_body(R"("detail")").has_value());
  EXPECT_FALSE(parse_error_body(R"({"status": 500})").has_value());
  EXPECT_FALSE(parse_error_body(R"({"title": null, "detail": null})").has_value());
  EXPECT_FALSE(parse_error_body(R"({"title": "x")").has_value());
}

// ---- is_pending_status ----------------------------------------------------------------------------
TEST(IsPendingStatus, KnownPendingValues) {
  for (const char* s : {"PENDING", "QUEUED", "ENQUEUED", "IN_PROGRESS", "PROCESSING", "RUNNING", "NEW", "pending",
                        " Processing ", "in-progress", "In Progress"})
    EXPECT_TRUE(is_pending_status(s)) << s;
  for (const char* s : {"PROCESSED", "COMPLETED", "DONE", "FAILED", "ENRICHED", "", "NEWS", "PARTIALLY_ENQUEUED"})
    EXPECT_FALSE(is_pending_status(s)) << s;
}

// ---- parse_status_response ------------------------------------------------------------------------
TEST(ParseStatusResponse, SandboxSingleBatchShape) {
  auto r = parse_status_response(R"({
    "uuid": "e9e6abc4-799e-4c24-b412-7917b1db919d",
    "created": "2026-05-01T10:00:00+02:00",
    "status": "PROCESSING",
    "prospects": [
      {"email": "erlich@bachmanity.com", "status": "PROCESSED", "processing_result": "ENRICHED"},
      {"email": "jared@piedpiper.com", "status": "PENDING", "processing_result": null}
    ]
  })");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.batches.size(), 1u);
  const auto& b = r.batches[0];
  EXPECT_EQ(b.uuid, "e9e6abc4-799e-4c24-b412-7917b1db919d");
  EXPECT_EQ(b.created, "2026-05-01T10:00:00+02:00");
  EXPECT_EQ(b.status, "PROCESSING");
  ASSERT_EQ(b.prospects.size(), 2u);
  EXPECT_EQ(b.prospects[0].email, "erlich@bachmanity.com");
  EXPECT_EQ(b.prospects[0].status, "PROCESSED");
  EXPECT_EQ(b.prospects[0].processing_result, "ENRICHED");
  EXPECT_TRUE(b.prospects[0].final_state);
  EXPECT_EQ(b.prospects[1].email, "jared@piedpiper.com");
  EXPECT_EQ(b.prospects[1].status, "PENDING");
  EXPECT_EQ(b.prospects[1].processing_result, "");
  EXPECT_FALSE(b.prospects[1].final_state);
  EXPECT_FALSE(b.all_final);
}

TEST(ParseStatusResponse, AllProspectsFinal) {
  auto r = parse_status_response(R"({"uuid":"u","status":"PROCESSING","prospects":[
      {"email":"a@x.com","status":"PROCESSED","processing_result":"NOT_FOUND"},
      {"email":"b@x.com","status":"FAILED"}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_TRUE(r.batches[0].all_final);
  EXPECT_EQ(r.batches[0].prospects[1].processing_result, "");
}

TEST(ParseStatusResponse, ListShape) {
  auto r = parse_status_response(R"({"prospect_enrichments":[
      {"uuid":"b1","created":"2026-05-01T10:00:00Z","prospects":[{"email":"a@x.com","status":"PROCESSED","processing_result":"ENRICHED"}]},
      {"uuid":"b2","created":"2026-05-01T11:00:00Z","prospects":[{"email":"c@x.com","status":"QUEUED"}]}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 2u);
  EXPECT_EQ(r.batches[0].uuid, "b1");
  EXPECT_EQ(r.batches[0].created, "2026-05-01T10:00:00Z");
  EXPECT_EQ(r.batches[0].status, "");
  EXPECT_TRUE(r.batches[0].all_final);
  EXPECT_EQ(r.batches[1].uuid, "b2");
  EXPECT_FALSE(r.batches[1].all_final);
  ASSERT_EQ(r.batches[1].prospects.size(), 1u);
  EXPECT_EQ(r.batches[1].prospects[0].status, "QUEUED");
}

TEST(ParseStatusResponse, LeadEnrichmentSiblingShapeHasNoProspects) {
  auto r = parse_status_response(R"({"lead_enrichments":[{"uuid":"L1","created":"2026-05-01T10:00:00+02:00",
      "leads":[{"uid":"x1","status":"PROCESSED","processing_result":"NOT_CONVERTED_TO_PROSPECT"}]}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_EQ(r.batches[0].uuid, "L1");
  EXPECT_EQ(r.batches[0].created, "2026-05-01T10:00:00+02:00");
  EXPECT_EQ(r.batches[0].prospects.size(), 0u);
  EXPECT_FALSE(r.batches[0].all_final);  // no prospects and no batch status
}

TEST(ParseStatusResponse, AlternateKeysAndNonStringValues) {
  auto r = parse_status_response(R"({"data":[{"uuid":42,"state":"done","createdAt":"yesterday",
      "items":[{"email":" a@x.com ","state":"PROCESSED","result":"ENRICHED"},
               {"email":"b@x.com","status":3,"enrichment_status":true},
               {"email":"c@x.com","status":null,"result":{"x":1}},
               {"email":"","status":"PROCESSED"},
               {"email":7,"status":"PROCESSED"},
               "d@x.com"]}]})");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  const auto& b = r.batches[0];
  EXPECT_EQ(b.uuid, "42");
  EXPECT_EQ(b.created, "yesterday");
  EXPECT_EQ(b.status, "done");
  ASSERT_EQ(b.prospects.size(), 3u);
  EXPECT_EQ(b.prospects[0].email, "a@x.com");
  EXPECT_EQ(b.prospects[0].status, "PROCESSED");
  EXPECT_EQ(b.prospects[0].processing_result, "ENRICHED");
  EXPECT_EQ(b.prospects[1].status, "3");
  EXPECT_EQ(b.prospects[1].processing_result, "true");
  EXPECT_TRUE(b.prospects[1].final_state);
  EXPECT_EQ(b.prospects[2].status, "");
  EXPECT_EQ(b.prospects[2].processing_result, "");
  EXPECT_FALSE(b.prospects[2].final_state);  // no status is not final
  EXPECT_FALSE(b.all_final);
}

TEST(ParseStatusResponse, BatchStatusDecidesWhenNoProspects) {
  auto r = parse_status_response(R"([{"uuid":"a","status":"COMPLETED"},{"uuid":"b","status":"FINISHED"},
      {"uuid":"c","status":"DONE"},{"uuid":"d","status":"RUNNING"},{"uuid":"e"},{"uuid":"f","status":"  "}])");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 6u);
  EXPECT_TRUE(r.batches[0].all_final);
  EXPECT_TRUE(r.batches[1].all_final);
  EXPECT_TRUE(r.batches[2].all_final);
  EXPECT_FALSE(r.batches[3].all_final);
  EXPECT_FALSE(r.batches[4].all_final);
  EXPECT_FALSE(r.batches[5].all_final);
}

TEST(ParseStatusResponse, ProspectsDecideOverBatchStatus) {
  auto r = parse_status_response(R"({"uuid":"a","status":"COMPLETED","prospects":[{"email":"a@x.com","status":"PENDING"}]})");
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_FALSE(r.batches[0].all_final);
}

TEST(ParseStatusResponse, NestedBatchesAreAllCollected) {
  auto r = parse_status_response(R"({"enrichments":[
      {"uuid":"outer","status":"COMPLETED","children":[{"uuid":"inner","prospects":[{"email":"i@x.com","status":"PROCESSED","uuid":"p1"}]}],
       "meta":{"page":{"uuid":"deep"}}}],
      "data":{"more":[[{"uuid":"far"}]]}})");
  ASSERT_TRUE(r.ok);
  // Object members are visited in key order ("data" before "enrichments"), arrays in order, a batch
  // before the batches nested in it; a prospect carrying a uuid is not taken for a batch.
  ASSERT_EQ(r.batches.size(), 4u);
  EXPECT_EQ(r.batches[0].uuid, "far");
  EXPECT_EQ(r.batches[1].uuid, "outer");
  EXPECT_EQ(r.batches[1].prospects.size(), 0u);
  EXPECT_TRUE(r.batches[1].all_final);
  EXPECT_EQ(r.batches[2].uuid, "inner");
  ASSERT_EQ(r.batches[2].prospects.size(), 1u);
  EXPECT_EQ(r.batches[2].prospects[0].email, "i@x.com");
  EXPECT_TRUE(r.batches[2].all_final);
  EXPECT_EQ(r.batches[3].uuid, "deep");
}

TEST(ParseStatusResponse, EmptyListsAndObjectsWithoutUuid) {
  auto a = parse_status_response(R"({"prospect_enrichments":[]})");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.batches.size(), 0u);
  auto b = parse_status_response(R"({"uuid":null,"status":"DONE"})");
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.batches.size(), 0u);
  auto c = parse_status_response("42");
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(c.batches.size(), 0u);
  auto d = parse_status_response("[]");
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.batches.size(), 0u);
}

TEST(ParseStatusResponse, MalformedJson) {
  auto r = parse_status_response(R"({"uuid": "a", )");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, R"(The status answer is not JSON: {"uuid": "a", )");
  EXPECT_EQ(r.batches.size(), 0u);
  auto e = parse_status_response("");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.error, "The status answer is empty.");
  auto u = parse_status_response("{\"uuid\": \"\xFF\"}");  // invalid UTF-8
  EXPECT_FALSE(u.ok);
  EXPECT_EQ(u.error, "The status answer is not JSON: {\"uuid\": \"\xEF\xBF\xBD\"}");
}

TEST(ParseStatusResponse, DeepNestingIsBoundedAndSafe) {
  const int depth = 100000;
  std::string body;
  for (int i = 0; i < depth; ++i) body += "[";
  body += R"({"uuid":"too-deep"})";
  for (int i = 0; i < depth; ++i) body += "]";
  auto r = parse_status_response(body);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.batches.size(), 0u);

  std::string shallow;
  for (int i = 0; i < 10; ++i) shallow += R"({"x":)";
  shallow += R"({"uuid":"ok"})";
  for (int i = 0; i < 10; ++i) shallow += "}";
  auto s = parse_status_response(shallow);
  ASSERT_EQ(s.batches.size(), 1u);
  EXPECT_EQ(s.batches[0].uuid, "ok");

  std::string unclosed(200000, '{');
  auto u = parse_status_response(unclosed);
  EXPECT_FALSE(u.ok);
}

TEST(ParseStatusResponse, HugeArrays) {
  std::string body = R"({"uuid":"big","prospects":[)";
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    if (i) body += ",";
    body += R"({"email":"p)" + std::to_string(i) + R"(@x.com","status":"PROCESSED"})";
  }
  body += "]}";
  auto r = parse_status_response(body);
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.batches.size(), 1u);
  ASSERT_EQ(r.batches[0].prospects.size(), static_cast<size_t>(n));
  EXPECT_EQ(r.batches[0].prospects[n - 1].email, "p19999@x.com");
  EXPECT_TRUE(r.batches[0].all_final);
}

}  // namespace
