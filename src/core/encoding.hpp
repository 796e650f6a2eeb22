// Byte encodings of CSV exports: detection and incremental transcoding to UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pe {

enum class Encoding { Auto, Utf8, Utf8Bom, Utf16LE, Utf16BE, Windows1252 };

// "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252", "auto".
const char* encoding_name(Encoding e);
// Accepts the names above and common aliases ("utf8", "cp1252", "latin1", "iso-8859-1", "utf-16", ...),
// case-insensitive. Returns false for an unknown name.
bool parse_encoding_name(std::string_view name, Encoding& out);

// Detects the encoding of a sample (usually the whole input or its first chunk):
// UTF-8 BOM -> Utf8Bom; FF FE -> Utf16LE; FE FF -> Utf16BE; otherwise the sample's bytes >= 0x80
// are read as UTF-8, counting valid multi-byte sequences (V) and invalid sequences (I, each maximal
// ill-formed subpart once, as the Decoder counts them; a sequence cut at the very end of the sample
// counts as neither):
//   I == 0            -> Utf8 (pure ASCII and valid UTF-8);
//   V > 0 and I <= V  -> Utf8: UTF-8 with a few stray bytes, e.g. one cp1252 "é" pasted into a UTF-8
//                        file. The stray bytes decode to U+FFFD and are counted, so the caller can
//                        warn; reading the file as Windows-1252 instead would silently garble every
//                        correctly encoded name ("JÃ¼rgen"). Ties go to UTF-8 for that reason;
//   otherwise         -> Windows1252: no valid multi-byte sequence at all, or more invalid bytes
//                        than valid sequences (cp1252 text where a pair such as "Ü»" happens to form
//                        one valid UTF-8 sequence among many invalid bytes).
// Extension: a sample without BOM whose every other byte is NUL (BOM-less UTF-16 of mostly-ASCII
// text; never valid CSV in UTF-8) -> Utf16LE / Utf16BE.
Encoding detect_encoding(std::string_view sample);

// detect_encoding over input that arrives in chunks: feed the chunks in order (any sizes, sequences
// may be cut anywhere); result() is what detect_encoding would return for all the bytes fed so far.
// Keeps the first 4096 bytes and two counters, so a whole file can be sniffed in constant memory.
class EncodingSniffer {
 public:
  void feed(std::string_view chunk);
  Encoding result() const;

 private:
  std::string head_;           // the first 4096 bytes (BOM and NUL pattern)
  std::size_t valid_ = 0;      // valid multi-byte UTF-8 sequences
  std::size_t invalid_ = 0;    // invalid sequences (maximal subparts)
  std::string carry_;          // a sequence cut by the end of the previous chunk
};

// Incremental transcoder to UTF-8. Sequences split across chunks are handled.
// A leading BOM is dropped. Invalid input never throws: it becomes U+FFFD and is counted.
class Decoder {
 public:
  explicit Decoder(Encoding e);  // e must not be Auto (Auto is treated as Utf8)
  // Appends the UTF-8 of `chunk` to `out`.
  void feed(std::string_view chunk, std::string& out);
  // Flushes a sequence left incomplete at the end of input (as U+FFFD, counted as invalid).
  void finish(std::string& out);

  Encoding encoding() const { return enc_; }
  std::size_t invalid_sequences() const { return invalid_; }
  // Byte offset in the input of the first invalid sequence (valid only if invalid_sequences() > 0).
  std::size_t first_invalid_offset() const { return first_invalid_; }

 private:
  // One function per encoding; base is the input offset of chunk[0].
  void feed_utf8(std::string_view chunk, std::size_t base, std::string& out);
  void feed_utf16(std::string_view chunk, std::size_t base, std::string& out);
  void utf16_unit(unsigned u, std::size_t offset, std::string& out);  // one UTF-16 code unit
  void feed_windows1252(std::string_view chunk, std::string& out);
  void invalid(std::size_t offset, std::string& out);  // emits U+FFFD and counts it

  Encoding enc_;
  std::size_t invalid_ = 0;
  std::size_t first_invalid_ = 0;
  std::size_t consumed_ = 0;   // input bytes seen so far
  std::string pending_;        // bytes of an incomplete sequence carried to the next chunk
  unsigned pending_high_ = 0;  // UTF-16: a high surrogate waiting for its low half (0 = none)
  std::size_t high_offset_ = 0;  // input offset of pending_high_
};

// Convenience: detect (when e == Auto) and transcode a whole buffer.
struct Decoded {
  std::string text;
  Encoding encoding = Encoding::Utf8;
  std::size_t invalid_sequences = 0;
  std::size_t first_invalid_offset = 0;
};
Decoded decode_all(std::string_view bytes, Encoding e = Encoding::Auto);

}  // namespace pe
