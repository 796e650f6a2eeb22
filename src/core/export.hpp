// Exports: a report with one line per input row and its outcome, and a cleaned CSV of the valid,
// normalised rows. Both are safe to open in a spreadsheet (formula injection neutralised).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "document.hpp"
#include "send_policy.hpp"

namespace pe {

// What happened to one batch of a queue run (index as in batch_rows(document, batch_size)).
struct BatchOutcome {
  std::size_t index = 0;
  BatchState state = BatchState::Waiting;  // ours (send_policy.hpp)
  std::string uuid;          // for sent batches (may be empty: nothing queued)
  std::string queue_status;  // the API's, e.g. ENQUEUED
  std::string message;       // failure reason or status meaning
};

// One CSV field: quoted when needed (RFC 4180), and prefixed with ' so that spreadsheets show it as
// text instead of running it as a formula (OWASP "CSV Injection") when it starts with TAB or CR, or
// when its first character after leading whitespace of any kind (ASCII spaces, TAB, CR, LF, NBSP,
// U+2000-U+200A, U+3000, ...), invisible characters (U+200B, U+FEFF, bidi controls, ...) and
// controls is = + - @ or a full-width/small form of one (＝ ＋ － ＠). Used for every column of every
// export.
std::string csv_cell(std::string_view v);

// row,line,email,status,outcome,details — one line per input row, in input order, and one per blank
// line (csv.hpp: an empty line, or nothing but delimiters and whitespace) among them, in file order:
// row empty, its line, status kReportBlankStatus, outcome kReportBlankOutcome. So the report has
// 1 + summary.rows + summary.blank_lines lines.
// outcome: "sent in batch <uuid> (<QUEUE_STATUS>)" ("sent, nothing queued (...)" without a uuid),
// "failed: <reason>", "not sent" (waiting, not sent, or in no outcome), "<state>: <message>" for the
// others (partial, unconfirmed, sending), "invalid", "duplicate of row N", "excluded by you" (a
// row the user excluded, whatever its status); details: the row's
// findings, "; "-separated.
inline constexpr const char* kReportBlankStatus = "blank";
inline constexpr const char* kReportBlankOutcome = "blank line, skipped";
std::string report_csv(const Document& d, std::size_t batch_size, const std::vector<BatchOutcome>& outcomes);

// email,first_name,last_name,linkedin_url,company_name,company_website of the valid rows,
// normalised; the rows the user excluded are left out.
std::string cleaned_csv(const Document& d);

}  // namespace pe
