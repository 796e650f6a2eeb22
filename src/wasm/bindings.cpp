// The one Embind bindings file: what the page's worker can call. Registration and conversion only:
// the session lives in src/core/session.hpp, the API policy in src/core/api.hpp. Every entry point
// runs inside a guard (guard.hpp): a failure, out of memory included, comes back as a sentence,
// never as a C++ exception crossing into JavaScript.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api.hpp"
#include "fetch_client.hpp"
#include "guard.hpp"
#include "session.hpp"

using emscripten::optional_override;
using emscripten::val;
using json = nlohmann::ordered_json;
using pe::wasm::json_or;
using pe::wasm::json_or_error;
using pe::wasm::value_or_js_error;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Options of a load, as a plain JS object: {encoding: "auto", delimiter: "auto", batchSize: 50}.
struct LoadOptionsJs {
  std::string encoding = "auto";
  std::string delimiter = "auto";
  int batchSize = 50;
};

// ---- API helpers -------------------------------------------------------------------------------

json queue_json(const pe::QueueResponse& q) {
  json j = json::object();
  j["ok"] = q.ok;
  j["uuid"] = q.uuid ? json(*q.uuid) : json(nullptr);
  j["prospectsCount"] = q.prospects_count;
  j["totalProspectsCount"] = q.total_prospects_count;
  j["status"] = q.status;
  j["error"] = q.error;
  pe::StatusMeaning m = pe::explain_queue_status(q.status);
  j["headline"] = m.headline;
  j["nextStep"] = m.next_step;
  j["known"] = m.known;
  return j;
}

const char* outcome_name(pe::Outcome o) {
  switch (o) {
    case pe::Outcome::Sent: return "sent";
    case pe::Outcome::Retry: return "retry";
    case pe::Outcome::FailBatch: return "failed";
    case pe::Outcome::StopAuth: return "stop_auth";
    case pe::Outcome::StopBlocked: return "stop_blocked";
  }
  return "failed";
}

std::string decide(int status, bool timed_out, const std::string& body, const std::string& retry_after,
                   bool reached_before, int attempt, double jitter, double now_seconds) {
  return json_or(
      [&] {
        pe::HttpResult r;
        r.status = status;
        r.timed_out = timed_out;
        r.body = body;
        r.retry_after = retry_after;
        r.reached_before = reached_before;
        pe::Decision d = pe::decide(r, attempt, pe::RetryPolicy{}, jitter, static_cast<std::time_t>(now_seconds));
        json j = json::object();
        j["outcome"] = outcome_name(d.outcome);
        j["delayMs"] = d.delay_ms;
        j["message"] = d.message;
        j["stopSending"] = d.stop_sending;
        j["response"] = queue_json(d.response);
        return dump(j);
      },
      [](const std::string& message) {
        // The batch is not confirmed: the same shape as a failed batch.
        json j = json::object();
        j["outcome"] = "failed";
        j["delayMs"] = 0;
        j["message"] = message;
        j["stopSending"] = false;
        j["response"] = json{{"ok", false}, {"error", message}};
        return dump(j);
      });
}

std::string parse_status(const std::string& body) {
  return json_or(
      [&] {
        pe::StatusReport rep = pe::parse_status_response(body);
        json j = json::object();
        j["ok"] = rep.ok;
        j["error"] = rep.error;
        json batches = json::array();
        for (const pe::BatchState& b : rep.batches) {
          json o = json::object();
          o["uuid"] = b.uuid;
          o["created"] = b.created;
          o["status"] = b.status;
          o["allFinal"] = b.all_final;
          json ps = json::array();
          for (const pe::ProspectState& p : b.prospects)
            ps.push_back(json{{"email", p.email}, {"status", p.status}, {"result", p.processing_result}, {"final", p.final_state}});
          o["prospects"] = std::move(ps);
          batches.push_back(std::move(o));
        }
        j["batches"] = std::move(batches);
        return dump(j);
      },
      [](const std::string& message) { return dump(json{{"ok", false}, {"error", message}, {"batches", json::array()}}); });
}

std::string status_query(const std::string& emails_json) {
  return value_or_js_error([&] {
    json in = json::parse(emails_json, nullptr, false);
    std::vector<std::string> emails;
    if (in.is_array())
      for (const json& e : in)
        if (e.is_string()) emails.push_back(e.get<std::string>());
    return pe::build_status_query(emails);
  });
}

