// Encoding detection and incremental transcoding to UTF-8.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "encoding.hpp"

using namespace pe;

namespace {

const std::string kFFFD = "\xEF\xBF\xBD";

struct Out {
  std::string text;
  std::size_t invalid = 0;
  std::size_t first = 0;
};

// Transcodes `bytes` fed in chunks of `chunk` bytes (0 = one feed).
Out run(Encoding e, std::string_view bytes, std::size_t chunk = 0) {
  Decoder d(e);
  Out o;
  if (chunk == 0) {
    d.feed(bytes, o.text);
  } else {
    for (std::size_t i = 0; i < bytes.size(); i += chunk) d.feed(bytes.substr(i, chunk), o.text);
  }
  d.finish(o.text);
  o.invalid = d.invalid_sequences();
  o.first = d.invalid_sequences() ? d.first_invalid_offset() : 0;
  return o;
}

// Every chunk size 1..size gives the same text, count and first offset as one feed.
void expect_chunk_invariant(Encoding e, std::string_view bytes) {
  const Out whole = run(e, bytes);
  for (std::size_t c = 1; c <= bytes.size(); ++c) {
    const Out part = run(e, bytes, c);
    ASSERT_EQ(part.text, whole.text) << "encoding " << encoding_name(e) << ", chunk " << c;
    ASSERT_EQ(part.invalid, whole.invalid) << "chunk " << c;
    ASSERT_EQ(part.first, whole.first) << "chunk " << c;
  }
}

void put_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void put_unit(std::uint32_t u, bool le, std::string& out) {
  const char lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
  if (le) {
    out.push_back(lo);
    out.push_back(hi);
  } else {
    out.push_back(hi);
    out.push_back(lo);
  }
}

// UTF-16 of a list of code points (each < 0x110000, surrogate values written as single units).
std::string utf16(const std::vector<std::uint32_t>& cps, bool le, bool bom = false) {
  std::string out;
  if (bom) put_unit(0xFEFF, le, out);
  for (std::uint32_t cp : cps) {
    if (cp >= 0x10000) {
      put_unit(0xD800 + ((cp - 0x10000) >> 10), le, out);
      put_unit(0xDC00 + ((cp - 0x10000) & 0x3FF), le, out);
    } else {
      put_unit(cp, le, out);
    }
  }
  return out;
}

std::string utf8(const std::vector<std::uint32_t>& cps) {
  std::string out;
  for (std::uint32_t cp : cps) put_utf8(cp, out);
  return out;
}

}  // namespace

// ---- names --------------------------------------------------------------------------------------

TEST(EncodingName, EveryEncodingHasItsName) {
  EXPECT_STREQ(encoding_name(Encoding::Auto), "auto");
  EXPECT_STREQ(encoding_name(Encoding::Utf8), "utf-8");
  EXPECT_STREQ(encoding_name(Encoding::Utf8Bom), "utf-8-bom");
  EXPECT_STREQ(encoding_name(Encoding::Utf16LE), "utf-16le");
  EXPECT_STREQ(encoding_name(Encoding::Utf16BE), "utf-16be");
  EXPECT_STREQ(encoding_name(Encoding::Windows1252), "windows-1252");
}

TEST(EncodingName, ParsesEveryCanonicalNameBack) {
  for (Encoding e : {Encoding::Auto, Encoding::Utf8, Encoding::Utf8Bom, Encoding::Utf16LE, Encoding::Utf16BE,
                     Encoding::Windows1252}) {
    Encoding out = e == Encoding::Utf8 ? Encoding::Auto : Encoding::Utf8;
    ASSERT_TRUE(parse_encoding_name(encoding_name(e), out)) << encoding_name(e);
    EXPECT_EQ(out, e);
  }
}

