// The document: a whole export in memory, read (csv_stream.hpp), mapped and checked by the row
// rules (row_rules.hpp): its cells, the findings of each row and of the file, the duplicates and
// the summary; cells can be edited and the mapping changed, and everything is checked again.
// The page's session (session.hpp) works through it; what is sent is built from it (requests.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "csv.hpp"  // RecordPreview
#include "encoding.hpp"
#include "findings.hpp"
#include "mapping.hpp"
#include "row_rules.hpp"

namespace pe {

// Findings by row for the few rows that have any: a slot per row (0: none) into a pool of lists.
// A vector per row cost 24 bytes per row and two for each (48 MB for a million rows), all set up
// and freed on every load, when most rows have no finding at all.
class RowFindings {
 public:
  void reset(std::size_t rows) {
    slot_.assign(rows, 0);
    pool_.clear();
  }
  // Rows added at the end, with no findings (the rows before keep theirs).
  void grow(std::size_t rows) {
    if (rows > slot_.size()) slot_.resize(rows, 0);
  }
  void reserve(std::size_t rows) { slot_.reserve(rows); }
  void release() {
    std::vector<std::uint32_t>().swap(slot_);
    std::vector<std::vector<Finding>>().swap(pool_);
  }
  const std::vector<Finding>& operator[](std::size_t row) const {
    static const std::vector<Finding> kNone;
    const std::uint32_t s = slot_[row];
    return s ? pool_[s - 1] : kNone;
  }
  // The row's list, to fill (a slot is given to it the first time).
  std::vector<Finding>& edit(std::size_t row) {
    if (!slot_[row]) {
      pool_.emplace_back();
      slot_[row] = static_cast<std::uint32_t>(pool_.size());
    }
    return pool_[slot_[row] - 1];
  }
  // The row's list becomes these findings (its slot, if any, is kept for later edits).
  void set(std::size_t row, std::vector<Finding>& findings) {
    if (findings.empty() && !slot_[row]) return;
    std::vector<Finding>& v = edit(row);
    v.clear();
    for (Finding& f : findings) v.push_back(std::move(f));
  }

 private:
  std::vector<std::uint32_t> slot_;           // per row: 0, or 1 + its place in pool_
  std::vector<std::vector<Finding>> pool_;    // nothing is allocated before a row has a finding
};

// The input a document reads in place: a string handed over (load_owned), or a buffer made for
// the caller to fill (begin_input), which is not cleared first (std::string::resize would write
// every byte before the caller writes them again: 158 MB at the start of every load).
class InputBytes {
 public:
  InputBytes() = default;
  InputBytes(InputBytes&& o) noexcept { *this = std::move(o); }
  // The view follows the bytes: a short string keeps its bytes inside itself, so a view of the
  // moved-from string would point at the old object.
  InputBytes& operator=(InputBytes&& o) noexcept {
    if (this == &o) return *this;
    const bool in_owned = !o.view_.empty() && o.view_.data() == o.owned_.data();
    owned_ = std::move(o.owned_);
    raw_ = std::move(o.raw_);
    view_ = in_owned ? std::string_view(owned_) : o.view_;
    std::string().swap(o.owned_);
    o.view_ = {};
    return *this;
  }
  void adopt(std::string&& s) {
    release();
    owned_ = std::move(s);
    view_ = owned_;
  }
  char* make(std::size_t n) {
    release();
    raw_.reset(new char[n > 0 ? n : 1]);
    view_ = std::string_view(raw_.get(), n);
    return raw_.get();
  }
  void release() {
    std::string().swap(owned_);
    raw_.reset();
    view_ = {};
  }
  std::string_view view() const { return view_; }
  std::size_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }

 private:
  std::string owned_;
  std::unique_ptr<char[]> raw_;
  std::string_view view_;
};

struct LoadOptions {
  Encoding encoding = Encoding::Auto;
  char delimiter = 0;  // 0 = detect
  std::vector<std::pair<std::string, Field>> overrides;
  long header_skip = -1;  // title records before the header (CsvOptions::skip_records); -1 = detect
};

class Document {
 public:
  Document();
  ~Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;

  // Reads a whole export. Returns false when it cannot be read at all (error() says why and what
  // to do): empty input, no header, a reader error in the header record (an unclosed quote; the
  // reader's finding is kept in file_findings() and headers() is left empty), no email column, or a
  // fatal reader error (headers() is left empty too: a remap cannot use a file read only in part).
  // The previous document is gone in every case: after a false there are no rows (except with no
  // email column: the rows are kept, all invalid, for remap()), and when it throws (std::bad_alloc)
  // the document is empty.
  bool load(std::string_view bytes, const LoadOptions& opt);
  // load(), and the bytes are freed as soon as they are read: the checks, the rows' state and the
  // duplicate index that follow reuse their memory instead of adding to it (the page's input).
  bool load_owned(std::string&& bytes, const LoadOptions& opt);
  // load_owned() while the bytes arrive (the page reads a file in slices): begin_input() gives a
  // buffer of the file's size (the previous document is gone first), which the caller fills in
  // order; read_to(end, opt) reads what is there so far while the rest arrives; end_input(opt)
  // reads the rest and goes on as load_owned() of the whole buffer. The result is the same as that
  // of load_owned(): with encoding Auto, the encoding is detected on the first bytes and confirmed
  // on all of them at the end; if all of them say otherwise, or the options differ from those
  // reading started with, end_input() reads the buffer again from its start.
  char* begin_input(std::size_t size);
  void read_to(std::size_t end, const LoadOptions& opt);
  bool end_input(const LoadOptions& opt);
  std::string_view input() const { return input_.view(); }  // the buffer of begin_input() until read
  const std::string& error() const { return error_; }

