// Text helpers (src/core/text.hpp): UTF-8, character classes and the safe snippet for messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text.hpp"

namespace {

const std::string kFFFD = "\xEF\xBF\xBD";

}  // namespace

TEST(DecodeUtf8, AcceptsShortestFormsOnly) {
  char32_t cp = 0;
  EXPECT_EQ(pe::decode_utf8("A", 0, cp), 1u);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(pe::decode_utf8("\xC3\xA9", 0, cp), 2u);
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(pe::decode_utf8("\xE2\x80\xAE", 0, cp), 3u);
  EXPECT_EQ(cp, 0x202Eu);
  EXPECT_EQ(pe::decode_utf8("\xF4\x8F\xBF\xBF", 0, cp), 4u);
  EXPECT_EQ(cp, 0x10FFFFu);
  for (const char* bad : {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF", "\xED\xA0\x80", "\xED\xBF\xBF",
                          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80", "\xFF", "\x80", "\xE2\x80",
                          "\xC3"})
    EXPECT_EQ(pe::decode_utf8(bad, 0, cp), 0u) << bad;
}

TEST(ValidUtf8, ReplacesEachUndecodableByte) {
  EXPECT_TRUE(pe::is_valid_utf8("Jürgen \xE2\x80\xAE"));
  EXPECT_FALSE(pe::is_valid_utf8("a\xC0\xAF"));
  EXPECT_EQ(pe::valid_utf8("a\xC0\xAF" "b"), "a" + kFFFD + kFFFD + "b");
  EXPECT_EQ(pe::valid_utf8("ok"), "ok");
}

TEST(CharacterClasses, BidiControlsAndInvisibles) {
  for (char32_t cp : {0x061Cu, 0x200Eu, 0x200Fu, 0x202Au, 0x202Bu, 0x202Cu, 0x202Du, 0x202Eu, 0x2066u, 0x2067u,
                      0x2068u, 0x2069u}) {
    EXPECT_TRUE(pe::is_bidi_control(cp)) << std::hex << cp;
    EXPECT_TRUE(pe::is_invisible_cp(cp)) << std::hex << cp;
  }
  for (char32_t cp : {0x00ADu, 0x200Bu, 0x200Cu, 0x200Du, 0x2060u, 0xFEFFu, 0xE0041u})
    EXPECT_TRUE(pe::is_invisible_cp(cp)) << std::hex << cp;
  for (char32_t cp : {char32_t{'a'}, char32_t{' '}, char32_t{0xE9}, char32_t{0x3000}, char32_t{0x1F600}}) EXPECT_FALSE(pe::is_invisible_cp(cp)) << std::hex << cp;
  EXPECT_TRUE(pe::is_control_cp(0x00));
  EXPECT_TRUE(pe::is_control_cp(0x7F));
  EXPECT_TRUE(pe::is_control_cp(0x9B));
  EXPECT_FALSE(pe::is_control_cp(0xA0));
  EXPECT_EQ(pe::code_point_name(0x202E), "U+202E");
  EXPECT_EQ(pe::code_point_name(0x1), "U+0001");
  EXPECT_EQ(pe::code_point_name(0x1F600), "U+1F600");
}

// The table of hostile inputs: what each becomes in a message.
TEST(SafeSnippet, HostileInputs) {
  struct Case {
    const char* name;
    std::string in;
    std::string out;
  } cases[] = {
      {"plain", "Ada Lovelace", "Ada Lovelace"},
      {"accents and CJK kept", "Jürgen 例え", "Jürgen 例え"},
      {"overlong 2-byte", "a\xC0\xAF" "b", "a" + kFFFD + kFFFD + "b"},
      {"overlong 3-byte", "\xE0\x80\xAF", kFFFD + kFFFD + kFFFD},
      {"overlong 4-byte", "\xF0\x80\x80\xAF", kFFFD + kFFFD + kFFFD + kFFFD},
      {"surrogate", "\xED\xA0\x80", kFFFD + kFFFD + kFFFD},
      {"above U+10FFFF", "\xF4\x90\x80\x80", kFFFD + kFFFD + kFFFD + kFFFD},
      {"5-byte form", "\xF8\x88\x80\x80\x80", kFFFD + kFFFD + kFFFD + kFFFD + kFFFD},
      {"truncated at the end", "ab\xE2\x80", "ab" + kFFFD + kFFFD},
      {"stray continuation", "\x80x", kFFFD + "x"},
      {"RLO", "moc.elgoog\xE2\x80\xAE@", "moc.elgoog[U+202E]@"},
      {"isolates", "\xE2\x81\xA6x\xE2\x81\xA9", "[U+2066]x[U+2069]"},
      {"marks", "\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", "[U+200E][U+200F][U+061C]"},
      {"embeddings", "\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD", "[U+202A][U+202B][U+202C][U+202D]"},
      {"escape sequence", "\x1B[31mred", "[U+001B][31mred"},
      {"NUL", std::string("a\0b", 3), "a[U+0000]b"},
      {"DEL", "\x7F", "[U+007F]"},
      {"C1 CSI", "\xC2\x9B" "2J", "[U+009B]2J"},
      {"line breaks and tabs become spaces", "a\r\nb\tc\xC2\x85" "d\xE2\x80\xA8" "e", "a  b c d e"},
      {"zero-width space and BOM shown", "a\xE2\x80\x8B" "b\xEF\xBB\xBF", "a[U+200B]b[U+FEFF]"},
      {"soft hyphen shown", "ex\xC2\xAD" "ample", "ex[U+00AD]ample"},
      {"joiners kept (Persian, Indic)", "\xD9\x85\xE2\x80\x8C\xD9\x85", "\xD9\x85\xE2\x80\x8C\xD9\x85"},
  };
  for (const Case& c : cases) {
    const std::string got = pe::safe_snippet(c.in, 200);
    EXPECT_EQ(got, c.out) << c.name;
    EXPECT_TRUE(pe::is_valid_utf8(got)) << c.name;
  }
}

