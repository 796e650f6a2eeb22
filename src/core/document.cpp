#include "document.hpp"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "csv_stream.hpp"
#include "fields.hpp"
#include "json_out.hpp"
#include "text.hpp"

namespace pe {

namespace {

using ojson = nlohmann::ordered_json;

constexpr std::size_t kFieldCount = 8;

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

void add_notes(std::vector<Finding>& out, std::size_t row, std::size_t line, const char* field,
               const FieldResult& r) {
  for (const Note& n : r.notes) out.push_back(Finding{row, line, field, n.severity, n.code, n.message});
}

}  // namespace

const char* row_status_name(RowStatus s) {
  switch (s) {
    case RowStatus::Valid: return "valid";
    case RowStatus::Invalid: return "invalid";
    case RowStatus::Duplicate: return "duplicate";
  }
  return "invalid";
}

bool Document::load(std::string_view bytes, const LoadOptions& opt) {
  // The previous document is gone first, whatever happens next; if reading throws (out of memory),
  // the half-read one is dropped too, so that nothing stale or half-built is ever shown or sent.
  *this = Document();
  struct ResetOnThrow {
    Document& d;
    int pending = std::uncaught_exceptions();
    ~ResetOnThrow() {
      if (std::uncaught_exceptions() > pending) d = Document();
    }
  } reset_on_throw{*this};
  if (bytes.empty()) {
    error_ = kEmptyInputError;
    return false;
  }
  // The whole input is at hand: the encoding is detected on all of it (a stream detects on its
  // first kEncodingSampleBytes). Binary files are refused by the stream before anything is decoded.
  CsvStream::Options sopt;
  sopt.encoding = opt.encoding == Encoding::Auto && !binary_kind(bytes.substr(0, kBinarySampleBytes))
                      ? detect_encoding(bytes)
                      : opt.encoding;
  sopt.delimiter = opt.delimiter;
  std::vector<std::pair<std::size_t, Finding>> pending_csv;  // (row, finding)
  bool have_header = false;
  CsvStream stream(
      sopt,
      [&](const CsvRecord& rec) {
        if (!have_header) {
          have_header = true;
          for (std::string_view f : rec.fields) headers_.push_back(collapse_whitespace(f));
          return;
        }
        const std::size_t ncols = headers_.size();
        for (std::size_t c = 0; c < ncols; ++c) {
          std::string_view f = c < rec.fields.size() ? rec.fields[c] : std::string_view();
          cells_.emplace_back(static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(f.size()));
          arena_.append(f.data(), f.size());
        }
        lines_.push_back(static_cast<std::uint32_t>(rec.line));
      },
      [&](Finding&& f) { pending_csv.emplace_back(f.row, std::move(f)); });
  stream.feed(bytes);
  stream.finish();
  if (!stream.error().empty()) {
    error_ = stream.error();
    return false;
  }
  encoding_ = stream.encoding();
  invalid_sequences_ = stream.invalid_sequences();
  if (invalid_sequences_ > 0)
    file_findings_.push_back(invalid_bytes_finding(encoding_, invalid_sequences_, stream.first_invalid_offset()));
  delimiter_ = stream.delimiter();
  delimiter_detected_ = stream.delimiter_detected();
  blank_lines_ = stream.blank_lines();

  const std::size_t rows = lines_.size();
  csv_findings_.assign(rows, {});
  for (auto& [row, f] : pending_csv) {
    if (row >= 1 && row <= rows)
      csv_findings_[row - 1].push_back(std::move(f));
    else
      file_findings_.push_back(std::move(f));
  }
  if (stream.fatal()) {
    error_ = fatal_read_error(file_findings_);
    for (const auto& rf : csv_findings_)
      for (const Finding& f : rf)
        if (f.code == "csv_field_too_large" || f.code == "csv_too_many_columns")
          error_ = "Line " + std::to_string(f.line) + ": " + f.message;
    drop_rows();
    headers_.clear();  // only part of the file was read: remap() must not make that part usable
    return false;
  }
  error_ = header_read_error(file_findings_);
  if (!error_.empty()) {
    headers_.clear();  // not column names: remap() must not map them
    drop_rows();
    return false;
  }
  if (!have_header || headers_.empty()) {
    error_ = kNoHeaderError;
    return false;
  }
  return map_and_validate(opt.overrides);
}

bool Document::map_and_validate(const std::vector<std::pair<std::string, Field>>& overrides) {
  plan_ = plan_columns(headers_, overrides);
  // The mapping's file findings replace those of the previous mapping.
  file_findings_.erase(std::remove_if(file_findings_.begin(), file_findings_.end(),
                                      [](const Finding& f) {
                                        return f.code == "mapping_unknown_column" ||
                                               f.code == "enrichment_columns_missing";
                                      }),
                       file_findings_.end());
  file_findings_.insert(file_findings_.end(), plan_.findings.begin(), plan_.findings.end());
  const std::size_t rows = row_count();
  if (!plan_.error.empty()) {
    error_ = plan_.error;
    // The rows stay for a remap, but none can be sent until a column is mapped to email.
    status_.assign(rows, RowStatus::Invalid);
    dup_of_.assign(rows, 0);
    email_key_.assign(rows, std::string());
    row_findings_.assign(rows, {});
    return false;
  }
  error_.clear();
  status_.assign(rows, RowStatus::Valid);
  dup_of_.assign(rows, 0);
  email_key_.assign(rows, std::string());
  row_findings_.assign(rows, {});
  for (std::size_t r = 0; r < rows; ++r) validate_row(r);
  recompute_duplicates();
  return true;
}

void Document::drop_rows() {
  std::string().swap(arena_);
  decltype(cells_)().swap(cells_);
  decltype(lines_)().swap(lines_);
  decltype(csv_findings_)().swap(csv_findings_);
}

bool Document::remap(const std::vector<std::pair<std::string, Field>>& overrides) {
  return map_and_validate(overrides);
}

std::string_view Document::cell(std::size_t row, std::size_t col) const {
  if (row >= row_count() || col >= column_count()) return {};
  const auto& [off, len] = cells_[row * column_count() + col];
  return std::string_view(arena_).substr(off, len);
}

bool Document::set_cell(std::size_t row, std::size_t col, std::string_view value) {
  if (row >= row_count() || col >= column_count()) return false;
  cells_[row * column_count() + col] = {static_cast<std::uint32_t>(arena_.size()),
                                        static_cast<std::uint32_t>(value.size())};
  arena_.append(value.data(), value.size());
  validate_row(row);
  recompute_duplicates();
  return true;
}

std::string Document::email(std::size_t row) const {
  const int c = column_for(Field::Email);
  return c < 0 ? std::string() : check_email(cell(row, static_cast<std::size_t>(c))).value;
}

FieldCells Document::field_cells(std::size_t row) const {
  FieldCells cells;
  for (std::size_t f = 0; f < cells.size(); ++f)
    if (plan_.col[f] >= 0) cells[f] = cell(row, static_cast<std::size_t>(plan_.col[f]));
  return cells;
}

Prospect Document::prospect(std::size_t row) const {
  return check_row(plan_, field_cells(row), row + 1, lines_[row], nullptr).prospect;
}

void Document::validate_row(std::size_t row) {
  std::vector<Finding>& out = row_findings_[row];
  out.clear();
  RowCheck rc = check_row(plan_, field_cells(row), row + 1, lines_[row], &out);
  email_key_[row] = std::move(rc.email_key);
  status_[row] = row_status(rc.email_valid, csv_findings_[row]);
}

void Document::recompute_duplicates() {
  std::unordered_map<std::string_view, std::uint32_t> first;
  first.reserve(row_count());
  for (std::size_t r = 0; r < row_count(); ++r) {
    if (status_[r] == RowStatus::Duplicate) status_[r] = RowStatus::Valid;
    if (status_[r] != RowStatus::Valid) continue;
    auto [it, inserted] = first.emplace(email_key_[r], static_cast<std::uint32_t>(r));
    if (!inserted) {
      status_[r] = RowStatus::Duplicate;
      dup_of_[r] = it->second;
    }
  }
}

bool Document::has_warning(std::size_t row) const {
  for (const Finding& f : row_findings_[row])
    if (f.severity == Severity::Warning) return true;
  for (const Finding& f : csv_findings_[row])
    if (f.severity == Severity::Warning) return true;
  return false;
}

std::vector<Finding> Document::row_findings(std::size_t row) const {
  std::vector<Finding> out = csv_findings_[row];
  out.insert(out.end(), row_findings_[row].begin(), row_findings_[row].end());
  if (status_[row] == RowStatus::Duplicate) {
    const std::size_t first = dup_of_[row];
    out.push_back(duplicate_finding(row + 1, lines_[row], first + 1, lines_[first], email_key_[row]));
  }
  return out;
}

std::vector<Finding> Document::all_findings() const {
  std::vector<Finding> out = file_findings_;
  for (std::size_t r = 0; r < row_count(); ++r) {
    std::vector<Finding> rf = row_findings(r);
    out.insert(out.end(), std::make_move_iterator(rf.begin()), std::make_move_iterator(rf.end()));
  }
  return out;
}

Summary Document::summary(std::size_t batch_size) const {
  Summary s;
  s.blank_lines = blank_lines_;
  for (std::size_t r = 0; r < row_count(); ++r) count_row(s, status_[r], csv_findings_[r], row_findings_[r]);
  close_summary(s, batch_size);
  return s;
}

std::vector<std::vector<std::size_t>> Document::batch_rows(std::size_t batch_size) const {
  if (batch_size == 0) batch_size = kDefaultBatchSize;
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t r = 0; r < row_count(); ++r) {
    if (status_[r] != RowStatus::Valid) continue;
    if (out.empty() || out.back().size() == batch_size) out.emplace_back();
    out.back().push_back(r);
  }
  return out;
}