TEST(EncodingName, AcceptsAliasesCaseInsensitively) {
  struct Case {
    const char* name;
    Encoding enc;
  };
  const Case cases[] = {
      {"UTF-8", Encoding::Utf8},          {"utf8", Encoding::Utf8},
      {"Utf_8", Encoding::Utf8},          {"utf-8-sig", Encoding::Utf8Bom},
      {"UTF8BOM", Encoding::Utf8Bom},     {"utf-16", Encoding::Utf16LE},
      {"UTF-16LE", Encoding::Utf16LE},    {"utf16be", Encoding::Utf16BE},
      {"cp1252", Encoding::Windows1252},  {"Windows-1252", Encoding::Windows1252},
      {"latin1", Encoding::Windows1252},  {"ISO-8859-1", Encoding::Windows1252},
      {"iso8859-1", Encoding::Windows1252}, {"AUTO", Encoding::Auto},
  };
  for (const Case& c : cases) {
    Encoding out = Encoding::Auto;
    if (c.enc == Encoding::Auto) out = Encoding::Utf8;
    ASSERT_TRUE(parse_encoding_name(c.name, out)) << c.name;
    EXPECT_EQ(out, c.enc) << c.name;
  }
}

TEST(EncodingName, RejectsUnknownNamesAndLeavesOutputAlone) {
  Encoding out = Encoding::Utf16BE;
  EXPECT_FALSE(parse_encoding_name("ebcdic", out));
  EXPECT_FALSE(parse_encoding_name("", out));
  EXPECT_FALSE(parse_encoding_name("utf-32", out));
  EXPECT_FALSE(parse_encoding_name("shift_jis", out));
  EXPECT_EQ(out, Encoding::Utf16BE);
}

// ---- detection ----------------------------------------------------------------------------------

TEST(DetectEncoding, EmptyAndAsciiAreUtf8) {
  EXPECT_EQ(detect_encoding(""), Encoding::Utf8);
  EXPECT_EQ(detect_encoding("email,first_name\nann@example.com,Ann\n"), Encoding::Utf8);
}

TEST(DetectEncoding, ValidMultiByteUtf8IsUtf8) {
  EXPECT_EQ(detect_encoding("name\nJos\xC3\xA9 M\xC3\xBCller \xE2\x82\xAC \xF0\x9F\x98\x80\n"), Encoding::Utf8);
}

TEST(DetectEncoding, Boms) {
  EXPECT_EQ(detect_encoding("\xEF\xBB\xBF" "a,b\n"), Encoding::Utf8Bom);
  EXPECT_EQ(detect_encoding("\xEF\xBB\xBF"), Encoding::Utf8Bom);
  EXPECT_EQ(detect_encoding(std::string("\xFF\xFE" "a\0", 4)), Encoding::Utf16LE);
  EXPECT_EQ(detect_encoding(std::string("\xFE\xFF\0a", 4)), Encoding::Utf16BE);
  EXPECT_EQ(detect_encoding("\xFF\xFE"), Encoding::Utf16LE);
}

TEST(DetectEncoding, InvalidUtf8FallsBackToWindows1252) {
  EXPECT_EQ(detect_encoding("name\nCaf\xE9\n"), Encoding::Windows1252);             // é in cp1252
  EXPECT_EQ(detect_encoding("quote: \x93hi\x94\n"), Encoding::Windows1252);         // curly quotes
  EXPECT_EQ(detect_encoding("\xC0\x80"), Encoding::Windows1252);                    // overlong
  EXPECT_EQ(detect_encoding("\xED\xA0\x80"), Encoding::Windows1252);                // surrogate
  EXPECT_EQ(detect_encoding("\xE2\x82" "x"), Encoding::Windows1252);                // cut in the middle
  EXPECT_EQ(detect_encoding("\xEF\xBB"), Encoding::Utf8);                           // BOM prefix, cut at end
}

