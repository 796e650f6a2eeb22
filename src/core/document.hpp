// A loaded export: decoded text, records, column mapping, per-row validation, batches.
// The page's worker and the `enrich` CLI both work through this class.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "csv.hpp"
#include "encoding.hpp"
#include "finding.hpp"
#include "mapping.hpp"

namespace pe {

struct LoadOptions {
  Encoding encoding = Encoding::Auto;
  char delimiter = 0;  // 0 = detect
  std::vector<std::pair<std::string, Field>> overrides;
};

enum class RowStatus : std::uint8_t { Valid, Invalid, Duplicate };
const char* row_status_name(RowStatus s);  // "valid", "invalid", "duplicate"

// The request fields of one row after normalisation (empty = left out of the request).
struct Prospect {
  std::string email, first_name, last_name, linkedin_url, company_name, company_website;
};

struct Summary {
  std::size_t rows = 0, valid = 0, invalid = 0, duplicates = 0;
  std::size_t rows_with_warnings = 0, blank_lines = 0, errors = 0, warnings = 0;
  std::size_t batches = 0;
  double credits_max = 0;  // 1.5 x valid prospects: the most a run can cost
};

inline constexpr double kCreditsPerProspect = 1.5;
inline constexpr std::size_t kDefaultBatchSize = 50;

// ---- The rules of a header and of a row, shared by Document (the whole file in memory) and
// StreamChecker (stream_check.hpp: chunk by chunk, in bounded memory). One copy of each rule, so
// that both give the same findings, summary and batches for the same input.

// What the mapping of a header row decides: the column of each field, and what to tell the user.
struct ColumnPlan {
  std::vector<ColumnMap> columns;
  int col[8] = {-1, -1, -1, -1, -1, -1, -1, -1};  // Field -> 0-based column; -1 = not mapped
  bool signals_by_row = true;  // false: the file lacks the signal columns (one file finding instead)
  // File findings of the mapping: "mapping_unknown_column" for each override key that names no
  // column, then "enrichment_columns_missing" when the file lacks the enrichment signal columns.
  std::vector<Finding> findings;
  std::string error;  // set when no column is mapped to email (names the headers seen)
  int column(Field f) const { return col[static_cast<int>(f)]; }
};
ColumnPlan plan_columns(const std::vector<std::string>& headers,
                        const std::vector<std::pair<std::string, Field>>& overrides);

// The cells of one row that feed a field, indexed by Field (empty when the field has no column).
using FieldCells = std::array<std::string_view, 8>;

struct RowCheck {
  Prospect prospect;        // the normalised values (email empty when it is invalid)
  bool email_valid = false;
  std::string email_key;    // what duplicates are found by: the email, lower-cased; "" when invalid
};
// Checks one data row (row: 1-based; line: where the record starts). Appends its validation
// findings, in field order, to *findings unless that is null.
RowCheck check_row(const ColumnPlan& plan, const FieldCells& cells, std::size_t row, std::size_t line,
                   std::vector<Finding>* findings);
// Valid or Invalid (before duplicates): invalid when the email is, or a reader finding is an error.
RowStatus row_status(bool email_valid, const std::vector<Finding>& csv_findings);
// The error of a row that repeats the email of an earlier valid row (1-based rows).
Finding duplicate_finding(std::size_t row, std::size_t line, std::size_t first_row, std::size_t first_line,
                          const std::string& email_key);
// Adds one row to a summary: its status and the findings the reader and the checks gave it.
void count_row(Summary& s, RowStatus status, const std::vector<Finding>& csv_findings,
               const std::vector<Finding>& check_findings);
// Fills in batches and credits_max from the valid count.
void close_summary(Summary& s, std::size_t batch_size);
// The exact request body of a batch: {"prospects":[...]} with empty optional fields omitted.
std::string batch_body_json(const std::vector<Prospect>& prospects);

// Why an export cannot be read, in words (what to do included).
extern const char* const kEmptyInputError;
extern const char* const kNoHeaderError;
// After the reader stopped on a fatal error: its message, from the file findings.
std::string fatal_read_error(const std::vector<Finding>& file_findings);
// A reader error in the header record (an unclosed quote) makes the column names unusable: the
// message for the first such finding among the file findings; "" when there is none.
std::string header_read_error(const std::vector<Finding>& file_findings);
// The warning for bytes that are not valid in the encoding (count and offset from the Decoder).
Finding invalid_bytes_finding(Encoding e, std::size_t invalid_sequences, std::size_t first_invalid_offset);

class Document {
 public:
  // Reads a whole export. Returns false when it cannot be read at all (error() says why and what
  // to do): empty input, no header, a reader error in the header record (an unclosed quote; the
  // reader's finding is kept in file_findings() and headers() is left empty), no email column, or a
  // fatal reader error (headers() is left empty too: a remap cannot use a file read only in part).
  // The previous document is gone in every case: after a false there are no rows (except with no
  // email column: the rows are kept, all invalid, for remap()), and when it throws (std::bad_alloc)
  // the document is empty.
  bool load(std::string_view bytes, const LoadOptions& opt);
  const std::string& error() const { return error_; }