std::string Document::batch_body(const std::vector<std::size_t>& rows) const {
  std::vector<Prospect> list;
  list.reserve(rows.size());
  for (std::size_t r : rows) list.push_back(prospect(r));
  return batch_body_json(list);
}

std::string validation_report_json(const Document& d, std::size_t batch_size) {
  std::string out = "{\"encoding\":";
  append_json_string(out, encoding_name(d.encoding()));
  out += ",\"delimiter\":";
  append_json_string(out, std::string(1, d.delimiter()));
  out += ",\"columns\":";
  append_columns_json(out, d.columns());
  out += ",\"issues\":[";
  bool first = true;
  for (const Finding& f : d.all_findings()) {
    if (!first) out.push_back(',');
    first = false;
    append_finding_json(out, f);
  }
  out += "],\"summary\":";
  append_summary_json(out, d.summary(batch_size));
  out.push_back('}');
  return out;
}

// ---- shared rules (see document.hpp) ----------------------------------------------------------

const char* const kEmptyInputError =
    "The file is empty. Export the prospects again, or paste CSV text with a header row.";
const char* const kNoHeaderError =
    "No header row was found. The first line must name the columns, e.g. email,first_name,last_name.";

std::string fatal_read_error(const std::vector<Finding>& file_findings) {
  std::string error;
  for (const Finding& f : file_findings)
    if (f.severity == Severity::Error) error = f.message;
  if (error.empty()) error = "The file could not be read as CSV.";
  return error;
}

