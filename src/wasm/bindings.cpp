// The one Embind bindings file: what the page's worker can call.
// Cells stay in wasm memory; only summaries, findings, visible rows and request bodies cross
// into JavaScript, as JSON strings (one crossing each, no per-cell objects).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "api.hpp"
#include "document.hpp"
#include "export.hpp"
#include "fetch_client.hpp"

using emscripten::val;
using json = nlohmann::ordered_json;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Options of a load, as a plain JS object: {encoding: "auto", delimiter: "auto", batchSize: 50}.
struct LoadOptionsJs {
  std::string encoding = "auto";
  std::string delimiter = "auto";
  int batchSize = 50;
};

json finding_json(const pe::Finding& f) {
  json o = json::object();
  o["row"] = f.row;
  o["line"] = f.line;
  o["field"] = f.field;
  o["severity"] = pe::severity_name(f.severity);
  o["code"] = f.code;
  o["message"] = f.message;
  return o;
}

class Session {
 public:
  std::string load(const std::string& bytes, const LoadOptionsJs& o) {
    pe::LoadOptions opt;
    if (o.encoding != "auto" && !pe::parse_encoding_name(o.encoding, opt.encoding))
      return error_json("Unknown encoding “" + o.encoding + "”.");
    if (o.delimiter != "auto" && !pe::parse_delimiter(o.delimiter, opt.delimiter))
      return error_json("Unknown delimiter “" + o.delimiter + "”.");
    batch_size_ = o.batchSize > 0 ? static_cast<std::size_t>(o.batchSize) : pe::kDefaultBatchSize;
    loaded_ = doc_.load(bytes, opt);
    batches_valid_ = false;
    overrides_.clear();
    refilter();
    return state();
  }

  std::string state() const {
    json j = json::object();
    j["ok"] = loaded_;
    j["error"] = doc_.error();
    j["encoding"] = pe::encoding_name(doc_.encoding());
    j["delimiter"] = std::string(1, doc_.delimiter());
    j["delimiterName"] = pe::delimiter_name(doc_.delimiter());
    j["delimiterDetected"] = doc_.delimiter_detected();
    json cols = json::array();
    for (const pe::ColumnMap& c : doc_.columns()) {
      json o = json::object();
      o["header"] = c.header;
      o["field"] = pe::field_name(c.field);
      o["overridden"] = c.overridden;
      o["note"] = c.note;
      cols.push_back(std::move(o));
    }
    if (doc_.columns().empty())
      for (const std::string& h : doc_.headers()) cols.push_back(json{{"header", h}, {"field", "ignore"}, {"overridden", false}, {"note", ""}});
    j["columns"] = std::move(cols);
    json files = json::array();
    for (const pe::Finding& f : doc_.file_findings()) files.push_back(finding_json(f));
    j["fileFindings"] = std::move(files);
    j["summary"] = summary_json();
    return dump(j);
  }

  // overrides: [{"header": "Work Email" | "#3", "field": "email"}]
  std::string remap(const std::string& overrides_json) {
    json in = json::parse(overrides_json, nullptr, false);
    overrides_.clear();
    if (in.is_array())
      for (const json& o : in) {
        pe::Field f;
        if (o.is_object() && o.value("header", json()).is_string() && o.value("field", json()).is_string() &&
            pe::parse_field_name(o["field"].get<std::string>(), f))
          overrides_.emplace_back(o["header"].get<std::string>(), f);
      }
    if (!doc_.headers().empty()) loaded_ = doc_.remap(overrides_);
    batches_valid_ = false;
    refilter();
    return state();
  }

  void setBatchSize(int n) {
    batch_size_ = n > 0 ? static_cast<std::size_t>(n) : pe::kDefaultBatchSize;
    batches_valid_ = false;
  }

  std::string setCell(int row, int col, const std::string& value) {
    if (!loaded_ || row < 0 || col < 0 || !doc_.set_cell(static_cast<std::size_t>(row), static_cast<std::size_t>(col), value))
      return error_json("That cell does not exist.");
    batches_valid_ = false;
    json j = json::object();
    j["row"] = row_json(static_cast<std::size_t>(row));
    j["summary"] = summary_json();
    return dump(j);
  }

  // filter: "all", "errors", "warnings", "valid". Returns {"total": n, "rows": [...]}.
  std::string rows(const std::string& filter, int start, int count) {
    if (filter != filter_) {
      filter_ = filter;
      refilter();
    }
    json j = json::object();
    j["total"] = visible_.size();
    json list = json::array();
    const std::size_t s = static_cast<std::size_t>(std::max(0, start));
    const std::size_t e = std::min(visible_.size(), s + static_cast<std::size_t>(std::max(0, count)));
    for (std::size_t i = s; i < e; ++i) list.push_back(row_json(visible_[i]));
    j["rows"] = std::move(list);
    return dump(j);
  }