TEST(DetectEncoding, Utf8WithAStrayInvalidByteStaysUtf8) {
  // One correctly encoded ü and one stray cp1252 é: reading the file as Windows-1252 would turn
  // every correct name into mojibake ("JÃ¼rgen") without a warning.
  const std::string s = "email,first_name\nm@acme.com,J\xC3\xBCrgen\nx@acme.com,Ren\xE9\n";
  EXPECT_EQ(detect_encoding(s), Encoding::Utf8);
  const Decoded d = decode_all(s);
  EXPECT_EQ(d.encoding, Encoding::Utf8);
  EXPECT_EQ(d.text, "email,first_name\nm@acme.com,J\xC3\xBCrgen\nx@acme.com,Ren" + kFFFD + "\n");
  EXPECT_EQ(d.invalid_sequences, 1u);
  EXPECT_EQ(d.first_invalid_offset, 50u);
  // More valid multi-byte sequences than invalid ones, 2-, 3- and 4-byte.
  EXPECT_EQ(detect_encoding("M\xC3\xBCller;\xE2\x82\xAC;\xF0\x9F\x98\x80;Caf\xE9;\x93x\x94"), Encoding::Utf8);
  // The stray byte may come first.
  EXPECT_EQ(detect_encoding("Caf\xE9,Jos\xC3\xA9,Ren\xC3\xA9"), Encoding::Utf8);
}

TEST(DetectEncoding, Windows1252WithAnAccidentalUtf8PairStaysWindows1252) {
  // "Ü»" (DC BB) happens to be a valid UTF-8 sequence; the other accented letters are not.
  EXPECT_EQ(detect_encoding("name\nCaf\xE9\n\xDC\xBB\nGar\xE7on\nM\xFCller\n"), Encoding::Windows1252);
  EXPECT_EQ(detect_encoding("\xC4\x80 \xE9\xE8 "), Encoding::Windows1252);  // one pair, two invalid
  EXPECT_EQ(detect_encoding("J\xFCrgen;M\xFCller;Stra\xDF" "e"), Encoding::Windows1252);  // no pair at all
  const Decoded d = decode_all("Caf\xE9;\xDC\xBB;Gar\xE7on");
  EXPECT_EQ(d.encoding, Encoding::Windows1252);
  EXPECT_EQ(d.text, "Caf\xC3\xA9;\xC3\x9C\xC2\xBB;Gar\xC3\xA7on");
  EXPECT_EQ(d.invalid_sequences, 0u);
}

TEST(DetectEncoding, SequenceCutAtTheEndOfTheSampleStillCountsAsUtf8) {
  EXPECT_EQ(detect_encoding("abc\xE2"), Encoding::Utf8);
  EXPECT_EQ(detect_encoding("abc\xE2\x82"), Encoding::Utf8);
  EXPECT_EQ(detect_encoding("abc\xF0\x9F\x98"), Encoding::Utf8);
  EXPECT_EQ(detect_encoding("abc\xE0\x80"), Encoding::Windows1252);  // not a valid prefix
}

TEST(DetectEncoding, BomlessUtf16IsRecognisedByItsNulBytes) {
  const std::vector<std::uint32_t> text = {'e', 'm', 'a', 'i', 'l', ',', 'n', 0xE9, '\n'};
  EXPECT_EQ(detect_encoding(utf16(text, true)), Encoding::Utf16LE);
  EXPECT_EQ(detect_encoding(utf16(text, false)), Encoding::Utf16BE);
  EXPECT_EQ(detect_encoding(std::string("a\0", 2)), Encoding::Utf8);  // a single unit is too little
}

// ---- UTF-8 --------------------------------------------------------------------------------------

TEST(DecodeUtf8, ValidTextPassesThroughUnchanged) {
  const std::string s = "email,name\na@b.co,Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n";
  const Out o = run(Encoding::Utf8, s);
  EXPECT_EQ(o.text, s);
  EXPECT_EQ(o.invalid, 0u);
}

TEST(DecodeUtf8, LeadingBomIsDroppedOnlyAtTheStart) {
  EXPECT_EQ(run(Encoding::Utf8Bom, "\xEF\xBB\xBF" "a,b").text, "a,b");
  EXPECT_EQ(run(Encoding::Utf8, "\xEF\xBB\xBF" "a,b").text, "a,b");
  EXPECT_EQ(run(Encoding::Utf8Bom, "a\xEF\xBB\xBF" "b").text, "a\xEF\xBB\xBF" "b");  // U+FEFF inside text kept
  EXPECT_EQ(run(Encoding::Utf8Bom, "\xEF\xBB\xBF\xEF\xBB\xBF").text, "\xEF\xBB\xBF");  // only the first one
  EXPECT_EQ(run(Encoding::Utf8Bom, "\xEF\xBB\xBF").text, "");
}