  Encoding encoding() const { return encoding_; }
  char delimiter() const { return delimiter_; }
  bool delimiter_detected() const { return delimiter_detected_; }
  // Title records skipped before the header (LoadOptions::header_skip, or detected), and the first
  // records of the file as read, to choose the header among them (RecordPreview).
  std::size_t title_records() const { return title_records_; }
  const std::vector<RecordPreview>& previews() const { return previews_; }
  std::size_t invalid_sequences() const { return invalid_sequences_; }

  // The header record's fields, every column of the file (the mapping and overrides use these).
  const std::vector<std::string>& headers() const { return headers_; }
  // The columns shown and mapped: the headers without the empty columns at the end (no header, no
  // value in any row, named by no override: drop_empty_columns, row_rules.hpp), which one info
  // finding, empty_columns_ignored, reports instead.
  const std::vector<ColumnMap>& columns() const { return plan_.columns; }
  // The shown column sent as field f, or -1.
  int column_for(Field f) const { return plan_.column(f); }

  // Changes the mapping and re-validates every row. False (error() set) if no email column remains.
  bool remap(const std::vector<std::pair<std::string, Field>>& overrides);
  // Replaces one cell (0-based data row and column) and re-validates that row and duplicates.
  bool set_cell(std::size_t row, std::size_t col, std::string_view value);
  // Many cells at once (edits offered back for the same file, a bulk fix, its undo): each change is
  // made only where the cell still holds `from`; the rows are checked again and the duplicates once
  // at the end. Returns how many were made; the others (another value there, no such cell) are left.
  struct CellChange {
    std::size_t row = 0, col = 0;
    std::string from, to;
  };
  // made_at (when given) gets the places in `changes` of those made.
  std::size_t set_cells(const std::vector<CellChange>& changes, std::vector<std::size_t>* made_at = nullptr);

  // Rows the user excluded: kept and checked like the others, but never sent (requests.hpp's
  // batch_rows leaves them out), never the first of an email (a later row with the same email is
  // then no duplicate), left out of the cleaned CSV, and counted apart in the summary (excluded, and
  // in none of valid, invalid, duplicates, errors, warnings). A load forgets them; a remap keeps them.
  bool excluded(std::size_t row) const { return row < excluded_.size() && excluded_[row]; }
  // Marks rows excluded (or included again when `excluded` is false); a row already so, or past the
  // last row, is left. Returns how many changed; made_at (when given) gets their places in `rows`.
  // The duplicates are found again once.
  std::size_t set_excluded(const std::vector<std::size_t>& rows, bool excluded, std::vector<std::size_t>* made_at = nullptr);

  // Rows: the records after the header, blank lines left out (csv.hpp); a blank line takes no row
  // number, so row r + 1 is the (r + 1)-th record that is not blank. line_of() is the physical line.
  std::size_t row_count() const { return lines_.size(); }
  std::size_t column_count() const { return shown_; }  // columns().size() once mapped
  std::string_view cell(std::size_t row, std::size_t col) const;
  std::size_t line_of(std::size_t row) const { return lines_[row]; }
  // Where each blank line skipped by the reader starts, in file order (blank lines before the
  // header too); summary().blank_lines is their count.
  const std::vector<std::uint32_t>& blank_lines() const { return blank_lines_at_; }
  RowStatus status(std::size_t row) const { return status_[row]; }
  std::size_t duplicate_of(std::size_t row) const { return dup_of_[row]; }  // 0-based row, valid if Duplicate
  bool has_warning(std::size_t row) const;
  bool has_error(std::size_t row) const { return status_[row] != RowStatus::Valid; }
  bool has_code(std::size_t row, Code code) const;  // a finding of the row has this code
  // Findings of one row (validation, reader and duplicate findings), in field order.
  std::vector<Finding> row_findings(std::size_t row) const;
  // Findings not tied to a row (encoding, mapping, reader fatal errors). Mapping: an override key
  // that names no column (see override_column) gives the warning "mapping_unknown_column", naming
  // the key and the headers seen; load() and remap() replace those of the previous mapping.
  const std::vector<Finding>& file_findings() const { return file_findings_; }
  // All findings: file findings first, then row by row.
  std::vector<Finding> all_findings() const;