  // Re-applies the current filter (after edits the set of erroneous rows changes).
  void refresh() { refilter(); }



  // [{"index": 0, "count": 50, "firstRow": 1, "lastRow": 57, "key": "...", "emails": [...] (only when asked)}]
  // Emails are asked for only when a run starts: computing them for 100,000 rows takes a while.
  std::string batchPlan(bool with_emails) const {
    json out = json::array();
    const auto& all = batches();
    for (std::size_t i = 0; i < all.size(); ++i) {
      json b = json::object();
      b["index"] = i;
      b["count"] = all[i].size();
      b["firstRow"] = all[i].front() + 1;
      b["lastRow"] = all[i].back() + 1;
      if (with_emails) {
        // key: FNV-1a 64 of the batch's emails, so a ledger can recognise the same batch in a
        // re-loaded file without storing the emails themselves.
        json emails = json::array();
        std::uint64_t h = 1469598103934665603ull;
        for (std::size_t r : all[i]) {
          std::string e = doc_.email(r);
          for (unsigned char c : e) h = (h ^ c) * 1099511628211ull;
          h = (h ^ '\n') * 1099511628211ull;
          emails.push_back(std::move(e));
        }
        char key[17];
        std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(h));
        b["key"] = std::string(key) + "-" + std::to_string(all[i].size());
        b["emails"] = std::move(emails);
      }
      out.push_back(std::move(b));
    }
    return dump(out);
  }

  // The file rows of a batch, in request order: [{"row": 12, "line": 13}] (1-based), so a message
  // about prospects[k] can name the row and line of the file.
  std::string batchRows(int index) const {
    const auto& all = batches();
    json out = json::array();
    if (index >= 0 && static_cast<std::size_t>(index) < all.size())
      for (std::size_t r : all[static_cast<std::size_t>(index)]) out.push_back(json{{"row", r + 1}, {"line", doc_.line_of(r)}});
    return dump(out);
  }

  // The problems of the file, grouped: [{"code","severity","field","count","rows":[first 5 rows],
  // "message": first example}], errors first, most frequent first. Shown above the rows so that
  // nothing needs a hover to be seen.
  std::string problems() const {
    struct Group {
      std::string code, severity, field, message;
      std::size_t count = 0;
      std::vector<std::size_t> rows;
    };
    std::vector<Group> groups;
    std::unordered_map<std::string, std::size_t> at;
    if (loaded_)
      for (std::size_t r = 0; r < doc_.row_count(); ++r)
        for (const pe::Finding& f : doc_.row_findings(r)) {
          auto [it, fresh] = at.emplace(f.code, groups.size());
          if (fresh) groups.push_back(Group{f.code, pe::severity_name(f.severity), f.field, f.message, 0, {}});
          Group& g = groups[it->second];
          if (g.rows.empty() || g.rows.back() != r + 1) {
            ++g.count;
            if (g.rows.size() < 5) g.rows.push_back(r + 1);
          }
        }
    std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
      if (a.severity != b.severity) return a.severity == "error";
      return a.count > b.count;
    });
    json out = json::array();
    for (const Group& g : groups)
      out.push_back(json{{"code", g.code}, {"severity", g.severity}, {"field", g.field}, {"count", g.count}, {"rows", g.rows}, {"message", g.message}});
    return dump(out);
  }

  std::string batchBody(int index) const {
    const auto& all = batches();
    if (index < 0 || static_cast<std::size_t>(index) >= all.size()) return std::string();
    return doc_.batch_body(all[static_cast<std::size_t>(index)]);
  }

  std::string cleanedCsv() const { return loaded_ ? pe::cleaned_csv(doc_) : std::string(); }

  // outcomes: [{"index": 0, "state": "sent", "uuid": "...", "status": "ENQUEUED", "message": "..."}]
  std::string reportCsv(const std::string& outcomes_json) const {
    if (!loaded_) return std::string();
    json in = json::parse(outcomes_json, nullptr, false);
    std::vector<pe::BatchOutcome> outcomes;
    auto str = [](const json& o, const char* k) {
      auto it = o.find(k);
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (in.is_array())
      for (const json& o : in) {
        if (!o.is_object() || !o.contains("index") || !o["index"].is_number_unsigned()) continue;
        outcomes.push_back(pe::BatchOutcome{o["index"].get<std::size_t>(), str(o, "state"), str(o, "uuid"),
                                            str(o, "status"), str(o, "message")});
      }
    return pe::report_csv(doc_, batch_size_, outcomes);
  }

 private:
  static std::string error_json(const std::string& msg) {
    json j = json::object();
    j["ok"] = false;
    j["error"] = msg;
    return dump(j);
  }

  json summary_json() const {
    pe::Summary s = doc_.summary(batch_size_);
    json j = json::object();
    j["rows"] = s.rows;
    j["valid"] = s.valid;
    j["invalid"] = s.invalid;
    j["duplicates"] = s.duplicates;
    j["rowsWithWarnings"] = s.rows_with_warnings;
    j["blankLines"] = s.blank_lines;
    j["errors"] = s.errors;
    j["warnings"] = s.warnings;
    j["batches"] = s.batches;
    j["batchSize"] = batch_size_;
    j["creditsMax"] = s.credits_max;
    return j;
  }

  json row_json(std::size_t r) const {
    json o = json::object();
    o["index"] = r;
    o["row"] = r + 1;
    o["line"] = doc_.line_of(r);
    o["status"] = pe::row_status_name(doc_.status(r));
    if (doc_.status(r) == pe::RowStatus::Duplicate) o["duplicateOf"] = doc_.duplicate_of(r) + 1;
    json cells = json::array();
    for (std::size_t c = 0; c < doc_.column_count(); ++c) cells.push_back(std::string(doc_.cell(r, c)));
    o["cells"] = std::move(cells);
    json fs = json::array();
    for (const pe::Finding& f : doc_.row_findings(r)) fs.push_back(finding_json(f));
    o["findings"] = std::move(fs);
    return o;
  }

  // Rows of each batch, computed once per change of the data, mapping or batch size.
  const std::vector<std::vector<std::size_t>>& batches() const {
    if (!batches_valid_) {
      batches_ = loaded_ ? doc_.batch_rows(batch_size_) : std::vector<std::vector<std::size_t>>();
      batches_valid_ = true;
    }
    return batches_;
  }

  void refilter() {
    visible_.clear();
    if (!loaded_) return;
    for (std::size_t r = 0; r < doc_.row_count(); ++r) {
      bool keep = filter_ == "all" || (filter_ == "errors" && doc_.has_error(r)) ||
                  (filter_ == "warnings" && doc_.has_warning(r)) ||
                  (filter_ == "valid" && !doc_.has_error(r));
      if (keep) visible_.push_back(static_cast<std::uint32_t>(r));
    }
  }

  pe::Document doc_;
  bool loaded_ = false;
  std::size_t batch_size_ = pe::kDefaultBatchSize;
  std::vector<std::pair<std::string, pe::Field>> overrides_;
  std::string filter_ = "all";
  std::vector<std::uint32_t> visible_;
  mutable std::vector<std::vector<std::size_t>> batches_;
  mutable bool batches_valid_ = false;
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
}


