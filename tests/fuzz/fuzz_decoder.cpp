// Decoder: the input fed in random chunks gives the same text, invalid-sequence count and first
// invalid offset as the whole input fed at once (and as decode_all), and the text is valid UTF-8.
//
// Input: the last bytes choose the encoding (auto-detected or forced) and the chunking; the rest
// is the byte stream.
#include <cstring>

#include "encoding.hpp"
#include "fuzz_util.hpp"

using pe::Encoding;

namespace {

std::size_t count_replacements(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t p = s.find("\xEF\xBF\xBD"); p != std::string_view::npos; p = s.find("\xEF\xBF\xBD", p + 3)) ++n;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  static const Encoding kEncodings[] = {Encoding::Auto,    Encoding::Utf8,    Encoding::Utf8Bom,
                                        Encoding::Utf16LE, Encoding::Utf16BE, Encoding::Windows1252};
  const Encoding chosen = kEncodings[fdp.ConsumeIntegralInRange<int>(0, 5)];
  const std::uint32_t seed = fdp.ConsumeIntegral<std::uint32_t>();
  const std::size_t max_chunk = fdp.ConsumeIntegralInRange<std::size_t>(1, 16);
  const std::string bytes = fdp.ConsumeRemainingBytesAsString();

  const Encoding enc = chosen == Encoding::Auto ? pe::detect_encoding(bytes) : chosen;
  FUZZ_CHECK(enc != Encoding::Auto, "detect_encoding never answers Auto");

  pe::Decoder whole(enc);
  std::string text;
  whole.feed(bytes, text);
  whole.finish(text);

  pe::Decoder part(enc);
  std::string text2;
  for (std::string_view c : fuzz::chunks(bytes, seed, max_chunk)) part.feed(c, text2);
  part.finish(text2);

  const std::string name = pe::encoding_name(enc);
  FUZZ_CHECK(text == text2, name + ": chunked text " + fuzz::show(text2) + " differs from whole " + fuzz::show(text));
  FUZZ_CHECK(whole.invalid_sequences() == part.invalid_sequences(),
             name + ": invalid count " + std::to_string(part.invalid_sequences()) + " chunked vs " +
                 std::to_string(whole.invalid_sequences()) + " whole");
  if (whole.invalid_sequences() > 0) {
    FUZZ_CHECK(whole.first_invalid_offset() == part.first_invalid_offset(),
               name + ": first invalid offset " + std::to_string(part.first_invalid_offset()) + " chunked vs " +
                   std::to_string(whole.first_invalid_offset()) + " whole");
    FUZZ_CHECK(whole.first_invalid_offset() < bytes.size(), "first invalid offset inside the input");
  }
  FUZZ_CHECK(fuzz::valid_utf8(text), name + ": decoded text is not valid UTF-8: " + fuzz::show(text));
  // Every invalid sequence shows as one U+FFFD (the input may hold real ones too).
  FUZZ_CHECK(count_replacements(text) >= whole.invalid_sequences(), name + ": fewer U+FFFD than invalid sequences");

  // decode_all is the same decoder.
  const pe::Decoded all = pe::decode_all(bytes, chosen);
  FUZZ_CHECK(all.encoding == enc, "decode_all detects the same encoding");
  FUZZ_CHECK(all.text == text && all.invalid_sequences == whole.invalid_sequences(), "decode_all equals Decoder");

  // Valid UTF-8 read as UTF-8 comes back unchanged (a leading BOM dropped).
  if ((enc == Encoding::Utf8 || enc == Encoding::Utf8Bom) && fuzz::valid_utf8(bytes)) {
    std::string_view expect = bytes;
    if (expect.substr(0, 3) == "\xEF\xBB\xBF") expect.remove_prefix(3);
    FUZZ_CHECK(whole.invalid_sequences() == 0, "valid UTF-8 has no invalid sequence");
    FUZZ_CHECK(text == expect, "valid UTF-8 passes through unchanged");
  }
  // Windows-1252 maps every byte to one character: nothing is invalid.
  if (enc == Encoding::Windows1252) FUZZ_CHECK(whole.invalid_sequences() == 0, "Windows-1252 has no invalid bytes");
  return 0;
}
