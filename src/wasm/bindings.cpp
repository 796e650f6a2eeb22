// The one Embind bindings file: what the page's worker can call. Registration and conversion only:
// the session lives in src/core/session.hpp, the policy in src/core/send_policy.hpp, the JSON forms
// in src/core/json_forms.hpp. Every entry point runs inside a guard (guard.hpp): a failure, out of
// memory included, comes back as a sentence, never as a C++ exception crossing into JavaScript.
// Answers are the core's one JSON form (snake_case, null where a value is not there), as they are;
// the few plain objects made here (load options in, HTTP results out) are snake_case too.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <string>

#include "constants.hpp"
#include "endpoint.hpp"
#include "fetch_client.hpp"
#include "guard.hpp"
#include "json_forms.hpp"
#include "requests.hpp"
#include "session.hpp"
#include "xlsx.hpp"

using emscripten::optional_override;
using emscripten::val;
using pe::wasm::json_or;
using pe::wasm::json_or_error;
using pe::wasm::value_or_js_error;

namespace {

// Options of a load, as a plain JS object: {encoding: "auto", delimiter: "auto", batch_size: 50}.
struct LoadOptionsJs {
  std::string encoding = "auto";
  std::string delimiter = "auto";
  int batch_size = static_cast<int>(pe::kDefaultBatchSize);
};

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
        return pe::to_json(pe::decide(r, attempt, pe::RetryPolicy{}, jitter, static_cast<std::time_t>(now_seconds)));
      },
      [](const std::string& message) {
        // The batch is not confirmed: a failed batch.
        pe::Decision d;
        d.message = message;
        d.response.error = message;
        return pe::to_json(d);
      });
}

std::string parse_status(const std::string& body) {
  return json_or([&] { return pe::to_json(pe::parse_status_response(body)); },
                 [](const std::string& message) {
                   pe::StatusReport r;
                   r.error = message;
                   return pe::to_json(r);
                 });
}

std::string status_query(const std::string& emails_json) {
  return value_or_js_error([&] { return pe::build_status_query(pe::emails_from_json(emails_json)); });
}

std::string constants() {
  return value_or_js_error([] { return pe::constants_json(); });
}

// callback({status, body, retry_after, timed_out}) is called once, later; {status: 0, error} when
// the answer could not be handed over.
void start_request(const pe::HttpRequest& req, val callback) {
  pe::http_request(req, [callback](const pe::HttpResult& r) {
    val o = val::object();
    const std::string failed = pe::guarded(
        [&] {
          o.set("status", r.status);
          o.set("body", r.body);
          o.set("retry_after", r.retry_after);
          o.set("timed_out", r.timed_out);
          return std::string();
        },
        [](const std::string& message) { return message; }, pe::wasm::heap_bytes_after_failure, "Out of memory.");
    if (!failed.empty()) {
      o = val::object();
      o.set("status", 0);
      o.set("body", std::string());
      o.set("retry_after", std::string());
      o.set("timed_out", false);
      o.set("error", failed);
    }
    callback(o);
  });
}

pe::HttpRequest request_of(const std::string& method, const std::string& url, const std::string& api_key,
                           int timeout_ms) {
  pe::HttpRequest req;
  req.method = method;
  req.url = url;
  req.api_key = api_key;
  req.timeout_ms = timeout_ms > 0 ? static_cast<unsigned>(timeout_ms) : 30000u;
  return req;
}

void http_request(const std::string& method, const std::string& url, const std::string& api_key,
                  const std::string& body, int timeout_ms, val callback) {
  value_or_js_error([&] {
    pe::HttpRequest req = request_of(method, url, api_key, timeout_ms);
    req.body = body;
    start_request(req, callback);
  });
}

// http_request with a body kept in the module (Session.batchRequestBody).
void http_request_with_body(const std::string& method, const std::string& url, const std::string& api_key,
                            const pe::RequestBody& body, int timeout_ms, val callback) {
  value_or_js_error([&] {
    pe::HttpRequest req = request_of(method, url, api_key, timeout_ms);
    req.body = body.bytes;
    start_request(req, callback);
  });
}