std::string parse_status(const std::string& body) {
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
}

std::string status_query(const std::string& emails_json) {
  json in = json::parse(emails_json, nullptr, false);
  std::vector<std::string> emails;
  if (in.is_array())
    for (const json& e : in)
      if (e.is_string()) emails.push_back(e.get<std::string>());
  return pe::build_status_query(emails);
}

// callback({status, body, retryAfter, timedOut}) is called once, later.
void http_request(const std::string& method, const std::string& url, const std::string& api_key,
                  const std::string& body, int timeout_ms, val callback) {
  pe::HttpRequest req;
  req.method = method;
  req.url = url;
  req.api_key = api_key;
  req.body = body;
  req.timeout_ms = timeout_ms > 0 ? static_cast<unsigned>(timeout_ms) : 30000u;
  pe::http_request(req, [callback](const pe::HttpResult& r) {
    val o = val::object();
    o.set("status", r.status);
    o.set("body", r.body);
    o.set("retryAfter", r.retry_after);
    o.set("timedOut", r.timed_out);
    callback(o);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(prospect_enricher) {
  emscripten::value_object<LoadOptionsJs>("LoadOptions")
      .field("encoding", &LoadOptionsJs::encoding)
      .field("delimiter", &LoadOptionsJs::delimiter)
      .field("batchSize", &LoadOptionsJs::batchSize);

  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("load", &Session::load)
      .function("state", &Session::state)
      .function("remap", &Session::remap)
      .function("setBatchSize", &Session::setBatchSize)
      .function("setCell", &Session::setCell)
      .function("rows", &Session::rows)
      .function("refresh", &Session::refresh)
      .function("batchPlan", &Session::batchPlan)
      .function("batchBody", &Session::batchBody)
      .function("batchRows", &Session::batchRows)
      .function("problems", &Session::problems)
      .function("cleanedCsv", &Session::cleanedCsv)
      .function("reportCsv", &Session::reportCsv);

  emscripten::function("decide", &decide);
  emscripten::function("parseStatus", &parse_status);
  emscripten::function("statusQuery", &status_query);
  emscripten::function("httpRequest", &http_request);
  emscripten::constant("queuePath", std::string(pe::kQueuePath));
  emscripten::constant("statusQueryPath", std::string(pe::kStatusQueryPath));
  emscripten::constant("defaultBaseUrl", std::string(pe::kDefaultBaseUrl));
}
