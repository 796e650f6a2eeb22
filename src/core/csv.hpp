// CSV reading: the incremental reader of UTF-8 text into records, and delimiter detection.
//
// Feed UTF-8 chunks of any size; complete records are handed to a callback as string_views that
// point into the reader's own buffer (valid only during the callback). Unquoted fields are not
// copied; a quoted field is unescaped in place. No allocation per cell on the hot path: the
// field vector and the buffer are reused.
//
// Blank lines: a record whose every field is blank after unquoting (is_blank, text.hpp: empty, or
// only spaces, TABs, NBSP and the other Unicode spaces) is a blank line, not a record: an empty
// line, `,,,,`, ` , `, `\t,\t`, `"",""`, `" "," "`. It is counted (blank_lines()), its line handed
// to the optional blank callback, and it takes no row number; the header is the first record that
// is not blank. A line break inside a quoted value is part of that value, so a blank line inside a
// quoted multi-line value is content. A record with an unclosed quote is never blank (its error is
// reported on it). Lines stay physical lines of the input: blank lines count.
//
// Padding: whitespace (is_blank) between a closing quote and the next delimiter or line end is
// dropped without a warning (`"G"  ,H` reads `G`, as Papa Parse and spreadsheets read it); other
// text there is kept as part of the value with a csv_text_after_quote warning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "findings.hpp"

namespace pe {

struct CsvOptions {
  char delimiter = ',';
  bool has_header = true;                   // the first non-blank record is the header (row 0)
  // Non-blank records before the header that are not read as rows: title lines of a scraper or
  // report export ("Exported from Sales Navigator on ..."). They take no row number; their lines
  // stay counted, and previews() shows them.
  std::size_t skip_records = 0;
  std::size_t max_field_bytes = 4u << 20;   // a larger field stops reading (error csv_field_too_large)
  std::size_t max_columns = 4096;           // more columns stops reading (error csv_too_many_columns)
};

// The first records of the input as a person would pick a header among them: the line each starts
// on and its fields joined by the delimiter and a space, cut to about kPreviewBytes.
struct RecordPreview {
  std::size_t line = 0;
  std::string text;
};
inline constexpr std::size_t kPreviewRecords = 12;
inline constexpr std::size_t kPreviewBytes = 160;

struct CsvRecord {
  const std::vector<std::string_view>& fields;
  std::size_t row;   // 0 = header (when has_header), then 1, 2, ... for data records
  std::size_t line;  // 1-based physical line where the record starts
  // Per field: nonzero when its bytes are the text's own at CsvReader::text_offset (every unquoted
  // value, and a quoted one with no doubled quote and nothing after its closing quote). Null: unknown.
  const std::vector<char>* exact = nullptr;
};

// Findings (row and line set; field empty): the reader's codes of findings.hpp (Source::Reader):
// csv_ragged_row, csv_stray_quote, csv_text_after_quote, csv_unclosed_quote, and the two that stop
// reading, csv_field_too_large (a field over max_field_bytes) and csv_too_many_columns.
class CsvReader {
 public:
  using RecordFn = std::function<void(const CsvRecord&)>;
  using FindingFn = std::function<void(Finding&&)>;
  using BlankFn = std::function<void(std::size_t line)>;  // a blank line: where it starts

  CsvReader(CsvOptions opt, RecordFn on_record, FindingFn on_finding, BlankFn on_blank = nullptr);

  // Feeds the next chunk of UTF-8 text. Does nothing after a fatal error.
  void feed(std::string_view chunk);
  // Ends the input: emits the last record (no trailing newline needed) and reports an open quote.
  void finish();

  bool fatal() const { return fatal_; }
  // Blank lines skipped (see above; a blank record spanning lines inside quotes counts once).
  std::size_t blank_lines() const { return blank_lines_; }
  // Physical lines seen ("a\nb" and "a\nb\n": 2); after a fatal error, the line where reading stopped.
  std::size_t lines() const { return line_; }
  std::size_t records() const { return records_; }           // records emitted, header included
  std::size_t skipped_records() const { return skipped_; }    // title records skipped (skip_records)
  // The first kPreviewRecords non-blank records, skipped ones included (RecordPreview).
  const std::vector<RecordPreview>& previews() const { return previews_; }
  // Where a byte of a field handed to the record callback is in the text fed so far (0-based), for
  // the callback's fields only. A quoted value with doubled quotes is unescaped in place, so its
  // bytes are not those of the text at that offset: a caller that relies on it compares first.
  std::size_t text_offset(const char* p) const { return buf_base_ + static_cast<std::size_t>(p - buf_.data()); }
  // Field count of the first record (the header; without a header, the first data record):
  // the count other records are checked against.
  std::size_t header_columns() const { return header_cols_; }

 private:
  // Implementation detail; see csv.cpp.
  enum class State : unsigned char {
    RecordStart,    // at the start of a line, outside any record
    FieldStart,     // after a delimiter
    Unquoted,       // inside an unquoted field
    Quoted,         // inside a quoted field
    QuoteInQuoted,  // a quote inside a quoted field; the next byte decides (doubled or closing)
    AfterText,      // text after a closing quote up to the delimiter: padding, or kept literally
  };

