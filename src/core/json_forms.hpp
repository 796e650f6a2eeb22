// The JSON form of every struct that leaves the core: one function per struct, snake_case (as the
// API and the CLI write), used by the CLI (src/cli/main.cpp) and the page's module
// (src/wasm/bindings.cpp) alike; and the readers of the JSON the page sends (overrides, outcomes,
// emails). A value that is not there is null (a finding not tied to a row, an ignored column's field).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json_writer.hpp"
#include "run_ledger.hpp"
#include "send_policy.hpp"
#include "session.hpp"
#include "xlsx.hpp"

namespace pe {

// ---- the core's structs ------------------------------------------------------------------------
// {"row":N|null,"line":N|null,"field":"..."|null,"severity":"error|warning","code":"...","message":"..."}
void write_json(JsonWriter& w, const Finding& f);
// {"header":"...","field":"email"|null,"overridden":true (only when set by the user),"note":"..." (only when there is one)}
void write_json(JsonWriter& w, const ColumnMap& c);
void write_json(JsonWriter& w, const std::vector<ColumnMap>& columns);
// {"rows","valid","invalid","duplicates","rows_with_warnings","blank_lines","errors","warnings",
//  "batches","batch_size","credits_max","excluded" (only when the user excluded rows)}
void write_json(JsonWriter& w, const Summary& s);

// The head of an `enrich validate` report, in an open object: "encoding":...,"delimiter":...,"columns":[...].
void write_report_head(JsonWriter& w, Encoding encoding, char delimiter, const std::vector<ColumnMap>& columns);
// `enrich validate` for a whole document: {"encoding","delimiter","columns","issues","summary"}.
std::string validation_report_json(const Document& d, std::size_t batch_size);

// The records of `enrich parse` as JSON objects keyed by header, in time linear in the number of
// columns. Columns that share a header give one key, at the place of its first column, holding the
// value of its last column (what assigning the columns one by one to an ordered object gives). The
// plan of keys is built once from the header; each record is then one pass over the plan.
class RecordJson {
 public:
  struct Key {
    std::string json;     // the header as a JSON string literal, with the ':' after it
    std::size_t column;   // 0-based column whose value the key takes (the last with that header)
  };
  explicit RecordJson(const std::vector<std::string>& headers);
  // Appends {"header":"value",...}; a column the record lacks gives "".
  void append(std::string& out, const std::vector<std::string_view>& fields) const;
  const std::vector<Key>& plan() const { return plan_; }

