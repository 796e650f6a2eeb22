// The page's session: what the page needs of one loaded export, as plain structs (their JSON form
// is in json_forms.hpp; the page's module only converts, src/wasm/bindings.cpp): the document, its
// mapping, the row filter, the batch plan (cached), the problem groups and the exports. Plain C++,
// tested natively.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "constants.hpp"
#include "document.hpp"
#include "export.hpp"
#include "run_ledger.hpp"
#include "stream_check.hpp"

namespace pe {

// What the page shows of the loaded file (and, when ok is false, why it could not be used).
struct SessionState {
  bool ok = false;
  std::string error;
  bool refused = false;  // the load options were refused before anything was read: only error counts
  Encoding encoding = Encoding::Utf8;
  char delimiter = ',';
  bool delimiter_detected = false;
  std::vector<ColumnMap> columns;  // the headers with field Ignore when the file was not mapped
  std::vector<Finding> file_findings;
  Summary summary;
  std::string fingerprint;  // content_fingerprint of the file read ("" when none was)
  // Title records skipped before the header (Session::set_header_skip, or detected), and the first
  // records as read, to choose the header among them (also after a load that found no header).
  std::size_t title_records = 0;
  std::vector<RecordPreview> previews;
};

// Many cells changed at once (Session::set_cells).
struct CellsEdit {
  std::size_t made = 0, skipped = 0;
  std::vector<std::size_t> made_at;  // the places of the changes made, in order
  Summary summary;
};

// A fingerprint of a file's content for remembering what the user did with it (edits offered back
// when the same file is read again): SHA-256 over its size, its first and its last MiB, as 32 hex
// digits. Not the whole file, so that it costs nothing on a large one: whoever uses it checks each
// remembered edit against the cell it was made on (Document::set_cells) and leaves the others.
std::string content_fingerprint(std::string_view bytes);

// One row as the grid shows it.
struct RowView {
  std::size_t index = 0;         // 0-based data row
  std::size_t line = 0;          // where the record starts
  RowStatus status = RowStatus::Valid;
  std::size_t duplicate_of = 0;  // for Duplicate: the 0-based row first holding the email
  bool excluded = false;         // excluded by the user (Session::set_excluded): kept, never sent
  std::vector<std::string_view> cells;  // valid until the document changes
  std::vector<Finding> findings;
  // What a row that is sent (valid, not excluded) sends where it differs from the cell as read: the
  // value after normalisation ("  Ada@Acme.COM " -> "Ada@acme.com", "acme.com/about" ->
  // "https://acme.com"; "" when the value is dropped), one per mapped column, and the two names a
  // full-name column is split into. Empty for the other rows: they send nothing.
  struct Sent {
    std::size_t col = 0;
    Field field = Field::Ignore;
    std::string value;
  };
  std::vector<Sent> sent;
};

// Which rows the grid lists. Code: the rows with a finding of one code (a problem group). Excluded:
// the rows the user excluded, which only All and Excluded list. Unknown: a name that is none of
// these, which keeps no row.
enum class RowFilter : std::uint8_t { All, Errors, Warnings, Valid, Code, Excluded, Unknown };
// "all", "errors", "warnings", "valid", "excluded", or "code:<code name>" (Code, with *code set);
// Unknown for any other name.
RowFilter row_filter(std::string_view name, Code* code = nullptr);

struct RowPage {
  std::size_t total = 0;  // rows the filter keeps
  std::vector<RowView> rows;
};

struct CellEdit {
  bool ok = false;  // false: no such cell (error says so)
  std::string error;
  RowView row;
  Summary summary;
};

struct PlannedBatch {
  std::size_t index = 0, count = 0;
  std::size_t first_row = 0, last_row = 0;  // 1-based
  std::string key;                          // batch_key of all its emails (requests.hpp); only with emails
  std::vector<std::string> emails;          // only when asked: the ones to send (not skipped)
  std::size_t skipped = 0;                  // its prospects in the skip set (Session::set_skip)
  std::string hashes;                       // only with emails: prospect_hash_hex of each of emails, joined
};

struct RowRef {
  std::size_t row = 0, line = 0;  // 1-based row; line where it starts
};

// The findings of the file's rows grouped by code, errors first, then the most frequent. A group is
// described by its code's meaning (findings.hpp), which holds for every row in it; the messages of
// its first two rows are examples.
struct ProblemGroup {
  Code code = Code::EmailInvalid;
  std::string field;             // of the first finding with the code
  std::size_t count = 0;         // rows with the code
  std::vector<std::size_t> rows; // the first five of them, 1-based
  std::string message;           // of the first finding with the code
  std::vector<std::string> examples;  // the messages of rows[0] and rows[1] (as many as there are)
};

// Counts findings into problem groups (Session::problems, CheckOnly): feed each row's findings
// in row order.
class ProblemTally {
 public:
  void add(std::size_t row, const Finding& f);  // row: 1-based
  std::vector<ProblemGroup> groups() const;     // errors first, then the most frequent
  void clear() {
    groups_.clear();
    last_row_.clear();
  }

