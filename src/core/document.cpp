// The document: a whole export in memory (see document.hpp).
#include "document.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <unordered_map>

#include "checks.hpp"
#include "csv_stream.hpp"
#include "text.hpp"

namespace pe {

// A reading in progress: the stream and what its record callback needs between slices.
struct Document::Reading {
  LoadOptions opt;
  std::string_view bytes;   // the whole input; its first `fed` bytes are read
  bool in_place = false;    // cells may point into bytes
  bool sniffing = false;    // encoding Auto: detected on the first bytes, confirmed on all at the end
  Encoding assumed = Encoding::Utf8;
  EncodingSniffer sniffer;
  std::size_t sniffed = 0, fed = 0;
  std::size_t bom = 0;
  std::size_t in_place_cells = 0;
  std::size_t lines_estimate = 0;
  bool have_header = false;
  std::vector<std::pair<std::size_t, Finding>> pending;  // (row, finding)
  std::unique_ptr<CsvStream> stream;
  // Rows checked while the input arrives (check_read_rows): with the mapping of the header and
  // opt.overrides (mapped: made; checking: it maps an email column), the first `checked` rows.
  bool mapped = false, checking = false;
  std::size_t checked = 0;
};

Document::Document() = default;
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

namespace {

// The previous document is gone first, whatever happens next; if reading throws (out of memory),
// the half-read one is dropped too, so that nothing stale or half-built is ever shown or sent.
struct ResetOnThrow {
  Document& d;
  int pending = std::uncaught_exceptions();
  ~ResetOnThrow() {
    if (std::uncaught_exceptions() > pending) d = Document();
  }
};

// Reading starts once this much of an input arriving in slices is there (or all of it): enough to
// tell text from binary. The encoding is guessed on what is there then, and all the bytes confirm
// it at the end (the page's first slice is 8 MB: its guess is made on those); the stream holds the
// text back until it can detect the delimiter (kDelimiterSampleBytes).
constexpr std::size_t kStartBytes = kBinarySampleBytes;

bool same_reading(const LoadOptions& a, const LoadOptions& b) {
  return a.encoding == b.encoding && a.delimiter == b.delimiter;
}

}  // namespace

bool Document::load(std::string_view bytes, const LoadOptions& opt) { return load_from(bytes, nullptr, opt); }

bool Document::load_owned(std::string&& bytes, const LoadOptions& opt) { return load_from(bytes, &bytes, opt); }

bool Document::load_from(std::string_view bytes, std::string* owned, const LoadOptions& opt) {
  *this = Document();
  ResetOnThrow reset_on_throw{*this};
  if (bytes.empty()) {
    error_ = kEmptyInputError;
    return false;
  }
  // An input handed over is kept and read in place: the cells are views of it, not a copy.
  const bool in_place = owned != nullptr && owned->size() < kInArena;
  if (in_place) {
    input_.adopt(std::move(*owned));
    bytes = input_.view();
  }
  const bool ok = read_whole(bytes, in_place, opt);
  if (owned) std::string().swap(*owned);
  return ok;
}

bool Document::read_whole(std::string_view bytes, bool in_place, const LoadOptions& opt) {
  // The whole input is at hand: the encoding is detected on all of it.
  start_reading(bytes, bytes.size(), in_place, opt);
  advance_reading(bytes.size());
  std::vector<std::pair<std::size_t, Finding>> pending;
  finish_reading(pending);  // detected on all of it: never read again
  return end_load(pending, opt);
}

char* Document::begin_input(std::size_t size) {
  *this = Document();
  ResetOnThrow reset_on_throw{*this};
  return input_.make(size);
}

void Document::read_to(std::size_t end, const LoadOptions& opt) {
  ResetOnThrow reset_on_throw{*this};
  end = std::min(end, input_.size());
  if (!reading_) {
    if (end == 0 || end < std::min(input_.size(), kStartBytes)) return;
    start_reading(input_.view(), end, input_.size() < kInArena, opt);
  } else if (!same_reading(reading_->opt, opt)) {
    return;  // end_input() reads again from the start
  }
  advance_reading(end);
  check_read_rows();
}

void Document::check_read_rows() {
  Reading& r = *reading_;
  if (!r.have_header || !r.stream->error().empty() || r.stream->fatal()) return;
  if (!r.mapped) {
    r.mapped = true;
    plan_ = plan_columns(headers_, r.opt.overrides);
    r.checking = plan_.error.empty();
    if (!r.checking) return;
    shown_ = headers_.size();  // cell() reads every column while reading
    status_.reserve(r.lines_estimate);
    key_h64_.reserve(r.lines_estimate);
    key_h32_.reserve(r.lines_estimate);
    derive_.reserve(r.lines_estimate);
    row_findings_.reserve(r.lines_estimate);
  }
  if (!r.checking) return;
  const std::size_t rows = row_count();
  status_.resize(rows, RowStatus::Valid);
  key_h64_.resize(rows, 0);
  key_h32_.resize(rows, 0);
  derive_.resize(rows, 0);
  row_findings_.grow(rows);
  for (; r.checked < rows; ++r.checked) validate_row(r.checked, false);
}

bool Document::end_input(const LoadOptions& opt) {
  ResetOnThrow reset_on_throw{*this};
  if (reading_ && same_reading(reading_->opt, opt)) {
    advance_reading(input_.size());
    // The rows checked while reading keep their checks when the mapping is the same: the same
    // header (always) and the same overrides.
    const std::size_t checked = reading_->checking && reading_->opt.overrides == opt.overrides ? reading_->checked : 0;
    std::vector<std::pair<std::size_t, Finding>> pending;
    if (finish_reading(pending)) return end_load(pending, opt, checked);
  }
  // Not started (a small input, or nothing read before the end), other options, or the encoding
  // detected on all the bytes differs from that of the first ones: the whole buffer, from its start.
  InputBytes whole = std::move(input_);
  *this = Document();
  input_ = std::move(whole);
  if (input_.empty()) {
    error_ = kEmptyInputError;
    return false;
  }
  return read_whole(input_.view(), input_.size() < kInArena, opt);
}

bool Document::end_load(std::vector<std::pair<std::size_t, Finding>>& pending_csv, const LoadOptions& opt,
                        std::size_t checked) {
  if (!error_.empty()) return false;
  const std::size_t rows = lines_.size();
  csv_findings_.reset(rows);
  for (auto& [row, f] : pending_csv) {
    if (row >= 1 && row <= rows)
      csv_findings_.edit(row - 1).push_back(std::move(f));
    else
      file_findings_.push_back(std::move(f));
  }
  if (fatal_) {
    error_ = fatal_read_error(file_findings_);
    for (std::size_t r = 0; r < rows; ++r)
      for (const Finding& f : csv_findings_[r])
        if (code_info(f.code).stops_reading) error_ = "Line " + std::to_string(f.line) + ": " + f.message;
    drop_rows();
    headers_.clear();  // only part of the file was read: remap() must not make that part usable
    shown_ = 0;
    return false;
  }
  error_ = header_read_error(file_findings_);
  if (!error_.empty()) {
    headers_.clear();  // not column names: remap() must not map them
    shown_ = 0;
    drop_rows();
    return false;
  }
  if (headers_.empty()) {
    error_ = kNoHeaderError;
    return false;
  }
  return map_and_validate(opt.overrides, checked);
}

namespace {

// About how many lines the input has: the newlines of its first 4 MB (of `head`, the bytes at hand),
// scaled to its size, plus an eighth (a newline is the byte 0x0A in UTF-8, the 8-bit encodings and
// UTF-16 alike).
std::size_t estimated_lines(std::string_view head, std::size_t size) {
  const std::size_t sample = std::min<std::size_t>(head.size(), std::size_t{4} << 20);
  const auto newlines = static_cast<std::size_t>(std::count(head.begin(), head.begin() + sample, '\n')) + 1;
  if (sample == size) return newlines;
  return static_cast<std::size_t>(static_cast<double>(newlines) * static_cast<double>(size) /
                                  static_cast<double>(sample) * 1.125);
}

}  // namespace

void Document::start_reading(std::string_view bytes, std::size_t filled, bool in_place, const LoadOptions& opt) {
  reading_ = std::make_unique<Reading>();
  Reading& r = *reading_;
  r.opt = opt;
  r.bytes = bytes;
  const std::string_view head = bytes.substr(0, filled);
  // Binary files are refused by the stream before anything is decoded.
  CsvStream::Options sopt;
  r.sniffing = opt.encoding == Encoding::Auto && !binary_kind(head.substr(0, kBinarySampleBytes));
  if (r.sniffing) {
    r.sniffer.feed(head);
    r.sniffed = head.size();
    r.assumed = r.sniffer.result();
  }
  sopt.encoding = r.sniffing ? r.assumed : opt.encoding;
  sopt.delimiter = opt.delimiter;
  sopt.skip_records = opt.header_skip;
  // Room for the cells up front, so that the arena and the cell table are allocated once instead of
  // growing by doubling: while a doubling vector moves, the old and the new block are both held
  // (a 158 MB file took 1,018 MB of wasm memory). The cells' text is at most the input's (UTF-16:
  // about half of it); the cell table gets lines x columns entries, at most one per 4 input bytes
  // (a file of many empty columns grows it as before). An estimate too small only means growing.
  const bool utf16 = sopt.encoding == Encoding::Utf16LE || sopt.encoding == Encoding::Utf16BE;
  const bool utf8 = sopt.encoding == Encoding::Utf8 || sopt.encoding == Encoding::Utf8Bom;
  // UTF-8 read in place: the arena gets only the cells that differ from the input (unescaped quotes).
  r.in_place = in_place && utf8;
  if (!r.in_place) arena_.reserve(utf16 ? bytes.size() / 2 : bytes.size());
  r.bom = head.size() >= 3 && head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  r.lines_estimate = estimated_lines(head, bytes.size());
  lines_.reserve(r.lines_estimate);
  Reading* rp = &r;
  r.stream = std::make_unique<CsvStream>(
      sopt,
      [this, rp](const CsvRecord& rec) {
        Reading& r = *rp;
        const std::string_view bytes = r.bytes;
        if (!r.have_header) {
          r.have_header = true;
          for (std::string_view f : rec.fields) headers_.push_back(collapse_whitespace(f));
          cells_.reserve(std::min(r.lines_estimate * headers_.size(), bytes.size() / 4));
          return;
        }
        const CsvStream& stream = *r.stream;
        const std::size_t ncols = headers_.size();
        const std::size_t nf = std::min(ncols, rec.fields.size());
        note_values_end(values_end_, rec.fields);
        // Most fields are the input's own bytes (rec.exact, nothing replaced before them): their
        // place is all there is to find.
        const char* exact = r.in_place && rec.exact && stream.invalid_sequences() == 0 ? rec.exact->data() : nullptr;
        for (std::size_t c = 0; c < ncols; ++c) {
          const std::string_view f = c < nf ? rec.fields[c] : std::string_view();
          if (!f.empty() && exact && exact[c]) {
            const std::size_t at = stream.text_offset(f.data()) + r.bom;
            if (at + f.size() <= bytes.size()) {
              cells_.emplace_back(static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(f.size()));
              ++r.in_place_cells;
              continue;
            }
          }
          if (r.in_place && !f.empty()) {
            // The field's bytes where the reader found them in the text, which is the input less
            // its BOM until an invalid byte was replaced. They are the input's own when the reader
            // says so (rec.exact) and nothing was replaced yet; otherwise compared, so that any
            // difference (an unescaped quote, a replacement) goes to the arena instead.
            const std::size_t at = stream.text_offset(f.data()) + r.bom;
            const bool exact = rec.exact && (*rec.exact)[c] && stream.invalid_sequences() == 0;
            if (at + f.size() <= bytes.size() && (exact || bytes.compare(at, f.size(), f) == 0)) {
              cells_.emplace_back(static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(f.size()));
              ++r.in_place_cells;
              continue;
            }
          }
          // After an invalid byte was replaced the text no longer lines up with the input, and the
          // rest of the cells land here: room for them at once, not by doubling next to the input.
          if (r.in_place && !f.empty() && stream.invalid_sequences() > 0 && arena_.capacity() - arena_.size() < f.size()) {
            const std::size_t at = stream.text_offset(f.data());
            arena_.reserve(arena_.size() + (at < bytes.size() ? bytes.size() - at : 0) + f.size());
          }
          if (arena_.size() + f.size() >= kInArena) throw std::length_error("cells over 2 GB");
          cells_.emplace_back(static_cast<std::uint32_t>(arena_.size()) | kInArena, static_cast<std::uint32_t>(f.size()));
          arena_.append(f.data(), f.size());
        }
        lines_.push_back(static_cast<std::uint32_t>(rec.line));
      },
      [rp](Finding&& f) { rp->pending.emplace_back(f.row, std::move(f)); },
      [this](std::size_t line) { blank_lines_at_.push_back(static_cast<std::uint32_t>(line)); });
}

void Document::advance_reading(std::size_t end) {
  Reading& r = *reading_;
  end = std::min(end, r.bytes.size());
  if (r.sniffing && end > r.sniffed) {
    r.sniffer.feed(r.bytes.substr(r.sniffed, end - r.sniffed));
    r.sniffed = end;
  }
  if (end > r.fed) {
    r.stream->feed(r.bytes.substr(r.fed, end - r.fed));
    r.fed = end;
  }
}

bool Document::finish_reading(std::vector<std::pair<std::size_t, Finding>>& pending) {
  Reading& r = *reading_;
  if (r.sniffing && r.sniffer.result() != r.assumed) return false;
  CsvStream& stream = *r.stream;
  stream.finish();
  // Nothing points into the input (another encoding, or no cell matched): its memory is free.
  if (r.in_place_cells == 0) input_.release();
  pending = std::move(r.pending);
  previews_ = stream.previews();  // also when there is no header: to choose another
  if (!stream.error().empty()) {
    error_ = stream.error();
  } else {
    encoding_ = stream.encoding();
    invalid_sequences_ = stream.invalid_sequences();
    if (invalid_sequences_ > 0)
      file_findings_.push_back(invalid_bytes_finding(encoding_, invalid_sequences_, stream.first_invalid_offset()));
    delimiter_ = stream.delimiter();
    delimiter_detected_ = stream.delimiter_detected();
    title_records_ = stream.title_records();
    blank_lines_ = stream.blank_lines();
    fatal_ = stream.fatal();
    shown_ = headers_.size();
  }
  reading_.reset();
  return true;
}

bool Document::map_and_validate(const std::vector<std::pair<std::string, Field>>& overrides, std::size_t checked) {
  plan_ = plan_columns(headers_, overrides);
  drop_empty_columns(plan_, headers_, overrides, values_end_);
  shown_ = plan_.columns.size();
  // The mapping's file findings replace those of the previous mapping (the empty columns' too).
  file_findings_.erase(std::remove_if(file_findings_.begin(), file_findings_.end(),
                                      [](const Finding& f) { return code_info(f.code).source == Source::Mapping; }),
                       file_findings_.end());
  file_findings_.insert(file_findings_.end(), plan_.findings.begin(), plan_.findings.end());
  const std::size_t rows = row_count();
  if (!plan_.error.empty()) {
    error_ = plan_.error;
    // The rows stay for a remap, but none can be sent until a column is mapped to email.
    status_.assign(rows, RowStatus::Invalid);
    dup_of_.assign(rows, 0);
    key_h64_.assign(rows, 0);
    key_h32_.assign(rows, 0);
    derive_.assign(rows, 0);
    row_findings_.reset(rows);
    return false;
  }
  error_.clear();
  checked = std::min(checked, rows);
  if (checked == 0) {
    status_.assign(rows, RowStatus::Valid);
    key_h64_.assign(rows, 0);
    key_h32_.assign(rows, 0);
    derive_.assign(rows, 0);
    row_findings_.reset(rows);
  } else {
    // The rows checked while reading: their status with the reader's findings, placed since.
    for (std::size_t r = 0; r < checked; ++r)
      if (status_[r] == RowStatus::Valid) status_[r] = row_status(true, csv_findings_[r]);
    status_.resize(rows, RowStatus::Valid);
    key_h64_.resize(rows, 0);
    key_h32_.resize(rows, 0);
    derive_.resize(rows, 0);
    row_findings_.grow(rows);
  }
  dup_of_.assign(rows, 0);
  for (std::size_t r = checked; r < rows; ++r) validate_row(r);
  recompute_duplicates();
  return true;
}

void Document::drop_rows() {
  reading_.reset();
  plan_ = ColumnPlan();  // the mapping the rows were checked with while reading: there are no rows
  input_.release();
  decltype(status_)().swap(status_);
  decltype(dup_of_)().swap(dup_of_);
  row_findings_.release();
  std::string().swap(arena_);
  decltype(cells_)().swap(cells_);
  decltype(lines_)().swap(lines_);
  csv_findings_.release();
  decltype(derive_)().swap(derive_);
  decltype(excluded_)().swap(excluded_);
  decltype(key_h64_)().swap(key_h64_);
  decltype(key_h32_)().swap(key_h32_);
}

bool Document::remap(const std::vector<std::pair<std::string, Field>>& overrides) {
  return map_and_validate(overrides);
}

std::string_view Document::cell(std::size_t row, std::size_t col) const {
  if (row >= row_count() || col >= column_count()) return {};
  const auto& [off, len] = cells_[row * headers_.size() + col];
  if (off & kInArena) return std::string_view(arena_).substr(off & ~kInArena, len);
  return input_.view().substr(off, len);
}

// One cell given a new value (in the arena) and its row checked again; false when there is no such
// cell or the arena is full. The duplicates are the caller's to recompute.
bool Document::write_cell(std::size_t row, std::size_t col, std::string_view value) {
  if (row >= row_count() || col >= column_count()) return false;
  if (arena_.size() + value.size() >= kInArena) return false;
  cells_[row * headers_.size() + col] = {static_cast<std::uint32_t>(arena_.size()) | kInArena,
                                        static_cast<std::uint32_t>(value.size())};
  arena_.append(value.data(), value.size());
  validate_row(row);
  return true;
}

std::size_t Document::set_cells(const std::vector<CellChange>& changes, std::vector<std::size_t>* made_at) {
  std::size_t made = 0;
  for (std::size_t k = 0; k < changes.size(); ++k) {
    const CellChange& c = changes[k];
    if (cell(c.row, c.col) != c.from || !write_cell(c.row, c.col, c.to)) continue;
    ++made;
    if (made_at) made_at->push_back(k);
  }
  if (made) recompute_duplicates();
  return made;
}

std::size_t Document::set_excluded(const std::vector<std::size_t>& rows, bool excluded, std::vector<std::size_t>* made_at) {
  std::size_t made = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t r = rows[k];
    if (r >= row_count() || this->excluded(r) == excluded) continue;
    if (excluded_.size() < row_count()) excluded_.resize(row_count(), 0);
    excluded_[r] = excluded ? 1 : 0;
    ++made;
    if (made_at) made_at->push_back(k);
  }
  if (made) recompute_duplicates();
  return made;
}

