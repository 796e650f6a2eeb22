// Incremental CSV reader (RFC 4180 plus what real exports do).
//
// One pass, resumable at any byte: the state of the record being read (field offsets, quote state,
// the write position of the in-place unescape) survives between feeds, so no byte is scanned twice.
// Between feeds the buffer keeps only the record in progress. The scanner looks at 64 bytes at a
// time for the few bytes that matter (delimiter, quote, CR, LF; scan.hpp).
#include "csv.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "scan.hpp"
#include "text.hpp"

namespace pe {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Bit 7 of each byte of v that equals the byte in `pattern` (exact up to the first match).
inline std::uint64_t match_bytes(std::uint64_t v, std::uint64_t pattern) {
  const std::uint64_t x = v ^ pattern;
  return (x - kOnes) & ~x & kHighs;
}

// First index in [i, n) holding one of a, b, c, d; n if none.
inline std::size_t scan4(const char* s, std::size_t i, std::size_t n, char a, char b, char c, char d) {
  const std::uint64_t pa = kOnes * static_cast<unsigned char>(a), pb = kOnes * static_cast<unsigned char>(b),
                      pc = kOnes * static_cast<unsigned char>(c), pd = kOnes * static_cast<unsigned char>(d);
  while (i + 8 <= n) {
    std::uint64_t v;
    std::memcpy(&v, s + i, 8);
    const std::uint64_t m = match_bytes(v, pa) | match_bytes(v, pb) | match_bytes(v, pc) | match_bytes(v, pd);
    if (m != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return i + static_cast<std::size_t>(__builtin_ctzll(m) >> 3);
#else
      break;
#endif
    }
    i += 8;
  }
  for (; i < n; ++i) {
    const char ch = s[i];
    if (ch == a || ch == b || ch == c || ch == d) return i;
  }
  return n;
}

// Every field blank (is_blank): a blank line. The first non-blank field ends the look, so a usual
// record costs a byte or two.
bool all_blank(const std::vector<std::string_view>& fields) {
  for (std::string_view f : fields)
    if (!f.empty() && !is_blank(f)) return false;
  return true;
}

std::string num(std::size_t v) { return std::to_string(v); }

}  // namespace

CsvReader::CsvReader(CsvOptions opt, RecordFn on_record, FindingFn on_finding, BlankFn on_blank)
    : opt_(opt), on_record_(std::move(on_record)), on_finding_(std::move(on_finding)), on_blank_(std::move(on_blank)) {}

void CsvReader::report(Code code, std::string message) {
  if (!on_finding_) return;
  // A title line before the header is not read as data: what it holds is not a finding (a fatal
  // error still is: reading stops there).
  if (skipped_ < opt_.skip_records && !fatal_) return;
  Finding f;
  f.row = current_row();
  f.line = rec_line_;
  f.code = code;
  f.message = std::move(message);
  on_finding_(std::move(f));
}

void CsvReader::stop(Code code, std::string message) {
  fatal_ = true;
  report(code, std::move(message));
}

bool CsvReader::end_field(std::size_t begin, std::size_t len) {
  if (len > opt_.max_field_bytes) {
    std::string msg = "Column " + num(fields_.size() + 1) + " of the record starting on line " + num(rec_line_) +
                      " holds more than " + num(opt_.max_field_bytes) + " bytes, so reading stopped.";
    if (state_ == State::Quoted || state_ == State::QuoteInQuoted)
      msg += " The quote opened on line " + num(quote_line_) +
             " is probably never closed: check that line for a missing closing quote.";
    else
      msg += " The file may not be a CSV export, or the delimiter may be wrong.";
    stop(Code::CsvFieldTooLarge, std::move(msg));
    return false;
  }
  if (fields_.size() >= opt_.max_columns) {
    stop(Code::CsvTooManyColumns,
         "The record starting on line " + num(rec_line_) + " has more than " + num(opt_.max_columns) +
             " columns, so reading stopped. Check the delimiter, or that the file is a CSV export.");
    return false;
  }
  fields_.emplace_back(buf_.data() + begin, len);
  exact_.push_back(!field_moved_);
  field_moved_ = false;
  return true;
}