TEST(DecodeUtf8, BomSplitAcrossChunksIsDropped) {
  for (std::size_t c = 1; c <= 3; ++c) EXPECT_EQ(run(Encoding::Utf8Bom, "\xEF\xBB\xBF" "x", c).text, "x") << c;
}

TEST(DecodeUtf8, InvalidBytesBecomeReplacementCharactersAndAreCounted) {
  const Out o = run(Encoding::Utf8, "ab\xFF" "c\x80" "d");
  EXPECT_EQ(o.text, "ab" + kFFFD + "c" + kFFFD + "d");
  EXPECT_EQ(o.invalid, 2u);
  EXPECT_EQ(o.first, 2u);
}

TEST(DecodeUtf8, OverlongsSurrogatesAndOutOfRangeAreReplacedPerMaximalSubpart) {
  // C0 and C1 can never start a sequence: each byte is one replacement.
  EXPECT_EQ(run(Encoding::Utf8, "\xC0\x80").text, kFFFD + kFFFD);
  EXPECT_EQ(run(Encoding::Utf8, "\xC1\xBF").invalid, 2u);
  // E0 80..9F is overlong, ED A0..BF a surrogate, F4 90.. above U+10FFFF: the lead alone is invalid.
  EXPECT_EQ(run(Encoding::Utf8, "\xE0\x80\x80").text, kFFFD + kFFFD + kFFFD);
  EXPECT_EQ(run(Encoding::Utf8, "\xED\xA0\x80").text, kFFFD + kFFFD + kFFFD);
  EXPECT_EQ(run(Encoding::Utf8, "\xF4\x90\x80\x80").invalid, 4u);
  EXPECT_EQ(run(Encoding::Utf8, "\xF5\x80").invalid, 2u);
  // A valid prefix cut by another byte is one replacement; the byte is read again.
  const Out o = run(Encoding::Utf8, "x\xE2\x82" "A\xF0\x9F\x98" "B");
  EXPECT_EQ(o.text, "x" + kFFFD + "A" + kFFFD + "B");
  EXPECT_EQ(o.invalid, 2u);
  EXPECT_EQ(o.first, 1u);
  // The largest and smallest valid sequences of each length are fine.
  EXPECT_EQ(run(Encoding::Utf8, "\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF").invalid,
            0u);
}

TEST(DecodeUtf8, SequenceLeftOpenAtTheEndIsFlushedByFinish) {
  Decoder d(Encoding::Utf8);
  std::string out;
  d.feed("ab\xE2\x82", out);
  EXPECT_EQ(out, "ab");
  EXPECT_EQ(d.invalid_sequences(), 0u);
  d.finish(out);
  EXPECT_EQ(out, "ab" + kFFFD);
  EXPECT_EQ(d.invalid_sequences(), 1u);
  EXPECT_EQ(d.first_invalid_offset(), 2u);
}

TEST(DecodeUtf8, FirstInvalidOffsetCountsBomAndEarlierChunks) {
  Decoder d(Encoding::Utf8Bom);
  std::string out;
  d.feed("\xEF\xBB\xBF" "abc", out);
  d.feed("de\x92" "f\x93", out);
  d.finish(out);
  EXPECT_EQ(out, "abcde" + kFFFD + "f" + kFFFD);
  EXPECT_EQ(d.invalid_sequences(), 2u);
  EXPECT_EQ(d.first_invalid_offset(), 8u);
}

TEST(DecodeUtf8, SequencesSplitAtEveryByteAreJoined) {
  const std::string euro = "\xE2\x82\xAC", smile = "\xF0\x9F\x98\x80";
  for (const std::string& s : {euro, smile, std::string("\xC3\xA9")}) {
    const std::string in = "a" + s + "b";
    for (std::size_t cut = 1; cut < in.size(); ++cut) {
      Decoder d(Encoding::Utf8);
      std::string out;
      d.feed(std::string_view(in).substr(0, cut), out);
      d.feed(std::string_view(in).substr(cut), out);
      d.finish(out);
      EXPECT_EQ(out, in) << "cut " << cut;
      EXPECT_EQ(d.invalid_sequences(), 0u);
    }
  }
}

