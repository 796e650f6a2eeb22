// A loaded export: decoded text, records, column mapping, per-row validation, batches.
// The page's worker and the `enrich` CLI both work through this class.
#pragma once

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
  const std::vector<ColumnMap>& columns() const { return columns_; }

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
  std::string headers_seen() const;  // “a”, “b”, ...
  void validate_row(std::size_t row);
  void recompute_duplicates();
  void drop_rows();  // after a load that cannot go on: no half-read rows stay behind
  int column_for(Field f) const;

  std::string error_;
  Encoding encoding_ = Encoding::Utf8;
  char delimiter_ = ',';
  bool delimiter_detected_ = false;
  std::size_t invalid_sequences_ = 0;
  std::size_t blank_lines_ = 0;
  std::vector<std::string> headers_;
  std::vector<ColumnMap> columns_;
  int col_[8] = {-1, -1, -1, -1, -1, -1, -1, -1};  // Field -> column index
  bool signals_by_row_ = true;  // false: the file lacks the signal columns (one file finding instead)

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

// The CLI/JSON report of `enrich validate` (see README): encoding, delimiter, columns, summary, issues.
std::string validation_report_json(const Document& d, std::size_t batch_size);

}  // namespace pe
