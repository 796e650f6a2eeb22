// The check of an export fed in chunks (see stream_check.hpp).
#include "stream_check.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include "constants.hpp"
#include "requests.hpp"
#include "text.hpp"

namespace pe {

// ---- StreamChecker --------------------------------------------------------------------------

namespace {

CsvStream::Options stream_options(const LoadOptions& opt) {
  CsvStream::Options o;
  o.encoding = opt.encoding;
  o.delimiter = opt.delimiter;
  o.skip_records = opt.header_skip;
  o.refuse_binary = true;
  return o;
}

}  // namespace

StreamChecker::StreamChecker(const LoadOptions& opt, std::size_t batch_size, Callbacks cb)
    : opt_(opt),
      batch_size_(batch_size == 0 ? kDefaultBatchSize : batch_size),
      cb_(std::move(cb)),
      stream_(
          stream_options(opt), [this](const CsvRecord& rec) { on_record(rec); },
          [this](Finding&& f) { on_reader_finding(std::move(f)); }) {}

void StreamChecker::feed(std::string_view bytes) {
  if (stopped_ || failed() || finished_) return;
  stream_.feed(bytes);
  if (!stream_.error().empty()) fail(stream_.error());
}

void StreamChecker::stop() {
  stopped_ = true;
  if (error_.empty()) error_ = "The check was stopped before the end of the input.";
}

void StreamChecker::fail(std::string error) {
  if (error_.empty()) error_ = std::move(error);
}

void StreamChecker::emit(const Finding& f) {
  if (cb_.on_finding && !stopped_) cb_.on_finding(f);
}

void StreamChecker::file_finding(Finding f) {
  file_findings_.push_back(std::move(f));
  if (started_) emit(file_findings_.back());
}

void StreamChecker::on_reader_finding(Finding&& f) {
  if (stopped_ || failed()) return;
  if (stream_.fatal()) {
    // The reader stopped inside a record that will never be handed out: its findings, this one
    // last, concern the file (as in Document).
    for (Finding& p : pending_) file_finding(std::move(p));
    pending_.clear();
    file_finding(std::move(f));
    fail(fatal_read_error(file_findings_));
    return;
  }
  if (!have_header_)
    file_finding(std::move(f));  // the header record's findings
  else
    pending_.push_back(std::move(f));  // the findings of the record being read come before it
}

void StreamChecker::header(const CsvRecord& rec) {
  have_header_ = true;
  headers_.reserve(rec.fields.size());
  for (std::string_view f : rec.fields) headers_.push_back(collapse_whitespace(f));
  std::string error = header_read_error(file_findings_);
  if (!error.empty()) {
    fail(std::move(error));
    return;
  }
  plan_ = plan_columns(headers_, opt_.overrides);
  for (const Finding& f : plan_.findings) file_findings_.push_back(f);
  if (!plan_.error.empty()) {
    fail(plan_.error);
    return;
  }
  started_ = true;
  if (cb_.on_start) cb_.on_start();
  for (const Finding& f : file_findings_) emit(f);
}

void StreamChecker::reserve_index(const CsvRecord& rec) {
  // Bytes per row so far (the header's among them); the text is the input's bytes as UTF-8, so an
  // input in UTF-16 is over-estimated (at most twice), which the cap bounds.
  const std::uint64_t offset = stream_.text_offset(rec.fields[0].data());
  if (offset == 0) return;
  const std::uint64_t rows = expected_bytes_ / (offset / (rec.row + 1) + 1);
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(rows + rows / 16, kMaxReserve));
  try {
    index_.reserve(want);
  } catch (const std::bad_alloc&) {
    // Only a head start: without it the index grows as it is filled.
  }
}

