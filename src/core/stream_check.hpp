// The check of an export that arrives in chunks: the same findings, summary and batches as
// Document, in memory bounded independently of the row count apart from the duplicate index.
// No file I/O: the caller feeds bytes (the `enrich` CLI from a file or stdin; the page, later, from
// slices of a File) and receives what is found through callbacks, as soon as it is found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "csv_stream.hpp"
#include "document.hpp"  // LoadOptions
#include "row_rules.hpp"

namespace pe {

// One data row as checked (valid until the callback returns).
struct StreamRow {
  std::size_t row = 0, line = 0;  // 1-based row; line where it starts
  RowStatus status = RowStatus::Valid;
  std::size_t duplicate_of = 0;   // Duplicate: the 1-based row first holding the email
  bool warned = false;            // the row has a warning
  const Prospect* prospect = nullptr;  // normalised values
  const std::vector<std::string_view>* fields = nullptr;  // the record's cells, as read
};

class StreamChecker {
 public:
  struct Callbacks {
    // The header is read and mapped: encoding(), delimiter(), headers() and columns() are known.
    // Called once, before any other callback; the caller may stop() here (e.g. a mapping it refuses).
    std::function<void()> on_start;
    // Every finding, in the order found: the header's reader findings and the mapping's findings
    // first, then row by row (the reader's, the checks', a duplicate), and last what is known only
    // at the end: the empty columns at the end (empty_columns_ignored, as Document reports it) and
    // the count of bytes that were not valid in the encoding. A fatal reader error is reported
    // here too, before finish() returns false. Blank lines are no rows: counted in the summary.
    std::function<void(const Finding&)> on_finding;
    std::function<void(const StreamRow&)> on_row;  // every data row, after its findings
    // The exact request body of each batch of batch_size valid rows, as soon as it is full; the last,
    // shorter one from finish(). Without this callback no body is built.
    std::function<void(const std::string& body)> on_batch;
  };

  StreamChecker(const LoadOptions& opt, std::size_t batch_size, Callbacks cb);

  // The input's size when it is known (a file): the duplicate index is then made once for the rows
  // the first kSampleRows promise (estimated from their bytes, at most kMaxReserve), instead of
  // growing by doubling, which zeroes and fills a table twice its final size on the way. Optional.
  void expect_bytes(std::uint64_t total) { expected_bytes_ = total; }
  static constexpr std::size_t kSampleRows = 4096;
  static constexpr std::size_t kMaxReserve = std::size_t{1} << 22;
  // Feeds the next bytes (any size; any cut). Does nothing once failed() or stopped.
  void feed(std::string_view bytes);
  // Ends the input. True when it was read to the end; false with error() when it could not be read
  // (as Document::load: empty, not text, no header, unreadable header, no email column, a fatal
  // reader error) or stop() was called.
  bool finish();
  // No more callbacks and no more work; finish() then returns false.
  void stop();

  bool started() const { return started_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  Encoding encoding() const { return stream_.encoding(); }
  char delimiter() const { return stream_.delimiter(); }
  bool delimiter_detected() const { return stream_.delimiter_detected(); }
  std::size_t title_records() const { return stream_.title_records(); }   // csv_stream.hpp
  const std::vector<RecordPreview>& previews() const { return stream_.previews(); }
  const std::vector<std::string>& headers() const { return headers_; }
  // The mapping of the header. Whether a header-less column at the end stays empty is known only at
  // the end: after finish() the empty columns at the end are left out, as in Document::columns().
  const std::vector<ColumnMap>& columns() const { return plan_.columns; }
  // Findings not tied to a row, as in Document::file_findings() (a few: header, mapping, encoding,
  // a fatal reader error). Kept even before on_start, e.g. to explain a refused mapping.
  const std::vector<Finding>& file_findings() const { return file_findings_; }
  // The summary of the rows read so far; of the whole input after finish().
  Summary summary() const;

 private:
  void on_record(const CsvRecord& rec);
  void reserve_index(const CsvRecord& rec);  // expect_bytes
  void on_reader_finding(Finding&& f);
  std::vector<Finding> reader_findings(std::size_t row);  // the reader's findings of this record
  void header(const CsvRecord& rec);
  void fail(std::string error);
  void file_finding(Finding f);
  void emit(const Finding& f);
  void flush_batch();

  LoadOptions opt_;
  std::size_t batch_size_;
  Callbacks cb_;
  CsvStream stream_;
  bool have_header_ = false;
  bool started_ = false;
  bool stopped_ = false;
  bool finished_ = false;
  std::string error_;
  std::vector<std::string> headers_;
  std::size_t values_end_ = 0;  // one past the last column with a value in some row (note_values_end)
  ColumnPlan plan_;
  std::vector<Finding> file_findings_;
  std::vector<Finding> held_;      // file findings found before on_start (emitted right after it)
  std::vector<Finding> pending_;   // reader findings of the record being read
  std::vector<Finding> checks_;    // the checks' findings of the current row (reused)
  RowCheck rc_;                    // the current row's check, reused (its strings keep their memory)
  Summary summary_;
  DupIndex index_;
  std::uint64_t expected_bytes_ = 0;  // expect_bytes
  std::vector<Prospect> batch_;
  std::string body_;
};

}  // namespace pe
