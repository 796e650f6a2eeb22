// The JSON form of every struct that leaves the core (see json_forms.hpp).
#include "json_forms.hpp"

#include <nlohmann/json.hpp>
#include <type_traits>
#include <unordered_map>

#include "constants.hpp"
#include "csv.hpp"
#include "requests.hpp"
#include "text.hpp"

namespace pe {

namespace {

using ojson = nlohmann::ordered_json;

template <class Write>
std::string written(Write&& write) {
  std::string out;
  JsonWriter w(out);
  write(w);
  return out;
}

void write_findings(JsonWriter& w, const std::vector<Finding>& findings) {
  w.begin_array();
  for (const Finding& f : findings) write_json(w, f);
  w.end_array();
}

void write_row(JsonWriter& w, const RowView& r) {
  w.begin_object().field("index", r.index).field("row", r.index + 1).field("line", r.line);
  w.field("status", row_status_name(r.status));
  if (r.status == RowStatus::Duplicate) w.field("duplicate_of", r.duplicate_of + 1);
  if (r.excluded) w.field("excluded", true);
  w.key("cells").begin_array();
  for (std::string_view c : r.cells) w.value(c);
  w.end_array();
  w.key("findings");
  write_findings(w, r.findings);
  if (!r.sent.empty()) {
    w.key("sent").begin_array();
    for (const RowView::Sent& x : r.sent)
      w.begin_object().field("col", x.col).field("field", field_name(x.field)).field("value", x.value).end_object();
    w.end_array();
  }
  w.end_object();
}

ojson parse(std::string_view json) { return ojson::parse(json.begin(), json.end(), nullptr, false); }

std::string string_at(const ojson& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

// ---- the core's structs ------------------------------------------------------------------------

void write_json(JsonWriter& w, const Finding& f) {
  w.begin_object();
  w.key("row").number_or_null(f.row);
  w.key("line").number_or_null(f.line);
  w.key("field").string_or_null(f.field);
  w.field("severity", severity_name(f.severity())).field("code", code_name(f.code)).field("message", f.message);
  w.end_object();
}

void write_json(JsonWriter& w, const ColumnMap& c) {
  w.begin_object().field("header", c.header);
  w.key("field");
  if (c.field == Field::Ignore) w.null();
  else w.value(field_name(c.field));
  if (c.overridden) w.field("overridden", true);
  if (!c.note.empty()) w.field("note", c.note);
  w.end_object();
}

void write_json(JsonWriter& w, const std::vector<ColumnMap>& columns) {
  w.begin_array();
  for (const ColumnMap& c : columns) write_json(w, c);
  w.end_array();
}

void write_json(JsonWriter& w, const Summary& s) {
  w.begin_object().field("rows", s.rows).field("valid", s.valid).field("invalid", s.invalid);
  w.field("duplicates", s.duplicates).field("rows_with_warnings", s.rows_with_warnings);
  w.field("blank_lines", s.blank_lines).field("errors", s.errors).field("warnings", s.warnings);
  w.field("batches", s.batches).field("batch_size", s.batch_size).field("credits_max", s.credits_max);
  if (s.excluded) w.field("excluded", s.excluded);
  w.end_object();
}

void write_report_head(JsonWriter& w, Encoding encoding, char delimiter, const std::vector<ColumnMap>& columns) {
  w.field("encoding", encoding_name(encoding)).field("delimiter", std::string(1, delimiter)).key("columns");
  write_json(w, columns);
}

std::string validation_report_json(const Document& d, std::size_t batch_size) {
  return written([&](JsonWriter& w) {
    w.begin_object();
    write_report_head(w, d.encoding(), d.delimiter(), d.columns());
    w.key("issues");
    write_findings(w, d.all_findings());
    w.key("summary");
    write_json(w, d.summary(batch_size));
    w.end_object();
  });
}

RecordJson::RecordJson(const std::vector<std::string>& headers) {
  std::unordered_map<std::string_view, std::size_t> key_of;  // header -> index in plan_
  key_of.reserve(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) {
    auto [it, inserted] = key_of.emplace(headers[c], plan_.size());
    if (inserted) {
      Key k;
      append_json_string(k.json, headers[c]);
      k.json.push_back(':');
      k.column = c;
      plan_.push_back(std::move(k));
    } else {
      plan_[it->second].column = c;  // the last column with this header gives the value
    }
  }
}

void RecordJson::append(std::string& out, const std::vector<std::string_view>& fields) const {
  out.push_back('{');
  for (std::size_t k = 0; k < plan_.size(); ++k) {
    if (k > 0) out.push_back(',');
    out += plan_[k].json;
    const std::size_t c = plan_[k].column;
    append_json_string(out, c < fields.size() ? fields[c] : std::string_view());
  }
  out.push_back('}');
}


// ---- the session's answers ---------------------------------------------------------------------

namespace {

// The fields of a SessionState, in an open object.
void write_state_fields(JsonWriter& w, const SessionState& s) {
  w.field("ok", s.ok).field("error", s.error);
  if (s.refused) return;
  w.field("encoding", encoding_name(s.encoding)).field("delimiter", std::string(1, s.delimiter));
  w.field("delimiter_name", delimiter_name(s.delimiter)).field("delimiter_detected", s.delimiter_detected);
  w.key("columns");
  write_json(w, s.columns);
  w.key("file_findings");
  write_findings(w, s.file_findings);
  w.key("summary");
  write_json(w, s.summary);
  w.field("fingerprint", s.fingerprint);
  w.field("title_records", s.title_records).key("previews").begin_array();
  for (const RecordPreview& p : s.previews) w.begin_object().field("line", p.line).field("text", p.text).end_object();
  w.end_array();
}

void write_groups(JsonWriter& w, const std::vector<ProblemGroup>& groups) {
  w.begin_array();
  for (const ProblemGroup& g : groups) {
    w.begin_object().field("code", code_name(g.code)).field("severity", severity_name(severity_of(g.code)));
    w.key("field").string_or_null(g.field);
    w.field("count", g.count).key("rows").begin_array();
    for (std::size_t r : g.rows) w.value(r);
    w.end_array().field("message", g.message).field("meaning", code_info(g.code).meaning);
    w.key("examples").begin_array();
    for (const std::string& e : g.examples) w.value(e);
    w.end_array().end_object();
  }
  w.end_array();
}

}  // namespace

std::string to_json(const SessionState& s) {
  return written([&](JsonWriter& w) {
    w.begin_object();
    write_state_fields(w, s);
    w.end_object();
  });
}

std::string to_json(const CheckOnlyState& c, bool full) {
  return written([&](JsonWriter& w) {
    w.begin_object();
    write_state_fields(w, c.state);
    w.field("done", c.done).field("stopped", c.stopped).field("bytes", static_cast<double>(c.bytes));
    w.field("findings_total", c.findings_total);
    if (full) {
      w.key("problems");
      write_groups(w, c.problems);
      w.key("findings");
      write_findings(w, c.findings);
    }
    w.end_object();
  });
}

std::string to_json(const RowPage& page) {
  return written([&](JsonWriter& w) {
    w.begin_object().field("total", page.total).key("rows").begin_array();
    for (const RowView& r : page.rows) write_row(w, r);
    w.end_array().end_object();
  });
}

std::string to_json(const CellEdit& e) {
  return written([&](JsonWriter& w) {
    w.begin_object();
    if (!e.ok) {
      w.field("ok", false).field("error", e.error).end_object();
      return;
    }
    w.key("row");
    write_row(w, e.row);
    w.key("summary");
    write_json(w, e.summary);
    w.end_object();
  });
}

std::string to_json(const std::vector<PlannedBatch>& plan, bool with_emails) {
  return written([&](JsonWriter& w) {
    w.begin_array();
    for (const PlannedBatch& b : plan) {
      w.begin_object().field("index", b.index).field("count", b.count);
      w.field("first_row", b.first_row).field("last_row", b.last_row);
      if (b.skipped) w.field("skipped", b.skipped);
      if (with_emails) {
        w.field("key", b.key).key("emails").begin_array();
        for (const std::string& e : b.emails) w.value(e);
        w.end_array();
        w.field("hashes", b.hashes);
      }
      w.end_object();
    }
    w.end_array();
  });
}

std::string to_json(const std::vector<RowRef>& rows) {
  return written([&](JsonWriter& w) {
    w.begin_array();
    for (const RowRef& r : rows) w.begin_object().field("row", r.row).field("line", r.line).end_object();
    w.end_array();
  });
}

std::string to_json(const std::vector<ProblemGroup>& groups) {
  return written([&](JsonWriter& w) { write_groups(w, groups); });
}

// ---- the API's answers and the policy ---------------------------------------------------------

void write_json(JsonWriter& w, const QueueResponse& q) {
  const StatusMeaning m = explain_queue_status(q.queue_status);
  w.begin_object().field("ok", q.ok);
  w.key("uuid");
  if (q.uuid) w.value(*q.uuid);
  else w.null();
  w.field("prospects_count", q.prospects_count).field("total_prospects_count", q.total_prospects_count);
  w.field("queue_status", q.queue_status).field("error", q.error);
  w.field("headline", m.headline).field("next_step", m.next_step).field("known", m.known);
  w.end_object();
}

std::string to_json(const Decision& d) {
  return written([&](JsonWriter& w) {
    w.begin_object().field("outcome", outcome_name(d.outcome)).field("delay_ms", d.delay_ms);
    w.field("message", d.message).field("stop_sending", d.stop_sending).key("response");
    write_json(w, d.response);
    w.end_object();
  });
}

std::string to_json(const StatusReport& r) {
  return written([&](JsonWriter& w) {
    w.begin_object().field("ok", r.ok).field("error", r.error).key("batches").begin_array();
    for (const TrackedBatch& b : r.batches) {
      w.begin_object().field("uuid", b.uuid).field("created", b.created).field("status", b.status);
      w.field("all_final", b.all_final).key("prospects").begin_array();
      for (const TrackedProspect& p : b.prospects)
        w.begin_object()
            .field("email", p.email)
            .field("status", p.status)
            .field("processing_result", p.processing_result)
            .field("final", p.final_state)
            .end_object();
      w.end_array().end_object();
    }
    w.end_array().end_object();
  });
}

std::string constants_json() {
  return written([&](JsonWriter& w) {
    w.begin_object().field("queue_path", kQueuePath).field("status_query_path", kStatusQueryPath);
    w.field("default_base_url", kDefaultBaseUrl).field("credits_per_prospect", kCreditsPerProspect);
    w.field("default_batch_size", kDefaultBatchSize).field("max_batch_size", kMaxBatchSize);
    w.key("batch_states").begin_array();
    for (const BatchStateInfo& s : kBatchStates)
      w.begin_object().field("name", s.name).field("words", s.words).field("final", s.final)
          .field("resendable", s.resendable).end_object();
    w.end_array().key("decision_outcomes").begin_array();
    for (Outcome o : kOutcomes)
      w.value(outcome_name(o));
    w.end_array();
    // Reading an .xlsx workbook in the page's worker: the last bytes the zip directory is read
    // from, the bytes of a part's local header, the rounds of parts asked for at most (xlsx.hpp).
    w.field("xlsx_tail_bytes", xlsx::kTailBytes).field("xlsx_local_header_bytes", xlsx::kLocalHeaderBytes);
    w.field("xlsx_max_rounds", xlsx::kMaxRounds);
    w.end_object();
  });
}

// ---- what the page sends ---------------------------------------------------------------------------

std::vector<std::pair<std::string, Field>> overrides_from_json(std::string_view json) {
  std::vector<std::pair<std::string, Field>> out;
  const ojson in = parse(json);
  if (!in.is_array()) return out;
  for (const ojson& o : in) {
    Field f;
    if (o.is_object() && o.value("header", ojson()).is_string() && o.value("field", ojson()).is_string() &&
        parse_field_name(o["field"].get<std::string>(), f))
      out.emplace_back(o["header"].get<std::string>(), f);
  }
  return out;
}

std::vector<Document::CellChange> changes_from_json(std::string_view json) {
  std::vector<Document::CellChange> out;
  const ojson in = parse(json);
  if (!in.is_array()) return out;
  for (const ojson& o : in) {
    if (!o.is_object() || !o.contains("row") || !o["row"].is_number_unsigned() || !o.contains("col") ||
        !o["col"].is_number_unsigned() || !o.contains("from") || !o["from"].is_string() || !o.contains("to") ||
        !o["to"].is_string())
      continue;
    out.push_back(Document::CellChange{o["row"].get<std::size_t>(), o["col"].get<std::size_t>(),
                                       o["from"].get<std::string>(), o["to"].get<std::string>()});
  }
  return out;
}

std::vector<std::size_t> rows_from_json(std::string_view json) {
  std::vector<std::size_t> out;
  const ojson in = parse(json);
  if (!in.is_array()) return out;
  for (const ojson& v : in)
    if (v.is_number_unsigned()) out.push_back(v.get<std::size_t>());
  return out;
}

std::string to_json(const std::vector<std::size_t>& rows) {
  return written([&](JsonWriter& w) {
    w.begin_array();
    for (std::size_t r : rows) w.value(r);
    w.end_array();
  });
}

std::string to_json(const std::vector<Document::CellChange>& changes) {
  return written([&](JsonWriter& w) {
    w.begin_array();
    for (const Document::CellChange& c : changes)
      w.begin_object().field("row", c.row).field("col", c.col).field("from", c.from).field("to", c.to).end_object();
    w.end_array();
  });
}

std::string to_json(const std::vector<std::pair<std::string, std::size_t>>& fixes) {
  return written([&](JsonWriter& w) {
    w.begin_array();
    for (const auto& [fix, count] : fixes) w.begin_object().field("fix", fix).field("count", count).end_object();
    w.end_array();
  });
}

std::string to_json(const std::vector<Session::ColumnStats>& stats) {
  return written([&](JsonWriter& w) {
    w.begin_array();
    for (const Session::ColumnStats& c : stats) {
      w.begin_object().field("filled", c.filled).key("samples").begin_array();
      for (const std::string& v : c.samples) w.value(v);
      w.end_array().end_object();
    }
    w.end_array();
  });
}

std::string to_json(const CellsEdit& e) {
  return written([&](JsonWriter& w) {
    w.begin_object().field("made", e.made).field("skipped", e.skipped).key("made_at").begin_array();
    for (std::size_t k : e.made_at) w.value(k);
    w.end_array().key("summary");
    write_json(w, e.summary);
    w.end_object();
  });
}

std::vector<BatchOutcome> outcomes_from_json(std::string_view json) {
  std::vector<BatchOutcome> out;
  const ojson in = parse(json);
  if (!in.is_array()) return out;
  for (const ojson& o : in) {
    if (!o.is_object() || !o.contains("index") || !o["index"].is_number_unsigned()) continue;
    BatchOutcome b;
    if (!parse_batch_state(string_at(o, "state"), b.state)) continue;
    b.index = o["index"].get<std::size_t>();
    b.uuid = string_at(o, "uuid");
    b.queue_status = string_at(o, "queue_status");
    b.message = string_at(o, "message");
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<std::string> emails_from_json(std::string_view json) {
  std::vector<std::string> out;
  const ojson in = parse(json);
  if (in.is_array())
    for (const ojson& e : in)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

// ---- the run model -----------------------------------------------------------------------------------

void write_json(JsonWriter& w, const Run& r) {
  w.begin_object().field("id", r.id).field("endpoint", r.endpoint).field("key_fingerprint", r.key_fingerprint);
  w.field("file_fingerprint", r.file_fingerprint).field("file_name", r.file_name).field("created", r.created);
  w.field("batch_size", r.batch_size).field("credits_ceiling", r.credits_ceiling);
  w.key("tracked_at").string_or_null(r.tracked_at);
  w.key("batches").begin_array();
  for (const RunBatch& b : r.batches) {
    w.begin_object().field("index", b.index).field("state", batch_state_name(b.state)).field("attempts", b.attempts);
    w.key("uuid").string_or_null(b.uuid);
    w.key("queue_status").string_or_null(b.queue_status);
    w.field("prospects_count", b.prospects_count).field("total_prospects_count", b.total_prospects_count);
    w.field("queued", b.queued).field("answer_lost", b.answer_lost).field("queued_earlier", b.queued_earlier);
    w.key("last_attempt_at").string_or_null(b.last_attempt_at);
    w.field("message", b.message);
    w.key("emails").begin_array();
    for (const std::string& e : b.emails) w.value(e);
    w.end_array();
    if (!b.tracks.empty()) {
      w.key("tracks").begin_array();
      for (const ProspectTrack& t : b.tracks) {
        w.begin_object();
        w.key("uuid").string_or_null(t.uuid);
        w.key("status").string_or_null(t.status);
        w.key("result").string_or_null(t.result);
        w.field("asked", t.asked).end_object();
      }
      w.end_array();
    }
    w.end_object();
  }
  w.end_array().end_object();
}

std::string to_json(const Run& r) {
  return written([&](JsonWriter& w) { write_json(w, r); });
}

std::string to_json(const Ledger& l) {
  return written([&](JsonWriter& w) {
    w.begin_object().field("format", kLedgerFormat).field("version", kLedgerVersion).key("runs").begin_array();
    for (const Run& r : l.runs) write_json(w, r);
    w.end_array().end_object();
  });
}

namespace {

// Reading a run back: every value checked, and a failure says where (a JSON path) and what.
struct RunReader {
  std::string error;

  bool fail(const std::string& where, const std::string& what) {
    if (error.empty()) error = where + ": " + what;
    return false;
  }
  // An optional string (absent or null: ""), or a failure.
  bool text(const ojson& o, const char* k, const std::string& where, std::string& out) {
    auto it = o.find(k);
    if (it == o.end() || it->is_null()) {
      out.clear();
      return true;
    }
    if (!it->is_string()) return fail(where + "." + k, "should be a string");
    out = it->get<std::string>();
    return true;
  }
  template <class T>
  bool number(const ojson& o, const char* k, const std::string& where, T& out) {
    auto it = o.find(k);
    if (it == o.end() || it->is_null()) {
      out = T{};
      return true;
    }
    if (!it->is_number()) return fail(where + "." + k, "should be a number");
    if (std::is_unsigned<T>::value && !it->is_number_unsigned()) return fail(where + "." + k, "should be a whole number >= 0");
    out = it->get<T>();
    return true;
  }
  bool flag(const ojson& o, const char* k, const std::string& where, bool& out) {
    auto it = o.find(k);
    if (it == o.end() || it->is_null()) {
      out = false;
      return true;
    }
    if (!it->is_boolean()) return fail(where + "." + k, "should be true or false");
    out = it->get<bool>();
    return true;
  }

  bool track(const ojson& j, const std::string& where, ProspectTrack& t) {
    if (!j.is_object()) return fail(where, "should be an object");
    return text(j, "uuid", where, t.uuid) && text(j, "status", where, t.status) && text(j, "result", where, t.result) &&
           flag(j, "asked", where, t.asked);
  }

  bool batch(const ojson& j, const std::string& where, RunBatch& b) {
    if (!j.is_object()) return fail(where, "should be an object");
    std::string state;
    if (!text(j, "state", where, state)) return false;
    if (!parse_batch_state(state, b.state)) return fail(where + ".state", pe::quoted(state) + " is not a batch state");
    if (!number(j, "index", where, b.index) || !number(j, "attempts", where, b.attempts) ||
        !text(j, "uuid", where, b.uuid) || !text(j, "queue_status", where, b.queue_status) ||
        !number(j, "prospects_count", where, b.prospects_count) ||
        !number(j, "total_prospects_count", where, b.total_prospects_count) || !number(j, "queued", where, b.queued) ||
        !flag(j, "answer_lost", where, b.answer_lost) || !flag(j, "queued_earlier", where, b.queued_earlier) ||
        !text(j, "last_attempt_at", where, b.last_attempt_at) || !text(j, "message", where, b.message))
      return false;
    auto emails = j.find("emails");
    if (emails == j.end() || !emails->is_array()) return fail(where + ".emails", "should be an array of emails");
    b.emails.reserve(emails->size());
    for (std::size_t i = 0; i < emails->size(); ++i) {
      const ojson& e = (*emails)[i];
      if (!e.is_string() || e.get_ref<const std::string&>().empty())
        return fail(where + ".emails[" + std::to_string(i) + "]", "should be an email");
      b.emails.push_back(e.get<std::string>());
    }
    auto tracks = j.find("tracks");
    if (tracks != j.end() && !tracks->is_null()) {
      if (!tracks->is_array() || tracks->size() != b.emails.size())
        return fail(where + ".tracks", "should be an array with one entry per email");
      b.tracks.resize(tracks->size());
      for (std::size_t i = 0; i < tracks->size(); ++i)
        if (!track((*tracks)[i], where + ".tracks[" + std::to_string(i) + "]", b.tracks[i])) return false;
    }
    return true;
  }

  bool run(const ojson& j, const std::string& where, Run& r) {
    if (!j.is_object()) return fail(where, "should be an object (a run)");
    if (!text(j, "id", where, r.id) || !text(j, "endpoint", where, r.endpoint) ||
        !text(j, "key_fingerprint", where, r.key_fingerprint) || !text(j, "file_fingerprint", where, r.file_fingerprint) ||
        !text(j, "file_name", where, r.file_name) || !text(j, "created", where, r.created) ||
        !number(j, "batch_size", where, r.batch_size) || !number(j, "credits_ceiling", where, r.credits_ceiling) ||
        !text(j, "tracked_at", where, r.tracked_at))
      return false;
    if (r.endpoint.empty()) return fail(where + ".endpoint", "is missing");
    if (r.key_fingerprint.empty()) return fail(where + ".key_fingerprint", "is missing");
    auto batches = j.find("batches");
    if (batches == j.end() || !batches->is_array()) return fail(where + ".batches", "should be an array");
    r.batches.resize(batches->size());
    for (std::size_t i = 0; i < batches->size(); ++i) {
      if (!batch((*batches)[i], where + ".batches[" + std::to_string(i) + "]", r.batches[i])) return false;
      r.batches[i].index = i;  // the place is the index
    }
    return true;
  }
};

}  // namespace

bool run_from_json(std::string_view json, Run& out, std::string& error) {
  const ojson j = parse(json);
  if (j.is_discarded()) {
    error = "not JSON";
    return false;
  }
  RunReader rd;
  Run r;
  if (!rd.run(j, "run", r)) {
    error = rd.error;
    return false;
  }
  out = std::move(r);
  return true;
}

bool ledger_from_json(std::string_view json, Ledger& out, std::string& error) {
  const ojson j = parse(json);
  if (j.is_discarded()) {
    error = "it is not JSON (cut short, or not a ledger)";
    return false;
  }
  if (!j.is_object() || j.value("format", ojson()) != kLedgerFormat) {
    error = "it is not a Prospect Enricher run ledger (no \"format\": \"" + std::string(kLedgerFormat) + "\")";
    return false;
  }
  if (j.value("version", ojson()) != kLedgerVersion) {
    error = "its version is not " + std::to_string(kLedgerVersion) + " (written by another version of this tool)";
    return false;
  }
  auto runs = j.find("runs");
  if (runs == j.end() || !runs->is_array()) {
    error = "runs: should be an array";
    return false;
  }
  RunReader rd;
  Ledger l;
  l.runs.resize(runs->size());
  for (std::size_t i = 0; i < runs->size(); ++i)
    if (!rd.run((*runs)[i], "runs[" + std::to_string(i) + "]", l.runs[i])) {
      error = rd.error;
      return false;
    }
  out = std::move(l);
  return true;
}

void write_json(JsonWriter& w, const RunTotals& t) {
  w.begin_object().field("batches", t.batches).key("batches_by_state").begin_object();
  for (const auto& [name, n] : t.batches_by_state) w.field(name, n);
  w.end_object();
  w.field("prospects", t.prospects).field("sent", t.sent).field("queued", t.queued);
  w.field("already_pending", t.already_pending).field("failed", t.failed).field("unconfirmed", t.unconfirmed);
  w.field("not_sent", t.not_sent).field("api_queued", t.api_queued).field("tracked", t.tracked);
  w.field("final", t.final).field("pending", t.pending).key("by_result").begin_object();
  for (const auto& [name, n] : t.by_result) w.field(name, n);
  w.end_object();
  w.field("credits_used", t.credits_used).field("credits_ceiling", t.credits_ceiling).end_object();
}

std::string to_json(const RunTotals& t) {
  return written([&](JsonWriter& w) { write_json(w, t); });
}

std::string to_json(const xlsx::Workbook& w) {
  std::string out;
  JsonWriter j(out);
  j.begin_object().field("ok", w.error().empty()).field("error", w.error());
  j.key("sheet").string_or_null(w.sheet());
  j.key("sheets").begin_array();
  for (const std::string& s : w.sheets()) j.value(s);
  j.end_array().key("wanted").begin_array();
  for (const xlsx::ZipEntry& e : w.wanted())
    j.begin_object()
        .field("name", e.name)
        .field("header_offset", static_cast<double>(e.header_offset))
        .field("compressed_size", static_cast<double>(e.compressed_size))
        .field("size", static_cast<double>(e.size))
        .field("method", e.method)
        .end_object();
  j.end_array().end_object();
  return out;
}

}  // namespace pe
