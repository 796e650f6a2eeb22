// Exports: the report and the cleaned CSV (see export.hpp).
#include "export.hpp"

#include "requests.hpp"

#include "text.hpp"

namespace pe {

namespace {

// Characters a spreadsheet reads as the start of a formula: = + - @ and their full-width and
// small forms (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠; U+FE66, U+FE62, U+FE63, U+FE6B).
bool formula_trigger(char32_t cp) {
  return cp == '=' || cp == '+' || cp == '-' || cp == '@' || cp == 0xFF1D || cp == 0xFF0B || cp == 0xFF0D ||
         cp == 0xFF20 || cp == 0xFE66 || cp == 0xFE62 || cp == 0xFE63 || cp == 0xFE6B;
}

// True when a spreadsheet could run v as a formula (OWASP "CSV Injection"): it starts with TAB or
// CR, or its first character after leading whitespace of any kind (ASCII, NBSP, U+2000-U+200A,
// U+3000, ...) and invisible characters (U+200B, U+FEFF, bidi controls, ...) and other controls is a
// formula trigger.
bool needs_guard(std::string_view v) {
  if (v.empty()) return false;
  if (v[0] == '\t' || v[0] == '\r') return true;
  std::size_t i = 0;
  while (i < v.size()) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(v, i, cp);
    if (len == 0) return false;  // an invalid byte is shown as text
    if (formula_trigger(cp)) return true;
    if (!is_space_cp(cp) && !is_invisible_cp(cp) && !is_control_cp(cp)) return false;
    i += len;
  }
  return false;
}

}  // namespace

std::string csv_cell(std::string_view v) {
  std::string s;
  if (needs_guard(v)) s.push_back('\'');
  s.append(v.data(), v.size());
  if (find_any_of(s, ",\"\r\n") == std::string_view::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  q.push_back('"');
  return q;
}

namespace {

void line(std::string& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) out.push_back(',');
    first = false;
    out += csv_cell(c);
  }
  out += "\r\n";
}

// The outcome column of a valid row in a batch with this outcome, in the words of the batch states
// (kBatchStates: the words the page shows in its batches table).
std::string outcome_text(const BatchOutcome& o) {
  switch (o.state) {
    case BatchState::Waiting:  // never sent: the run ended, or has not reached it yet
    case BatchState::NotSent:
      return batch_state_words(BatchState::NotSent);
    case BatchState::Sent:
      return o.uuid.empty() ? "sent, nothing queued (" + o.queue_status + ")"
                            : "sent in batch " + o.uuid + " (" + o.queue_status + ")";
    case BatchState::Sending:
    case BatchState::Partial:
    case BatchState::Failed:
    case BatchState::Unconfirmed:
      break;
  }
  return std::string(batch_state_words(o.state)) + ": " + o.message;
}

}  // namespace

std::string report_csv(const Document& d, std::size_t batch_size, const std::vector<BatchOutcome>& outcomes) {
  // Row -> its batch's outcome.
  std::vector<const BatchOutcome*> of_row(d.row_count(), nullptr);
  const auto batches = batch_rows(d, batch_size);
  for (const BatchOutcome& o : outcomes)
    if (o.index < batches.size())
      for (std::size_t r : batches[o.index]) of_row[r] = &o;

  std::string out;
  line(out, {"row", "line", "email", "status", "outcome", "details"});
  const int email_col = [&] {
    for (std::size_t c = 0; c < d.columns().size(); ++c)
      if (d.columns()[c].field == Field::Email) return static_cast<int>(c);
    return -1;
  }();
  // Blank lines (no row number, nothing sent) are listed in file order among the rows, so that the
  // report has one line per line of the input that held a record or was blank.
  const std::vector<std::uint32_t>& blank = d.blank_lines();
  std::size_t next_blank = 0;
  auto blank_lines_before = [&](std::size_t before) {
    for (; next_blank < blank.size() && blank[next_blank] < before; ++next_blank)
      line(out, {"", std::to_string(blank[next_blank]), "", kReportBlankStatus, kReportBlankOutcome, ""});
  };
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    blank_lines_before(d.line_of(r));
    std::string outcome;
    if (d.excluded(r)) outcome = "excluded by you";
    else switch (d.status(r)) {
      case RowStatus::Invalid: outcome = "invalid"; break;
      case RowStatus::Duplicate: outcome = "duplicate of row " + std::to_string(d.duplicate_of(r) + 1); break;
      case RowStatus::Valid: {
        const BatchOutcome* o = of_row[r];
        outcome = o ? outcome_text(*o) : batch_state_words(BatchState::NotSent);
        break;
      }
    }
    std::string details;
    for (const Finding& f : d.row_findings(r)) {
      if (!details.empty()) details += "; ";
      details += std::string(severity_name(f.severity())) + " " + (f.field.empty() ? "" : f.field + ": ") + f.message;
    }
    std::string email = d.status(r) == RowStatus::Invalid && email_col >= 0
                            ? std::string(d.cell(r, static_cast<std::size_t>(email_col)))
                            : d.email(r);
    line(out, {std::to_string(r + 1), std::to_string(d.line_of(r)), email, row_status_name(d.status(r)), outcome, details});
  }
  blank_lines_before(static_cast<std::size_t>(-1));
  return out;
}

std::string cleaned_csv(const Document& d) {
  std::string out;
  line(out, {"email", "first_name", "last_name", "linkedin_url", "company_name", "company_website"});
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    if (d.status(r) != RowStatus::Valid || d.excluded(r)) continue;  // excluded rows are left out
    Prospect p = d.prospect(r);
    line(out, {p.email, p.first_name, p.last_name, p.linkedin_url, p.company_name, p.company_website});
  }
  return out;
}

}  // namespace pe
