// Bytes of an export -> CSV records, in chunks (see csv_stream.hpp).
#include "csv_stream.hpp"

#include <algorithm>
#include <utility>

namespace pe {

const char* binary_kind(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("PK\x03\x04")) return "a zip archive (an Excel .xlsx workbook, a Numbers file or a .zip)";
  if (starts("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return "an old Excel workbook (.xls)";
  if (starts("%PDF")) return "a PDF document";
  if (starts("\x89PNG") || starts("\xFF\xD8\xFF") || starts("GIF8")) return "an image";
  const bool utf16 = starts("\xFF\xFE") || starts("\xFE\xFF");
  if (utf16) return nullptr;
  // UTF-16 without a BOM is text with a NUL in every other byte; other NULs mean binary.
  const std::string_view head = b.substr(0, kBinarySampleBytes);
  std::size_t nul = 0, even = 0;
  for (std::size_t i = 0; i < head.size(); ++i)
    if (head[i] == '\0') {
      ++nul;
      if (i % 2 == 0) ++even;
    }
  const bool looks_utf16 = nul * 2 + 2 >= head.size() && (even == 0 || even == nul);
  if (nul > 0 && !looks_utf16) return "binary data";
  return nullptr;
}

CsvStream::CsvStream(const Options& opt, CsvReader::RecordFn on_record, CsvReader::FindingFn on_finding,
                     CsvReader::BlankFn on_blank)
    : opt_(opt), on_record_(std::move(on_record)), on_finding_(std::move(on_finding)), on_blank_(std::move(on_blank)) {}

CsvStream::~CsvStream() = default;

void CsvStream::feed(std::string_view bytes) {
  // Big inputs are decoded and read a slice at a time, so the decoded text never holds more than
  // one slice (Document::load feeds a whole file at once).
  constexpr std::size_t kSlice = 1u << 20;
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kSlice);
    feed_slice(bytes.substr(0, n));
    bytes.remove_prefix(n);
  }
}

void CsvStream::feed_slice(std::string_view bytes) {
  if (finished_ || !error_.empty() || fatal() || bytes.empty()) return;
  bytes_ += bytes.size();
  if (!decoder_) {  // step 1
    raw_.append(bytes.data(), bytes.size());
    const std::size_t need = opt_.encoding == Encoding::Auto ? kEncodingSampleBytes
                             : opt_.refuse_binary           ? kBinarySampleBytes
                                                            : 0;
    if (raw_.size() >= need) start_decoding();
    return;
  }
  if (!reader_) {  // step 2
    decoder_->feed(bytes, text_);
    if (text_.size() >= kDelimiterSampleBytes) start_reading();
    return;
  }
  text_.clear();  // step 3
  decoder_->feed(bytes, text_);
  reader_->feed(text_);
}

void CsvStream::start_decoding() {
  if (opt_.refuse_binary) {
    if (const char* what = binary_kind(raw_)) {
      error_ = std::string("This file is ") + what +
               ", not CSV text. Save or export it as CSV (in Excel: File \xE2\x86\x92 Save As \xE2\x86\x92 "
               "CSV UTF-8), then load that file.";
      std::string().swap(raw_);
      return;
    }
  }
  encoding_ = opt_.encoding == Encoding::Auto
                  ? detect_encoding(std::string_view(raw_).substr(0, kEncodingSampleBytes))
                  : opt_.encoding;
  decoder_ = std::make_unique<Decoder>(encoding_);
  decoder_->feed(raw_, text_);
  std::string().swap(raw_);
  if (opt_.delimiter != 0 || text_.size() >= kDelimiterSampleBytes) start_reading();
}

void CsvStream::start_reading() {
  if (opt_.delimiter != 0) {
    delimiter_ = opt_.delimiter;
  } else {
    delimiter_ = detect_delimiter(std::string_view(text_).substr(0, kDelimiterSampleBytes));
    delimiter_detected_ = true;
  }
  CsvOptions copt;
  copt.delimiter = delimiter_;
  copt.skip_records = opt_.skip_records >= 0
                          ? static_cast<std::size_t>(opt_.skip_records)
                          : detect_title_records(std::string_view(text_).substr(0, kDelimiterSampleBytes), delimiter_);
  reader_ = std::make_unique<CsvReader>(copt, on_record_, on_finding_, on_blank_);
  reader_->feed(text_);
  text_.clear();
  if (text_.capacity() > (4u << 20)) std::string().swap(text_);
}

void CsvStream::finish() {
  if (finished_) return;
  finished_ = true;
  if (!error_.empty()) return;
  if (!decoder_) {
    if (bytes_ == 0) return;  // nothing to read
    start_decoding();
    if (!error_.empty()) return;
  }
  if (fatal()) return;
  if (!reader_) {
    decoder_->finish(text_);
    start_reading();
  } else {
    text_.clear();
    decoder_->finish(text_);
    reader_->feed(text_);
  }
  reader_->finish();
  std::string().swap(text_);
}

}  // namespace pe