// callback({status, body, retryAfter, timedOut}) is called once, later; {status: 0, error} when the
// answer could not be handed over.
void http_request(const std::string& method, const std::string& url, const std::string& api_key,
                  const std::string& body, int timeout_ms, val callback) {
  value_or_js_error([&] {
    pe::HttpRequest req;
    req.method = method;
    req.url = url;
    req.api_key = api_key;
    req.body = body;
    req.timeout_ms = timeout_ms > 0 ? static_cast<unsigned>(timeout_ms) : 30000u;
    pe::http_request(req, [callback](const pe::HttpResult& r) {
      val o = val::object();
      const std::string failed = pe::guarded(
          [&] {
            o.set("status", r.status);
            o.set("body", r.body);
            o.set("retryAfter", r.retry_after);
            o.set("timedOut", r.timed_out);
            return std::string();
          },
          [](const std::string& message) { return message; }, pe::wasm::heap_bytes_after_failure, "Out of memory.");
      if (!failed.empty()) {
        o = val::object();
        o.set("status", 0);
        o.set("body", std::string());
        o.set("retryAfter", std::string());
        o.set("timedOut", false);
        o.set("error", failed);
      }
      callback(o);
    });
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(prospect_enricher) {
  emscripten::value_object<LoadOptionsJs>("LoadOptions")
      .field("encoding", &LoadOptionsJs::encoding)
      .field("delimiter", &LoadOptionsJs::delimiter)
      .field("batchSize", &LoadOptionsJs::batchSize);

  using pe::Session;
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("load", optional_override([](Session& s, const std::string& bytes, const LoadOptionsJs& o) {
                  return pe::wasm::load_or_explain(s, bytes, o.encoding, o.delimiter, o.batchSize);
                }))
      .function("state", optional_override([](const Session& s) { return json_or_error([&] { return s.state(); }); }))
      .function("remap", optional_override([](Session& s, const std::string& overrides) {
                  return json_or([&] { return s.remap(overrides); },
                                 [&](const std::string& message) {
                                   s.clear();
                                   return s.state_with_error(message);
                                 });
                }))
      .function("setBatchSize",
                optional_override([](Session& s, int n) { value_or_js_error([&] { s.set_batch_size(n); }); }))
      .function("setCell", optional_override([](Session& s, int row, int col, const std::string& value) {
                  return json_or_error([&] { return s.set_cell(row, col, value); });
                }))
      .function("rows", optional_override([](Session& s, const std::string& filter, int start, int count) {
                  return json_or([&] { return s.rows(filter, start, count); },
                                 [](const std::string& message) {
                                   return dump(json{{"ok", false}, {"error", message}, {"total", 0}, {"rows", json::array()}});
                                 });
                }))
      .function("refresh", optional_override([](Session& s) { value_or_js_error([&] { s.refresh(); }); }))
      .function("batchPlan", optional_override([](const Session& s, bool with_emails) {
                  return value_or_js_error([&] { return s.batch_plan(with_emails); });
                }))
      .function("batchBody",
                optional_override([](const Session& s, int index) { return value_or_js_error([&] { return s.batch_body(index); }); }))
      .function("batchRows", optional_override([](const Session& s, int index) {
                  return value_or_js_error([&] { return s.batch_rows_json(index); });
                }))
      .function("problems", optional_override([](const Session& s) { return value_or_js_error([&] { return s.problems(); }); }))
      .function("cleanedCsv",
                optional_override([](const Session& s) { return value_or_js_error([&] { return s.cleaned_csv(); }); }))
      .function("reportCsv", optional_override([](const Session& s, const std::string& outcomes) {
                  return value_or_js_error([&] { return s.report_csv(outcomes); });
                }));

  emscripten::function("decide", &decide);
  emscripten::function("parseStatus", &parse_status);
  emscripten::function("statusQuery", &status_query);
  emscripten::function("httpRequest", &http_request);
  emscripten::constant("queuePath", std::string(pe::kQueuePath));
  emscripten::constant("statusQueryPath", std::string(pe::kStatusQueryPath));
  emscripten::constant("defaultBaseUrl", std::string(pe::kDefaultBaseUrl));
}