bool Document::set_cell(std::size_t row, std::size_t col, std::string_view value) {
  if (!write_cell(row, col, value)) return false;
  recompute_duplicates();
  return true;
}

std::string Document::email_key(std::size_t row) const { return ascii_lower(email(row)); }

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

// Written from the cells as the check of the row recorded (derive_), without running the checks
// again; a row with a value only the checks can make is checked again.
Prospect Document::prospect(std::size_t row) const {
  Prospect p;
  prospect_into(row, p);
  return p;
}

void Document::prospect_into(std::size_t row, Prospect& p) const {
  const FieldCells cells = field_cells(row);
  if (row < derive_.size() && derive_prospect(cells, derive_[row], p)) return;
  p = check_row(plan_, cells, row + 1, lines_[row], nullptr).prospect;
}

void Document::validate_row(std::size_t row, bool with_reader_findings) {
  found_.clear();
  RowCheck& rc = row_check_;
  check_row_into(plan_, field_cells(row), row + 1, lines_[row], &found_, rc, false);
  row_findings_.set(row, found_);
  key_h64_[row] = rc.email_h64;
  key_h32_[row] = DupIndex::hash32(rc.email_key);
  derive_[row] = rc.derive;
  status_[row] = with_reader_findings ? row_status(rc.email_valid, csv_findings_[row])
                                     : rc.email_valid ? RowStatus::Valid : RowStatus::Invalid;
}