bool CsvReader::too_large(std::size_t len) {
  if (len <= opt_.max_field_bytes) return false;
  end_field(field_start_, len);  // reports csv_field_too_large and stops
  return true;
}

bool CsvReader::append_quoted(Scan& s, std::size_t j) {
  // Once a byte of a quoted value was dropped (a doubled quote, a skipped LF, the closing quote
  // before text after it), the rest lags behind the text: the value is no longer the text's bytes.
  if (write_ != s.i) {
    field_moved_ = true;
    std::memmove(s.b + write_, s.b + s.i, j - s.i);
  }
  write_ += j - s.i;
  return !too_large(write_ - field_start_);
}

void CsvReader::end_record() {
  if (!unclosed_ && all_blank(fields_)) {
    ++blank_lines_;  // a blank line: an empty line, or nothing but delimiters and whitespace
    if (on_blank_) on_blank_(rec_line_);
    fields_.clear();
    exact_.clear();
    return;
  }
  if (previews_.size() < kPreviewRecords) add_preview();
  if (skipped_ < opt_.skip_records) {  // a title line before the header
    ++skipped_;
    fields_.clear();
    exact_.clear();
    return;
  }
  const std::size_t row = current_row();
  if (records_ == 0) {
    header_cols_ = fields_.size();
  } else if (fields_.size() != header_cols_) {
    const char* what = opt_.has_header ? " (the header has " : " (the first row has ";
    report(Code::CsvRaggedRow,
           "Expected " + num(header_cols_) + " fields" + what + num(header_cols_) + " columns), got " +
               num(fields_.size()) + ". Values in this row may be in the wrong columns: check for a " +
               (fields_.size() < header_cols_ ? "missing delimiter or a line break inside an unquoted value."
                                              : "value that contains the delimiter but is not in quotes."));
  }
  if (on_record_) on_record_(CsvRecord{fields_, row, rec_line_, &exact_});
  ++records_;
  fields_.clear();
  exact_.clear();
}

