// Text helpers shared by the core: UTF-8 decoding and appending, ASCII case, character classes,
// whitespace collapsing, and the one safe snippet used whenever a value from the input file or
// from the server is quoted into a message.
//
// Messages are shown on a page and printed by the CLI. A value quoted into one may hold anything:
// invalid or overlong UTF-8, control characters (a terminal escape sequence), or bidi controls
// (U+202E turns the rest of a line around, so "moc.elgoog@" reads as "@google.com"). safe_snippet()
// and quoted() make such a value safe to show:
//   - invalid UTF-8 (overlong forms, surrogates, > U+10FFFF, truncated or stray bytes) -> U+FFFD,
//     one per byte that cannot be decoded;
//   - TAB, LF, CR, VT, FF, NEL, U+2028, U+2029 -> a space;
//   - other C0 and C1 controls, DEL, bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E,
//     U+2066-U+2069) and invisible format characters (soft hyphen, zero-width space/joiners,
//     word joiner, BOM, ...) -> shown by name, "[U+202E]";
//   - the cut falls between characters (an escape counts as one), never inside one, and "…"
//     marks it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pe {

// ---- UTF-8

// Decodes one code point at s[i] (i < s.size()). Returns its byte length, or 0 when the bytes at i
// are not a valid UTF-8 sequence (shortest form, no surrogate, <= U+10FFFF).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp);
// Appends cp (<= U+10FFFF, not a surrogate) as UTF-8.
void append_utf8(std::string& out, char32_t cp);
bool is_valid_utf8(std::string_view s);
// Invalid sequences replaced by U+FFFD (one per undecodable byte); valid text returned as it is.
std::string valid_utf8(std::string_view s);

// ---- ASCII case

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
// Space, TAB, CR, LF, FF, VT.
inline bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
// Lower-cases ASCII letters only (e-mail keys, hosts); other bytes are kept as they are.
std::string ascii_lower(std::string_view s);
bool starts_with_ascii_ci(std::string_view s, std::string_view prefix);
bool equals_ascii_ci(std::string_view a, std::string_view b);
// s without ASCII whitespace (is_ascii_space) at either end.
std::string_view trim_ascii_space(std::string_view s);
// s.find_first_of(set, from) for a set of a few characters, in one pass: libstdc++'s find_first_of
// calls memchr over the set for every byte of s (10% of `enrich validate` went there).
inline std::size_t find_any_of(std::string_view s, std::string_view set, std::size_t from = 0) {
  for (std::size_t i = from; i < s.size(); ++i)
    for (const char c : set)
      if (s[i] == c) return i;
  return std::string_view::npos;
}

// ---- character classes

// Whitespace: ASCII (TAB..CR, space), NEL, NBSP and the Unicode space separators, U+2028, U+2029.
bool is_space_cp(char32_t cp);
// C0 controls, DEL and C1 controls.
bool is_control_cp(char32_t cp);
// U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: they reorder the text around them.
bool is_bidi_control(char32_t cp);
// Characters that show nothing: bidi controls, soft hyphen, combining grapheme joiner, Mongolian
// vowel separator, zero-width space/non-joiner/joiner, word joiner and invisible operators,
// deprecated format characters U+206A-U+206F, BOM, interlinear annotation U+FFF9-U+FFFB.
bool is_invisible_cp(char32_t cp);
// "U+202E" (at least four hex digits).
std::string code_point_name(char32_t cp);

// ---- whitespace

// s without the zero-width spaces (U+200B), word joiners (U+2060) and BOMs (U+FEFF) that
// copy-paste leaves at its ends; nothing inside is touched.
std::string_view trim_invisible(std::string_view s);

// Trims ASCII and Unicode spaces (NBSP) at both ends and collapses inner runs of whitespace.
// Zero-width spaces / BOM are trimmed at the ends; invalid UTF-8 bytes become U+FFFD, so the
// result is valid UTF-8.
std::string collapse_whitespace(std::string_view s);
// The same as a view: s itself when collapse_whitespace would return it unchanged (the common
// case, no copy), else a view of scratch holding collapse_whitespace(s).
std::string_view collapsed(std::string_view s, std::string& scratch);

// ---- blank values: the one definition
//
// A character a blank value may hold: whitespace (is_space_cp: space, TAB, NBSP, the Unicode space
// separators, ...) and the invisible characters copy-paste leaves at the ends of values (U+200B,
// U+2060, U+FEFF): exactly what collapse_whitespace() trims away.
bool is_blank_cp(char32_t cp);
// True when s is empty or holds only is_blank_cp characters (invalid UTF-8 is not blank): exactly
// when collapse_whitespace(s) is empty. Used for a blank cell, a blank line (a record whose every
// cell is blank), a header-less column, and the padding between a closing quote and the delimiter.
bool is_blank(std::string_view s);

// ---- safe snippets for messages (see the top of this file)

// At most max_chars characters of s made safe to show, "…" appended when something was cut.
std::string safe_snippet(std::string_view s, std::size_t max_chars);
// safe_snippet in curly quotes: “value”.
std::string quoted(std::string_view s, std::size_t max_chars = 80);

}  // namespace pe