// The first valid row of each email, by sorting the valid rows' keys (their two hashes) instead
// of inserting them one by one into a hash table: a table of a million keys is a cache miss per
// row, while the two passes of a radix sort on the hash's top 22 bits read and write in order.
// The sort is stable, so rows with the same top bits stay in file order; each such run (nearly
// always one row) is then sorted by the whole key and row, and the first of equal keys is the
// first row (test_document: DuplicatesAreTheSameAsAMapOfTheEmails).
void Document::recompute_duplicates() {
  struct Key {
    std::uint64_t h64;
    std::uint32_t h32;
    std::uint32_t row;
  };
  std::vector<Key> keys;
  std::size_t valid = 0;
  for (std::size_t r = 0; r < row_count(); ++r) {
    if (status_[r] == RowStatus::Duplicate) status_[r] = RowStatus::Valid;
    valid += status_[r] == RowStatus::Valid;
  }
  keys.reserve(valid);
  // An excluded row is not sent: it is nobody's first row (its own status stays what its checks say).
  for (std::size_t r = 0; r < row_count(); ++r)
    if (status_[r] == RowStatus::Valid && !excluded(r)) keys.push_back(Key{key_h64_[r], key_h32_[r], static_cast<std::uint32_t>(r)});
  {
    constexpr unsigned kBits = 11, kBuckets = 1u << kBits;
    std::vector<Key> tmp(keys.size());
    std::vector<std::size_t> count(kBuckets);
    for (const unsigned shift : {64 - 2 * kBits, 64 - kBits}) {  // bits 42..52, then 53..63
      std::fill(count.begin(), count.end(), 0);
      for (const Key& k : keys) ++count[(k.h64 >> shift) & (kBuckets - 1)];
      std::size_t at = 0;
      for (std::size_t& c : count) {
        const std::size_t n = c;
        c = at;
        at += n;
      }
      for (const Key& k : keys) tmp[count[(k.h64 >> shift) & (kBuckets - 1)]++] = k;
      keys.swap(tmp);
    }
  }
  auto less = [](const Key& a, const Key& b) {
    if (a.h64 != b.h64) return a.h64 < b.h64;
    if (a.h32 != b.h32) return a.h32 < b.h32;
    return a.row < b.row;
  };
  constexpr unsigned kTop = 22;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i + 1;
    while (j < keys.size() && (keys[j].h64 >> (64 - kTop)) == (keys[i].h64 >> (64 - kTop))) ++j;
    if (j - i > 1) {
      std::sort(keys.begin() + static_cast<std::ptrdiff_t>(i), keys.begin() + static_cast<std::ptrdiff_t>(j), less);
      for (std::size_t k = i + 1, first = i; k < j; ++k) {
        if (keys[k].h64 == keys[first].h64 && keys[k].h32 == keys[first].h32) {
          status_[keys[k].row] = RowStatus::Duplicate;
          dup_of_[keys[k].row] = keys[first].row;
        } else {
          first = k;
        }
      }
    }
    i = j;
  }
}

