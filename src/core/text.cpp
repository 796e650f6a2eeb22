// Text helpers shared by the core (see text.hpp).
#include "text.hpp"

#include <cstdio>

namespace pe {

// ---------------------------------------------------------------- UTF-8

std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c0 = b(i);
  if (c0 < 0x80) {
    cp = c0;
    return 1;
  }
  std::size_t len;
  char32_t v;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    len = 2;
    v = c0 & 0x1F;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    len = 3;
    v = c0 & 0x0F;
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    len = 4;
    v = c0 & 0x07;
  } else {
    return 0;  // continuation byte, C0/C1 (overlong 2-byte), F5..FF (beyond U+10FFFF, 5/6-byte forms)
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char ck = b(i + k);
    if ((ck & 0xC0) != 0x80) return 0;
    v = (v << 6) | (ck & 0x3F);
  }
  if (len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) return 0;  // overlong, surrogate
  if (len == 4 && (v < 0x10000 || v > 0x10FFFF)) return 0;                 // overlong, too large
  cp = v;
  return len;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    const std::size_t len = decode_utf8(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp;
    const std::size_t len = decode_utf8(s, i, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
  return out;
}

// ---------------------------------------------------------------- ASCII case

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool starts_with_ascii_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (ascii_lower(s[i]) != ascii_lower(prefix[i])) return false;
  return true;
}

bool equals_ascii_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && starts_with_ascii_ci(a, b);
}

std::string_view trim_ascii_space(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------- character classes

bool is_space_cp(char32_t cp) {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool is_control_cp(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool is_bidi_control(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

bool is_invisible_cp(char32_t cp) {
  if (is_bidi_control(cp)) return true;
  return cp == 0x00AD || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206A && cp <= 0x206F) || cp == 0x3164 || cp == 0xFEFF || cp == 0xFFA0 ||
         (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
         (cp >= 0xE0000 && cp <= 0xE007F);
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// ---------------------------------------------------------------- whitespace

namespace {

// Invisible characters that copy-paste leaves at the ends of values: removed there only.
bool is_edge_invisible(char32_t cp) { return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF; }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view trim_invisible(std::string_view s) {
  static const std::string_view kInvisible[] = {"\xE2\x80\x8B", "\xE2\x81\xA0", "\xEF\xBB\xBF"};
  for (bool cut = true; cut;) {
    cut = false;
    for (std::string_view v : kInvisible) {
      if (s.substr(0, v.size()) == v) s.remove_prefix(v.size()), cut = true;
      if (ends_with(s, v)) s.remove_suffix(v.size()), cut = true;
    }
  }
  return s;
}

namespace {

// The common case: printable ASCII with single inner spaces and none at the ends, which
// collapse_whitespace returns as it is.
bool already_collapsed(std::string_view s) {
  bool plain = !s.empty() && s.front() != ' ' && s.back() != ' ';
  for (std::size_t i = 0; plain && i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    plain = (c > 0x20 && c < 0x7F) || (c == ' ' && s[i - 1] != ' ');
  }
  return plain;
}

}  // namespace

std::string_view collapsed(std::string_view s, std::string& scratch) {
  if (already_collapsed(s)) return s;
  scratch = collapse_whitespace(s);
  return scratch;
}

std::string collapse_whitespace(std::string_view s) {
  if (already_collapsed(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(s, i, cp);
    if (len == 0) {
      cp = 0xFFFD;
      len = 1;
    }
    i += len;
    if (is_space_cp(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (out.empty() && is_edge_invisible(cp)) continue;
    if (pending_space) out += ' ';
    pending_space = false;
    append_utf8(out, cp);
  }
  // Trailing invisible characters (and a space before them).
  for (;;) {
    if (!out.empty() && out.back() == ' ') {
      out.pop_back();
    } else if (ends_with(out, "\xE2\x80\x8B") || ends_with(out, "\xE2\x81\xA0") || ends_with(out, "\xEF\xBB\xBF")) {
      out.resize(out.size() - 3);
    } else {
      break;
    }
  }
  return out;
}

bool is_blank_cp(char32_t cp) { return is_space_cp(cp) || is_edge_invisible(cp); }

bool is_blank(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {  // ASCII: the common case, one byte at a time
      if (!is_space_cp(c)) return false;
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = decode_utf8(s, i, cp);
    if (len == 0 || !is_blank_cp(cp)) return false;
    i += len;
  }
  return true;
}

// ---------------------------------------------------------------- safe snippets

std::string safe_snippet(std::string_view s, std::size_t max_chars) {
  std::string out;
  out.reserve(s.size() < max_chars * 2 ? s.size() + 8 : max_chars * 2);
  std::size_t chars = 0, i = 0;
  while (i < s.size() && chars < max_chars) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(s, i, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for each byte that is not part of a valid sequence
      i += 1;
    } else {
      i += len;
      const bool whitespace_control = cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C ||
                                      cp == 0x85 || cp == 0x2028 || cp == 0x2029;
      if (whitespace_control) {
        out += ' ';
      } else if (is_control_cp(cp) || (is_invisible_cp(cp) && cp != 0x200C && cp != 0x200D)) {
        // Zero-width (non-)joiners are left alone: Persian and Indic names need them.
        out += '[';
        out += code_point_name(cp);
        out += ']';
      } else {
        out.append(s.data() + i - len, len);
      }
    }
    ++chars;
  }
  if (i < s.size()) out += "\xE2\x80\xA6";  // …
  return out;
}

std::string quoted(std::string_view s, std::size_t max_chars) {
  return "\xE2\x80\x9C" + safe_snippet(s, max_chars) + "\xE2\x80\x9D";
}

}  // namespace pe