std::string header_read_error(const std::vector<Finding>& file_findings) {
  // A reader error in the header record (an unclosed quote) means the column names, and usually
  // every line after them, are wrong: mapping them would only report a confusing "no email column"
  // or load a file without rows.
  for (const Finding& f : file_findings) {
    if (f.row != 0 || f.severity != Severity::Error || f.code.rfind("csv_", 0) != 0) continue;
    std::string error = "The header row (line " + std::to_string(f.line) + ") cannot be read: " + f.message;
    if (f.code == "csv_unclosed_quote")
      error += " In a header a quote is usually a stray character: if so, remove the stray quote "
               "character instead of closing it.";
    return error;
  }
  return std::string();
}

Finding invalid_bytes_finding(Encoding e, std::size_t invalid_sequences, std::size_t first_invalid_offset) {
  return Finding{0, 0, "", Severity::Warning, "encoding_invalid_bytes",
                 std::to_string(invalid_sequences) + " byte sequence(s) are not valid " + encoding_name(e) +
                     " (first at byte " + std::to_string(first_invalid_offset) +
                     ") and were replaced by \xEF\xBF\xBD. If names look garbled, "
                     "choose the file's encoding by hand."};
}

ColumnPlan plan_columns(const std::vector<std::string>& headers,
                        const std::vector<std::pair<std::string, Field>>& overrides) {
  ColumnPlan plan;
  std::string seen;  // “a”, “b”, ...
  for (const std::string& h : headers) seen += (seen.empty() ? "" : ", ") + quoted(h, 80);
  // Overrides that name no column: one warning each.
  for (const auto& ov : overrides) {
    if (override_column(headers, ov.first) >= 0) continue;
    plan.findings.push_back(Finding{
        0, 0, "", Severity::Warning, "mapping_unknown_column",
        "No column matches " + quoted(ov.first, 80) + " (mapped to " + field_name(ov.second) +
            "), so that choice was not applied. Headers seen: " + seen +
            ". Use one of these header names exactly, or #N for the N-th column (1 to " +
            std::to_string(headers.size()) + ")."});
  }
  plan.columns = map_columns(headers, overrides);
  for (std::size_t c = 0; c < plan.columns.size(); ++c) {
    int f = static_cast<int>(plan.columns[c].field);
    if (plan.columns[c].field != Field::Ignore && plan.col[f] < 0) plan.col[f] = static_cast<int>(c);
  }
  // Enrichment signals: when the file lacks the columns altogether, say it once for the file instead
  // of on every row; when the columns exist, rows whose values are empty are warned one by one.
  const bool li = plan.column(Field::LinkedinUrl) >= 0;
  const bool first = plan.column(Field::FirstName) >= 0 || plan.column(Field::FullName) >= 0;
  const bool last = plan.column(Field::LastName) >= 0 || plan.column(Field::FullName) >= 0;
  const bool site = plan.column(Field::CompanyWebsite) >= 0;
  plan.signals_by_row = li || (first && last && site);
  if (!plan.signals_by_row && plan.column(Field::Email) >= 0) {
    std::string missing;
    for (auto [have, name] : {std::pair<bool, const char*>{first, "first_name"}, {last, "last_name"}, {site, "company_website"}})
      if (!have) missing += (missing.empty() ? "" : ", ") + std::string(name);
    plan.findings.push_back(Finding{
        0, 0, "", Severity::Warning, "enrichment_columns_missing",
        "The file has no LinkedIn column and no " + missing +
            " column: enrichment usually needs linkedin_url, or first_name and last_name with company_website. "
            "The rows are sent, but many may not be enriched. Add those columns if your CRM exports them, or "
            "map an existing column to them."});
  }
  if (plan.column(Field::Email) < 0)
    plan.error = "No email column was found. Headers seen: " + seen +
                 ". Name the column “email”, or map one of these columns to email.";
  return plan;
}