bool Document::has_code(std::size_t row, Code code) const {
  if (code == Code::DuplicateEmail) return status_[row] == RowStatus::Duplicate;
  for (const Finding& f : row_findings_[row])
    if (f.code == code) return true;
  for (const Finding& f : csv_findings_[row])
    if (f.code == code) return true;
  return false;
}

bool Document::has_warning(std::size_t row) const {
  for (const Finding& f : row_findings_[row])
    if (f.severity() == Severity::Warning) return true;
  for (const Finding& f : csv_findings_[row])
    if (f.severity() == Severity::Warning) return true;
  return false;
}

std::vector<Finding> Document::row_findings(std::size_t row) const {
  std::vector<Finding> out = csv_findings_[row];
  out.insert(out.end(), row_findings_[row].begin(), row_findings_[row].end());
  if (status_[row] == RowStatus::Duplicate) {
    const std::size_t first = dup_of_[row];
    out.push_back(duplicate_finding(row + 1, lines_[row], first + 1, lines_[first], email_key(row)));
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
  for (std::size_t r = 0; r < row_count(); ++r) {
    if (excluded(r)) {
      ++s.rows;
      ++s.excluded;
      continue;
    }
    count_row(s, status_[r], csv_findings_[r], row_findings_[r]);
  }
  close_summary(s, batch_size);
  return s;
}

}  // namespace pe
