#include "document.hpp"

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "fields.hpp"
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

// Recognises files that are not text at all, so that the user is told what they loaded instead
// of seeing a garbled header. nullptr = looks like text.
const char* binary_kind(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("PK\x03\x04")) return "a zip archive (an Excel .xlsx workbook, a Numbers file or a .zip)";
  if (starts("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return "an old Excel workbook (.xls)";
  if (starts("%PDF")) return "a PDF document";
  if (starts("\x89PNG") || starts("\xFF\xD8\xFF") || starts("GIF8")) return "an image";
  const bool utf16 = starts("\xFF\xFE") || starts("\xFE\xFF");
  if (utf16) return nullptr;
  // UTF-16 without a BOM is text with a NUL in every other byte; other NULs mean binary.
  const std::string_view head = b.substr(0, 4096);
  std::size_t nul = 0, even = 0;
  for (std::size_t i = 0; i < head.size(); ++i)
    if (head[i] == '\0') {
      ++nul;
      if (i % 2 == 0) ++even;
    }
  const bool looks_utf16 = nul * 2 + 2 >= head.size() && (even == 0 || even == nul);
  if (nul > 0 && !looks_utf16) return "binary data";
  return nullptr;
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
    error_ = "The file is empty. Export the prospects again, or paste CSV text with a header row.";
    return false;
  }
  if (const char* what = binary_kind(bytes)) {
    error_ = std::string("This file is ") + what +
             ", not CSV text. Save or export it as CSV (in Excel: File \xE2\x86\x92 Save As \xE2\x86\x92 "
             "CSV UTF-8), then load that file.";
    return false;
  }
  Decoded dec = decode_all(bytes, opt.encoding);
  encoding_ = dec.encoding;
  invalid_sequences_ = dec.invalid_sequences;
  if (dec.invalid_sequences > 0) {
    file_findings_.push_back(Finding{0, 0, "", Severity::Warning, "encoding_invalid_bytes",
                                     std::to_string(dec.invalid_sequences) +
                                         " byte sequence(s) are not valid " + encoding_name(dec.encoding) +
                                         " (first at byte " + std::to_string(dec.first_invalid_offset) +
                                         ") and were replaced by \xEF\xBF\xBD. If names look garbled, "
                                         "choose the file's encoding by hand."});
  }

  if (opt.delimiter != 0) {
    delimiter_ = opt.delimiter;
  } else {
    delimiter_ = detect_delimiter(std::string_view(dec.text).substr(0, 64 * 1024));
    delimiter_detected_ = true;
  }

  CsvOptions copt;
  copt.delimiter = delimiter_;
  std::vector<std::pair<std::size_t, Finding>> pending_csv;  // (row, finding)
  bool have_header = false;
  CsvReader reader(
      copt,
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
  reader.feed(dec.text);
  reader.finish();
  blank_lines_ = reader.blank_lines();

  const std::size_t rows = lines_.size();
  csv_findings_.assign(rows, {});
  for (auto& [row, f] : pending_csv) {
    if (row >= 1 && row <= rows)
      csv_findings_[row - 1].push_back(std::move(f));
    else
      file_findings_.push_back(std::move(f));
  }
  if (reader.fatal()) {
    for (const Finding& f : file_findings_)
      if (f.severity == Severity::Error) error_ = f.message;
    for (const auto& rf : csv_findings_)
      for (const Finding& f : rf)
        if (f.code == "csv_field_too_large" || f.code == "csv_too_many_columns")
          error_ = "Line " + std::to_string(f.line) + ": " + f.message;
    if (error_.empty()) error_ = "The file could not be read as CSV.";
    drop_rows();
    headers_.clear();  // only part of the file was read: remap() must not make that part usable
    return false;
  }
  // A reader error in the header record (an unclosed quote) means the column names, and usually
  // every line after them, are wrong: mapping them would only report a confusing "no email column"
  // or load a file without rows.
  for (const Finding& f : file_findings_) {
    if (f.row != 0 || f.severity != Severity::Error || f.code.rfind("csv_", 0) != 0) continue;
    error_ = "The header row (line " + std::to_string(f.line) + ") cannot be read: " + f.message;
    if (f.code == "csv_unclosed_quote")
      error_ += " In a header a quote is usually a stray character: if so, remove the stray quote "
                "character instead of closing it.";
    headers_.clear();  // not column names: remap() must not map them
    drop_rows();
    return false;
  }
  if (!have_header || headers_.empty()) {
    error_ = "No header row was found. The first line must name the columns, e.g. email,first_name,last_name.";
    return false;
  }
  return map_and_validate(opt.overrides);
}

int Document::column_for(Field f) const { return col_[static_cast<int>(f)]; }

void Document::drop_rows() {
  std::string().swap(arena_);
  decltype(cells_)().swap(cells_);
  decltype(lines_)().swap(lines_);
  decltype(csv_findings_)().swap(csv_findings_);
}

std::string Document::headers_seen() const {
  std::string seen;
  for (const std::string& h : headers_) seen += (seen.empty() ? "" : ", ") + quoted(h, 80);
  return seen;
}

bool Document::map_and_validate(const std::vector<std::pair<std::string, Field>>& overrides) {
  // Overrides that name no column: one warning each (replacing those of the previous mapping).
  file_findings_.erase(std::remove_if(file_findings_.begin(), file_findings_.end(),
                                      [](const Finding& f) { return f.code == "mapping_unknown_column"; }),
                       file_findings_.end());
  for (const auto& ov : overrides) {
    if (override_column(headers_, ov.first) >= 0) continue;
    file_findings_.push_back(Finding{
        0, 0, "", Severity::Warning, "mapping_unknown_column",
        "No column matches " + quoted(ov.first, 80) + " (mapped to " + field_name(ov.second) +
            "), so that choice was not applied. Headers seen: " + headers_seen() +
            ". Use one of these header names exactly, or #N for the N-th column (1 to " +
            std::to_string(headers_.size()) + ")."});
  }
  columns_ = map_columns(headers_, overrides);
  std::fill(std::begin(col_), std::end(col_), -1);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    int f = static_cast<int>(columns_[c].field);
    if (columns_[c].field != Field::Ignore && col_[f] < 0) col_[f] = static_cast<int>(c);
  }
  // Enrichment signals: when the file lacks the columns altogether, say it once for the file instead
  // of on every row; when the columns exist, rows whose values are empty are warned one by one.
  file_findings_.erase(std::remove_if(file_findings_.begin(), file_findings_.end(),
                                      [](const Finding& f) { return f.code == "enrichment_columns_missing"; }),
                       file_findings_.end());
  {
    const bool li = column_for(Field::LinkedinUrl) >= 0;
    const bool first = column_for(Field::FirstName) >= 0 || column_for(Field::FullName) >= 0;
    const bool last = column_for(Field::LastName) >= 0 || column_for(Field::FullName) >= 0;
    const bool site = column_for(Field::CompanyWebsite) >= 0;
    signals_by_row_ = li || (first && last && site);
    if (!signals_by_row_ && column_for(Field::Email) >= 0) {
      std::string missing;
      for (auto [have, name] : {std::pair<bool, const char*>{first, "first_name"}, {last, "last_name"}, {site, "company_website"}})
        if (!have) missing += (missing.empty() ? "" : ", ") + std::string(name);
      file_findings_.push_back(Finding{
          0, 0, "", Severity::Warning, "enrichment_columns_missing",
          "The file has no LinkedIn column and no " + missing +
              " column: enrichment usually needs linkedin_url, or first_name and last_name with company_website. "
              "The rows are sent, but many may not be enriched. Add those columns if your CRM exports them, or "
              "map an existing column to them."});
    }
  }
  const std::size_t rows = row_count();
  if (column_for(Field::Email) < 0) {
    error_ = "No email column was found. Headers seen: " + headers_seen() +
             ". Name the column “email”, or map one of these columns to email.";
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

Prospect Document::prospect(std::size_t row) const {
  Prospect p;
  auto get = [&](Field f) -> std::string_view {
    int c = column_for(f);
    return c < 0 ? std::string_view() : cell(row, static_cast<std::size_t>(c));
  };
  p.email = email(row);
  p.first_name = check_name(get(Field::FirstName)).value;
  p.last_name = check_name(get(Field::LastName)).value;
  if (column_for(Field::FirstName) < 0 && column_for(Field::LastName) < 0 && column_for(Field::FullName) >= 0) {
    std::string first, last;
    if (split_full_name(get(Field::FullName), first, last)) {
      p.first_name = first;
      p.last_name = last;
    } else {
      p.first_name = check_name(get(Field::FullName)).value;
    }
  }
  p.linkedin_url = check_linkedin(get(Field::LinkedinUrl)).value;
  p.company_name = check_name(get(Field::CompanyName)).value;
  p.company_website = check_website(get(Field::CompanyWebsite)).value;
  return p;
}

void Document::validate_row(std::size_t row) {
  std::vector<Finding>& out = row_findings_[row];
  out.clear();
  const std::size_t rn = row + 1, line = lines_[row];
  auto get = [&](Field f) -> std::string_view {
    int c = column_for(f);
    return c < 0 ? std::string_view() : cell(row, static_cast<std::size_t>(c));
  };

  FieldResult email = check_email(get(Field::Email));
  add_notes(out, rn, line, "email", email);
  email_key_[row] = email.valid ? ascii_lower(email.value) : std::string();

  std::string first, last;
  if (column_for(Field::FirstName) >= 0 || column_for(Field::LastName) >= 0) {
    FieldResult f = check_name(get(Field::FirstName));
    add_notes(out, rn, line, "first_name", f);
    FieldResult l = check_name(get(Field::LastName));
    add_notes(out, rn, line, "last_name", l);
    first = f.value;
    last = l.value;
  } else if (column_for(Field::FullName) >= 0) {
    std::string_view full = get(Field::FullName);
    if (!split_full_name(full, first, last)) {
      FieldResult f = check_name(full);
      add_notes(out, rn, line, "first_name", f);
      first = f.value;
      if (!first.empty())
        out.push_back(Finding{rn, line, "first_name", Severity::Warning, "name_not_split",
                              quoted(first, 80) + " could not be split into first and last name; it is sent as "
                              "first_name only. Add a last name if you know it."});
    }
  }
  FieldResult li = check_linkedin(get(Field::LinkedinUrl));
  add_notes(out, rn, line, "linkedin_url", li);
  FieldResult company = check_name(get(Field::CompanyName));
  add_notes(out, rn, line, "company_name", company);
  FieldResult web = check_website(get(Field::CompanyWebsite));
  add_notes(out, rn, line, "company_website", web);

  if (signals_by_row_ && email.valid && li.value.empty() && (first.empty() || last.empty() || web.value.empty())) {
    std::string missing;
    auto need = [&](bool empty, const char* name) {
      if (empty) missing += (missing.empty() ? "" : ", ") + std::string(name);
    };
    need(first.empty(), "first_name");
    need(last.empty(), "last_name");
    need(web.value.empty(), "company_website");
    out.push_back(Finding{rn, line, "", Severity::Warning, "enrichment_signals_missing",
                          "No LinkedIn profile and no " + missing +
                              ": enrichment usually needs linkedin_url, or first_name and last_name with "
                              "company_website. The row is sent, but may not be enriched."});
  }

  bool error = !email.valid;
  for (const Finding& f : csv_findings_[row])
    if (f.severity == Severity::Error) error = true;
  status_[row] = error ? RowStatus::Invalid : RowStatus::Valid;
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
    out.push_back(Finding{row + 1, lines_[row], "email", Severity::Error, "duplicate_email",
                          "Duplicate of row " + std::to_string(first + 1) + " (line " +
                              std::to_string(lines_[first]) + "), same email " + email_key_[row] +
                              ". Only the first is sent."});
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
  s.rows = row_count();
  s.blank_lines = blank_lines_;
  for (std::size_t r = 0; r < s.rows; ++r) {
    switch (status_[r]) {
      case RowStatus::Valid: ++s.valid; break;
      case RowStatus::Invalid: ++s.invalid; break;
      case RowStatus::Duplicate: ++s.duplicates; break;
    }
    bool warned = false;
    for (const auto* list : {&csv_findings_[r], &row_findings_[r]})
      for (const Finding& f : *list) {
        if (f.severity == Severity::Warning) {
          ++s.warnings;
          warned = true;
        } else {
          ++s.errors;
        }
      }
    if (status_[r] == RowStatus::Duplicate) ++s.errors;
    if (warned) ++s.rows_with_warnings;
  }
  if (batch_size == 0) batch_size = kDefaultBatchSize;
  s.batches = (s.valid + batch_size - 1) / batch_size;
  s.credits_max = kCreditsPerProspect * static_cast<double>(s.valid);
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
  ojson list = ojson::array();
  for (std::size_t r : rows) {
    Prospect p = prospect(r);
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

std::string validation_report_json(const Document& d, std::size_t batch_size) {
  ojson j = ojson::object();
  j["encoding"] = encoding_name(d.encoding());
  j["delimiter"] = std::string(1, d.delimiter());
  ojson cols = ojson::array();
  for (const ColumnMap& c : d.columns()) {
    ojson o = ojson::object();
    o["header"] = c.header;
    o["field"] = c.field == Field::Ignore ? ojson(nullptr) : ojson(field_name(c.field));
    if (!c.note.empty()) o["note"] = c.note;
    cols.push_back(std::move(o));
  }
  j["columns"] = std::move(cols);
  Summary s = d.summary(batch_size);
  ojson sum = ojson::object();
  sum["rows"] = s.rows;
  sum["valid"] = s.valid;
  sum["invalid"] = s.invalid;
  sum["duplicates"] = s.duplicates;
  sum["rows_with_warnings"] = s.rows_with_warnings;
  sum["blank_lines"] = s.blank_lines;
  sum["batches"] = s.batches;
  sum["credits_max"] = s.credits_max;
  j["summary"] = std::move(sum);
  ojson issues = ojson::array();
  for (const Finding& f : d.all_findings()) {
    ojson o = ojson::object();
    o["row"] = f.row == 0 ? ojson(nullptr) : ojson(f.row);
    o["line"] = f.line == 0 ? ojson(nullptr) : ojson(f.line);
    o["field"] = f.field.empty() ? ojson(nullptr) : ojson(f.field);
    o["severity"] = severity_name(f.severity);
    o["code"] = f.code;
    o["message"] = f.message;
    issues.push_back(std::move(o));
  }
  j["issues"] = std::move(issues);
  return dump(j);
}

}  // namespace pe