  // The buffer being scanned: parse() hands it to the handler of the current state, which reads
  // from i on and returns false when reading stopped (a fatal error).
  struct Scan {
    char* b;
    std::size_t n;        // bytes in b
    std::size_t i;        // next byte to read
    std::size_t lf_skip;  // an LF here completes a CRLF split by the feed (kNone: none)
    char d;               // the delimiter
    // The 64-byte block of b at blk (none yet: -1) as a mask of its delimiters, quotes, CRs and
    // LFs (scan.hpp). Bytes are only ever rewritten behind the scan (the in-place unescape), so the
    // mask stays true for every byte from i on.
    std::size_t blk = static_cast<std::size_t>(-1);
    std::uint64_t mask = 0;
  };
  // The first index in [i, s.n) holding the delimiter, a quote, CR or LF; s.n if none.
  static std::size_t next_special(Scan& s, std::size_t i);

  void feed_slice(std::string_view chunk);
  void parse(bool at_end);
  bool record_start(Scan& s);
  bool field_start(Scan& s);
  bool unquoted(Scan& s);
  bool quoted(Scan& s);
  bool quote_in_quoted(Scan& s);
  bool after_text(Scan& s);
  void end_of_input(std::size_t n);
  bool end_field(std::size_t begin, std::size_t len);  // false after a fatal error
  // The text after a closing quote ended: dropped when it is blank (padding), else kept and warned.
  void end_after_text(char* b);
  // The one field-size guard: true (and reading stopped) when the value being read has len bytes,
  // more than max_field_bytes.
  bool too_large(std::size_t len);
  // Moves s.b[s.i, j) to the end of the quoted value unescaped in place; false when it grew too large.
  bool append_quoted(Scan& s, std::size_t j);
  bool end_line(Scan& s, std::size_t j);  // the line break at j ends the field and the record
  void end_record();
  void add_preview();  // of the record just read (previews())
  std::size_t newline(std::size_t j, std::size_t n, std::size_t lf_skip);
  std::size_t current_row() const { return opt_.has_header ? records_ : records_ + 1; }
  void report(Code code, std::string message);
  void stop(Code code, std::string message);
  void update_lines();

  CsvOptions opt_;
  RecordFn on_record_;
  FindingFn on_finding_;
  BlankFn on_blank_;
  std::string buf_;              // unconsumed tail of the input (the record being read) + new chunk
  std::size_t pos_ = 0;          // next byte of buf_ to scan
  std::size_t buf_base_ = 0;     // offset in the text fed so far of buf_[0]
  std::vector<std::string_view> fields_;
  std::vector<char> exact_;       // CsvRecord::exact, parallel to fields_
  bool field_moved_ = false;      // the value being read no longer lines up with the text
  std::vector<std::size_t> spans_;  // fields_ as offsets while buf_ is being compacted / grown
  bool fatal_ = false;
  bool finished_ = false;
  std::size_t blank_lines_ = 0;
  std::size_t line_ = 0;         // physical lines seen (see lines())
  std::size_t cur_line_ = 1;     // line number of the byte being scanned
  std::size_t records_ = 0;
  std::size_t skipped_ = 0;
  std::vector<RecordPreview> previews_;
  std::size_t header_cols_ = 0;
  bool pending_cr_ = false;      // the last byte scanned was a CR at the end of buf_
  bool any_input_ = false;
  char last_byte_ = 0;           // last input byte fed

  State state_ = State::RecordStart;
  std::size_t rec_start_ = 0;    // buf_ offset where the current record starts
  std::size_t rec_line_ = 1;     // line where the current record starts
  std::size_t field_start_ = 0;  // buf_ offset of the current field's value
  std::size_t write_ = 0;        // quoted field: end of the unescaped value written so far
  std::size_t quote_end_ = 0;    // AfterText: buf_ offset where the value ended at its closing quote
  std::size_t quote_line_ = 0;   // line where the current quoted field opened
  bool unclosed_ = false;        // the current record has a quote never closed (never blank)
  bool warned_stray_ = false;    // one csv_stray_quote per record
  bool warned_after_ = false;    // one csv_text_after_quote per record
};

// Picks the delimiter among , ; TAB | from a sample of UTF-8 text: the candidate that gives the
// most consistent field count (> 1) over the first lines, ignoring delimiters inside quotes.
// Falls back to ',' when nothing fits.
char detect_delimiter(std::string_view sample);

// How many title records come before the header in `sample` (the start of the text) read with
// delimiter d: 0 unless the first record does not look like a header and a later one (among the
// first kMaxTitleRecords + 1) does, the records after it settle at its width, and every record
// before it holds no email and far fewer values or another width (a title, a date, a note). Used
// when the header is not chosen.
inline constexpr std::size_t kMaxTitleRecords = 10;
std::size_t detect_title_records(std::string_view sample, char d);

// "comma", "semicolon", "tab", "pipe", or the character itself.
std::string delimiter_name(char d);
// Accepts ",", ";", "\t", "tab", "|", "comma", "semicolon", "pipe". Returns false otherwise.
bool parse_delimiter(std::string_view s, char& out);

}  // namespace pe