 private:
  std::vector<ProblemGroup> groups_;
  std::vector<std::size_t> last_row_;  // per group: the last row counted (a row counts once per code)
};

class Session {
 public:
  // Reads a file. The previous document is gone before anything else happens, whatever the
  // outcome: after a failed load (a false from Document::load, or an exception such as
  // std::bad_alloc, which is passed on) the session is empty: no rows, an empty summary, no
  // batches. encoding: "auto" or a name (encoding.hpp); delimiter: "auto" or a name (csv.hpp); an
  // unknown name is refused (ok false, error says which) before anything is read.
  SessionState load(std::string_view bytes, const std::string& encoding, const std::string& delimiter,
                    int batch_size);
  // load(), and the bytes are freed as soon as they are read (Document::load_owned).
  SessionState load_owned(std::string&& bytes, const std::string& encoding, const std::string& delimiter,
                          int batch_size);
  // load_owned() while the file arrives (Document::begin_input): begin_input() drops the previous
  // document and gives a buffer of the file's size, which the caller fills in order; read_input()
  // reads what is there so far (an unknown encoding or delimiter name: nothing, end_input() says
  // so); end_input() reads the rest and answers as load_owned() of the whole buffer would.
  char* begin_input(std::size_t size);
  std::string_view input() const { return doc_.input(); }
  void read_input(std::size_t end, const std::string& encoding, const std::string& delimiter);
  SessionState end_input(const std::string& encoding, const std::string& delimiter, int batch_size);
  // Forgets the document and everything derived from it, and frees its memory.
  void clear();
  // How many records before the header are title lines for the loads that follow (-1, the default:
  // detected; LoadOptions::header_skip). Kept by clear().
  void set_header_skip(long n) { header_skip_ = n < 0 ? -1 : n; }

  SessionState state() const;
  // state() with ok false and this error: what a failed call answers.
  SessionState state_with_error(const std::string& error) const;