  Prospect prospect(std::size_t row) const;  // normalised values of a row
  void prospect_into(std::size_t row, Prospect& p) const;  // the same into p (its strings' memory reused)
  std::string email(std::size_t row) const;  // its normalised email alone (one check, not six)
  std::string email_key(std::size_t row) const;
  // Bytes of cell text held apart from the input (see cells_ below): all of it unless load_owned
  // read UTF-8 in place; then only unescaped quotes, replaced bytes and edits.
  std::size_t arena_bytes() const { return arena_.size(); }  // email(row) lower-cased: what duplicates are found by
  Summary summary(std::size_t batch_size) const;

 private:
  bool load_from(std::string_view bytes, std::string* owned, const LoadOptions& opt);
  // input_ (in place unless over 2 GB) or `bytes` read whole, and the rest of the load.
  bool read_whole(std::string_view bytes, bool in_place, const LoadOptions& opt);
  // Reading, in three steps (so that the page can read while the file arrives): start on the first
  // `filled` bytes of `bytes` (the encoding is detected on them), advance as more are there, finish.
  // in_place: cells may point into `bytes` (then input_, which outlives the document's cells).
  struct Reading;
  void start_reading(std::string_view bytes, std::size_t filled, bool in_place, const LoadOptions& opt);
  void advance_reading(std::size_t end);
  // False, with nothing finished, when the encoding detected on all the bytes is not the one the
  // reading started with (then the caller reads again); otherwise the reader's findings by row.
  bool finish_reading(std::vector<std::pair<std::size_t, Finding>>& pending);
  // What load_owned() does after reading: the reader's findings placed, the read refused or mapped.
  // checked: rows checked while reading (check_read_rows) with opt's mapping.
  bool end_load(std::vector<std::pair<std::size_t, Finding>>& pending, const LoadOptions& opt, std::size_t checked = 0);
  // checked: the first rows were checked while the input arrived (check_read_rows), with the
  // mapping these overrides give; they are not checked again.
  bool map_and_validate(const std::vector<std::pair<std::string, Field>>& overrides, std::size_t checked = 0);
  // While the input arrives (read_to): the rows read so far are checked with the mapping of the
  // header and the options' overrides, which is the one end_load() makes unless the overrides differ.
  void check_read_rows();
  FieldCells field_cells(std::size_t row) const;
  // with_reader_findings false: the reader's findings of the row are not placed yet (while reading);
  // the row's status is then its email's, and end_load() adds theirs.
  void validate_row(std::size_t row, bool with_reader_findings = true);
  bool write_cell(std::size_t row, std::size_t col, std::string_view value);
  void recompute_duplicates();
  void drop_rows();  // after a load that cannot go on: no half-read rows stay behind

  std::string error_;
  Encoding encoding_ = Encoding::Utf8;
  char delimiter_ = ',';
  bool delimiter_detected_ = false;
  std::size_t title_records_ = 0;
  std::vector<RecordPreview> previews_;
  bool fatal_ = false;  // the reader stopped part way
  std::size_t invalid_sequences_ = 0;
  std::size_t blank_lines_ = 0;
  std::vector<std::uint32_t> blank_lines_at_;
  std::vector<std::string> headers_;
  std::size_t values_end_ = 0;  // one past the last column with a value in some row (note_values_end)
  std::size_t shown_ = 0;       // columns shown: headers_.size() less the empty columns at the end
  ColumnPlan plan_;  // columns, the column of each field, signals by row or per file

  // Cells: (offset, length) per cell, row-major, headers_.size() cells per row (the empty columns
  // at the end included, so that a remap naming one of them shows it again). A cell is read in place
  // from the input (input_, kept when load_owned is given UTF-8 text: no copy of the cells), or,
  // with kInArena set in its offset, from arena_: cells whose text is not the input's (decoded from
  // another encoding, unescaped quotes, invalid bytes replaced) and edited cells.
  static constexpr std::uint32_t kInArena = 0x80000000u;
  InputBytes input_;
  std::string arena_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cells_;
  std::vector<std::uint32_t> lines_;
  std::vector<RowStatus> status_;
  std::vector<std::uint32_t> dup_of_;
  // What duplicates are found by, per row: the two hashes of its lower-cased email (DupIndex), not
  // the email itself (a string per row was about 0.6x the file's size in memory); the email is made
  // again when a message needs it (email_key).
  std::vector<std::uint64_t> key_h64_;
  std::vector<std::uint32_t> key_h32_;
  std::vector<std::uint8_t> excluded_;              // per row once a row was excluded (set_excluded); empty before
  std::vector<std::uint32_t> derive_;              // how each row's values follow from its cells (RowCheck::derive)
  RowCheck row_check_;                             // validate_row's, reused from row to row (its strings keep their memory)
  std::vector<Finding> found_;                      // validate_row's findings of the row being checked
  RowFindings row_findings_;                       // validation findings per row
  RowFindings csv_findings_;                       // reader findings per row
  std::vector<Finding> file_findings_;
  std::unique_ptr<Reading> reading_;                // between begin_input() and end_input()
};

}  // namespace pe
