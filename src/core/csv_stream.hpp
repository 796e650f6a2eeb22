// Bytes of an export -> UTF-8 text -> CSV records, fed in chunks of any size, in bounded memory.
//
// The steps of reading, in the order both Document::load and StreamChecker need them:
//   1. the first bytes are held until there are enough to recognise a file that is not text (a
//      workbook, a PDF, an image...) and, when the encoding is Auto, to detect it
//      (kEncodingSampleBytes, or the whole input if it is shorter);
//   2. the decoded text is held until there is enough to detect the delimiter (kDelimiterSampleBytes);
//   3. from then on each chunk is decoded and read as it comes, and forgotten.
// The result does not depend on how the input is cut into chunks.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "csv.hpp"
#include "encoding.hpp"

namespace pe {

// Encoding Auto is detected on this many first bytes (all of them when the input is shorter).
// A caller that can read its input twice (a file) can detect on the whole input instead
// (EncodingSniffer) and pass the result as the encoding.
inline constexpr std::size_t kEncodingSampleBytes = 1u << 20;
// The delimiter is detected on this many first bytes of decoded text.
inline constexpr std::size_t kDelimiterSampleBytes = 64u * 1024;
// Bytes looked at to tell text from binary files.
inline constexpr std::size_t kBinarySampleBytes = 4096;

// nullptr when the first bytes of an input look like text; otherwise what the input is, e.g.
// "a PDF document" (looks at the first kBinarySampleBytes bytes).
const char* binary_kind(std::string_view head);

class CsvStream {
 public:
  struct Options {
    Encoding encoding = Encoding::Auto;
    char delimiter = 0;         // 0 = detect
    bool refuse_binary = true;  // stop with error() when the input is not text
    // Title records before the header (CsvOptions::skip_records); -1: detected on the first bytes
    // (detect_title_records).
    long skip_records = -1;
  };

  // on_blank (optional): the line of each blank line the reader skips (csv.hpp).
  CsvStream(const Options& opt, CsvReader::RecordFn on_record, CsvReader::FindingFn on_finding,
            CsvReader::BlankFn on_blank = nullptr);
  ~CsvStream();

  // Feeds the next bytes. Does nothing after finish(), a fatal reader error or a refused input.
  void feed(std::string_view bytes);
  // Ends the input: reads what was held back, flushes the decoder, ends the last record.
  void finish();

  // Set (what the input is and what to do) when the input was refused as not text.
  const std::string& error() const { return error_; }
  bool fatal() const { return reader_ && reader_->fatal(); }  // the reader stopped (see csv.hpp)
  std::size_t bytes() const { return bytes_; }                 // input bytes fed
  // Known once the first records can be read (always before the first record callback).
  Encoding encoding() const { return encoding_; }
  // Title records skipped before the header so far, and the first records (csv.hpp).
  std::size_t title_records() const { return reader_ ? reader_->skipped_records() : 0; }
  const std::vector<RecordPreview>& previews() const { return reader_ ? reader_->previews() : no_previews_; }
  char delimiter() const { return delimiter_; }
  bool delimiter_detected() const { return delimiter_detected_; }
  std::size_t invalid_sequences() const { return decoder_ ? decoder_->invalid_sequences() : 0; }
  std::size_t first_invalid_offset() const { return decoder_ ? decoder_->first_invalid_offset() : 0; }
  std::size_t blank_lines() const { return reader_ ? reader_->blank_lines() : 0; }
  // CsvReader::text_offset: where a byte of a field handed to the record callback is in the
  // decoded text (for UTF-8 input without invalid bytes, the input less a BOM).
  std::size_t text_offset(const char* p) const { return reader_ ? reader_->text_offset(p) : 0; }

 private:
  void feed_slice(std::string_view bytes);
  void start_decoding();  // the raw sample is complete (or the input ended)
  void start_reading();   // the text sample is complete (or the input ended)

  Options opt_;
  CsvReader::RecordFn on_record_;
  CsvReader::FindingFn on_finding_;
  CsvReader::BlankFn on_blank_;
  std::string error_;
  std::size_t bytes_ = 0;
  bool finished_ = false;
  Encoding encoding_ = Encoding::Utf8;
  char delimiter_ = ',';
  bool delimiter_detected_ = false;
  std::vector<RecordPreview> no_previews_;
  std::string raw_;   // step 1: bytes held back
  std::string text_;  // step 2: decoded text held back; step 3: the decoded slice being read
  std::unique_ptr<Decoder> decoder_;
  std::unique_ptr<CsvReader> reader_;
};

}  // namespace pe
