// Document: load an export, then apply remaps and cell edits chosen by the input, checking after
// each step that
//   - rows = valid + invalid + duplicates (summary and per-row statuses agree);
//   - the batches hold exactly the valid rows, in input order, batch_size per batch;
//   - every batch body is valid JSON {"prospects":[...]} with exactly those rows, in order, each
//     with the row's valid, normalised email, and the emails of valid rows are distinct;
//   - a duplicate points to an earlier valid row with the same email; an invalid row says why;
//   - findings carry their row and line, messages are valid UTF-8, the JSON report parses;
//   - the report CSV has a line per row and per blank line (1 + rows + blank_lines), and the columns
//     shown never hold a mapped column beyond them; right after a load no row is blank (issue 13).
// A remap that leaves no email column fails (error() says why); like the page, the next steps then
// only remap until one succeeds.
//
// Input: the last bytes choose the load options, the batch size and the edits; the front is the file.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "checks.hpp"
#include "constants.hpp"
#include "csv.hpp"
#include "document.hpp"
#include "export.hpp"
#include "json_forms.hpp"
#include "requests.hpp"
#include "text.hpp"
#include "fuzz_util.hpp"

using nlohmann::json;
using pe::RowStatus;

namespace {

std::string where(const pe::Document& d, std::size_t r) {
  return "row " + std::to_string(r + 1) + " (line " + std::to_string(d.line_of(r)) + ")";
}

void check_message(const pe::Finding& f, bool /*keys_utf8*/) {
  FUZZ_CHECK(!f.message.empty(), "finding without a message");
  FUZZ_CHECK(fuzz::safe_message(f.message), std::string(pe::code_name(f.code)) + " message is not safe text: " + fuzz::show(f.message));
}

void check_document(const pe::Document& d, std::size_t batch_size, bool keys_utf8) {
  FUZZ_CHECK(d.error().empty(), "a usable document has no error: " + d.error());
  const std::size_t rows = d.row_count();
  const pe::Summary s = d.summary(batch_size);
  FUZZ_CHECK(s.rows == rows, "summary.rows == row_count()");
  FUZZ_CHECK(s.valid + s.invalid + s.duplicates == rows,
             "rows " + std::to_string(rows) + " != valid " + std::to_string(s.valid) + " + invalid " +
                 std::to_string(s.invalid) + " + duplicates " + std::to_string(s.duplicates));
  FUZZ_CHECK(s.credits_max == pe::kCreditsPerProspect * static_cast<double>(s.valid), "credits_max = 1.5 x valid");

  std::vector<std::size_t> valid_rows;
  std::set<std::string> keys;
  std::size_t invalid = 0, dups = 0, findings = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::vector<pe::Finding> fs = d.row_findings(r);
    findings += fs.size();
    bool error = false, warning = false;
    for (const pe::Finding& f : fs) {
      FUZZ_CHECK(f.row == r + 1 && f.line == d.line_of(r), where(d, r) + ": finding " + std::string(pe::code_name(f.code)) + " names row " +
                                                                std::to_string(f.row) + " line " + std::to_string(f.line));
      check_message(f, keys_utf8);
      (f.severity() == pe::Severity::Error ? error : warning) = true;
    }
    FUZZ_CHECK(d.has_warning(r) == warning, where(d, r) + ": has_warning() agrees with the findings");
    const std::string email = d.email(r);
    switch (d.status(r)) {
      case RowStatus::Valid: {
        FUZZ_CHECK(!error, where(d, r) + ": a valid row has no error finding");
        const pe::FieldResult e = pe::check_email(email);
        FUZZ_CHECK(!email.empty() && e.valid && e.value == email,
                   where(d, r) + ": a valid row has a valid normalised email: " + fuzz::show(email));
        FUZZ_CHECK(keys.insert(pe::ascii_lower(email)).second, where(d, r) + ": two valid rows with email " + email);
        valid_rows.push_back(r);
        break;
      }
      case RowStatus::Invalid:
        ++invalid;
        FUZZ_CHECK(error, where(d, r) + ": an invalid row says why (an error finding)");
        break;
      case RowStatus::Duplicate: {
        ++dups;
        const std::size_t first = d.duplicate_of(r);
        FUZZ_CHECK(first < r && d.status(first) == RowStatus::Valid, where(d, r) + ": duplicate of an earlier valid row");
        FUZZ_CHECK(pe::ascii_lower(d.email(first)) == pe::ascii_lower(email) && !email.empty(),
                   where(d, r) + ": duplicate has the same email as row " + std::to_string(first + 1));
        FUZZ_CHECK(error, where(d, r) + ": a duplicate has the duplicate_email error");
        break;
      }
    }
  }
  FUZZ_CHECK(valid_rows.size() == s.valid && invalid == s.invalid && dups == s.duplicates,
             "summary counts agree with the row statuses");
  for (const pe::Finding& f : d.file_findings()) check_message(f, keys_utf8);
  FUZZ_CHECK(d.all_findings().size() == d.file_findings().size() + findings, "all_findings = file + rows");