void StreamChecker::on_record(const CsvRecord& rec) {
  if (stopped_ || failed()) return;
  if (!have_header_) {
    header(rec);
    return;
  }
  constexpr std::size_t kMax = std::numeric_limits<std::uint32_t>::max();
  if (rec.row > kMax || rec.line > kMax) {
    fail("Line " + std::to_string(rec.line) + ": the file has more than " + std::to_string(kMax) +
         " rows or lines, more than can be checked at once. Split it into smaller files and check each.");
    return;
  }
  if (rec.row == kSampleRows && expected_bytes_ > 0 && !rec.fields.empty()) reserve_index(rec);
  std::vector<Finding> csv = reader_findings(rec.row);
  note_values_end(values_end_, rec.fields);
  FieldCells cells;
  for (std::size_t f = 0; f < cells.size(); ++f) {
    const int c = plan_.col[f];
    if (c >= 0 && static_cast<std::size_t>(c) < rec.fields.size()) cells[f] = rec.fields[static_cast<std::size_t>(c)];
  }
  checks_.clear();
  // The prospect itself is needed only by a caller that takes rows or batches.
  RowCheck& rc = rc_;
  check_row_into(plan_, cells, rec.row, rec.line, &checks_, rc, cb_.on_row || cb_.on_batch, &index_);
  StreamRow r;
  r.row = rec.row;
  r.line = rec.line;
  r.status = row_status(rc.email_valid, csv);
  std::uint32_t first_row = 0, first_line = 0;
  if (r.status == RowStatus::Valid &&
      index_.find_or_insert_hashed(rc.email_h64, DupIndex::hash32(rc.email_key), static_cast<std::uint32_t>(rec.row),
                                   static_cast<std::uint32_t>(rec.line), first_row, first_line))
    r.status = RowStatus::Duplicate;
  r.duplicate_of = first_row;
  count_row(summary_, r.status, csv, checks_);
  for (const auto* list : {&csv, &checks_})
    for (const Finding& f : *list) {
      if (f.severity() == Severity::Warning) r.warned = true;
      emit(f);
    }
  if (r.status == RowStatus::Duplicate) emit(duplicate_finding(rec.row, rec.line, first_row, first_line, rc.email_key));
  r.prospect = &rc.prospect;
  r.fields = &rec.fields;
  if (cb_.on_row && !stopped_) cb_.on_row(r);
  if (r.status == RowStatus::Valid && cb_.on_batch && !stopped_) {
    batch_.push_back(std::move(rc.prospect));
    if (batch_.size() == batch_size_) flush_batch();
  }
  csv.clear();
  pending_.swap(csv);  // keep the capacity
}

std::vector<Finding> StreamChecker::reader_findings(std::size_t row) {
  // All of a record's findings are reported before the record is handed out.
  std::vector<Finding> csv;
  csv.swap(pending_);
  for (std::size_t k = 0; k < csv.size();) {
    if (csv[k].row == row) {
      ++k;
      continue;
    }
    file_finding(std::move(csv[k]));  // not this record's (never expected): keep it for the file
    csv.erase(csv.begin() + static_cast<std::ptrdiff_t>(k));
  }
  return csv;
}

void StreamChecker::flush_batch() {
  if (batch_.empty()) return;
  body_ = batch_body_json(batch_);
  batch_.clear();
  cb_.on_batch(body_);
}

bool StreamChecker::finish() {
  if (finished_) return !failed();
  finished_ = true;
  if (stopped_ || failed()) return false;
  stream_.finish();
  if (stopped_) return false;
  if (stream_.bytes() == 0) fail(kEmptyInputError);
  if (!stream_.error().empty()) fail(stream_.error());
  if (!have_header_) fail(kNoHeaderError);
  if (failed()) return false;
  for (Finding& p : pending_) file_finding(std::move(p));  // never expected: a record that was not handed out
  pending_.clear();
  if (drop_empty_columns(plan_, headers_, opt_.overrides, values_end_) > 0) file_finding(plan_.findings.back());
  if (stream_.invalid_sequences() > 0)
    file_finding(invalid_bytes_finding(stream_.encoding(), stream_.invalid_sequences(), stream_.first_invalid_offset()));
  if (cb_.on_batch && !stopped_) flush_batch();
  return !stopped_;
}

Summary StreamChecker::summary() const {
  Summary s = summary_;
  s.blank_lines = stream_.blank_lines();
  close_summary(s, batch_size_);
  return s;
}

}  // namespace pe