// The file's bytes on their way in. Embind's std::string conversion copies a Uint8Array into the
// module one byte at a time in a JavaScript loop (0.5 s for 158 MB); instead the worker asks for a
// buffer of the file's size (Session.input: Session::begin_input, which drops the previous
// document first, so that its memory can hold the new file), writes each slice into it through the
// returned view in one TypedArray.set (a memcpy), tells how far it is filled (Session.filled, which
// reads that much while the next slice is on its way), and ends with Session.load.
val input_view(pe::Session& s, double size) {
  char* data = nullptr;
  const std::string failed = pe::wasm::json_or_cleared_state(s, [&] {
    data = s.begin_input(static_cast<std::size_t>(size));
    return std::string();
  });
  if (!failed.empty()) return val(failed);  // the session's state with the error, as load() answers
  return val(emscripten::typed_memory_view(static_cast<std::size_t>(size), reinterpret_cast<unsigned char*>(data)));
}

// The same buffer's view again (no allocation): the worker takes it anew after each await, since
// anything that ran meanwhile (an HTTP answer being handed over) may have grown the memory, which
// detaches earlier views.
val input_view_again(pe::Session& s) {
  const std::string_view in = s.input();
  return val(emscripten::typed_memory_view(in.size(), reinterpret_cast<const unsigned char*>(in.data())));
}

// The first `end` bytes of the buffer are there: read them. '' when done; otherwise the session's
// state with the error (out of memory), as load() answers.
std::string input_filled(pe::Session& s, double end, const LoadOptionsJs& o) {
  return pe::wasm::json_or_cleared_state(s, [&] {
    s.read_input(static_cast<std::size_t>(end), o.encoding, o.delimiter);
    return std::string();
  });
}

std::string load_input(pe::Session& s, const LoadOptionsJs& o) {
  return pe::wasm::json_or_cleared_state(
      s, [&] { return pe::to_json(s.end_input(o.encoding, o.delimiter, o.batch_size)); });
}

// A file checked as it is read ("check only", session.hpp): the worker asks for a buffer of a
// slice's size (CheckOnly.input, reused from slice to slice), writes the slice into it through
// the returned view, then feeds it (CheckOnly.feed(n)).
std::string g_slice;
void free_slice() { std::string().swap(g_slice); }

// An Excel workbook (.xlsx) being read by the worker (src/core/xlsx.hpp): the worker unzips, the
// core reads. open(tail, fileSize, sheet), then for each part of the answer's "wanted": dataAt(name,
// localHeader) (where its bytes start; -1 when it cannot be read, state() says why) and
// give(name, inflatedBytes); then toCsv(), and csvView() over the sheet's CSV text (kept here
// until clear() or the object is deleted). Every answer is the workbook's state (json_forms.hpp).
struct WorkbookJs {
  pe::xlsx::Workbook book;
  std::string csv;
};

std::string workbook_state(const WorkbookJs& w) { return pe::to_json(w.book); }

val slice_view(pe::CheckOnly&, double size) {
  const std::string failed = json_or_error([&] {
    if (g_slice.size() < static_cast<std::size_t>(size)) {
      free_slice();
      g_slice.resize(static_cast<std::size_t>(size));
    }
    return std::string();
  });
  if (!failed.empty()) return val(failed);
  return val(emscripten::typed_memory_view(static_cast<std::size_t>(size), reinterpret_cast<unsigned char*>(g_slice.data())));
}

}  // namespace