  // Batches: the valid rows in order, batch_size per batch.
  const std::size_t bs = batch_size == 0 ? pe::kDefaultBatchSize : batch_size;
  const auto batches = pe::batch_rows(d, batch_size);
  FUZZ_CHECK(batches.size() == s.batches, "summary.batches == batch_rows().size()");
  std::vector<std::size_t> flat;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    FUZZ_CHECK(!batches[b].empty() && batches[b].size() <= bs, "batch size within 1..batch_size");
    if (b + 1 < batches.size()) FUZZ_CHECK(batches[b].size() == bs, "only the last batch is short");
    flat.insert(flat.end(), batches[b].begin(), batches[b].end());

    const std::string body = pe::batch_body(d, batches[b]);
    const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(!j.is_discarded(), "batch body is not JSON: " + fuzz::show(body));
    FUZZ_CHECK(j.is_object() && j.size() == 1 && j.contains("prospects") && j["prospects"].is_array(),
               "batch body is {\"prospects\":[...]}: " + fuzz::show(body));
    const json& list = j["prospects"];
    FUZZ_CHECK(list.size() == batches[b].size(), "batch body has one prospect per row");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const json& p = list[i];
      const std::size_t r = batches[b][i];
      FUZZ_CHECK(p.is_object() && p.contains("email") && p["email"].is_string() &&
                     p["email"].get<std::string>() == d.email(r),
                 where(d, r) + ": prospect " + std::to_string(i) + " of the body is not this row: " + fuzz::show(body));
      const pe::Prospect pr = d.prospect(r);
      for (auto it = p.begin(); it != p.end(); ++it) {
        const std::string& k = it.key();
        FUZZ_CHECK(it->is_string(), "prospect fields are strings");
        const std::string v = it->get<std::string>();
        const std::string want = k == "email" ? pr.email : k == "first_name" ? pr.first_name : k == "last_name" ? pr.last_name
                               : k == "linkedin_url" ? pr.linkedin_url : k == "company_name" ? pr.company_name
                               : k == "company_website" ? pr.company_website : std::string("\x01unknown key");
        FUZZ_CHECK(v == want && !v.empty(), where(d, r) + ": body field " + k + " = " + fuzz::show(v));
      }
    }
  }
  FUZZ_CHECK(flat == valid_rows, "the batches hold exactly the valid rows, in order");

  const std::string report = pe::validation_report_json(d, batch_size);
  FUZZ_CHECK(!json::parse(report, nullptr, false).is_discarded(), "validation report is JSON");

  // The report CSV: one line per row and per blank line. Every line ends in CRLF; values may hold
  // line breaks only inside quotes, so count the records by reading the CSV back.
  const std::string csv = pe::report_csv(d, batch_size, {});
  std::size_t records = 0;
  pe::CsvReader back({}, [&](const pe::CsvRecord&) { ++records; }, nullptr);
  back.feed(csv);
  back.finish();
  FUZZ_CHECK(records == 1 + rows + s.blank_lines && back.blank_lines() == 0,
             "the report has a line per row and per blank line: " + std::to_string(records) + " records for " +
                 std::to_string(rows) + " rows and " + std::to_string(s.blank_lines) + " blank lines");
  FUZZ_CHECK(d.blank_lines().size() == s.blank_lines, "blank_lines() lists every blank line counted");
  FUZZ_CHECK(d.column_count() == d.columns().size(), "the columns shown are the columns mapped");
}

// Right after a load, no row is blank: blank lines are skipped, not rows (issue 13).
void check_no_blank_rows(const pe::Document& d) {
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    bool blank = true;
    for (std::size_t c = 0; c < d.column_count() && blank; ++c) blank = pe::is_blank(d.cell(r, c));
    // A record may hold values only beyond the header's columns (a ragged row), which are not kept.
    bool excused = false;
    for (const pe::Finding& f : d.row_findings(r))
      excused |= f.code == pe::Code::CsvUnclosedQuote || f.code == pe::Code::CsvRaggedRow;
    FUZZ_CHECK(!blank || excused, where(d, r) + " is blank after a load");
  }
}

