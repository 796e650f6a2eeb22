// The page's session: what the page needs of one loaded export, as plain structs (their JSON form
// is in json_forms.hpp; the page's module only converts, src/wasm/bindings.cpp): the document, its
// mapping, the row filter, the batch plan (cached), the problem groups and the exports. Plain C++,
// tested natively.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "constants.hpp"
#include "document.hpp"
#include "export.hpp"

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
};

// One row as the grid shows it.
struct RowView {
  std::size_t index = 0;         // 0-based data row
  std::size_t line = 0;          // where the record starts
  RowStatus status = RowStatus::Valid;
  std::size_t duplicate_of = 0;  // for Duplicate: the 0-based row first holding the email
  std::vector<std::string_view> cells;  // valid until the document changes
  std::vector<Finding> findings;
};

// Which rows the grid lists. Unknown: a name that is none of the four, which keeps no row.
enum class RowFilter : std::uint8_t { All, Errors, Warnings, Valid, Unknown };
// "all", "errors", "warnings", "valid"; Unknown for any other name.
RowFilter row_filter(std::string_view name);

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
  std::string key;                          // batch_key(emails) (requests.hpp); only with emails
  std::vector<std::string> emails;          // only when asked
};

struct RowRef {
  std::size_t row = 0, line = 0;  // 1-based row; line where it starts
};

// The findings of the file's rows grouped by code, errors first, then the most frequent.
struct ProblemGroup {
  Code code = Code::EmailInvalid;
  std::string field;             // of the first finding with the code
  std::size_t count = 0;         // rows with the code
  std::vector<std::size_t> rows; // the first five of them, 1-based
  std::string message;           // of the first finding with the code
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
  // Forgets the document and everything derived from it, and frees its memory.
  void clear();

  SessionState state() const;
  // state() with ok false and this error: what a failed call answers.
  SessionState state_with_error(const std::string& error) const;

  // overrides: header text or "#N" -> field, as map_columns takes them.
  SessionState remap(std::vector<std::pair<std::string, Field>> overrides);
  void set_batch_size(int n);  // n < 1: the default
  CellEdit set_cell(int row, int col, const std::string& value);
  // A page of the rows the filter keeps: count rows from the start-th.
  RowPage rows(RowFilter filter, int start, int count);
  // Re-applies the current filter (after edits the set of erroneous rows changes).
  void refresh() { refilter(); }
  std::vector<PlannedBatch> batch_plan(bool with_emails) const;
  // The file rows of a batch, in request order (empty for no such batch).
  std::vector<RowRef> batch_rows(int index) const;
  std::vector<ProblemGroup> problems() const;
  std::string batch_body(int index) const;  // "" for no such batch
  std::string cleaned_csv() const;
  std::string report_csv(const std::vector<BatchOutcome>& outcomes) const;

  bool loaded() const { return loaded_; }

 private:
  void refilter();
  RowView row_view(std::size_t r) const;
  const std::vector<std::vector<std::size_t>>& batches() const;

  Document doc_;
  SessionState load_from(std::string_view bytes, std::string* owned, const std::string& encoding,
                         const std::string& delimiter, int batch_size);
  bool loaded_ = false;
  std::size_t batch_size_ = kDefaultBatchSize;
  std::vector<std::pair<std::string, Field>> overrides_;
  RowFilter filter_ = RowFilter::All;
  std::vector<std::uint32_t> visible_;
  mutable std::vector<std::vector<std::size_t>> batches_;
  mutable bool batches_valid_ = false;
};

}  // namespace pe