EMSCRIPTEN_BINDINGS(prospect_enricher) {
  emscripten::value_object<LoadOptionsJs>("LoadOptions")
      .field("encoding", &LoadOptionsJs::encoding)
      .field("delimiter", &LoadOptionsJs::delimiter)
      .field("batch_size", &LoadOptionsJs::batch_size);

  using pe::Session;
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("input", &input_view)
      .function("inputAgain", &input_view_again)
      .function("filled", &input_filled)
      .function("load", &load_input)
      .function("clear", optional_override([](Session& s) { value_or_js_error([&] { s.clear(); }); }))
      .function("state", optional_override([](const Session& s) {
                  return json_or_error([&] { return pe::to_json(s.state()); });
                }))
      .function("remap", optional_override([](Session& s, const std::string& overrides) {
                  return pe::wasm::json_or_cleared_state(
                      s, [&] { return pe::to_json(s.remap(pe::overrides_from_json(overrides))); });
                }))
      .function("setBatchSize",
                optional_override([](Session& s, int n) { value_or_js_error([&] { s.set_batch_size(n); }); }))
      .function("setHeaderSkip", optional_override([](Session& s, int n) { s.set_header_skip(n); }))
      .function("setCell", optional_override([](Session& s, int row, int col, const std::string& value) {
                  return json_or_error([&] { return pe::to_json(s.set_cell(row, col, value)); });
                }))
      .function("setCells", optional_override([](Session& s, const std::string& changes) {
                  return value_or_js_error([&] { return pe::to_json(s.set_cells(pe::changes_from_json(changes))); });
                }))
      .function("columnStats", optional_override([](const Session& s) {
                  return value_or_js_error([&] { return pe::to_json(s.column_stats()); });
                }))
      .function("fixes", optional_override([](const Session& s) {
                  return value_or_js_error([&] { return pe::to_json(s.fixes()); });
                }))
      .function("fixChanges", optional_override([](const Session& s, const std::string& fix) {
                  return value_or_js_error([&] { return pe::to_json(s.fix_changes(fix)); });
                }))
      .function("replaceChanges", optional_override([](const Session& s, int col, const std::string& find,
                                                       const std::string& replace, bool whole_cell, bool match_case) {
                  return value_or_js_error([&] { return pe::to_json(s.replace_changes(col, find, replace, whole_cell, match_case)); });
                }))
      .function("replaceCount", optional_override([](const Session& s, int col, const std::string& find,
                                                     const std::string& replace, bool whole_cell, bool match_case) {
                  return value_or_js_error([&] { return static_cast<double>(s.replace_count(col, find, replace, whole_cell, match_case)); });
                }))
      .function("excludeRows", optional_override([](const Session& s, const std::string& which) {
                  return value_or_js_error([&] { return pe::to_json(s.exclude_rows(which)); });
                }))
      .function("setExcluded", optional_override([](Session& s, const std::string& rows, bool excluded) {
                  return value_or_js_error([&] { return pe::to_json(s.set_excluded(pe::rows_from_json(rows), excluded)); });
                }))
      .function("rows", optional_override([](Session& s, const std::string& filter, int start, int count) {
                  return json_or([&] {
                    pe::Code code = pe::Code::EmailInvalid;
                    const pe::RowFilter f = pe::row_filter(filter, &code);
                    return pe::to_json(s.rows(f, start, count, code));
                  },
                                 [](const std::string& message) {
                                   std::string out;
                                   pe::JsonWriter(out).begin_object().field("ok", false).field("error", message)
                                       .field("total", std::size_t{0}).key("rows").begin_array().end_array().end_object();
                                   return out;
                                 });
                }))
      .function("refresh", optional_override([](Session& s) { value_or_js_error([&] { s.refresh(); }); }))
      .function("batchPlan", optional_override([](const Session& s, bool with_emails) {
                  return value_or_js_error([&] { return pe::to_json(s.batch_plan(with_emails), with_emails); });
                }))
      // hashes: prospect_hash_hex values joined (16 hex digits each); "" sends everyone again.
      .function("setSkip", optional_override([](Session& s, const std::string& hashes) {
                  value_or_js_error([&] {
                    if (hashes.size() % 16)
                      throw std::invalid_argument("The list of prospects already queued could not be read (its length is not a multiple of 16).");
                    std::vector<std::uint64_t> list(hashes.size() / 16);
                    for (std::size_t i = 0; i < list.size(); ++i)
                      if (!pe::parse_prospect_hash(std::string_view(hashes).substr(i * 16, 16), list[i]))
                        throw std::invalid_argument("The list of prospects already queued could not be read (entry " +
                                                    std::to_string(i + 1) + " is not 16 hex digits).");
                    s.set_skip(std::move(list));
                  });
                }))
      .function("batchBody",
                optional_override([](const Session& s, int index) { return value_or_js_error([&] { return s.batch_body(index); }); }))
      .function("batchRequestBody", optional_override([](const Session& s, int index) {
                  return value_or_js_error([&] { return pe::RequestBody{s.batch_body(index)}; });
                }))
      .function("batchRows", optional_override([](const Session& s, int index) {
                  return value_or_js_error([&] { return pe::to_json(s.batch_rows(index)); });
                }))
      .function("problems", optional_override([](const Session& s) {
                  return value_or_js_error([&] { return pe::to_json(s.problems()); });
                }))
      .function("cleanedCsv",
                optional_override([](const Session& s) { return value_or_js_error([&] { return s.cleaned_csv(); }); }))
      .function("reportCsv", optional_override([](const Session& s, const std::string& outcomes) {
                  return value_or_js_error([&] { return s.report_csv(pe::outcomes_from_json(outcomes)); });
                }))
      .function("resultsCsv", optional_override([](const Session& s, const std::string& run_json) {
                  return value_or_js_error([&] {
                    pe::Run run;
                    std::string error;
                    if (!pe::run_from_json(run_json, run, error))
                      throw std::invalid_argument("The run could not be read for the results (" + error + ").");
                    return s.results_csv(run);
                  });
                }));

  using pe::CheckOnly;
  emscripten::class_<CheckOnly>("CheckOnly")
      .constructor<>()
      .function("setHeaderSkip", optional_override([](CheckOnly& c, int n) { c.set_header_skip(n); }))
      .function("begin", optional_override([](CheckOnly& c, const LoadOptionsJs& o) {
                  return json_or_error([&] {
                    free_slice();
                    return pe::to_json(c.begin(o.encoding, o.delimiter, o.batch_size));
                  });
                }))
      .function("input", &slice_view)
      .function("feed", optional_override([](CheckOnly& c, double n) {
                  return json_or_error([&] {
                    c.feed(std::string_view(g_slice.data(), std::min(g_slice.size(), static_cast<std::size_t>(n))));
                    return pe::to_json(c.state(false), false);
                  });
                }))
      .function("finish", optional_override([](CheckOnly& c) {
                  return json_or_error([&] {
                    free_slice();
                    return pe::to_json(c.finish(), true);
                  });
                }))
      .function("stop", optional_override([](CheckOnly& c) {
                  return json_or_error([&] {
                    c.stop();
                    free_slice();
                    return pe::to_json(c.state(true), true);
                  });
                }))
      .function("takeFindingsCsv", optional_override([](CheckOnly& c) {
                  return value_or_js_error([&] { return c.take_findings_csv(); });
                }))
      .function("clear", optional_override([](CheckOnly& c) {
                  value_or_js_error([&] {
                    c.clear();
                    free_slice();
                  });
                }));

  emscripten::class_<WorkbookJs>("Workbook")
      .constructor<>()
      .function("open", optional_override([](WorkbookJs& w, const std::string& tail, double file_size, const std::string& sheet) {
                  return json_or_error([&] {
                    w.csv.clear();
                    w.book.open(tail, static_cast<std::uint64_t>(file_size), sheet);
                    return workbook_state(w);
                  });
                }))
      .function("state", optional_override([](const WorkbookJs& w) { return json_or_error([&] { return workbook_state(w); }); }))
      .function("dataAt", optional_override([](WorkbookJs& w, const std::string& name, const std::string& header) {
                  std::uint64_t at = 0;
                  return w.book.data_at(name, header, at) ? static_cast<double>(at) : -1.0;
                }))
      .function("give", optional_override([](WorkbookJs& w, const std::string& name, const std::string& bytes) {
                  return json_or_error([&] {
                    w.book.give(name, bytes);
                    return workbook_state(w);
                  });
                }))
      .function("toCsv", optional_override([](WorkbookJs& w) {
                  return json_or_error([&] {
                    w.book.to_csv(w.csv);
                    return workbook_state(w);
                  });
                }))
      .function("csvView", optional_override([](const WorkbookJs& w) {
                  return val(emscripten::typed_memory_view(w.csv.size(), reinterpret_cast<const unsigned char*>(w.csv.data())));
                }))
      .function("clear", optional_override([](WorkbookJs& w) {
                  std::string().swap(w.csv);
                  w.book = pe::xlsx::Workbook();
                }));

  emscripten::function("decide", &decide);
  emscripten::function("parseStatus", &parse_status);
  emscripten::function("statusQuery", &status_query);
  emscripten::function("httpRequest", &http_request);
  emscripten::function("httpRequestWithBody", &http_request_with_body);
  // A body for httpRequestWithBody; the page calls delete() when its batch is settled.
  emscripten::class_<pe::RequestBody>("RequestBody").function(
      "size", optional_override([](const pe::RequestBody& b) { return static_cast<double>(b.bytes.size()); }));
  // Read once at build time: scripts/bundle_web.js writes it into the page's constants.js.
  emscripten::function("constants", &constants);
  emscripten::function("keyFingerprint", optional_override([](const std::string& key) {
                         return value_or_js_error([&] { return pe::key_fingerprint(key); });
                       }));
}