 private:
  std::vector<Key> plan_;
};

// ---- the session's answers (session.hpp) -------------------------------------------------------
// {"ok","error","encoding","delimiter","delimiter_name","delimiter_detected","columns","file_findings","summary"};
// refused options: {"ok":false,"error":"..."}.
std::string to_json(const SessionState& s);
// An .xlsx workbook being read (xlsx.hpp): {"ok", "error", "sheet", "sheets": [names], "wanted":
// [{"name", "header_offset", "compressed_size", "size", "method"}]}; "sheet" and "sheets" are
// known after the first round (null and [] before).
std::string to_json(const xlsx::Workbook& w);
// {"total":N,"rows":[{"index","row","line","status","duplicate_of" (duplicates only, 1-based),
//  "excluded":true (excluded rows only),"cells","findings"}]}
std::string to_json(const RowPage& page);
// {"row":{...},"summary":{...}}; no such cell: {"ok":false,"error":"..."}.
std::string to_json(const CellEdit& e);
// [{"row", "col", "from", "to"}, ...]: the changes of a bulk fix (Session::fix_changes).
std::string to_json(const std::vector<Document::CellChange>& changes);
// [{"fix", "count"}, ...] (Session::fixes).
std::string to_json(const std::vector<std::pair<std::string, std::size_t>>& fixes);
// [{"filled", "samples": [...]}, ...] per shown column (Session::column_stats).
std::string to_json(const std::vector<Session::ColumnStats>& stats);
// {"made", "skipped", "made_at", "summary"}.
std::string to_json(const CellsEdit& e);
// [0, 4, ...]: 0-based rows (Session::exclude_rows), and the reader of that list (other values skipped).
std::string to_json(const std::vector<std::size_t>& rows);
std::vector<std::size_t> rows_from_json(std::string_view json);
// [{"row", "col", "from", "to"}, ...] (0-based row and column): an entry of another shape is left out.
std::vector<Document::CellChange> changes_from_json(std::string_view json);
// [{"index","count","first_row","last_row","key","emails" (the last two only when asked)}]
std::string to_json(const std::vector<PlannedBatch>& plan, bool with_emails);
// [{"row","line"}]
std::string to_json(const std::vector<RowRef>& rows);
// [{"code","severity","field"|null,"count","rows","message","meaning","examples"}]: meaning, the
// code's (findings.hpp), describes every row of the group; examples, the messages of its first rows.
std::string to_json(const std::vector<ProblemGroup>& groups);
// The state's fields as to_json(SessionState) writes them, and "done","stopped","bytes",
// "findings_total"; with full also "problems" (as above) and "findings" (the first findings of the rows).
std::string to_json(const CheckOnlyState& c, bool full);

// ---- the API's answers and the policy (responses.hpp, send_policy.hpp) ---------------------------
// {"ok","uuid"|null,"prospects_count","total_prospects_count","queue_status","error",
//  "headline","next_step","known"} (the last three: what the queue status means)
void write_json(JsonWriter& w, const QueueResponse& q);
// {"outcome","delay_ms","message","stop_sending","response":{queue response}}
std::string to_json(const Decision& d);
// {"ok","error","batches":[{"uuid","created","status","all_final",
//  "prospects":[{"email","status","processing_result","final"}]}]}
std::string to_json(const StatusReport& r);

// {"queue_path","status_query_path","default_base_url","credits_per_prospect","default_batch_size",
//  "max_batch_size","batch_states":[{"name","words","final","resendable"}],"decision_outcomes":["sent",...]}
// (the names of decide()'s outcomes, outcome_name()): what the page's
// constants.js holds (scripts/bundle_web.js writes it at build time from the module's constants()).
std::string constants_json();

// ---- what the page sends ---------------------------------------------------------------------------
// [{"header": "Work Email" | "#3", "field": "email"}]; entries of another shape or with an unknown
// field are skipped; not a JSON array: none.
std::vector<std::pair<std::string, Field>> overrides_from_json(std::string_view json);
// [{"index": 0, "state": "sent", "uuid": "...", "queue_status": "ENQUEUED", "message": "..."}];
// entries without an unsigned index or with a state that is none of kBatchStates are skipped.
std::vector<BatchOutcome> outcomes_from_json(std::string_view json);
// ["a@b.co", ...]; other values skipped.
std::vector<std::string> emails_from_json(std::string_view json);

// ---- the run model (run_ledger.hpp) -----------------------------------------------------------------
// A run: {"id","endpoint","key_fingerprint","file_fingerprint","file_name","created","batch_size",
//  "credits_ceiling","tracked_at"|null,"batches":[{"index","state","attempts","uuid"|null,
//  "queue_status"|null,"prospects_count","total_prospects_count","queued","answer_lost","queued_earlier",
//  "last_attempt_at"|null,"message","emails":[...],"tracks" (once tracked, one per email):
//  [{"uuid"|null,"status"|null,"result"|null,"asked"}]}]}. Never the key: only its fingerprint.
void write_json(JsonWriter& w, const Run& r);
std::string to_json(const Run& r);
// A ledger: {"format":"prospect-enricher-ledger","version":1,"runs":[run, ...]}.
inline constexpr const char* kLedgerFormat = "prospect-enricher-ledger";
inline constexpr int kLedgerVersion = 1;
std::string to_json(const Ledger& l);
// Reads what to_json(Run) / to_json(Ledger) wrote. False, with the error saying where and what
// ("runs[0].batches[3].state: \"x\" is not a batch state"), when it is not that; `out` is then untouched.
bool run_from_json(std::string_view json, Run& out, std::string& error);
bool ledger_from_json(std::string_view json, Ledger& out, std::string& error);
// {"batches","batches_by_state":{name:n},"prospects","sent","queued","already_pending","failed",
//  "unconfirmed","not_sent","api_queued","tracked","final","pending","by_result":{result:n},
//  "credits_used","credits_ceiling"}
void write_json(JsonWriter& w, const RunTotals& t);
std::string to_json(const RunTotals& t);

}  // namespace pe