RowCheck check_row(const ColumnPlan& plan, const FieldCells& cells, std::size_t row, std::size_t line,
                   std::vector<Finding>* findings) {
  RowCheck rc;
  Prospect& p = rc.prospect;
  const std::size_t rn = row;
  auto get = [&](Field f) { return cells[static_cast<std::size_t>(f)]; };
  auto notes = [&](const char* field, const FieldResult& r) {
    if (findings) add_notes(*findings, rn, line, field, r);
  };

  FieldResult email = check_email(get(Field::Email));
  notes("email", email);
  rc.email_valid = email.valid;
  rc.email_key = email.valid ? ascii_lower(email.value) : std::string();
  p.email = std::move(email.value);

  if (plan.column(Field::FirstName) >= 0 || plan.column(Field::LastName) >= 0) {
    FieldResult f = check_name(get(Field::FirstName));
    notes("first_name", f);
    FieldResult l = check_name(get(Field::LastName));
    notes("last_name", l);
    p.first_name = std::move(f.value);
    p.last_name = std::move(l.value);
  } else if (plan.column(Field::FullName) >= 0) {
    std::string_view full = get(Field::FullName);
    if (!split_full_name(full, p.first_name, p.last_name)) {
      FieldResult f = check_name(full);
      notes("first_name", f);
      p.first_name = std::move(f.value);
      p.last_name.clear();
      if (findings && !p.first_name.empty())
        findings->push_back(Finding{rn, line, "first_name", Severity::Warning, "name_not_split",
                                    quoted(p.first_name, 80) + " could not be split into first and last name; it is "
                                    "sent as first_name only. Add a last name if you know it."});
    }
  }
  FieldResult li = check_linkedin(get(Field::LinkedinUrl));
  notes("linkedin_url", li);
  FieldResult company = check_name(get(Field::CompanyName));
  notes("company_name", company);
  FieldResult web = check_website(get(Field::CompanyWebsite));
  notes("company_website", web);
  p.linkedin_url = std::move(li.value);
  p.company_name = std::move(company.value);
  p.company_website = std::move(web.value);

  if (findings && plan.signals_by_row && rc.email_valid && p.linkedin_url.empty() &&
      (p.first_name.empty() || p.last_name.empty() || p.company_website.empty())) {
    std::string missing;
    auto need = [&](bool empty, const char* name) {
      if (empty) missing += (missing.empty() ? "" : ", ") + std::string(name);
    };
    need(p.first_name.empty(), "first_name");
    need(p.last_name.empty(), "last_name");
    need(p.company_website.empty(), "company_website");
    findings->push_back(Finding{rn, line, "", Severity::Warning, "enrichment_signals_missing",
                                "No LinkedIn profile and no " + missing +
                                    ": enrichment usually needs linkedin_url, or first_name and last_name with "
                                    "company_website. The row is sent, but may not be enriched."});
  }
  return rc;
}