void CsvReader::add_preview() {
  RecordPreview p;
  p.line = rec_line_;
  for (std::size_t k = 0; k < fields_.size() && p.text.size() < kPreviewBytes; ++k) {
    if (k > 0) {
      p.text += opt_.delimiter == '\t' ? ' ' : opt_.delimiter;
      p.text += ' ';
    }
    p.text.append(fields_[k].data(), std::min(fields_[k].size(), kPreviewBytes));
  }
  if (p.text.size() > kPreviewBytes) {  // cut on a character boundary, and say so
    std::size_t n = kPreviewBytes;
    while (n > 0 && (static_cast<unsigned char>(p.text[n]) & 0xC0) == 0x80) --n;
    p.text.resize(n);
    p.text += "\xE2\x80\xA6";  // …
  }
  for (char& c : p.text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  previews_.push_back(std::move(p));
}

// Handles the line break at buf_[j] (CR or LF) and returns the index after it.
std::size_t CsvReader::newline(std::size_t j, std::size_t n, std::size_t lf_skip) {
  if (buf_[j] == '\r') {
    ++cur_line_;
    if (j + 1 < n) return buf_[j + 1] == '\n' ? j + 2 : j + 1;
    pending_cr_ = true;  // an LF at the start of the next chunk belongs to this line break
    return j + 1;
  }
  if (j != lf_skip) ++cur_line_;
  return j + 1;
}

// A field ended at the line break at s.b[j]: the record ends too.
bool CsvReader::end_line(Scan& s, std::size_t j) {
  s.i = newline(j, s.n, s.lf_skip);
  state_ = State::RecordStart;
  end_record();
  return true;
}

bool CsvReader::record_start(Scan& s) {
  if (s.i == s.lf_skip && s.b[s.i] == '\n') {  // the LF of a CRLF split by the feed
    ++s.i;
    return true;
  }
  rec_start_ = s.i;
  rec_line_ = cur_line_;
  unclosed_ = warned_stray_ = warned_after_ = false;
  state_ = State::FieldStart;
  return true;
}

bool CsvReader::field_start(Scan& s) {
  if (s.b[s.i] == '"') {
    quote_line_ = cur_line_;
    field_start_ = write_ = ++s.i;
    state_ = State::Quoted;
    return true;
  }
  field_start_ = s.i;
  state_ = State::Unquoted;
  return true;
}

std::size_t CsvReader::next_special(Scan& s, std::size_t i) {
  while (i < s.n) {
    const std::size_t blk = i & ~static_cast<std::size_t>(63);
    if (blk + 64 > s.n) return scan4(s.b, i, s.n, s.d, '\n', '\r', '"');  // the last bytes
    if (blk != s.blk) {
      s.blk = blk;
      s.mask = scan::mask64(s.b + blk, s.d, '\n', '\r', '"');
    }
    const std::uint64_t m = s.mask >> (i - blk);
    if (m != 0) return i + scan::lowest_bit(m);
    i = blk + 64;
  }
  return s.n;
}

bool CsvReader::unquoted(Scan& s) {
  // Field after field of the record while they are unquoted, without going back to parse().
  for (;;) {
    const std::size_t j = next_special(s, s.i);
    // The size guard runs before the byte at j is looked at, so a field that grows past the limit
    // stops reading at the same point whatever the chunk boundaries are.
    if (too_large(j - field_start_)) return false;
    if (j == s.n) {
      s.i = s.n;
      return true;
    }
    const char c = s.b[j];
    if (c == '"') {
      if (!warned_stray_) {
        warned_stray_ = true;
        report(Code::CsvStrayQuote,
               "A quote character inside the unquoted value in column " + num(fields_.size() + 1) + " (line " +
                   num(cur_line_) +
                   ") was kept as a literal character. If the value was meant to be quoted, the quote must be "
                   "its first character and inner quotes must be doubled.");
      }
      s.i = j + 1;
      continue;
    }
    if (!end_field(field_start_, j - field_start_)) return false;
    if (c != s.d) return end_line(s, j);
    s.i = j + 1;
    if (s.i == s.n || s.b[s.i] == '"') {
      state_ = State::FieldStart;
      return true;
    }
    field_start_ = s.i;  // the next field is unquoted too (as field_start() would decide)
  }
}

bool CsvReader::quoted(Scan& s) {
  std::size_t j = next_special(s, s.i);
  while (j < s.n && s.b[j] == s.d) j = next_special(s, j + 1);  // a delimiter inside quotes is text
  if (!append_quoted(s, j)) return false;
  if (j == s.n) {
    s.i = s.n;
    return true;
  }
  if (s.b[j] == '"') {
    s.i = j + 1;
    state_ = State::QuoteInQuoted;
    return true;
  }
  // A line break inside quotes is part of the value; CRLF stays CRLF.
  s.b[write_++] = s.b[j];
  s.i = newline(j, s.n, s.lf_skip);
  if (s.i == j + 2) s.b[write_++] = '\n';
  return !too_large(write_ - field_start_);
}

bool CsvReader::quote_in_quoted(Scan& s) {
  const char c = s.b[s.i];
  if (c == '"') {  // doubled quote
    s.b[write_++] = '"';
    ++s.i;
    state_ = State::Quoted;
    return !too_large(write_ - field_start_);
  }
  // The previous quote closed the field.
  if (c == s.d || c == '\n' || c == '\r') {
    if (!end_field(field_start_, write_ - field_start_)) return false;
    if (c != s.d) return end_line(s, s.i);
    ++s.i;
    state_ = State::FieldStart;
    return true;
  }
  // Text after the closing quote: padding or not is known when the field ends (end_after_text).
  quote_end_ = write_;
  state_ = State::AfterText;
  return true;  // the byte is read again as text
}

void CsvReader::end_after_text(char* b) {
  // Called before the field ends: no line break has been read since the closing quote, so the line
  // and column are those of the text.
  if (is_blank(std::string_view(b + quote_end_, write_ - quote_end_))) {
    write_ = quote_end_;  // padding: "G"  , reads G
    return;
  }
  if (!warned_after_) {
    warned_after_ = true;
    report(Code::CsvTextAfterQuote,
           "Column " + num(fields_.size() + 1) + " (line " + num(cur_line_) +
               ") has text after its closing quote; the text was kept as part of the value. "
               "Quotes inside a quoted value must be doubled (\"\").");
  }
}

bool CsvReader::after_text(Scan& s) {
  const std::size_t j = scan4(s.b, s.i, s.n, s.d, '\n', '\r', s.d);
  if (!append_quoted(s, j)) return false;
  if (j == s.n) {
    s.i = s.n;
    return true;
  }
  end_after_text(s.b);
  if (!end_field(field_start_, write_ - field_start_)) return false;
  if (s.b[j] != s.d) return end_line(s, j);
  s.i = j + 1;
  state_ = State::FieldStart;
  return true;
}

void CsvReader::end_of_input(std::size_t n) {
  switch (state_) {
    case State::RecordStart:
      return;
    case State::FieldStart:  // "a,b," : the last field is empty
      if (!end_field(n, 0)) return;
      break;
    case State::Unquoted:
      if (!end_field(field_start_, n - field_start_)) return;
      break;
    case State::Quoted:
      unclosed_ = true;
      report(Code::CsvUnclosedQuote,
             "The quote that opens column " + num(fields_.size() + 1) + " on line " + num(quote_line_) +
                 " is never closed, so everything after it was read into that one value. Add the "
                 "missing closing quote on line " + num(quote_line_) +
                 " (or double a quote meant as text) and load the file again.");
      [[fallthrough]];
    case State::QuoteInQuoted:
      if (!end_field(field_start_, write_ - field_start_)) return;
      break;
    case State::AfterText:
      end_after_text(&buf_[0]);
      if (!end_field(field_start_, write_ - field_start_)) return;
      break;
  }
  state_ = State::RecordStart;
  end_record();
}

void CsvReader::parse(bool at_end) {
  Scan s{&buf_[0], buf_.size(), pos_, pending_cr_ ? pos_ : kNone, opt_.delimiter};
  pending_cr_ = false;
  while (s.i < s.n) {
    bool go = false;
    switch (state_) {
      case State::RecordStart: go = record_start(s); break;
      case State::FieldStart: go = field_start(s); break;
      case State::Unquoted: go = unquoted(s); break;
      case State::Quoted: go = quoted(s); break;
      case State::QuoteInQuoted: go = quote_in_quoted(s); break;
      case State::AfterText: go = after_text(s); break;
    }
    if (!go) return;  // a fatal error: reading stopped
  }
  pos_ = s.i;
  if (fatal_ || !at_end) return;
  end_of_input(s.n);
}

void CsvReader::update_lines() {
  if (fatal_)
    line_ = cur_line_;  // the line where reading stopped
  else if (!any_input_)
    line_ = 0;
  else
    line_ = (last_byte_ == '\n' || last_byte_ == '\r') ? cur_line_ - 1 : cur_line_;
}

void CsvReader::feed(std::string_view chunk) {
  // A big chunk is read in slices: the buffer then holds at most one slice plus the record in
  // progress, which stays in cache and spares copying a whole file into a second allocation.
  constexpr std::size_t kSlice = 256 * 1024;
  while (chunk.size() > kSlice && !fatal_ && !finished_) {
    feed_slice(chunk.substr(0, kSlice));
    chunk.remove_prefix(kSlice);
  }
  feed_slice(chunk);
}

void CsvReader::feed_slice(std::string_view chunk) {
  if (fatal_ || finished_ || chunk.empty()) return;
  // Keep only the record in progress; everything before it has been handed out.
  const std::size_t keep = state_ == State::RecordStart ? pos_ : rec_start_;
  // Fields of the record in progress point into buf_, which moves: keep them as offsets meanwhile.
  const bool rebase = !fields_.empty();
  if (rebase) {
    spans_.clear();
    for (std::string_view f : fields_) {
      spans_.push_back(static_cast<std::size_t>(f.data() - buf_.data()) - keep);
      spans_.push_back(f.size());
    }
  }
  if (keep > 0) {
    buf_.erase(0, keep);
    buf_base_ += keep;
    pos_ -= keep;
    rec_start_ = rec_start_ >= keep ? rec_start_ - keep : 0;
    field_start_ = field_start_ >= keep ? field_start_ - keep : 0;
    write_ = write_ >= keep ? write_ - keep : 0;
    quote_end_ = quote_end_ >= keep ? quote_end_ - keep : 0;
  }
  buf_.append(chunk.data(), chunk.size());
  if (rebase) {
    for (std::size_t k = 0; k < fields_.size(); ++k)
      fields_[k] = std::string_view(buf_.data() + spans_[2 * k], spans_[2 * k + 1]);
  }
  any_input_ = true;
  last_byte_ = chunk.back();
  parse(false);
  update_lines();
  if (fatal_) {
    fields_.clear();
    exact_.clear();
    std::string().swap(buf_);  // release the memory of the oversized record
    pos_ = 0;
  }
}

void CsvReader::finish() {
  if (fatal_ || finished_) return;
  finished_ = true;
  parse(true);
  update_lines();
  fields_.clear();
  exact_.clear();
  std::string().swap(buf_);
  pos_ = 0;
}

// ---- delimiter detection -----------------------------------------------------------------------

namespace {

// Field counts of the first non-blank records of `s` read with delimiter d (quote-aware). A record
// whose every field is blank is a blank line for the reader (csv.hpp), so it is skipped here too.
// A record cut by the end of the sample goes to `last` (0 when the sample ends on a line break).
void field_counts(std::string_view s, char d, std::size_t max_records, std::vector<std::size_t>& counts,
                  std::size_t& last) {
  counts.clear();
  last = 0;
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n && counts.size() < max_records) {
    std::size_t fields = 1;
    bool content = false, complete = false, field_start = true;
    std::size_t begin = i;  // where the field's unquoted text (or the text after its closing quote) starts
    auto text_ends = [&](std::size_t end) {
      if (!content && !is_blank(s.substr(begin, end - begin))) content = true;
    };
    while (i < n) {
      const char c = s[i];
      if (field_start && c == '"') {
        field_start = false;
        const std::size_t open = ++i;
        bool closed = false;
        while (i < n) {
          if (s[i] == '"') {
            if (i + 1 < n && s[i + 1] == '"') {
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          ++i;
        }
        if (!closed) {  // cut inside quotes: counted as content
          content = true;
          begin = i;
          break;
        }
        if (!content && !is_blank(s.substr(open, i - 1 - open))) content = true;  // a doubled quote is content
        begin = i;
        continue;
      }
      field_start = false;
      if (c == d) {
        text_ends(i);
        ++fields;
        field_start = true;
        begin = ++i;
        continue;
      }
      if (c == '\n' || c == '\r') {
        text_ends(i);
        complete = true;
        i += (c == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
        break;
      }
      ++i;
    }
    if (!complete) text_ends(i);
    if (!content) continue;  // blank line
    if (complete)
      counts.push_back(fields);
    else
      last = fields;
  }
}

}  // namespace

char detect_delimiter(std::string_view sample) {
  static const char kCandidates[] = {',', ';', '\t', '|'};  // in priority order
  char best = ',';
  std::size_t best_hits = 0, best_total = 1, best_fields = 0;
  std::vector<std::size_t> counts;
  for (char d : kCandidates) {
    std::size_t last = 0;
    field_counts(sample, d, 50, counts, last);
    if (counts.empty() && last > 0) counts.push_back(last);  // a single line without a line break
    if (counts.empty()) continue;
    // The most frequent field count (ties: the larger count) and how many records have it.
    std::size_t mode = 0, hits = 0;
    for (std::size_t a = 0; a < counts.size(); ++a) {
      std::size_t h = 0;
      for (std::size_t c : counts) h += c == counts[a];
      if (h > hits || (h == hits && counts[a] > mode)) {
        mode = counts[a];
        hits = h;
      }
    }
    if (mode < 2) continue;
    const std::size_t total = counts.size();
    // Better: a larger share of records with the same count; then more fields; then priority.
    const std::size_t lhs = hits * best_total, rhs = best_hits * total;
    if (best_fields == 0 || lhs > rhs || (lhs == rhs && mode > best_fields)) {
      best = d;
      best_hits = hits;
      best_total = total;
      best_fields = mode;
    }
  }
  return best;
}

namespace {

// What detect_title_records looks at in a record.
struct RecordShape {
  std::size_t width = 0;     // fields
  std::size_t values = 0;    // fields that are not blank
  bool header_like = false;  // two values or more, half the fields or more, none an email or a number
  bool email = false;        // a value holds an @: a row of data, not a title
};

RecordShape shape_of(const std::vector<std::string_view>& fields) {
  RecordShape r;
  r.width = fields.size();
  bool data_like = false;
  for (std::string_view f : fields) {
    if (is_blank(f)) continue;
    ++r.values;
    if (f.find('@') != std::string_view::npos) data_like = r.email = true;
    bool digits = true;  // a number, a date or a phone number: a value, not a column name
    for (char c : f)
      if (!((c >= '0' && c <= '9') || c == '.' || c == ',' || c == '-' || c == '/' || c == ' ' || c == '+' || c == ':'))
        digits = false;
    if (digits) data_like = true;
  }
  r.header_like = !data_like && r.values >= 2 && r.values * 2 >= r.width;
  return r;
}

}  // namespace

std::size_t detect_title_records(std::string_view sample, char d) {
  constexpr std::size_t kLook = 40;  // records looked at
  std::vector<RecordShape> recs;
  CsvOptions o;
  o.delimiter = d;
  o.has_header = false;
  CsvReader reader(o, [&](const CsvRecord& rec) {
    if (recs.size() < kLook) recs.push_back(shape_of(rec.fields));
  }, nullptr);
  reader.feed(sample);  // not finished: a record cut by the end of the sample is not looked at
  if (recs.size() < 3 || recs[0].header_like) return 0;
  for (std::size_t k = 1; k <= kMaxTitleRecords && k + 2 <= recs.size(); ++k) {
    const RecordShape& h = recs[k];
    if (!h.header_like) continue;
    // Every record before it is a title: no email, and at most half as many values or another width
    // (none looks like a header, or the first would have been taken).
    bool titles = true;
    for (std::size_t i = 0; i < k; ++i)
      if (recs[i].email || (recs[i].values > std::max<std::size_t>(1, h.values / 2) && recs[i].width == h.width))
        titles = false;
    if (!titles) return 0;
    std::size_t same = 0;  // the rows after it settle at its width
    for (std::size_t i = k + 1; i < recs.size(); ++i) same += recs[i].width == h.width;
    return same * 5 >= (recs.size() - k - 1) * 4 ? k : 0;
  }
  return 0;
}

std::string delimiter_name(char d) {
  switch (d) {
    case ',': return "comma";
    case ';': return "semicolon";
    case '\t': return "tab";
    case '|': return "pipe";
    default: return std::string(1, d);
  }
}

bool parse_delimiter(std::string_view s, char& out) {
  if (s.size() == 1 && (s[0] == ',' || s[0] == ';' || s[0] == '\t' || s[0] == '|')) {
    out = s[0];
    return true;
  }
  std::string low;
  for (char c : s) low.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (low == "comma") out = ',';
  else if (low == "semicolon") out = ';';
  else if (low == "tab" || low == "\\t") out = '\t';
  else if (low == "pipe") out = '|';
  else return false;
  return true;
}

}  // namespace pe