TEST(DecodeUtf8, OneByteAtATimeEqualsOneChunk) {
  const std::string in =
      "\xEF\xBB\xBF" "email,name\nJos\xC3\xA9,\xE2\x82\xAC\xF0\x9F\x98\x80\n\xFF\xC0\x80\xE2\x82!\xED\xA0\x80"
      "\xF4\x90\x80\x80\xF0\x9F\x98\n\xE2";
  expect_chunk_invariant(Encoding::Utf8, in);
  expect_chunk_invariant(Encoding::Utf8Bom, in);
  const Out o = run(Encoding::Utf8, in, 1);
  EXPECT_EQ(o.invalid, 13u);
  EXPECT_EQ(o.first, 28u);
}

TEST(DecodeUtf8, EveryScalarValueSurvivesChunkedDecoding) {
  std::vector<std::uint32_t> cps;
  for (std::uint32_t cp = 1; cp < 0x110000; cp += (cp < 0x3000 ? 1 : 7))
    if (cp < 0xD800 || cp > 0xDFFF) cps.push_back(cp);
  const std::string s = utf8(cps);
  for (std::size_t chunk : {std::size_t(0), std::size_t(5), std::size_t(4096)}) {
    const Out o = run(Encoding::Utf8, s, chunk);
    ASSERT_EQ(o.invalid, 0u) << chunk;
    ASSERT_TRUE(o.text == s) << chunk;
  }
}

TEST(DecodeUtf8, AutoDecoderActsAsUtf8) {
  Decoder d(Encoding::Auto);
  EXPECT_EQ(d.encoding(), Encoding::Utf8);
  std::string out;
  d.feed("\xEF\xBB\xBF" "a\xFF", out);
  d.finish(out);
  EXPECT_EQ(out, "a" + kFFFD);
}

// ---- UTF-16 -------------------------------------------------------------------------------------

TEST(DecodeUtf16, LittleEndianWithBom) {
  const std::vector<std::uint32_t> cps = {'a', ',', 0xE9, 0x20AC, 0x1F600, '\n'};
  const Out o = run(Encoding::Utf16LE, utf16(cps, true, true));
  EXPECT_EQ(o.text, "a,\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n");
  EXPECT_EQ(o.invalid, 0u);
}

TEST(DecodeUtf16, BigEndianWithBom) {
  const std::vector<std::uint32_t> cps = {'a', ',', 0xE9, 0x20AC, 0x1F600, '\n'};
  const Out o = run(Encoding::Utf16BE, utf16(cps, false, true));
  EXPECT_EQ(o.text, "a,\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n");
  EXPECT_EQ(o.invalid, 0u);
}

TEST(DecodeUtf16, WithoutBomAndBomOnlyAtStart) {
  EXPECT_EQ(run(Encoding::Utf16LE, utf16({'h', 'i'}, true)).text, "hi");
  EXPECT_EQ(run(Encoding::Utf16BE, utf16({'h', 0xFEFF, 'i'}, false)).text, "h\xEF\xBB\xBFi");
  EXPECT_EQ(run(Encoding::Utf16LE, utf16({0xFEFF}, true)).text, "");
}

TEST(DecodeUtf16, LoneSurrogatesBecomeReplacementCharacters) {
  // high surrogate followed by a normal character
  Out o = run(Encoding::Utf16LE, utf16({'a', 0xD83D, 'b'}, true));
  EXPECT_EQ(o.text, "a" + kFFFD + "b");
  EXPECT_EQ(o.invalid, 1u);
  EXPECT_EQ(o.first, 2u);
  // low surrogate alone
  o = run(Encoding::Utf16BE, utf16({'a', 'b', 0xDE00, 'c'}, false));
  EXPECT_EQ(o.text, "ab" + kFFFD + "c");
  EXPECT_EQ(o.first, 4u);
  // two high surrogates then a low one: the first is lone, the second pairs
  o = run(Encoding::Utf16LE, utf16({0xD83D, 0xD83D, 0xDE00}, true));
  EXPECT_EQ(o.text, kFFFD + "\xF0\x9F\x98\x80");
  EXPECT_EQ(o.invalid, 1u);
  EXPECT_EQ(o.first, 0u);
  // high surrogate at the very end: flushed by finish
  o = run(Encoding::Utf16LE, utf16({'x', 0xD800}, true, true));
  EXPECT_EQ(o.text, "x" + kFFFD);
  EXPECT_EQ(o.first, 4u);
}