RowStatus row_status(bool email_valid, const std::vector<Finding>& csv_findings) {
  bool error = !email_valid;
  for (const Finding& f : csv_findings)
    if (f.severity == Severity::Error) error = true;
  return error ? RowStatus::Invalid : RowStatus::Valid;
}

Finding duplicate_finding(std::size_t row, std::size_t line, std::size_t first_row, std::size_t first_line,
                          const std::string& email_key) {
  return Finding{row, line, "email", Severity::Error, "duplicate_email",
                 "Duplicate of row " + std::to_string(first_row) + " (line " + std::to_string(first_line) +
                     "), same email " + email_key + ". Only the first is sent."};
}

void count_row(Summary& s, RowStatus status, const std::vector<Finding>& csv_findings,
               const std::vector<Finding>& check_findings) {
  ++s.rows;
  switch (status) {
    case RowStatus::Valid: ++s.valid; break;
    case RowStatus::Invalid: ++s.invalid; break;
    case RowStatus::Duplicate: ++s.duplicates; break;
  }
  bool warned = false;
  for (const auto* list : {&csv_findings, &check_findings})
    for (const Finding& f : *list) {
      if (f.severity == Severity::Warning) {
        ++s.warnings;
        warned = true;
      } else {
        ++s.errors;
      }
    }
  if (status == RowStatus::Duplicate) ++s.errors;
  if (warned) ++s.rows_with_warnings;
}

void close_summary(Summary& s, std::size_t batch_size) {
  if (batch_size == 0) batch_size = kDefaultBatchSize;
  s.batches = (s.valid + batch_size - 1) / batch_size;
  s.credits_max = kCreditsPerProspect * static_cast<double>(s.valid);
}

std::string batch_body_json(const std::vector<Prospect>& prospects) {
  ojson list = ojson::array();
  for (const Prospect& p : prospects) {
    ojson o = ojson::object();
    o["email"] = p.email;
    auto put = [&](const char* k, const std::string& v) {
      if (!v.empty()) o[k] = v;
    };
    put("first_name", p.first_name);
    put("last_name", p.last_name);
    put("linkedin_url", p.linkedin_url);
    put("company_name", p.company_name);
    put("company_website", p.company_website);
    list.push_back(std::move(o));
  }
  ojson body = ojson::object();
  body["prospects"] = std::move(list);
  return dump(body);
}

}  // namespace pe