std::vector<std::pair<std::string, pe::Field>> overrides(FuzzedDataProvider& fdp, const pe::Document& d, bool& utf8) {
  std::vector<std::pair<std::string, pe::Field>> out;
  const int n = fdp.ConsumeIntegralInRange<int>(0, 3);
  const std::size_t cols = d.headers().size();
  for (int i = 0; i < n; ++i) {
    std::string key;
    switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
      case 0:
        if (cols) key = d.headers()[fdp.ConsumeIntegralInRange<std::size_t>(0, cols - 1)];
        break;
      case 1: key = "#" + std::to_string(fdp.ConsumeIntegralInRange<std::size_t>(0, cols + 1)); break;
      default: key = fdp.ConsumeRandomLengthString(24); break;
    }
    utf8 = utf8 && fuzz::valid_utf8(key);
    out.emplace_back(key, static_cast<pe::Field>(fdp.ConsumeIntegralInRange<int>(0, 7)));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::uint8_t flags = fdp.ConsumeIntegral<std::uint8_t>();
  const std::size_t batch_size = fdp.ConsumeIntegralInRange<std::size_t>(0, 6);
  const int steps = fdp.ConsumeIntegralInRange<int>(0, 6);
  const std::string bytes = fdp.ConsumeRandomLengthString(64 * 1024);

  pe::Document d;
  pe::LoadOptions opt;
  static const pe::Encoding kEnc[] = {pe::Encoding::Utf8, pe::Encoding::Utf16LE, pe::Encoding::Windows1252};
  static const char kDelims[] = {',', ';', '\t', '|'};
  if (flags & 1) opt.encoding = kEnc[(flags >> 1) % 3];
  if (flags & 8) opt.delimiter = kDelims[(flags >> 4) & 3];
  bool keys_utf8 = true;
  if (flags & 64) opt.overrides = {{"#1", pe::Field::Email}};

  bool usable = d.load(bytes, opt);
  // Half the inputs are read again as the page reads a file, in slices while it arrives
  // (begin_input, read_to, end_input): the same document as the whole load.
  if (flags & 128) {
    pe::Document sliced;
    char* buf = sliced.begin_input(bytes.size());
    const std::size_t step = 1 + fdp.ConsumeIntegralInRange<std::size_t>(0, 5000);
    for (std::size_t at = 0; at < bytes.size(); at += step) {
      const std::size_t end = std::min(bytes.size(), at + step);
      std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin() + static_cast<std::ptrdiff_t>(end), buf + at);
      sliced.read_to(end, opt);
    }
    FUZZ_CHECK(sliced.end_input(opt) == usable, "read in slices of " + std::to_string(step) + ": usable as the whole load");
    FUZZ_CHECK(sliced.error() == d.error(), "read in slices: the whole load's error: " + fuzz::show(sliced.error()));
    FUZZ_CHECK(sliced.row_count() == d.row_count(), "read in slices: the whole load's rows");
    FUZZ_CHECK(pe::validation_report_json(sliced, 2) == pe::validation_report_json(d, 2),
               "read in slices of " + std::to_string(step) + ": the whole load's report");
  }
  // A load that stopped on a reader error (an error not tied to a row) holds only part of the file:
  // no remap may turn it into a usable document, or the rows after the error would silently vanish.
  bool stopped = false;
  if (!usable) {
    FUZZ_CHECK(!d.error().empty() && fuzz::valid_utf8(d.error()), "a failed load says why, in UTF-8: " + fuzz::show(d.error()));
    for (const pe::Finding& f : d.file_findings()) stopped |= f.severity() == pe::Severity::Error;
    if (d.headers().empty()) return 0;  // nothing to remap: the page asks for another file
  } else {
    check_document(d, batch_size, keys_utf8);
    check_no_blank_rows(d);
  }

  for (int step = 0; step < steps && fdp.remaining_bytes() > 0; ++step) {
    if (!usable || fdp.ConsumeBool()) {
      usable = d.remap(overrides(fdp, d, keys_utf8));
      FUZZ_CHECK(!(usable && stopped), "a remap made a document usable after reading stopped: " + d.error() + " " +
                                           std::to_string(d.row_count()) + " rows");
      if (!usable) {
        FUZZ_CHECK(!d.error().empty() && fuzz::valid_utf8(d.error()), "a failed remap says why");
        continue;
      }
    } else {
      const std::size_t rows = d.row_count(), cols = d.column_count();
      const std::size_t r = fdp.ConsumeIntegralInRange<std::size_t>(0, rows), c = fdp.ConsumeIntegralInRange<std::size_t>(0, cols);
      std::string value;
      if (rows && cols && fdp.ConsumeBool())  // a copy of another cell: makes duplicates and un-duplicates
        value = std::string(d.cell(fdp.ConsumeIntegralInRange<std::size_t>(0, rows - 1),
                                   fdp.ConsumeIntegralInRange<std::size_t>(0, cols - 1)));
      else
        value = fdp.ConsumeRandomLengthString(64);
      const bool ok = d.set_cell(r, c, value);
      FUZZ_CHECK(ok == (r < rows && c < cols), "set_cell accepts exactly the cells that exist");
      if (ok) FUZZ_CHECK(d.cell(r, c) == value, "set_cell stores the value as given");
    }
    check_document(d, batch_size, keys_utf8);
  }
  return 0;
}