TEST(DecodeUtf16, OddTrailingByteIsFlushedByFinish) {
  std::string in = utf16({'o', 'k'}, true);
  in.push_back('z');
  const Out o = run(Encoding::Utf16LE, in);
  EXPECT_EQ(o.text, "ok" + kFFFD);
  EXPECT_EQ(o.invalid, 1u);
  EXPECT_EQ(o.first, 4u);
}

TEST(DecodeUtf16, SurrogatePairSplitAtEveryByte) {
  for (bool le : {true, false}) {
    const std::string in = utf16({'a', 0x1F600, 'b'}, le, true);
    for (std::size_t cut = 1; cut < in.size(); ++cut) {
      Decoder d(le ? Encoding::Utf16LE : Encoding::Utf16BE);
      std::string out;
      d.feed(std::string_view(in).substr(0, cut), out);
      d.feed(std::string_view(in).substr(cut), out);
      d.finish(out);
      EXPECT_EQ(out, "a\xF0\x9F\x98\x80" "b") << "cut " << cut;
      EXPECT_EQ(d.invalid_sequences(), 0u);
    }
  }
}

TEST(DecodeUtf16, OneByteAtATimeEqualsOneChunk) {
  for (bool le : {true, false}) {
    std::string in = utf16({'n', 0xE9, 0xDE00, 0x1F600, 0xD83D, 'q', 0x10FFFF, 0x10000, 0xD800}, le, true);
    in.push_back('\x01');
    expect_chunk_invariant(le ? Encoding::Utf16LE : Encoding::Utf16BE, in);
    const Out o = run(le ? Encoding::Utf16LE : Encoding::Utf16BE, in, 1);
    EXPECT_EQ(o.invalid, 4u);
    EXPECT_EQ(o.first, 6u);
    EXPECT_EQ(o.text, "n\xC3\xA9" + kFFFD + "\xF0\x9F\x98\x80" + kFFFD + "q\xF4\x8F\xBF\xBF\xF0\x90\x80\x80" +
                          kFFFD + kFFFD);
  }
}

TEST(DecodeUtf16, EveryScalarValueRoundTrips) {
  std::vector<std::uint32_t> cps;
  for (std::uint32_t cp = 1; cp < 0x110000; cp += (cp < 0x3000 ? 1 : 7))
    if (cp < 0xD800 || cp > 0xDFFF) cps.push_back(cp);
  const std::string expected = utf8(cps);
  for (bool le : {true, false}) {
    const Out o = run(le ? Encoding::Utf16LE : Encoding::Utf16BE, utf16(cps, le, true), 999);
    ASSERT_EQ(o.invalid, 0u);
    ASSERT_TRUE(o.text == expected) << (le ? "LE" : "BE");
  }
}

// ---- Windows-1252 -------------------------------------------------------------------------------

TEST(DecodeWindows1252, FullTableFor0x80To0x9F) {
  const std::uint32_t expected[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
  };
  for (int b = 0x80; b < 0xA0; ++b) {
    const std::string in(1, static_cast<char>(b));
    std::string want;
    put_utf8(expected[b - 0x80], want);
    const Out o = run(Encoding::Windows1252, in);
    EXPECT_EQ(o.text, want) << std::hex << b;
    EXPECT_EQ(o.invalid, 0u);
  }
  EXPECT_EQ(run(Encoding::Windows1252, "\x80").text, "\xE2\x82\xAC");
  EXPECT_EQ(run(Encoding::Windows1252, "\x92").text, "\xE2\x80\x99");
  EXPECT_EQ(run(Encoding::Windows1252, "\x81").text, "\xC2\x81");
  EXPECT_EQ(run(Encoding::Windows1252, "\x9D").text, "\xC2\x9D");
}