  // overrides: header text or "#N" -> field, as map_columns takes them.
  SessionState remap(std::vector<std::pair<std::string, Field>> overrides);
  void set_batch_size(int n);  // n < 1: the default
  CellEdit set_cell(int row, int col, const std::string& value);
  // Document::set_cells, then the filter applied again. The summary after it.
  CellsEdit set_cells(const std::vector<Document::CellChange>& changes);
  // Bulk fixes (the page previews each with its count, then makes it with set_cells, undoably):
  //   "website_from_email"  an empty company website filled with the domain of the row's valid
  //                         email, when that is a company's (not an email provider's)
  //   "clear_linkedin"      LinkedIn values the check leaves out (company pages, Sales Navigator
  //                         links, not LinkedIn at all) emptied
  //   "clear_website"       website values the check leaves out (social sites, IP addresses, not a
  //                         web address) emptied
  //   "trim:N"              the cells of column N (0-based) with spaces at the ends or doubled
  //                         inside, or invisible characters at the ends, written trimmed
  //   "lower_email_domain"  emails whose part after the last @ has ASCII capitals, with that part
  //                         lower-cased (Jared@PiedPiper.COM -> Jared@piedpiper.com; the local part
  //                         is kept: only the domain is case-blind)
  //   "split_name"          where the file has first- and last-name columns and a full-name column
  //                         (full_name_column), the rows whose first and last name are both blank and
  //                         whose full name is not: split as the checks split a full name when it is
  //                         sent (split_full_name, checks.hpp): "Last, First" reversed, a leading
  //                         title dropped, the first word the first name, the rest the last name
  //                         ("Jan van der Berg" -> Jan / van der Berg); a single word the first name
  //                         only. Counted in rows (a row changes one or two cells).
  // Rows the user excluded are left out of every fix (and of replace_changes).
  // The changes a fix makes now (none for an unknown fix or one that does not apply).
  std::vector<Document::CellChange> fix_changes(const std::string& fix) const;
  // Find and replace in column col (0-based), plain text: every occurrence of `find` in a cell
  // replaced, left to right, without overlaps (an empty find changes nothing); or, with whole_cell,
  // the cells equal to `find` written as `replace` (an empty find then fills the empty cells).
  // match_case false compares ASCII letters case-blind. The changes it makes now (none for no such
  // column).
  std::vector<Document::CellChange> replace_changes(int col, const std::string& find, const std::string& replace,
                                                    bool whole_cell, bool match_case) const;
  // How many cells replace_changes would change (the preview, asked as the user types): the same
  // pass, with no string made.
  std::size_t replace_count(int col, const std::string& find, const std::string& replace, bool whole_cell,
                            bool match_case) const;
  // The column split_name reads the full name from: the one mapped to full_name when first- and
  // last-name columns are mapped too, else the first column whose header is a full name's
  // (is_full_name_header) and is neither of those; -1 when there is none or no first/last column.
  int full_name_column() const;
  // Rows to exclude: "invalid" (the rows not sent: invalid or duplicate), or "code:<code name>"
  // (the rows of a problem group); only rows not excluded yet, 0-based, in order. None for another name.
  std::vector<std::size_t> exclude_rows(const std::string& which) const;
  // Excludes the rows (or includes them again when `excluded` is false; Document::set_excluded);
  // made_at: the places in `rows` of those that changed. The summary after it. The page's undo
  // makes the opposite call with the rows made.
  CellsEdit set_excluded(const std::vector<std::size_t>& rows, bool excluded);
  // The fixes that would change something now, with how many cells each changes (split_name: rows),
  // and last "exclude_invalid" with the rows exclude_rows("invalid") gives.
  // Kept up to date row by row: made by the first call after a load or a remap (a pass over the
  // rows), then only the rows an edit changes are looked at again.
  std::vector<std::pair<std::string, std::size_t>> fixes() const;
  // Per shown column: how many rows have a value in it, and its first few distinct values (at most
  // `samples`, each cut to 60 characters), to help decide the mapping.
  struct ColumnStats {
    std::size_t filled = 0;
    std::vector<std::string> samples;
  };
  std::vector<ColumnStats> column_stats(std::size_t samples = 3) const;
  // What identifies the loaded file's content (content_fingerprint), "" when nothing is loaded.
  const std::string& fingerprint() const { return fingerprint_; }
  // A page of the rows the filter keeps: count rows from the start-th. code: for RowFilter::Code.
  RowPage rows(RowFilter filter, int start, int count, Code code = Code::EmailInvalid);
  // Re-applies the current filter (after edits the set of erroneous rows changes).
  void refresh() { refilter(); }
  // The batches of the valid rows. A batch's count, emails and body leave out the prospects of the
  // skip set; its key stays the key of all its emails (the same batch in every plan).
  std::vector<PlannedBatch> batch_plan(bool with_emails) const;
  // Prospects not to send (prospect_hash of their email_key: ones already queued from this
  // browser). Empty by default and after every load; the plan and the bodies follow it at once.
  void set_skip(std::vector<std::uint64_t> hashes);
  std::size_t skip_size() const { return skip_.size(); }
  // The file rows of a batch that are sent, in request order (empty for no such batch).
  std::vector<RowRef> batch_rows(int index) const;
  std::vector<ProblemGroup> problems() const;
  std::string batch_body(int index) const;  // "" for no such batch
  std::string cleaned_csv() const;
  std::string report_csv(const std::vector<BatchOutcome>& outcomes) const;
  // Results per input row (results_csv.hpp): every row with its original columns, how it was
  // checked, and what `run` (the page's run in the core's form: its batches' emails, states and
  // tracking) says of its prospect, joined by normalised email. "" when nothing is loaded.
  std::string results_csv(const Run& run) const;

  bool loaded() const { return loaded_; }

 private:
  void refilter();
  RowView row_view(std::size_t r) const;
  const std::vector<std::vector<std::size_t>>& batches() const;