  Encoding encoding() const { return encoding_; }
  char delimiter() const { return delimiter_; }
  bool delimiter_detected() const { return delimiter_detected_; }
  std::size_t invalid_sequences() const { return invalid_sequences_; }

  const std::vector<std::string>& headers() const { return headers_; }
  const std::vector<ColumnMap>& columns() const { return plan_.columns; }

  // Changes the mapping and re-validates every row. False (error() set) if no email column remains.
  bool remap(const std::vector<std::pair<std::string, Field>>& overrides);
  // Replaces one cell (0-based data row and column) and re-validates that row and duplicates.
  bool set_cell(std::size_t row, std::size_t col, std::string_view value);

  std::size_t row_count() const { return lines_.size(); }
  std::size_t column_count() const { return headers_.size(); }
  std::string_view cell(std::size_t row, std::size_t col) const;
  std::size_t line_of(std::size_t row) const { return lines_[row]; }
  RowStatus status(std::size_t row) const { return status_[row]; }
  std::size_t duplicate_of(std::size_t row) const { return dup_of_[row]; }  // 0-based row, valid if Duplicate
  bool has_warning(std::size_t row) const;
  bool has_error(std::size_t row) const { return status_[row] != RowStatus::Valid; }
  // Findings of one row (validation, reader and duplicate findings), in field order.
  std::vector<Finding> row_findings(std::size_t row) const;
  // Findings not tied to a row (encoding, mapping, reader fatal errors). Mapping: an override key
  // that names no column (see override_column) gives the warning "mapping_unknown_column", naming
  // the key and the headers seen; load() and remap() replace those of the previous mapping.
  const std::vector<Finding>& file_findings() const { return file_findings_; }
  // All findings: file findings first, then row by row.
  std::vector<Finding> all_findings() const;

  Prospect prospect(std::size_t row) const;  // normalised values of a row
  std::string email(std::size_t row) const;  // its normalised email alone (one check, not six)
  Summary summary(std::size_t batch_size) const;

  // Rows (0-based) of each batch: valid rows in input order, batch_size per batch.
  std::vector<std::vector<std::size_t>> batch_rows(std::size_t batch_size) const;
  // The exact request body of a batch: {"prospects":[...]} with empty optional fields omitted.
  std::string batch_body(const std::vector<std::size_t>& rows) const;

 private:
  bool map_and_validate(const std::vector<std::pair<std::string, Field>>& overrides);
  FieldCells field_cells(std::size_t row) const;
  void validate_row(std::size_t row);
  void recompute_duplicates();
  void drop_rows();  // after a load that cannot go on: no half-read rows stay behind
  int column_for(Field f) const { return plan_.column(f); }

  std::string error_;
  Encoding encoding_ = Encoding::Utf8;
  char delimiter_ = ',';
  bool delimiter_detected_ = false;
  std::size_t invalid_sequences_ = 0;
  std::size_t blank_lines_ = 0;
  std::vector<std::string> headers_;
  ColumnPlan plan_;  // columns, the column of each field, signals by row or per file

  // Cells: one arena, (offset, length) per cell, row-major, column_count() cells per row.
  std::string arena_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cells_;
  std::vector<std::uint32_t> lines_;
  std::vector<RowStatus> status_;
  std::vector<std::uint32_t> dup_of_;
  std::vector<std::string> email_key_;             // normalised email ("" when invalid)
  std::vector<std::vector<Finding>> row_findings_; // validation findings per row
  std::vector<std::vector<Finding>> csv_findings_; // reader findings per row
  std::vector<Finding> file_findings_;
};

// The JSON report of `enrich validate` (see README) for a whole document: encoding, delimiter,
// columns, issues (all_findings() order), summary.
std::string validation_report_json(const Document& d, std::size_t batch_size);

}  // namespace pe