TEST(SafeSnippet, CutsBetweenCharactersNeverInsideOne) {
  std::string s;
  for (int i = 0; i < 10; ++i) s += "é";
  EXPECT_EQ(pe::safe_snippet(s, 3), "ééé…");
  EXPECT_EQ(pe::safe_snippet(s, 10), s);
  // An escape counts as one character and is never cut.
  EXPECT_EQ(pe::safe_snippet("ab\xE2\x80\xAE" "cd", 3), "ab[U+202E]…");
  EXPECT_EQ(pe::safe_snippet("ab\xE2\x80\xAE" "cd", 2), "ab…");
  // A truncated sequence at the cut is not the cut's problem: it becomes U+FFFD.
  EXPECT_EQ(pe::safe_snippet("ab\xF0\x9F\x98", 10), "ab" + kFFFD + kFFFD + kFFFD);
  EXPECT_EQ(pe::safe_snippet("ab\xF0\x9F\x98\x80" "c", 3), "ab\xF0\x9F\x98\x80…");
  EXPECT_EQ(pe::safe_snippet("", 5), "");
}

TEST(SafeSnippet, QuotedWrapsInCurlyQuotes) {
  EXPECT_EQ(pe::quoted("a\xE2\x80\xAE" "b"), "“a[U+202E]b”");
  EXPECT_EQ(pe::quoted(std::string(100, 'x')), "“" + std::string(80, 'x') + "…”");
  EXPECT_EQ(pe::quoted("abc", 2), "“ab…”");
}

TEST(SafeSnippet, LongHostileInputStaysBounded) {
  std::string s;
  for (int i = 0; i < 100000; ++i) s += "\xE2\x80\xAE\xC0";
  const std::string got = pe::safe_snippet(s, 200);
  EXPECT_TRUE(pe::is_valid_utf8(got));
  EXPECT_LT(got.size(), 200u * 8 + 3);
}

TEST(AsciiCase, LowerAndPrefix) {
  EXPECT_EQ(pe::ascii_lower("AbC-ÄÖ"), "abc-ÄÖ");
  EXPECT_TRUE(pe::starts_with_ascii_ci("MAILTO:x", "mailto:"));
  EXPECT_FALSE(pe::starts_with_ascii_ci("mail", "mailto:"));
}

// ---- blank values: the one definition (issue 13) ---------------------------------------------

TEST(IsBlank, WhitespaceAndEdgeInvisiblesOnly) {
  for (const char* blank : {"", " ", "\t", " \t ", "\r\n", "\f\v", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x83\xE2\x80\xAF",
                            "\xE2\x80\x8B", "\xEF\xBB\xBF", "\xE2\x81\xA0", " \xC2\xA0\t\xE2\x80\x8B ", "\xC2\x85"})
    EXPECT_TRUE(pe::is_blank(blank)) << ::testing::PrintToString(std::string(blank));
  for (const char* not_blank : {"x", " x ", "\"", "-", "\xC2\xAD", "\xE2\x80\x8C", "\xE2\x80\xAE", "\xFF", "\xC2",
                                " \xC2", "\xEF\xBF\xBD", "\x01", "\xC2\xA0" "a"})
    EXPECT_FALSE(pe::is_blank(not_blank)) << ::testing::PrintToString(std::string(not_blank));
}

TEST(IsBlank, IsExactlyWhenCollapseWhitespaceGivesNothing) {
  // The property that makes it one definition: blank <=> collapse_whitespace() is empty. Checked on
  // every string of up to three pieces from a set of blank and non-blank characters and broken bytes.
  const std::vector<std::string> pieces = {"", " ", "\t", "\n", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x8B",
                                           "\xEF\xBB\xBF", "a", "\xC2\xAD", "\xFF", "\xC2", "\x80", "\xE2\x80"};
  std::size_t checked = 0;
  for (const std::string& a : pieces)
    for (const std::string& b : pieces)
      for (const std::string& c : pieces) {
        const std::string s = a + b + c;
        ASSERT_EQ(pe::is_blank(s), pe::collapse_whitespace(s).empty()) << ::testing::PrintToString(s);
        ++checked;
      }
  EXPECT_EQ(checked, pieces.size() * pieces.size() * pieces.size());
  for (char32_t cp = 0; cp < 0x3100; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    pe::append_utf8(s, cp);
    ASSERT_EQ(pe::is_blank_cp(cp), pe::collapse_whitespace(s).empty()) << std::hex << static_cast<unsigned>(cp);
    ASSERT_EQ(pe::is_blank(s), pe::is_blank_cp(cp)) << std::hex << static_cast<unsigned>(cp);
  }
}