TEST(DecodeWindows1252, UpperHalfIsLatin1AndAsciiIsUnchanged) {
  std::string in, want;
  for (int b = 0; b < 0x80; ++b) in.push_back(static_cast<char>(b));
  want = in;
  for (int b = 0xA0; b < 0x100; ++b) {
    in.push_back(static_cast<char>(b));
    put_utf8(static_cast<std::uint32_t>(b), want);
  }
  const Out o = run(Encoding::Windows1252, in);
  EXPECT_EQ(o.text, want);
  EXPECT_EQ(o.invalid, 0u);
  EXPECT_EQ(run(Encoding::Windows1252, "Caf\xE9 \x93" "M\xFCller\x94 \x96 5\x80").text,
            "Caf\xC3\xA9 \xE2\x80\x9CM\xC3\xBCller\xE2\x80\x9D \xE2\x80\x93 5\xE2\x82\xAC");
}

TEST(DecodeWindows1252, ChunkingDoesNotMatterAndBomBytesAreText) {
  std::string in = "\xEF\xBB\xBF" "name\nZo\xEB \x80\x81\x9F\xFF\n";
  expect_chunk_invariant(Encoding::Windows1252, in);
  EXPECT_EQ(run(Encoding::Windows1252, "\xEF\xBB\xBF").text, "\xC3\xAF\xC2\xBB\xC2\xBF");
}

// ---- decode_all ---------------------------------------------------------------------------------

TEST(DecodeAll, DetectsAndTranscodes) {
  Decoded d = decode_all("\xEF\xBB\xBF" "a,b\n");
  EXPECT_EQ(d.encoding, Encoding::Utf8Bom);
  EXPECT_EQ(d.text, "a,b\n");
  EXPECT_EQ(d.invalid_sequences, 0u);

  d = decode_all("name\nCaf\xE9\n");
  EXPECT_EQ(d.encoding, Encoding::Windows1252);
  EXPECT_EQ(d.text, "name\nCaf\xC3\xA9\n");
  EXPECT_EQ(d.invalid_sequences, 0u);

  d = decode_all(utf16({'a', ';', 0x20AC, '\n'}, true, true));
  EXPECT_EQ(d.encoding, Encoding::Utf16LE);
  EXPECT_EQ(d.text, "a;\xE2\x82\xAC\n");

  d = decode_all(utf16({'a', ';', 0x20AC, '\n'}, false, true));
  EXPECT_EQ(d.encoding, Encoding::Utf16BE);
  EXPECT_EQ(d.text, "a;\xE2\x82\xAC\n");

  d = decode_all("");
  EXPECT_EQ(d.encoding, Encoding::Utf8);
  EXPECT_EQ(d.text, "");
}

TEST(DecodeAll, ExplicitEncodingOverridesDetection) {
  // Valid UTF-8 read as Windows-1252 on request: each byte becomes its own character.
  Decoded d = decode_all("\xC3\xA9", Encoding::Windows1252);
  EXPECT_EQ(d.encoding, Encoding::Windows1252);
  EXPECT_EQ(d.text, "\xC3\x83\xC2\xA9");
  // Windows-1252 read as UTF-8 on request: replacement characters, counted.
  d = decode_all("ok\xE9!", Encoding::Utf8);
  EXPECT_EQ(d.encoding, Encoding::Utf8);
  EXPECT_EQ(d.text, "ok" + kFFFD + "!");
  EXPECT_EQ(d.invalid_sequences, 1u);
  EXPECT_EQ(d.first_invalid_offset, 2u);
}

TEST(DecodeAll, ReportsInvalidSequencesOfUtf16) {
  const Decoded d = decode_all(utf16({'a', 0xDC00, 'b', 0xD800}, true, true));
  EXPECT_EQ(d.encoding, Encoding::Utf16LE);
  EXPECT_EQ(d.text, "a" + kFFFD + "b" + kFFFD);
  EXPECT_EQ(d.invalid_sequences, 2u);
  EXPECT_EQ(d.first_invalid_offset, 4u);
}
