// The page's session (see session.hpp).
#include "session.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "csv.hpp"
#include "digest.hpp"
#include "checks.hpp"
#include "requests.hpp"
#include "results_csv.hpp"
#include "run_ledger.hpp"
#include "text.hpp"

namespace pe {

namespace {

// The load options named by the page ("auto" or a name) into opt; "" or why a name is refused.
std::string read_options(const std::string& encoding, const std::string& delimiter, LoadOptions& opt) {
  if (encoding != "auto" && !parse_encoding_name(encoding, opt.encoding)) return "Unknown encoding " + quoted(encoding, 40) + ".";
  if (delimiter != "auto" && !parse_delimiter(delimiter, opt.delimiter)) return "Unknown delimiter " + quoted(delimiter, 40) + ".";
  return std::string();
}

SessionState refused(std::string error) {
  SessionState s;
  s.refused = true;
  s.error = std::move(error);
  return s;
}

}  // namespace

RowFilter row_filter(std::string_view name, Code* code) {
  constexpr std::string_view kCode = "code:";
  if (name.substr(0, kCode.size()) == kCode) {
    Code c;
    if (!code_of_name(name.substr(kCode.size()), c)) return RowFilter::Unknown;
    if (code) *code = c;
    return RowFilter::Code;
  }
  static const std::pair<const char*, RowFilter> kFilters[] = {
      {"all", RowFilter::All},     {"errors", RowFilter::Errors},       {"warnings", RowFilter::Warnings},
      {"valid", RowFilter::Valid}, {"excluded", RowFilter::Excluded}};
  for (const auto& [n, f] : kFilters)
    if (name == n) return f;
  return RowFilter::Unknown;
}

void Session::clear() {
  doc_ = Document();  // frees the cells, findings and everything else of the previous file
  loaded_ = false;
  overrides_.clear();
  fingerprint_.clear();
  std::vector<std::uint64_t>().swap(skip_);
  std::vector<std::uint32_t>().swap(visible_);
  std::vector<std::vector<std::size_t>>().swap(batches_);
  batches_valid_ = false;
  fix_counts_ = FixCounts();
}

SessionState Session::load(std::string_view bytes, const std::string& encoding, const std::string& delimiter,
                           int batch_size) {
  return load_from(bytes, nullptr, encoding, delimiter, batch_size);
}

SessionState Session::load_owned(std::string&& bytes, const std::string& encoding, const std::string& delimiter,
                                 int batch_size) {
  return load_from(bytes, &bytes, encoding, delimiter, batch_size);
}

SessionState Session::load_from(std::string_view bytes, std::string* owned, const std::string& encoding,
                                const std::string& delimiter, int batch_size) {
  clear();
  LoadOptions opt;
  if (std::string error = read_options(encoding, delimiter, opt); !error.empty()) return refused(std::move(error));
  opt.header_skip = header_skip_;
  batch_size_ = batch_size > 0 ? static_cast<std::size_t>(batch_size) : kDefaultBatchSize;
  try {
    fingerprint_ = content_fingerprint(bytes);
    loaded_ = owned ? doc_.load_owned(std::move(*owned), opt) : doc_.load(bytes, opt);
    if (!loaded_) fingerprint_.clear();
    refilter();
    return state();
  } catch (...) {
    clear();  // nothing of a half-read file stays behind
    throw;
  }
}

char* Session::begin_input(std::size_t size) {
  clear();
  try {
    return doc_.begin_input(size);
  } catch (...) {
    clear();
    throw;
  }
}

void Session::read_input(std::size_t end, const std::string& encoding, const std::string& delimiter) {
  LoadOptions opt;
  if (!read_options(encoding, delimiter, opt).empty()) return;
  opt.header_skip = header_skip_;
  try {
    doc_.read_to(end, opt);
  } catch (...) {
    clear();
    throw;
  }
}

SessionState Session::end_input(const std::string& encoding, const std::string& delimiter, int batch_size) {
  LoadOptions opt;
  if (std::string error = read_options(encoding, delimiter, opt); !error.empty()) {
    clear();
    return refused(std::move(error));
  }
  opt.header_skip = header_skip_;
  batch_size_ = batch_size > 0 ? static_cast<std::size_t>(batch_size) : kDefaultBatchSize;
  try {
    fingerprint_ = content_fingerprint(doc_.input());  // before reading ends: the input may be freed then
    loaded_ = doc_.end_input(opt);
    if (!loaded_) fingerprint_.clear();
    refilter();
    return state();
  } catch (...) {
    clear();
    throw;
  }
}

SessionState Session::state() const {
  SessionState s;
  s.ok = loaded_;
  s.error = doc_.error();
  s.encoding = doc_.encoding();
  s.delimiter = doc_.delimiter();
  s.delimiter_detected = doc_.delimiter_detected();
  s.title_records = doc_.title_records();
  s.previews = doc_.previews();
  s.columns = doc_.columns();
  if (s.columns.empty())
    for (const std::string& h : doc_.headers()) s.columns.push_back(ColumnMap{h, Field::Ignore, false, ""});
  s.file_findings = doc_.file_findings();
  s.summary = doc_.summary(batch_size_);
  if (loaded_) s.fingerprint = fingerprint_;
  return s;
}

SessionState Session::state_with_error(const std::string& error) const {
  SessionState s = state();
  s.ok = false;
  s.error = error;
  return s;
}

SessionState Session::remap(std::vector<std::pair<std::string, Field>> overrides) {
  overrides_ = std::move(overrides);
  batches_valid_ = false;
  fix_counts_ = FixCounts();  // other columns, other fixes
  try {
    if (!doc_.headers().empty()) loaded_ = doc_.remap(overrides_);
    refilter();
    return state();
  } catch (...) {
    clear();  // a half-validated document must not be shown or sent
    throw;
  }
}

void Session::set_batch_size(int n) {
  batch_size_ = n > 0 ? static_cast<std::size_t>(n) : kDefaultBatchSize;
  batches_valid_ = false;
}

namespace {

// "acme.com" sent as "https://acme.com", "linkedin.com/in/ada" as "https://www.linkedin.com/in/ada":
// a website or profile without its scheme (or LinkedIn's www.), written out in full, is the same
// address, not worth a mark beside every row of the grid. Any other change is (http:// made https://,
// a path or a tracking parameter dropped, the case of a letter).
bool same_address(Field f, std::string_view raw, std::string_view sent) {
  if (sent.empty() || (f != Field::LinkedinUrl && f != Field::CompanyWebsite)) return false;
  std::string full(raw);
  if (full.compare(0, 8, "https://") != 0 && full.compare(0, 7, "http://") != 0) full.insert(0, "https://");
  if (f == Field::LinkedinUrl && full.compare(0, 21, "https://linkedin.com/") == 0) full.insert(8, "www.");
  auto unslashed = [](std::string_view s) { return !s.empty() && s.back() == '/' ? s.substr(0, s.size() - 1) : s; };
  return unslashed(full) == unslashed(sent);
}

}  // namespace

RowView Session::row_view(std::size_t r) const {
  RowView v;
  v.index = r;
  v.line = doc_.line_of(r);
  v.status = doc_.status(r);
  v.duplicate_of = doc_.duplicate_of(r);
  v.excluded = doc_.excluded(r);
  v.cells.reserve(doc_.column_count());
  for (std::size_t c = 0; c < doc_.column_count(); ++c) v.cells.push_back(doc_.cell(r, c));
  v.findings = doc_.row_findings(r);
  // Rows not sent send nothing: not valid, excluded, or confirmed queued by an earlier run.
  if (v.status != RowStatus::Valid || v.excluded || skipped(r)) return v;
  const Prospect p = doc_.prospect(r);
  const auto& cols = doc_.columns();
  for (std::size_t c = 0; c < cols.size() && c < v.cells.size(); ++c) {
    const Field f = cols[c].field;
    const std::string* value = nullptr;
    switch (f) {
      case Field::Email: value = &p.email; break;
      case Field::FirstName: value = &p.first_name; break;
      case Field::LastName: value = &p.last_name; break;
      case Field::LinkedinUrl: value = &p.linkedin_url; break;
      case Field::CompanyName: value = &p.company_name; break;
      case Field::CompanyWebsite: value = &p.company_website; break;
      case Field::FullName:
        // Split when sent (always shown: the one cell becomes two fields), unless a first- or
        // last-name column was chosen too: then the names come from those, and this one sends nothing.
        if (!v.cells[c].empty() && doc_.column_for(Field::FirstName) < 0 && doc_.column_for(Field::LastName) < 0) {
          v.sent.push_back({c, Field::FirstName, p.first_name});
          v.sent.push_back({c, Field::LastName, p.last_name});
        }
        break;
      case Field::Ignore: break;
    }
    if (value && *value != v.cells[c] && !same_address(f, v.cells[c], *value)) v.sent.push_back({c, f, *value});
  }
  return v;
}

CellEdit Session::set_cell(int row, int col, const std::string& value) {
  CellEdit e;
  if (!loaded_ || row < 0 || col < 0 ||
      !doc_.set_cell(static_cast<std::size_t>(row), static_cast<std::size_t>(col), value)) {
    e.error = "That cell does not exist.";
    return e;
  }
  batches_valid_ = false;
  refix(static_cast<std::size_t>(row));
  e.ok = true;
  e.row = row_view(static_cast<std::size_t>(row));
  e.summary = doc_.summary(batch_size_);
  return e;
}

CellsEdit Session::set_cells(const std::vector<Document::CellChange>& changes) {
  CellsEdit e;
  if (loaded_) e.made = doc_.set_cells(changes, &e.made_at);
  e.skipped = changes.size() - e.made;
  if (e.made) {
    batches_valid_ = false;
    for (std::size_t i : e.made_at) refix(changes[i].row);
    refilter();
  }
  e.summary = doc_.summary(batch_size_);
  return e;
}

// A fix's changes into *out, or only counted when out is null (the count is asked after every edit,
// so the common cells cost no allocation: a clean cell is read as a view, a plain value gets its
// quick answer). Returns how many cells the fix changes.
bool Session::fix_target(const std::string& fix, FixTarget& t) const {
  if (fix == "website_from_email") {
    t = FixTarget{FixKind::WebsiteFromEmail, doc_.column_for(Field::CompanyWebsite)};
    return t.col >= 0 && doc_.column_for(Field::Email) >= 0;
  }
  if (fix == "clear_linkedin" || fix == "clear_website") {
    const bool linkedin = fix == "clear_linkedin";
    t = FixTarget{linkedin ? FixKind::ClearLinkedin : FixKind::ClearWebsite,
                  doc_.column_for(linkedin ? Field::LinkedinUrl : Field::CompanyWebsite)};
    return t.col >= 0;
  }
  if (fix == "lower_email_domain") {
    t = FixTarget{FixKind::LowerEmailDomain, doc_.column_for(Field::Email)};
    return t.col >= 0;
  }
  if (fix == "split_name") {
    t = FixTarget{FixKind::SplitName, full_name_column()};
    return t.col >= 0;
  }
  if (fix.compare(0, 5, "trim:") == 0) {
    const std::string digits = fix.substr(5);
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
    const std::size_t col = static_cast<std::size_t>(std::stoul(digits));
    if (col >= doc_.column_count()) return false;
    t = FixTarget{FixKind::Trim, static_cast<int>(col)};
    return true;
  }
  return false;
}

bool Session::fix_cell(const FixTarget& t, std::size_t r, std::string& scratch, std::string* to, std::string* to2) const {
  if (doc_.excluded(r)) return false;  // the user set the row aside: no fix changes it
  const std::size_t col = static_cast<std::size_t>(t.col);
  const std::string_view now = doc_.cell(r, col);
  switch (t.kind) {
    case FixKind::WebsiteFromEmail: {
      if (!collapsed(now, scratch).empty()) return false;
      const std::string_view cell = doc_.cell(r, static_cast<std::size_t>(doc_.column_for(Field::Email)));
      std::string checked;  // the address as sent, when the quick answer does not say it is the cell
      if (quick_email(cell) != Quick::Same) {
        FieldResult e = check_email(cell);
        if (!e.valid) return false;
        checked = std::move(e.value);
      }
      const std::string_view address = checked.empty() ? cell : std::string_view(checked);
      const std::string_view domain = address.substr(address.find('@') + 1);
      if (is_webmail_domain(domain)) return false;
      if (to) *to = std::string(domain);
      return true;
    }
    case FixKind::ClearLinkedin:
    case FixKind::ClearWebsite: {
      const bool linkedin = t.kind == FixKind::ClearLinkedin;
      // A value with a quick answer is sent; only the others need the check to say.
      if (collapsed(now, scratch).empty() || (linkedin ? quick_linkedin(now) : quick_website(now)) != Quick::Unknown) return false;
      if (!(linkedin ? check_linkedin(now) : check_website(now)).value.empty()) return false;
      if (to) to->clear();
      return true;
    }
    case FixKind::Trim: {
      const std::string_view trimmed = collapsed(now, scratch);
      if (trimmed == now) return false;
      if (to) *to = std::string(trimmed);
      return true;
    }
    case FixKind::LowerEmailDomain: {
      const std::size_t at = now.rfind('@');
      if (at == std::string_view::npos) return false;
      std::size_t k = at + 1;
      while (k < now.size() && !(now[k] >= 'A' && now[k] <= 'Z')) ++k;
      if (k == now.size()) return false;  // no capital after the @: nothing to change (no allocation)
      if (to) {
        to->assign(now.data(), at + 1);
        for (std::size_t i = at + 1; i < now.size(); ++i) to->push_back(ascii_lower(now[i]));
      }
      return true;
    }
    case FixKind::SplitName: {
      const std::size_t first_col = static_cast<std::size_t>(doc_.column_for(Field::FirstName));
      const std::size_t last_col = static_cast<std::size_t>(doc_.column_for(Field::LastName));
      // Only rows with neither name: a name given in the file is never overwritten or mixed with a split.
      if (!is_blank(doc_.cell(r, first_col)) || !is_blank(doc_.cell(r, last_col)) || is_blank(now)) return false;
      // The split (the one the checks make of a full name), into strings kept from call to call.
      static thread_local std::string first, last;
      split_full_name(now, first, last);
      if (first.empty() && last.empty()) return false;  // e.g. "," alone: nothing to write
      if (to) *to = first;
      if (to2) *to2 = last;
      return true;
    }
  }
  return false;
}

int Session::full_name_column() const {
  const int first = doc_.column_for(Field::FirstName), last = doc_.column_for(Field::LastName);
  if (!loaded_ || first < 0 || last < 0) return -1;
  if (const int mapped = doc_.column_for(Field::FullName); mapped >= 0) return mapped;
  const std::vector<ColumnMap>& cols = doc_.columns();
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (static_cast<int>(c) != first && static_cast<int>(c) != last && cols[c].field == Field::Ignore &&
        is_full_name_header(cols[c].header))
      return static_cast<int>(c);
  return -1;
}

std::vector<Document::CellChange> Session::fix_changes(const std::string& fix) const {
  std::vector<Document::CellChange> out;
  FixTarget t;
  if (!loaded_ || !fix_target(fix, t)) return out;
  std::string scratch, to, to2;
  if (t.kind == FixKind::SplitName) {  // two cells of the row: the first and the last name
    const std::size_t first_col = static_cast<std::size_t>(doc_.column_for(Field::FirstName));
    const std::size_t last_col = static_cast<std::size_t>(doc_.column_for(Field::LastName));
    for (std::size_t r = 0; r < doc_.row_count(); ++r) {
      if (!fix_cell(t, r, scratch, &to, &to2)) continue;
      if (!to.empty()) out.push_back(Document::CellChange{r, first_col, std::string(doc_.cell(r, first_col)), std::move(to)});
      if (!to2.empty()) out.push_back(Document::CellChange{r, last_col, std::string(doc_.cell(r, last_col)), std::move(to2)});
    }
    return out;
  }
  for (std::size_t r = 0; r < doc_.row_count(); ++r)
    if (fix_cell(t, r, scratch, &to))
      out.push_back(Document::CellChange{r, static_cast<std::size_t>(t.col), std::string(doc_.cell(r, static_cast<std::size_t>(t.col))), std::move(to)});
  return out;
}

namespace {

// Where `find` is in s from `from` on (ASCII letters case-blind unless match_case), or npos.
std::size_t find_in(std::string_view s, std::string_view find, std::size_t from, bool match_case) {
  if (match_case) return s.find(find, from);
  if (find.size() > s.size()) return std::string_view::npos;
  for (std::size_t i = from; i + find.size() <= s.size(); ++i) {
    std::size_t k = 0;
    while (k < find.size() && ascii_lower(s[i + k]) == ascii_lower(find[k])) ++k;
    if (k == find.size()) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<Document::CellChange> Session::replace_changes(int col, const std::string& find, const std::string& replace,
                                                           bool whole_cell, bool match_case) const {
  std::vector<Document::CellChange> out;
  replace_in(col, find, replace, whole_cell, match_case, &out);
  return out;
}

std::size_t Session::replace_count(int col, const std::string& find, const std::string& replace, bool whole_cell,
                                   bool match_case) const {
  return replace_in(col, find, replace, whole_cell, match_case, nullptr);
}

std::size_t Session::replace_in(int col, const std::string& find, const std::string& replace, bool whole_cell,
                                bool match_case, std::vector<Document::CellChange>* out) const {
  if (!loaded_ || col < 0 || static_cast<std::size_t>(col) >= doc_.column_count()) return 0;
  if (!whole_cell && find.empty()) return 0;
  const std::size_t c = static_cast<std::size_t>(col);
  const std::string_view with(replace);
  std::size_t n = 0;
  for (std::size_t r = 0; r < doc_.row_count(); ++r) {
    if (doc_.excluded(r)) continue;
    const std::string_view now = doc_.cell(r, c);
    if (whole_cell) {
      if (now.size() != find.size() || find_in(now, find, 0, match_case) != 0 || now == with) continue;
      ++n;
      if (out) out->push_back(Document::CellChange{r, c, std::string(now), replace});
      continue;
    }
    // The cell changes unless every text found is already the replacement (case-blind: "Inc" for "INC").
    bool changes = false;
    for (std::size_t at = find_in(now, find, 0, match_case); at != std::string_view::npos && !changes;
         at = find_in(now, find, at + find.size(), match_case))
      changes = now.substr(at, find.size()) != with;
    if (!changes) continue;  // most cells: looked at, nothing made
    ++n;
    if (!out) continue;
    std::string to;
    std::size_t from = 0;
    for (std::size_t at = find_in(now, find, 0, match_case); at != std::string_view::npos; at = find_in(now, find, from, match_case)) {
      to.append(now.data() + from, at - from);
      to += replace;
      from = at + find.size();
    }
    to.append(now.data() + from, now.size() - from);
    out->push_back(Document::CellChange{r, c, std::string(now), std::move(to)});
  }
  return n;
}

std::vector<std::size_t> Session::exclude_rows(const std::string& which) const {
  std::vector<std::size_t> out;
  if (!loaded_) return out;
  Code code = Code::EmailInvalid;
  const RowFilter f = which == "invalid" ? RowFilter::Errors : row_filter(which, &code);
  if (f != RowFilter::Errors && f != RowFilter::Code) return out;
  if (f == RowFilter::Errors && which != "invalid") return out;  // "errors" is not a name this takes
  for (std::size_t r = 0; r < doc_.row_count(); ++r)
    if (!doc_.excluded(r) && (f == RowFilter::Errors ? doc_.has_error(r) : doc_.has_code(r, code))) out.push_back(r);
  return out;
}

CellsEdit Session::set_excluded(const std::vector<std::size_t>& rows, bool excluded) {
  CellsEdit e;
  if (loaded_) e.made = doc_.set_excluded(rows, excluded, &e.made_at);
  e.skipped = rows.size() - e.made;
  if (e.made) {
    batches_valid_ = false;
    for (std::size_t i : e.made_at) refix(rows[i]);  // fixes leave excluded rows out
    refilter();
  }
  e.summary = doc_.summary(batch_size_);
  return e;
}

// Every fix counted in one pass over the rows (the cells of a row are next to each other; a pass
// per fix read the whole cell table once per fix), then kept per row: the page asks for the counts
// after every edit, and an edit changes a row or a few.
void Session::make_fix_counts() const {
  FixCounts& fc = fix_counts_;
  fc = FixCounts();
  fc.made = true;
  if (!loaded_) return;
  fc.names = {"website_from_email", "clear_linkedin", "clear_website", "lower_email_domain", "split_name"};
  for (std::size_t c = 0; c < doc_.columns().size(); ++c)
    if (doc_.columns()[c].field != Field::Ignore) fc.names.push_back("trim:" + std::to_string(c));
  for (std::size_t i = 0; i < fc.names.size(); ++i) {
    FixTarget t;
    if (fix_target(fc.names[i], t)) fc.targets.emplace_back(t, i);
  }
  if (fc.targets.size() > 16) throw std::logic_error("more bulk fixes than bits per row");
  fc.counts.assign(fc.names.size(), 0);
  fc.bits.assign(doc_.row_count(), 0);
  std::string scratch;
  for (std::size_t r = 0; r < doc_.row_count(); ++r) {
    fc.bits[r] = fix_bits(r, scratch);
    for (std::size_t k = 0; k < fc.targets.size(); ++k)
      if (fc.bits[r] & (1u << k)) ++fc.counts[fc.targets[k].second];
  }
}

// Bit k set when fix_counts_.targets[k] changes a cell of the row.
std::uint16_t Session::fix_bits(std::size_t row, std::string& scratch) const {
  const FixCounts& fc = fix_counts_;
  std::uint16_t b = 0;
  for (std::size_t k = 0; k < fc.targets.size(); ++k)
    if (fix_cell(fc.targets[k].first, row, scratch, nullptr)) b = static_cast<std::uint16_t>(b | (1u << k));
  return b;
}

void Session::refix(std::size_t row) {
  FixCounts& fc = fix_counts_;
  if (!fc.made || row >= fc.bits.size()) return;
  std::string scratch;
  const std::uint16_t b = fix_bits(row, scratch);
  for (std::size_t k = 0; k < fc.targets.size(); ++k) {
    const bool was = fc.bits[row] & (1u << k), now = b & (1u << k);
    if (was != now) {
      std::size_t& n = fc.counts[fc.targets[k].second];
      n = now ? n + 1 : n - 1;
    }
  }
  fc.bits[row] = b;
}

std::vector<std::pair<std::string, std::size_t>> Session::fixes() const {
  if (!fix_counts_.made) make_fix_counts();
  std::vector<std::pair<std::string, std::size_t>> out;
  for (std::size_t i = 0; i < fix_counts_.names.size(); ++i)
    if (fix_counts_.counts[i]) out.emplace_back(fix_counts_.names[i], fix_counts_.counts[i]);
  // Not kept row by row: whether a row is a duplicate changes with edits of other rows. A pass over
  // two bytes per row.
  std::size_t invalid = 0;
  if (loaded_)
    for (std::size_t r = 0; r < doc_.row_count(); ++r) invalid += doc_.has_error(r) && !doc_.excluded(r);
  if (invalid) out.emplace_back("exclude_invalid", invalid);
  return out;
}

std::vector<Session::ColumnStats> Session::column_stats(std::size_t samples) const {
  // Also when no column is mapped to email yet (the rows are kept for a remap): that is when the
  // samples help most.
  std::vector<ColumnStats> out(doc_.column_count());
  // The cells already looked at for a sample, per column (a few): a column that repeats one value
  // (a constant, or two or three values over a million rows) is not made into a new string per row.
  constexpr std::size_t kLooked = 16;
  std::vector<std::vector<std::string_view>> looked(out.size());
  for (std::size_t r = 0; r < doc_.row_count(); ++r)
    for (std::size_t c = 0; c < out.size(); ++c) {
      const std::string_view v = doc_.cell(r, c);
      if (v.empty() || is_blank(v)) continue;
      ColumnStats& st = out[c];
      ++st.filled;
      if (st.samples.size() < samples) {
        std::vector<std::string_view>& seen = looked[c];
        if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
        if (seen.size() < kLooked) seen.push_back(v);
        std::string shown = safe_snippet(collapse_whitespace(v), 60);
        if (std::find(st.samples.begin(), st.samples.end(), shown) == st.samples.end()) st.samples.push_back(shown);
      }
    }
  return out;
}

std::string content_fingerprint(std::string_view bytes) {
  constexpr std::size_t kEdge = std::size_t{1} << 20;
  Sha256 h;
  h.update(std::to_string(bytes.size()) + ":");
  h.update(bytes.substr(0, kEdge));
  if (bytes.size() > kEdge) h.update(bytes.substr(std::max(kEdge, bytes.size() - kEdge)));
  return h.hex().substr(0, 32);
}

RowPage Session::rows(RowFilter filter, int start, int count, Code code) {
  if (filter != filter_ || (filter == RowFilter::Code && code != filter_code_)) {
    filter_ = filter;
    filter_code_ = code;
    refilter();
  }
  RowPage page;
  page.total = visible_.size();
  const std::size_t s = static_cast<std::size_t>(std::max(0, start));
  const std::size_t e = std::min(visible_.size(), s + static_cast<std::size_t>(std::max(0, count)));
  for (std::size_t i = s; i < e; ++i) page.rows.push_back(row_view(visible_[i]));
  return page;
}

void Session::set_skip(std::vector<std::uint64_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  skip_ = std::move(hashes);
}

bool Session::skipped(std::size_t row) const {
  return !skip_.empty() && std::binary_search(skip_.begin(), skip_.end(), prospect_hash(doc_.email_key(row)));
}

std::vector<std::size_t> Session::rows_to_send(std::size_t batch) const {
  std::vector<std::size_t> rows;
  for (std::size_t r : batches()[batch])
    if (!skipped(r)) rows.push_back(r);
  return rows;
}

std::vector<PlannedBatch> Session::batch_plan(bool with_emails) const {
  std::vector<PlannedBatch> out;
  const auto& all = batches();
  std::vector<std::string> every;
  for (std::size_t i = 0; i < all.size(); ++i) {
    PlannedBatch b;
    b.index = i;
    b.first_row = all[i].front() + 1;
    b.last_row = all[i].back() + 1;
    every.clear();
    for (std::size_t r : all[i]) {
      if (!with_emails) {
        b.skipped += skipped(r) ? 1 : 0;
        continue;
      }
      // One check of the email per row: the key (what the hash is of) is the sent email lower-cased.
      every.push_back(doc_.email(r));
      const std::uint64_t h = prospect_hash(ascii_lower(every.back()));
      if (!skip_.empty() && std::binary_search(skip_.begin(), skip_.end(), h)) {
        ++b.skipped;
        continue;
      }
      b.emails.push_back(every.back());
      b.hashes += prospect_hash_hex(h);
    }
    b.count = all[i].size() - b.skipped;
    if (with_emails) b.key = batch_key(every);
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<RowRef> Session::batch_rows(int index) const {
  const auto& all = batches();
  std::vector<RowRef> out;
  if (index >= 0 && static_cast<std::size_t>(index) < all.size())
    for (std::size_t r : all[static_cast<std::size_t>(index)])
      if (!skipped(r)) out.push_back(RowRef{r + 1, doc_.line_of(r)});
  return out;
}

void ProblemTally::add(std::size_t row, const Finding& f) {
  std::size_t at = 0;
  while (at < groups_.size() && groups_[at].code != f.code) ++at;  // a few dozen codes at most
  if (at == groups_.size()) {
    groups_.push_back(ProblemGroup{f.code, f.field, 0, {}, f.message, {}});
    last_row_.push_back(0);
  }
  ProblemGroup& g = groups_[at];
  if (last_row_[at] == row) return;
  last_row_[at] = row;
  ++g.count;
  if (g.examples.size() < 2) g.examples.push_back(f.message);
  if (g.rows.size() < 5) g.rows.push_back(row);
}

std::vector<ProblemGroup> ProblemTally::groups() const {
  std::vector<ProblemGroup> groups = groups_;
  std::stable_sort(groups.begin(), groups.end(), [](const ProblemGroup& a, const ProblemGroup& b) {
    const Severity sa = severity_of(a.code), sb = severity_of(b.code);
    if (sa != sb) return sa == Severity::Error;
    return a.count > b.count;
  });
  return groups;
}

std::vector<ProblemGroup> Session::problems() const {
  ProblemTally tally;
  if (loaded_)
    for (std::size_t r = 0; r < doc_.row_count(); ++r)
      if (!doc_.excluded(r))  // an excluded row's problems no longer matter: it is not sent
        for (const Finding& f : doc_.row_findings(r)) tally.add(r + 1, f);
  return tally.groups();
}

std::string Session::batch_body(int index) const {
  const auto& all = batches();
  if (index < 0 || static_cast<std::size_t>(index) >= all.size()) return std::string();
  if (skip_.empty()) return pe::batch_body(doc_, all[static_cast<std::size_t>(index)]);
  const std::vector<std::size_t> rows = rows_to_send(static_cast<std::size_t>(index));
  return rows.empty() ? std::string() : pe::batch_body(doc_, rows);
}

std::string Session::cleaned_csv() const { return loaded_ ? pe::cleaned_csv(doc_) : std::string(); }

std::string Session::report_csv(const std::vector<BatchOutcome>& outcomes) const {
  return loaded_ ? pe::report_csv(doc_, batch_size_, outcomes) : std::string();
}

std::string Session::results_csv(const Run& run) const {
  if (!loaded_) return std::string();
  Ledger ledger;
  ledger.runs.push_back(run);
  const RunIndex index(ledger, run.endpoint, run.key_fingerprint);
  ResultsCsv csv(index);
  std::string out;
  std::vector<std::string> headers;
  for (const ColumnMap& c : doc_.columns()) headers.push_back(c.header);
  csv.header(out, headers);
  std::vector<std::string_view> cells(headers.size());
  for (std::size_t r = 0; r < doc_.row_count(); ++r) {
    for (std::size_t c = 0; c < cells.size(); ++c) cells[c] = doc_.cell(r, c);
    const RowStatus status = doc_.status(r);
    csv.row(out, cells, status, doc_.row_findings(r), status == RowStatus::Invalid ? std::string() : doc_.email_key(r),
            doc_.excluded(r));
  }
  return out;
}

const std::vector<std::vector<std::size_t>>& Session::batches() const {
  if (!batches_valid_) {
    batches_ = loaded_ ? pe::batch_rows(doc_, batch_size_) : std::vector<std::vector<std::size_t>>();
    batches_valid_ = true;
  }
  return batches_;
}

void Session::refilter() {
  visible_.clear();
  if (!loaded_) return;
  for (std::size_t r = 0; r < doc_.row_count(); ++r) {
    const bool excluded = doc_.excluded(r);  // listed by All and Excluded only
    bool keep = filter_ == RowFilter::All || (filter_ == RowFilter::Excluded && excluded) ||
                (!excluded && ((filter_ == RowFilter::Errors && doc_.has_error(r)) ||
                               (filter_ == RowFilter::Warnings && doc_.has_warning(r)) ||
                               (filter_ == RowFilter::Valid && !doc_.has_error(r)) ||
                               (filter_ == RowFilter::Code && doc_.has_code(r, filter_code_))));
    if (keep) visible_.push_back(static_cast<std::uint32_t>(r));
  }
}

// ---- check only --------------------------------------------------------------------------------

void CheckOnly::clear() {
  check_.reset();
  refused_.clear();
  done_ = stopped_ = false;
  bytes_ = 0;
  tally_.clear();
  std::vector<Finding>().swap(findings_);
  findings_total_ = 0;
  std::string().swap(csv_);
  csv_header_ = false;
}

SessionState CheckOnly::begin(const std::string& encoding, const std::string& delimiter, int batch_size) {
  clear();
  LoadOptions opt;
  refused_ = read_options(encoding, delimiter, opt);
  if (!refused_.empty()) return refused(refused_);
  opt.header_skip = header_skip_;
  StreamChecker::Callbacks cb;
  cb.on_finding = [this](const Finding& f) {
    if (!csv_header_) {
      csv_ += kFindingsCsvHeader;
      csv_header_ = true;
    }
    csv_ += f.row ? std::to_string(f.row) : std::string();
    csv_ += ',';
    csv_ += f.line ? std::to_string(f.line) : std::string();
    csv_ += ',';
    csv_ += severity_name(f.severity());
    csv_ += ',';
    csv_ += code_name(f.code);
    csv_ += ',';
    csv_ += csv_cell(f.field);
    csv_ += ',';
    csv_ += csv_cell(f.message);
    csv_ += '\n';
    if (f.row == 0) return;  // a file finding: in the state's file_findings
    tally_.add(f.row, f);
    ++findings_total_;
    if (findings_.size() < kCheckOnlyFindingsShown) findings_.push_back(f);
  };
  const std::size_t size = batch_size > 0 ? static_cast<std::size_t>(batch_size) : kDefaultBatchSize;
  check_ = std::make_unique<StreamChecker>(opt, size, std::move(cb));
  return state(false).state;
}

void CheckOnly::feed(std::string_view bytes) {
  if (!check_ || done_ || check_->failed()) return;
  bytes_ += bytes.size();
  check_->feed(bytes);
}

CheckOnlyState CheckOnly::finish() {
  if (check_ && !done_) {
    done_ = true;
    check_->finish();
  }
  return state(true);
}

void CheckOnly::stop() {
  if (!check_ || done_) return;
  check_->stop();
  stopped_ = done_ = true;
}

CheckOnlyState CheckOnly::state(bool full) const {
  CheckOnlyState c;
  c.done = done_;
  c.stopped = stopped_;
  c.bytes = bytes_;
  c.findings_total = findings_total_;
  if (!refused_.empty()) {
    c.state = refused(refused_);
    return c;
  }
  if (!check_) {
    c.state.error = "No file is being checked.";
    return c;
  }
  SessionState& s = c.state;
  s.encoding = check_->encoding();
  s.delimiter = check_->delimiter();
  s.delimiter_detected = check_->delimiter_detected();
  s.title_records = check_->title_records();
  s.previews = check_->previews();
  s.columns = check_->columns();
  if (s.columns.empty())
    for (const std::string& h : check_->headers()) s.columns.push_back(ColumnMap{h, Field::Ignore, false, ""});
  s.file_findings = check_->file_findings();
  s.summary = check_->summary();
  if (stopped_) {
    s.error = "The check was cancelled after " + std::to_string(s.summary.rows) +
              " rows: the report covers only those rows. Check the file again to see all of it.";
  } else if (check_->failed()) {
    s.error = check_->error();
  } else if (done_ && !check_->started()) {
    s.error = check_->error();  // e.g. an empty file (finish() gives the reason)
  }
  s.ok = s.error.empty();
  if (full) {
    c.problems = tally_.groups();
    c.findings = findings_;
  }
  return c;
}

std::string CheckOnly::take_findings_csv() {
  std::string out;
  out.swap(csv_);
  return out;
}

}  // namespace pe