  Document doc_;
  SessionState load_from(std::string_view bytes, std::string* owned, const std::string& encoding,
                         const std::string& delimiter, int batch_size);
  bool loaded_ = false;
  long header_skip_ = -1;
  std::size_t batch_size_ = kDefaultBatchSize;
  std::vector<std::pair<std::string, Field>> overrides_;
  RowFilter filter_ = RowFilter::All;
  Code filter_code_ = Code::EmailInvalid;  // for RowFilter::Code
  std::vector<std::uint32_t> visible_;
  mutable std::vector<std::vector<std::size_t>> batches_;
  mutable bool batches_valid_ = false;
  std::string fingerprint_;  // content_fingerprint of the loaded file
  std::vector<std::uint64_t> skip_;  // sorted (set_skip)
  bool skipped(std::size_t row) const;
  std::vector<std::size_t> rows_to_send(std::size_t batch) const;
  // A bulk fix as what it does and to which column (col: -1 when the file has none for it).
  enum class FixKind { WebsiteFromEmail, ClearLinkedin, ClearWebsite, Trim, LowerEmailDomain, SplitName };
  struct FixTarget {
    FixKind kind = FixKind::Trim;
    int col = -1;
  };
  bool fix_target(const std::string& fix, FixTarget& t) const;
  // replace_changes into *out, or only counted when out is null.
  std::size_t replace_in(int col, const std::string& find, const std::string& replace, bool whole_cell, bool match_case,
                         std::vector<Document::CellChange>* out) const;
  // Whether the fix changes row r's cell; if so and `to` is given, its new value (SplitName: the
  // first name; `to2`, when given, gets the last name).
  bool fix_cell(const FixTarget& t, std::size_t r, std::string& scratch, std::string* to, std::string* to2 = nullptr) const;
  // The fixes' counts (fixes()): the fixes the mapping allows, a bit per fix for each row (set when
  // the fix changes a cell of the row), and how many rows have each bit. Forgotten by a load, a
  // clear and a remap; set_cell and set_cells look again at the rows they changed (refix).
  struct FixCounts {
    bool made = false;
    std::vector<std::string> names;
    std::vector<std::pair<FixTarget, std::size_t>> targets;  // (target, place in names), at most 16
    std::vector<std::uint16_t> bits;                         // per row
    std::vector<std::size_t> counts;                         // per name
  };
  mutable FixCounts fix_counts_;
  void make_fix_counts() const;
  std::uint16_t fix_bits(std::size_t row, std::string& scratch) const;
  void refix(std::size_t row);
};

// ---- check only --------------------------------------------------------------------------------
// A file too large to hold in the page (or checked this way by choice) is checked as it is read:
// the StreamChecker (stream_check.hpp) is fed slice by slice, and only the report is kept: the
// summary, the problem groups, the first findings of the rows and the batch plan's size, in memory
// that does not grow with the file apart from the duplicate index (31 to 63 bytes per distinct
// email). The rows are not kept: there is nothing to edit or send; every finding is written out
// as CSV as it is found, for the page to keep outside the module's memory (take_findings_csv).

inline constexpr std::size_t kCheckOnlyFindingsShown = 1000;
// The header of take_findings_csv()'s CSV.
inline constexpr const char* kFindingsCsvHeader = "row,line,severity,code,field,message\n";

struct CheckOnlyState {
  SessionState state;          // ok false: not readable (error says why), stopped, or nothing begun
  bool done = false;           // the input ended (finish) or the check was stopped
  bool stopped = false;        // stop() was called (cancelled by the user)
  std::uint64_t bytes = 0;     // bytes fed so far
  std::vector<ProblemGroup> problems;
  std::vector<Finding> findings;   // the first kCheckOnlyFindingsShown findings of the rows
  std::size_t findings_total = 0;  // findings of the rows so far
};

class CheckOnly {
 public:
  // Starts a check; the previous one is forgotten. Unknown option names are refused before anything
  // is read (ok false), as Session::load does.
  SessionState begin(const std::string& encoding, const std::string& delimiter, int batch_size);
  // The next bytes of the file, cut anywhere. Ignored when no check runs, after a fatal error, or
  // once stopped.
  void feed(std::string_view bytes);
  // The end of the file: the whole report.
  CheckOnlyState finish();
  // Cancelled: no more work; the report so far stays, with stopped set.
  void stop();
  // The report so far (findings and problems only when `full`: progress needs the counts only).
  CheckOnlyState state(bool full) const;
  // The findings found since the last call, as CSV lines (row,line,severity,code,field,message; the
  // first call's text starts with kFindingsCsvHeader), handed over and forgotten.
  std::string take_findings_csv();
  // Forgets everything.
  void clear();
  // As Session::set_header_skip, for the checks begun after it.
  void set_header_skip(long n) { header_skip_ = n < 0 ? -1 : n; }

 private:
  long header_skip_ = -1;
  std::unique_ptr<StreamChecker> check_;
  std::string refused_;  // the options were refused
  bool done_ = false, stopped_ = false;
  std::uint64_t bytes_ = 0;
  ProblemTally tally_;
  std::vector<Finding> findings_;
  std::size_t findings_total_ = 0;
  std::string csv_;
  bool csv_header_ = false;
};

}  // namespace pe
