// Excel workbooks (.xlsx) -> CSV text (see xlsx.hpp). A small hand-written reader: the zip
// directory, a pull XML tokenizer, and the four parts a sheet needs.
#include "xlsx.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "text.hpp"

namespace pe::xlsx {

namespace {

// ---- little-endian fields of the zip structures
std::uint32_t u16(std::string_view s, std::size_t at) {
  return static_cast<std::uint8_t>(s[at]) | static_cast<std::uint32_t>(static_cast<std::uint8_t>(s[at + 1])) << 8;
}
std::uint32_t u32(std::string_view s, std::size_t at) { return u16(s, at) | u16(s, at + 2) << 16; }

// Text of the file quoted into a message: made safe to show (text.hpp), cut when long.
std::string quoted(std::string_view s, std::size_t max_chars = 80) { return pe::quoted(s, max_chars); }

std::string damaged(const std::string& what) {
  return "This Excel workbook could not be read: " + what + ". The file may be damaged or only partly saved. " +
         kWayOut;
}

// A code point as UTF-8 (text.hpp's), with NUL, surrogates and values past U+10FFFF (which an
// XML character reference may name) made U+FFFD.
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  pe::append_utf8(out, static_cast<char32_t>(cp));
}

bool hex_digit(char c, std::uint32_t& v) {
  if (c >= '0' && c <= '9') v = static_cast<std::uint32_t>(c - '0');
  else if (c >= 'a' && c <= 'f') v = static_cast<std::uint32_t>(c - 'a' + 10);
  else if (c >= 'A' && c <= 'F') v = static_cast<std::uint32_t>(c - 'A' + 10);
  else return false;
  return true;
}

// ---- a pull XML tokenizer: start tags (with their attribute text), end tags and text. Comments,
// processing instructions and declarations are skipped; CDATA is text. Names lose their prefix.
struct Xml {
  enum Kind { Open, Close, Text, Cdata, End, Bad, Skip };  // Skip: step() only, never next()
  explicit Xml(std::string_view in) : s(in) {}
  std::string_view s;
  std::size_t p = 0;
  Kind kind = End;
  std::string_view name, attrs, text;
  bool empty = false;  // <a/>
  std::string problem;

  static std::string_view local(std::string_view n) {
    const std::size_t colon = n.find(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
  }
  Kind bad(const char* what) {
    problem = what;
    return Bad;
  }
  Kind next() {
    if (kind == Bad) return Bad;
    for (;;) {
      const Kind k = step();
      if (k != Skip) return kind = k;
    }
  }
  // One step: a token, or Skip after a comment, a processing instruction or a declaration.
  Kind step() {
    if (p >= s.size()) return End;
    if (s[p] != '<') {
      const std::size_t lt = s.find('<', p);
      const std::size_t end = lt == std::string_view::npos ? s.size() : lt;
      text = s.substr(p, end - p);
      p = end;
      return Text;
    }
    if (s.compare(p, 4, "<!--") == 0) {
      const std::size_t e = s.find("-->", p + 4);
      if (e == std::string_view::npos) return bad("a comment is not closed");
      p = e + 3;
      return Skip;
    }
    if (s.compare(p, 9, "<![CDATA[") == 0) {
      const std::size_t e = s.find("]]>", p + 9);
      if (e == std::string_view::npos) return bad("a CDATA section is not closed");
      text = s.substr(p + 9, e - p - 9);
      p = e + 3;
      return Cdata;
    }
    if (s.compare(p, 2, "<?") == 0) {
      const std::size_t e = s.find("?>", p + 2);
      if (e == std::string_view::npos) return bad("a processing instruction is not closed");
      p = e + 2;
      return Skip;
    }
    if (s.compare(p, 2, "<!") == 0) {  // <!DOCTYPE ...> with an optional [internal subset]: skipped
      int depth = 0;
      for (std::size_t i = p + 2; i < s.size(); ++i) {
        if (s[i] == '[') ++depth;
        else if (s[i] == ']') --depth;
        else if (s[i] == '>' && depth <= 0) {
          p = i + 1;
          return Skip;
        }
      }
      return bad("a declaration is not closed");
    }
    const bool close = p + 1 < s.size() && s[p + 1] == '/';
    std::size_t i = p + (close ? 2 : 1);
    const std::size_t name_at = i;
    while (i < s.size() && s[i] != '>' && s[i] != '/' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') ++i;
    name = local(s.substr(name_at, i - name_at));
    if (name.empty()) return bad("a tag has no name");
    // The rest of the tag, quotes respected.
    const std::size_t attrs_at = i;
    char quote = 0;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (i >= s.size()) return bad("the part ends inside a tag");
    empty = !close && i > attrs_at && s[i - 1] == '/';
    attrs = s.substr(attrs_at, i - attrs_at - (empty ? 1 : 0));
    p = i + 1;
    return close ? Close : Open;
  }
  // The raw value of attribute `want` (local name), if there.
  bool attr(std::string_view want, std::string_view& value) const {
    std::size_t i = 0;
    const std::string_view a = attrs;
    while (i < a.size()) {
      while (i < a.size() && (a[i] == ' ' || a[i] == '\t' || a[i] == '\r' || a[i] == '\n')) ++i;
      const std::size_t n0 = i;
      while (i < a.size() && a[i] != '=' && a[i] != ' ' && a[i] != '\t' && a[i] != '\r' && a[i] != '\n') ++i;
      const std::string_view n = local(a.substr(n0, i - n0));
      while (i < a.size() && (a[i] == ' ' || a[i] == '\t' || a[i] == '\r' || a[i] == '\n')) ++i;
      if (i >= a.size() || a[i] != '=') {
        if (i == n0) ++i;  // a stray character: step over it
        continue;
      }
      ++i;
      while (i < a.size() && (a[i] == ' ' || a[i] == '\t' || a[i] == '\r' || a[i] == '\n')) ++i;
      if (i >= a.size() || (a[i] != '"' && a[i] != '\'')) return false;
      const char q = a[i++];
      const std::size_t v0 = i;
      const std::size_t e = a.find(q, i);
      if (e == std::string_view::npos) return false;
      if (n == want) {
        value = a.substr(v0, e - v0);
        return true;
      }
      i = e + 1;
    }
    return false;
  }
  std::string attr_text(std::string_view want) const {
    std::string_view v;
    return attr(want, v) ? xml_text(v) : std::string();
  }
};

bool parse_uint(std::string_view s, std::uint64_t limit, std::uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > limit) return false;
  out = v;
  return true;
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty() || s.size() > 64) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && std::isfinite(out);
}

// "B3" -> column 1 (0-based), row 3. False when it is not a cell reference within the sheet.
bool cell_ref(std::string_view r, std::size_t& col, std::size_t& row) {
  std::size_t i = 0, c = 0;
  while (i < r.size() && i < 3 && ((r[i] >= 'A' && r[i] <= 'Z') || (r[i] >= 'a' && r[i] <= 'z'))) {
    c = c * 26 + static_cast<std::size_t>((r[i] | 0x20) - 'a' + 1);
    ++i;
  }
  std::uint64_t n = 0;
  if (i == 0 || c > kMaxColumns || !parse_uint(r.substr(i), kMaxRows, n) || n == 0) return false;
  col = c - 1;
  row = static_cast<std::size_t>(n);
  return true;
}

std::string column_name(std::size_t col) {
  std::string s;
  for (std::size_t c = col + 1; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

// "worksheets/sheet1.xml" relative to xl/ -> "xl/worksheets/sheet1.xml"; "/xl/x.xml" -> "xl/x.xml".
std::string resolve_target(std::string_view base_dir, std::string target) {
  std::string path = !target.empty() && target[0] == '/' ? target.substr(1) : std::string(base_dir) + target;
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    const std::size_t slash = std::min(path.find('/', i), path.size());
    const std::string seg = path.substr(i, slash - i);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    i = slash + 1;
  }
  std::string out;
  for (const std::string& s : parts) out += (out.empty() ? "" : "/") + s;
  return out;
}

// ---- calendar
// Days since 1970-01-01 -> civil date (proleptic Gregorian).
void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string two(long long v) {
  char b[24];
  std::snprintf(b, sizeof b, "%02lld", v);
  return b;
}

void csv_field(std::string& out, const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

// ---- text

std::string xml_text(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '&') {
      const std::size_t semi = raw.find(';', i + 1);
      if (semi != std::string_view::npos && semi - i <= 12) {
        const std::string_view e = raw.substr(i + 1, semi - i - 1);
        bool done = true;
        if (e == "amp") out += '&';
        else if (e == "lt") out += '<';
        else if (e == "gt") out += '>';
        else if (e == "quot") out += '"';
        else if (e == "apos") out += '\'';
        else if (e.size() >= 2 && e[0] == '#') {
          std::uint32_t cp = 0, d = 0;
          const bool hex = e[1] == 'x' || e[1] == 'X';
          std::size_t k = hex ? 2 : 1;
          if (k >= e.size()) done = false;
          for (; done && k < e.size(); ++k) {
            if (hex ? !hex_digit(e[k], d) : !(e[k] >= '0' && e[k] <= '9')) done = false;
            else cp = std::min<std::uint32_t>(cp * (hex ? 16 : 10) + (hex ? d : static_cast<std::uint32_t>(e[k] - '0')), 0x110000);
          }
          if (done) append_utf8(out, cp);
        } else {
          done = false;
        }
        if (done) {
          i = semi;
          continue;
        }
      }
      out += c;
      continue;
    }
    // _xHHHH_: a character XML cannot carry (OOXML's ST_Xstring), e.g. _x000D_ for a carriage return.
    if (c == '_' && i + 6 < raw.size() && raw[i + 1] == 'x' && raw[i + 6] == '_') {
      std::uint32_t cp = 0, d = 0;
      bool ok = true;
      for (std::size_t k = i + 2; k < i + 6 && ok; ++k) ok = hex_digit(raw[k], d), cp = cp * 16 + d;
      if (ok) {
        append_utf8(out, cp == 0 ? 0xFFFD : cp);
        i += 6;
        continue;
      }
    }
    if (c == '\r') {  // XML reads CR LF and a lone CR as LF
      out += '\n';
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      continue;
    }
    out += c;
  }
  return out;
}

// ---- numbers and dates

std::string general_number(double v) {
  if (!std::isfinite(v)) return "#NUM!";
  if (v == 0) return "0";
  const double a = std::fabs(v);
  char b[64];
  if (a < 1e15 && v == std::floor(v)) {
    std::snprintf(b, sizeof b, "%.0f", v);
    return b;
  }
  if (a >= 1e-5 && a < 1e11) {
    std::snprintf(b, sizeof b, "%.11g", v);
    std::string s = b;
    // %.11g keeps 11 significant digits; General also fits in 11 characters (the point and the
    // sign excepted), so 1234567.891234 shows as 1234567.891.
    return s;
  }
  std::snprintf(b, sizeof b, "%.5E", v);  // 1.23457E+20, trailing zeros of the mantissa dropped
  std::string s = b;
  const std::size_t e = s.find('E');
  std::string mant = s.substr(0, e);
  while (!mant.empty() && mant.back() == '0') mant.pop_back();
  if (!mant.empty() && mant.back() == '.') mant.pop_back();
  return mant + s.substr(e);
}

std::string_view builtin_format(int id) {
  switch (id) {
    case 0: return "General";
    case 1: return "0";
    case 2: return "0.00";
    case 3: return "#,##0";
    case 4: return "#,##0.00";
    case 9: return "0%";
    case 10: return "0.00%";
    case 11: return "0.00E+00";
    case 14: return "yyyy-mm-dd";  // locale-dependent short date in Excel (m/d/yyyy in the US): ISO here
    case 15: return "d-mmm-yy";
    case 16: return "d-mmm";
    case 17: return "mmm-yy";
    case 18: return "h:mm AM/PM";
    case 19: return "h:mm:ss AM/PM";
    case 20: return "h:mm";
    case 21: return "h:mm:ss";
    case 22: return "yyyy-mm-dd hh:mm";
    case 37: return "#,##0 ;(#,##0)";
    case 38: return "#,##0 ;(#,##0)";
    case 39: return "#,##0.00;(#,##0.00)";
    case 40: return "#,##0.00;(#,##0.00)";
    case 45: return "mm:ss";
    case 46: return "[h]:mm:ss";
    case 47: return "mm:ss.0";
    case 48: return "##0.0E+0";
    case 49: return "@";
    default: break;
  }
  if ((id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return "yyyy-mm-dd";  // East Asian dates
  return "";
}

bool is_date_format(int id, std::string_view code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) return true;
  if (id < 164) return false;  // another built-in: a number
  // The first section's letters outside quotes, brackets and escapes ([h] counts: elapsed time).
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      const std::size_t e = code.find('"', i + 1);
      if (e == std::string_view::npos) break;
      i = e;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const std::size_t e = code.find(']', i + 1);
      if (e == std::string_view::npos) break;
      const std::string_view in = code.substr(i + 1, e - i - 1);
      if (!in.empty() && (in[0] == 'h' || in[0] == 'H' || in[0] == 'm' || in[0] == 'M' || in[0] == 's' || in[0] == 'S') &&
          in.find_first_not_of("hHmMsS") == std::string_view::npos)
        return true;
      i = e;
    } else {
      const char l = static_cast<char>(c | 0x20);
      if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's') {
        // "General" has no date letter that counts; its letters are handled by the caller's id.
        if (code.substr(i, 7) == "General") { i += 6; continue; }
        return true;
      }
    }
  }
  return false;
}

std::string format_date(double serial, std::string_view code, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial >= 2958466) return general_number(serial);
  long long days = static_cast<long long>(std::floor(serial));
  long long secs = std::llround((serial - static_cast<double>(days)) * 86400.0);
  if (secs >= 86400) {
    ++days;
    secs -= 86400;
  }
  long long y = 1900;
  unsigned m = 1, d = 0;
  int weekday = 0;
  if (date1904) {
    const long long since_epoch = days - 24107;  // 1904-01-01 is day -24107 of 1970
    civil_from_days(since_epoch, y, m, d);
    weekday = static_cast<int>(((since_epoch % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  } else if (days == 0) {  // Excel shows serial 0 as 1900-01-00
    y = 1900, m = 1, d = 0;
    weekday = 6;
  } else if (days == 60) {  // Excel's 1900-02-29, a day that did not exist (kept for Lotus 1-2-3)
    y = 1900, m = 2, d = 29;
    weekday = 3;
  } else {
    const long long since_epoch = days - (days < 60 ? 25568 : 25569);
    civil_from_days(since_epoch, y, m, d);
    weekday = static_cast<int>(((since_epoch % 7) + 11) % 7);
  }
  const long long hh = secs / 3600, mi = secs / 60 % 60, ss = secs % 60;
  const long long elapsed_h = days * 24 + hh;

  // The first section, tokenised: a run of one letter, a quoted literal, an escaped character.
  struct Tok {
    char kind;  // y m d h s a (AM/PM) p (A/P) H ([h]) M ([mm]) S ([ss]) or 'l' literal
    std::size_t len;
    std::string text;
  };
  std::vector<Tok> toks;
  bool twelve = false;
  for (std::size_t i = 0; i < code.size() && toks.size() < 256; ++i) {
    const char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      const std::size_t e = code.find('"', i + 1);
      const std::size_t end = e == std::string_view::npos ? code.size() : e;
      toks.push_back({'l', 0, std::string(code.substr(i + 1, end - i - 1))});
      i = end;
    } else if (c == '\\') {
      if (i + 1 < code.size()) toks.push_back({'l', 0, std::string(1, code[++i])});
    } else if (c == '_' || c == '*') {  // a space as wide as the next character; a fill: dropped
      ++i;
    } else if (c == '[') {
      const std::size_t e = code.find(']', i + 1);
      const std::size_t end = e == std::string_view::npos ? code.size() : e;
      const std::string_view in = code.substr(i + 1, end - i - 1);
      if (!in.empty() && in.find_first_not_of("hH") == std::string_view::npos) toks.push_back({'H', in.size(), ""});
      else if (!in.empty() && in.find_first_not_of("mM") == std::string_view::npos) toks.push_back({'M', in.size(), ""});
      else if (!in.empty() && in.find_first_not_of("sS") == std::string_view::npos) toks.push_back({'S', in.size(), ""});
      i = end;  // colours, locales and conditions are not shown
    } else if (code.substr(i, 5) == "AM/PM" || code.substr(i, 5) == "am/pm") {
      toks.push_back({'a', 0, ""});
      twelve = true;
      i += 4;
    } else if (code.substr(i, 3) == "A/P" || code.substr(i, 3) == "a/p") {
      toks.push_back({'p', 0, ""});
      twelve = true;
      i += 2;
    } else {
      const char l = static_cast<char>(c | 0x20);
      if (l == 'y' || l == 'm' || l == 'd' || l == 'h' || l == 's' || l == 'e') {
        std::size_t n = 1;
        while (i + n < code.size() && (code[i + n] | 0x20) == l) ++n;
        toks.push_back({l == 'e' ? 'y' : l, l == 'e' ? 4 : n, ""});
        i += n - 1;
      } else if (c == '0' && !toks.empty() && toks.back().kind == 'l' && toks.back().text == ".") {
        // fractions of a second (ss.0): shown as .0
        toks.push_back({'l', 0, "0"});
      } else {
        toks.push_back({'l', 0, std::string(1, c)});
      }
    }
  }
  // m after h (or before s) is minutes.
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != 'm' || toks[i].len > 2) continue;
    bool minute = false;
    for (std::size_t k = i; k-- > 0;) {
      if (toks[k].kind == 'l') continue;
      minute = toks[k].kind == 'h' || toks[k].kind == 'H';
      break;
    }
    for (std::size_t k = i + 1; !minute && k < toks.size(); ++k) {
      if (toks[k].kind == 'l') continue;
      minute = toks[k].kind == 's' || toks[k].kind == 'S';
      break;
    }
    if (minute) toks[i].kind = 'n';
  }
  std::string out;
  for (const Tok& t : toks) {
    switch (t.kind) {
      case 'y': out += t.len <= 2 ? two(y % 100) : std::to_string(y); break;
      case 'm':
        if (t.len == 1) out += std::to_string(m);
        else if (t.len == 2) out += two(m);
        else if (t.len == 3) out += std::string(kMonths[m - 1]).substr(0, 3);
        else if (t.len == 4) out += kMonths[m - 1];
        else out += kMonths[m - 1][0];
        break;
      case 'd':
        if (t.len == 1) out += std::to_string(d);
        else if (t.len == 2) out += two(d);
        else if (t.len == 3) out += std::string(kDays[weekday]).substr(0, 3);
        else out += kDays[weekday];
        break;
      case 'h': {
        const long long h = twelve ? (hh % 12 == 0 ? 12 : hh % 12) : hh;
        out += t.len >= 2 ? two(h) : std::to_string(h);
        break;
      }
      case 'n': out += t.len >= 2 ? two(mi) : std::to_string(mi); break;
      case 's': out += t.len >= 2 ? two(ss) : std::to_string(ss); break;
      case 'H': out += std::to_string(elapsed_h); break;
      case 'M': out += std::to_string(elapsed_h * 60 + mi); break;
      case 'S': out += std::to_string((elapsed_h * 60 + mi) * 60 + ss); break;
      case 'a': out += hh < 12 ? "AM" : "PM"; break;
      case 'p': out += hh < 12 ? "A" : "P"; break;
      default: out += t.text; break;
    }
  }
  return out;
}

std::string format_number(double v, std::string_view code) {
  if (!std::isfinite(v)) return "#NUM!";
  // The section for this value: positive;negative;zero;text.
  std::vector<std::string_view> sections;
  {
    std::size_t i = 0, start = 0;
    bool quoted_part = false;
    for (; i < code.size(); ++i) {
      if (code[i] == '"') quoted_part = !quoted_part;
      else if (code[i] == '\\') ++i;
      else if (code[i] == ';' && !quoted_part) sections.push_back(code.substr(start, i - start)), start = i + 1;
    }
    sections.push_back(code.substr(start < code.size() ? start : code.size()));
  }
  std::string_view sec = sections[0];
  bool sign = v < 0;
  if (v < 0 && sections.size() >= 2 && !sections[1].empty()) {
    sec = sections[1];
    sign = false;  // the negative section shows its own sign, e.g. (#,##0)
  } else if (v == 0 && sections.size() >= 3 && !sections[2].empty()) {
    sec = sections[2];
  }
  if (sec.empty() || sec == "General" || sec == "@") return general_number(v);
  std::string prefix, suffix;
  std::size_t int_zeros = 0, decimals = 0;
  bool seen_digit = false, after_point = false, thousands = false, percent = false, in_number = false, done = false;
  for (std::size_t i = 0; i < sec.size(); ++i) {
    const char c = sec[i];
    std::string lit;
    if (c == '"') {
      const std::size_t e = sec.find('"', i + 1);
      const std::size_t end = e == std::string_view::npos ? sec.size() : e;
      lit = std::string(sec.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '\\') {
      if (i + 1 < sec.size()) lit = std::string(1, sec[++i]);
    } else if (c == '_' || c == '*') {
      ++i;
      if (c == '_') lit = " ";
    } else if (c == '[') {
      const std::size_t e = sec.find(']', i + 1);
      const std::size_t end = e == std::string_view::npos ? sec.size() : e;
      const std::string_view in = sec.substr(i + 1, end - i - 1);
      if (in.size() > 1 && in[0] == '$') lit = std::string(in.substr(1, in.find('-') == std::string_view::npos ? in.size() - 1 : in.find('-') - 1));
      i = end;
    } else if ((c == '0' || c == '#' || c == '?') && !done) {
      seen_digit = in_number = true;
      if (after_point) ++decimals;
      else if (c == '0') ++int_zeros;
      continue;
    } else if (c == '.' && !done && (in_number || (i + 1 < sec.size() && (sec[i + 1] == '0' || sec[i + 1] == '#')))) {
      after_point = in_number = seen_digit = true;
      continue;
    } else if (c == ',' && in_number) {
      thousands = true;
      continue;
    } else if (c == '%') {
      percent = true;
      lit = "%";
    } else if (c == 'E' || c == 'e' || c == '/') {
      return general_number(v);  // scientific and fractions: General
    } else {
      lit = std::string(1, c);
    }
    if (in_number) done = true, in_number = false;
    (seen_digit ? suffix : prefix) += lit;
  }
  if (!seen_digit) return prefix + suffix;  // a format of text only
  double x = std::fabs(v) * (percent ? 100.0 : 1.0);
  if (x >= 1e15) return general_number(v);
  decimals = std::min<std::size_t>(decimals, 15);
  // Halves away from zero, as Excel rounds (printf would round 1234.5 to the even 1234).
  const double scale = std::pow(10.0, static_cast<double>(decimals));
  if (x * scale < 1e15) x = std::round(x * scale) / scale;
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", static_cast<int>(decimals), x);
  std::string num = b;
  std::string ip = num.substr(0, num.find('.'));
  const std::string fp = num.find('.') == std::string::npos ? "" : num.substr(num.find('.'));
  if (ip == "0" && int_zeros == 0) ip.clear();
  while (ip.size() < int_zeros && ip.size() < 64) ip.insert(ip.begin(), '0');
  if (thousands)
    for (std::size_t k = ip.size(); k > 3; k -= 3) ip.insert(ip.begin() + static_cast<std::ptrdiff_t>(k - 3), ',');
  std::string shown = ip + fp;
  if (shown.empty()) shown = "0";
  const bool all_zero = shown.find_first_of("123456789") == std::string::npos;
  return (sign && !all_zero ? "-" : "") + prefix + shown + suffix;
}

// ---- the zip directory

std::uint32_t crc32(std::string_view bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (char ch : bytes) c = table[(c ^ static_cast<std::uint8_t>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool is_zip(std::string_view head) { return head.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

bool read_directory(std::string_view tail, std::uint64_t file_size, std::vector<ZipEntry>& entries,
                    std::string& error) {
  entries.clear();
  if (tail.size() > file_size || tail.size() < 22) {
    error = damaged("it is too short to be a zip archive");
    return false;
  }
  // The end-of-central-directory record: the last "PK\5\6" with room for its 22 bytes and comment.
  std::size_t eocd = std::string_view::npos;
  const std::size_t lowest = tail.size() >= 22 + 65535 ? tail.size() - 22 - 65535 : 0;
  for (std::size_t i = tail.size() - 22 + 1; i-- > lowest;) {
    if (tail.compare(i, 4, std::string_view("PK\x05\x06", 4)) == 0) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string_view::npos) {
    error = damaged("its zip directory (at the end of the file) is missing");
    return false;
  }
  const std::uint64_t tail_at = file_size - tail.size();  // where tail[0] is in the file
  const std::uint32_t disk = u16(tail, eocd + 4), cd_disk = u16(tail, eocd + 6);
  const std::uint32_t count = u16(tail, eocd + 10);
  const std::uint64_t cd_size = u32(tail, eocd + 12), cd_offset = u32(tail, eocd + 16);
  if (count == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_offset == 0xFFFFFFFFu) {
    error = "This Excel workbook is stored as a zip64 archive (over 4 GB or 65,535 parts), which this tool does not read. " +
            std::string(kWayOut);
    return false;
  }
  if (disk != 0 || cd_disk != 0) {
    error = "This zip archive is split over several files (a spanned archive); it is not a workbook this tool can read. " +
            std::string(kWayOut);
    return false;
  }
  if (cd_offset + cd_size > tail_at + eocd || cd_offset < tail_at) {
    error = cd_offset + cd_size > tail_at + eocd
                ? damaged("its zip directory points outside the file")
                : damaged("its zip directory is larger than this tool reads (over 1 MB)");
    return false;
  }
  std::string_view cd = tail.substr(static_cast<std::size_t>(cd_offset - tail_at), static_cast<std::size_t>(cd_size));
  std::size_t p = 0;
  for (std::uint32_t k = 0; k < count; ++k) {
    if (p + 46 > cd.size() || cd.compare(p, 4, std::string_view("PK\x01\x02", 4)) != 0) {
      error = damaged("its zip directory ends before its " + std::to_string(count) + " entries");
      return false;
    }
    const std::uint32_t flags = u16(cd, p + 8), method = u16(cd, p + 10);
    ZipEntry e;
    e.crc32 = u32(cd, p + 16);
    e.compressed_size = u32(cd, p + 20);
    e.size = u32(cd, p + 24);
    const std::size_t name_len = u16(cd, p + 28), extra_len = u16(cd, p + 30), comment_len = u16(cd, p + 32);
    e.header_offset = u32(cd, p + 42);
    if (p + 46 + name_len + extra_len + comment_len > cd.size()) {
      error = damaged("an entry of its zip directory runs past the directory's end");
      return false;
    }
    e.name = std::string(cd.substr(p + 46, name_len));
    p += 46 + name_len + extra_len + comment_len;
    if (flags & 1u) {
      error = "This workbook is protected with a password (its parts are encrypted), so it cannot be read here. "
              "Open it in Excel, remove the password or save a copy as CSV (File \xE2\x86\x92 Save As \xE2\x86\x92 CSV UTF-8), "
              "then load that file.";
      return false;
    }
    if (e.compressed_size == 0xFFFFFFFFu || e.size == 0xFFFFFFFFu || e.header_offset == 0xFFFFFFFFu) {
      error = "This Excel workbook is stored as a zip64 archive (over 4 GB), which this tool does not read. " + std::string(kWayOut);
      return false;
    }
    if (method != 0 && method != 8) {
      e.method = -static_cast<int>(method);  // refused only if this part is needed (entry() says)
    } else {
      e.method = static_cast<int>(method);
    }
    if (e.header_offset + kLocalHeaderBytes + e.compressed_size > file_size) {
      error = damaged("its part " + quoted(e.name) + " runs past the end of the file");
      return false;
    }
    entries.push_back(std::move(e));
  }
  return true;
}

bool data_offset(const ZipEntry& entry, std::string_view h, std::uint64_t file_size, std::uint64_t& at,
                 std::string& error) {
  if (h.size() < kLocalHeaderBytes || h.compare(0, 4, std::string_view("PK\x03\x04", 4)) != 0) {
    error = damaged("its part " + quoted(entry.name) + " is not where its zip directory says");
    return false;
  }
  at = entry.header_offset + kLocalHeaderBytes + u16(h, 26) + u16(h, 28);
  if (at + entry.compressed_size > file_size) {
    error = damaged("its part " + quoted(entry.name) + " runs past the end of the file");
    return false;
  }
  return true;
}

// ---- the workbook

bool Workbook::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool Workbook::check_size(const std::string& name) {
  const ZipEntry* e = entry(name);
  if (!e || e->size <= kMaxPartBytes) return true;
  return fail("This workbook's part " + quoted(name) + " is larger than this tool reads (" + std::to_string(e->size >> 20) +
              " MB once unpacked; at most " + std::to_string(kMaxPartBytes >> 20) + " MB). " + kWayOut);
}

const ZipEntry* Workbook::entry(const std::string& name) const {
  for (const ZipEntry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

bool Workbook::open(std::string_view tail, std::uint64_t file_size, const std::string& sheet) {
  *this = Workbook();
  wanted_sheet_ = sheet;
  file_size_ = file_size;
  if (!read_directory(tail, file_size, entries_, error_)) return false;
  if (!entry("xl/workbook.xml")) {
    if (entry("[Content_Types].xml") && (entry("word/document.xml") || entry("ppt/presentation.xml")))
      return fail(std::string("This file is a Word or PowerPoint document, not an Excel workbook. ") + kWayOut);
    return fail(std::string("This file is a zip archive but not an Excel .xlsx workbook (it has no xl/workbook.xml): "
                            "perhaps a .zip of other files, a Numbers or an OpenDocument file. ") +
                kWayOut);
  }
  // Parts are checked before they are asked for: nothing too large is ever inflated.
  return check_size("xl/workbook.xml") && check_size("xl/_rels/workbook.xml.rels");
}

std::vector<ZipEntry> Workbook::wanted() const {
  std::vector<ZipEntry> out;
  if (!error_.empty()) return out;
  auto want = [&](const std::string& name) {
    if (name.empty() || parts_.count(name)) return;
    if (const ZipEntry* e = entry(name)) out.push_back(*e);
  };
  if (!workbook_done_) {
    want("xl/workbook.xml");
    want("xl/_rels/workbook.xml.rels");
    return out;
  }
  if (!strings_done_) want(strings_path_);
  if (!styles_done_) want(styles_path_);
  want(sheet_path_);
  return out;
}

bool Workbook::data_at(const std::string& name, std::string_view local_header, std::uint64_t& at) {
  if (!error_.empty()) return false;
  const ZipEntry* e = entry(name);
  if (!e) return fail(damaged("the part " + quoted(name) + " is not in it"));
  std::string why;
  if (!data_offset(*e, local_header, file_size_, at, why)) return fail(why);
  return true;
}

bool Workbook::give(const std::string& name, std::string bytes) {
  if (!error_.empty()) return false;
  const ZipEntry* e = entry(name);
  if (!e) return fail(damaged("the part " + quoted(name) + " is not in it"));
  if (e->method < 0)
    return fail("This workbook's part " + quoted(name) + " is compressed with a method this tool does not read (zip method " +
                std::to_string(-e->method) + "). " + kWayOut);
  if (!check_size(name)) return false;
  if (bytes.size() != e->size)
    return fail(damaged("its part " + quoted(name) + " unpacks to " + std::to_string(bytes.size()) + " bytes, not the " +
                        std::to_string(e->size) + " its zip directory says"));
  if (crc32(bytes) != e->crc32)
    return fail(damaged("its part " + quoted(name) + " does not unpack to what was saved (its checksum differs)"));
  if (workbook_done_) {
    // One part may serve several roles (a damaged or hostile workbook can name one part as its
    // sheet and its shared strings): each role takes it once, so wanted() always empties.
    if (name == strings_path_ && !strings_done_) {
      strings_done_ = true;
      if (!parse_shared_strings(bytes)) return false;
    }
    if (name == styles_path_ && !styles_done_) {
      styles_done_ = true;
      if (!parse_styles(bytes)) return false;
    }
    if (name == sheet_path_) parts_[name] = std::move(bytes);
    return true;
  }
  parts_[name] = std::move(bytes);
  if (!workbook_done_ && parts_.count("xl/workbook.xml") &&
      (parts_.count("xl/_rels/workbook.xml.rels") || !entry("xl/_rels/workbook.xml.rels")))
    return parse_workbook();
  return true;
}

bool Workbook::parse_workbook() {
  workbook_done_ = true;
  // Relationships: rId -> target part, and the shared strings and styles parts.
  std::map<std::string, std::pair<std::string, std::string>> rels;  // id -> (type, path)
  {
    Xml x{parts_["xl/_rels/workbook.xml.rels"]};
    for (Xml::Kind k; (k = x.next()) != Xml::End;) {
      if (k == Xml::Bad) return fail(damaged("xl/_rels/workbook.xml.rels is not well-formed XML (" + x.problem + ")"));
      if (k != Xml::Open || x.name != "Relationship") continue;
      std::string type = x.attr_text("Type");
      type = type.substr(type.rfind('/') == std::string::npos ? 0 : type.rfind('/') + 1);
      const std::string path = resolve_target("xl/", x.attr_text("Target"));
      rels[x.attr_text("Id")] = {type, path};
      if (type == "sharedStrings") strings_path_ = path;
      if (type == "styles") styles_path_ = path;
    }
  }
  if (strings_path_.empty() && entry("xl/sharedStrings.xml")) strings_path_ = "xl/sharedStrings.xml";
  if (styles_path_.empty() && entry("xl/styles.xml")) styles_path_ = "xl/styles.xml";
  if (!entry(strings_path_)) strings_path_.clear(), strings_done_ = true;
  if (!entry(styles_path_)) styles_path_.clear(), styles_done_ = true;

  struct Sheet {
    std::string name, rid;
    bool hidden;
  };
  std::vector<Sheet> sheets;
  {
    Xml x{parts_["xl/workbook.xml"]};
    for (Xml::Kind k; (k = x.next()) != Xml::End;) {
      if (k == Xml::Bad) return fail(damaged("xl/workbook.xml is not well-formed XML (" + x.problem + ")"));
      if (k != Xml::Open) continue;
      if (x.name == "workbookPr") {
        const std::string v = x.attr_text("date1904");
        date1904_ = v == "1" || v == "true";
      } else if (x.name == "sheet" && sheets.size() < kMaxEntries) {
        const std::string state = x.attr_text("state");
        sheets.push_back({x.attr_text("name"), x.attr_text("id"), state == "hidden" || state == "veryHidden"});
      }
    }
  }
  parts_.erase("xl/workbook.xml");
  parts_.erase("xl/_rels/workbook.xml.rels");
  if (sheets.empty()) return fail(damaged("its list of sheets (xl/workbook.xml) is empty"));
  for (const Sheet& s : sheets) sheet_names_.push_back(s.name);
  const Sheet* chosen = nullptr;
  if (!wanted_sheet_.empty()) {
    for (const Sheet& s : sheets)
      if (s.name == wanted_sheet_) chosen = &s;
    if (!chosen) {
      std::string list;
      for (std::size_t i = 0; i < sheets.size() && i < 50; ++i) list += (i ? ", " : "") + quoted(sheets[i].name);
      return fail("This workbook has no sheet named " + quoted(wanted_sheet_) + ". Its sheets: " + list + ".");
    }
  } else {
    for (const Sheet& s : sheets)
      if (!s.hidden && !chosen) chosen = &s;
    if (!chosen) chosen = &sheets[0];
  }
  chosen_name_ = chosen->name;
  const auto rel = rels.find(chosen->rid);
  if (rel == rels.end() || !entry(rel->second.second))
    return fail(damaged("its sheet " + quoted(chosen_name_) + " is listed but its part is missing"));
  if (rel->second.first == "chartsheet")
    return fail("The sheet " + quoted(chosen_name_) + " of this workbook is a chart, not a table of cells. Choose another sheet.");
  if (rel->second.first != "worksheet")
    return fail("The sheet " + quoted(chosen_name_) + " of this workbook is not a worksheet (it is a " + pe::safe_snippet(rel->second.first, 40) +
                "), so it has no table of cells to read. Choose another sheet, or " + kWayOut);
  sheet_path_ = rel->second.second;
  return check_size(sheet_path_) && check_size(strings_path_) && check_size(styles_path_);
}

bool Workbook::parse_shared_strings(std::string_view xml) {
  Xml x{xml};
  std::string cur;
  // The strings' memory, each with its string's own size: a small part of many empty strings
  // ("<si/>" is 5 bytes, its string 32) must not take more than the CSV may.
  std::size_t held = 0;
  const auto too_many = [&] {
    held += cur.size() + sizeof(std::string);
    return held > kMaxCsvBytes;
  };
  const std::string too_many_words =
      "This Excel workbook holds more shared text than can be read here (over " + std::to_string(kMaxCsvBytes >> 20) +
      " MB in memory). " + kWayOut;
  int phonetic = 0;  // inside <rPh> (a reading guide, not part of the text)
  bool in_t = false, in_si = false;
  for (Xml::Kind k; (k = x.next()) != Xml::End;) {
    if (k == Xml::Bad) return fail(damaged("its shared strings (" + strings_path_ + ") are not well-formed XML (" + x.problem + ")"));
    if (k == Xml::Open) {
      if (x.name == "si") {
        cur.clear();
        in_si = !x.empty;
        if (x.empty) {
          if (too_many()) return fail(too_many_words);
          strings_.emplace_back();
        }
      } else if (x.name == "rPh" && !x.empty) {
        ++phonetic;
      } else if (x.name == "t" && !x.empty) {
        in_t = true;
      }
    } else if (k == Xml::Close) {
      if (x.name == "si" && in_si) {
        if (too_many()) return fail(too_many_words);
        strings_.push_back(std::move(cur));
        cur.clear();
        in_si = false;
      } else if (x.name == "rPh" && phonetic > 0) {
        --phonetic;
      } else if (x.name == "t") {
        in_t = false;
      }
    } else if (in_t && in_si && phonetic == 0) {
      if (k == Xml::Text) cur += xml_text(x.text);
      else cur.append(x.text.data(), x.text.size());
    }
  }
  return true;
}

bool Workbook::parse_styles(std::string_view xml) {
  Xml x{xml};
  bool in_xfs = false;
  for (Xml::Kind k; (k = x.next()) != Xml::End;) {
    if (k == Xml::Bad) return fail(damaged("its styles (" + styles_path_ + ") are not well-formed XML (" + x.problem + ")"));
    if (k == Xml::Open) {
      std::uint64_t id = 0;
      if (x.name == "numFmt") {
        std::string_view v;
        if (x.attr("numFmtId", v) && parse_uint(v, 100000, id) && custom_formats_.size() < 100000)
          custom_formats_[static_cast<int>(id)] = x.attr_text("formatCode");
      } else if (x.name == "cellXfs") {
        in_xfs = !x.empty;
      } else if (x.name == "xf" && in_xfs && xf_formats_.size() < 1000000) {
        std::string_view v;
        xf_formats_.push_back(x.attr("numFmtId", v) && parse_uint(v, 100000, id) ? static_cast<int>(id) : 0);
      }
    } else if (k == Xml::Close && x.name == "cellXfs") {
      in_xfs = false;
    }
  }
  return true;
}

bool Workbook::to_csv(std::string& csv) {
  if (write_csv(csv)) return true;
  std::string().swap(csv);  // nothing of a sheet that could not be read to its end
  return false;
}

bool Workbook::write_csv(std::string& csv) {
  csv.clear();
  if (!error_.empty()) return false;
  if (!workbook_done_ || !strings_done_ || !styles_done_ || !parts_.count(sheet_path_))
    return fail(damaged("not all of its parts were read"));
  const std::string where = "the sheet " + quoted(chosen_name_);
  Xml x{parts_[sheet_path_]};
  std::vector<std::string> row;
  std::size_t written_rows = 0;  // the sheet's rows 1..written_rows are lines of csv already
  std::size_t width = 0;         // fields of the first row that has any: every later row has as many
  std::size_t row_no = 0, next_col = 0;
  bool in_data = false, in_row = false, in_cell = false, in_v = false, in_is_t = false;
  int phonetic = 0;
  std::string cell_type, value, inline_text;
  int cell_style = 0;
  std::size_t cell_col = 0;

  auto end_row = [&]() -> bool {
    while (!row.empty() && row.back().empty()) row.pop_back();
    if (row.empty()) return true;  // an empty row is a blank line, written with the next one
    if (width == 0) width = row.size();
    if (row.size() < width) row.resize(width);
    for (; written_rows + 1 < row_no; ++written_rows) csv += "\r\n";
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) csv += ',';
      csv_field(csv, row[i]);
    }
    csv += "\r\n";
    written_rows = row_no;
    row.clear();
    if (csv.size() > kMaxCsvBytes)
      return fail(where + " is larger than this tool converts (over " + std::to_string(kMaxCsvBytes >> 20) +
                  " MB as CSV). " + kWayOut);
    return true;
  };
  auto end_cell = [&]() -> bool {
    std::string shown;
    if (cell_type == "s") {
      std::uint64_t i = 0;
      if (!value.empty()) {
        if (!parse_uint(value, 0xFFFFFFFFu, i) || i >= strings_.size())
          return fail(damaged("cell " + column_name(cell_col) + std::to_string(row_no) + " of " + where +
                              " names a shared string that is not there"));
        shown = strings_[static_cast<std::size_t>(i)];
      }
    } else if (cell_type == "inlineStr") {
      shown = inline_text;
    } else if (cell_type == "str" || cell_type == "e" || cell_type == "d") {
      shown = value;  // a formula's text, an error (#N/A), an ISO date
    } else if (cell_type == "b") {
      shown = value.empty() ? "" : value == "0" ? "FALSE" : "TRUE";
    } else if (!value.empty()) {  // a number (t="n" or none)
      double v = 0;
      if (!parse_double(value, v))
        return fail(damaged("cell " + column_name(cell_col) + std::to_string(row_no) + " of " + where +
                            " holds " + quoted(value, 40) + " where a number should be"));
      int fmt = cell_style >= 0 && static_cast<std::size_t>(cell_style) < xf_formats_.size() ? xf_formats_[cell_style] : 0;
      const auto custom = custom_formats_.find(fmt);
      const std::string code = custom != custom_formats_.end() ? custom->second : std::string(builtin_format(fmt));
      if (is_date_format(custom != custom_formats_.end() && fmt < 164 ? 164 : fmt, code))
        shown = format_date(v, fmt == 14 || fmt == 22 || custom == custom_formats_.end() ? builtin_format(fmt) : code, date1904_);
      else
        shown = code.empty() ? general_number(v) : format_number(v, code);
    }
    if (cell_col >= row.size()) row.resize(cell_col + 1);
    row[cell_col] = std::move(shown);
    return true;
  };

  for (Xml::Kind k; (k = x.next()) != Xml::End;) {
    if (k == Xml::Bad) return fail(damaged(where + " is not well-formed XML (" + x.problem + ")"));
    if (k == Xml::Open) {
      if (x.name == "sheetData") {
        in_data = !x.empty;
      } else if (!in_data) {
        continue;
      } else if (x.name == "row") {
        std::string_view r;
        std::uint64_t n = 0;
        if (x.attr("r", r)) {
          if (!parse_uint(r, kMaxRows, n) || n == 0) return fail(damaged(where + " has a row numbered " + quoted(r, 20)));
          // Rows come in order; one numbered out of order is taken as the next.
          row_no = static_cast<std::size_t>(n) > row_no ? static_cast<std::size_t>(n) : row_no + 1;
        } else {
          ++row_no;
        }
        if (row_no > kMaxRows) return fail(damaged(where + " has more rows than Excel allows"));
        row.clear();
        next_col = 0;
        in_row = !x.empty;
        if (x.empty && !end_row()) return false;
      } else if (x.name == "c" && in_row) {
        std::string_view r;
        std::size_t col = next_col, rr = 0;
        if (x.attr("r", r) && !cell_ref(r, col, rr))
          return fail(damaged(where + " has a cell at " + quoted(r, 20) + ", which is not a cell reference"));
        if (col >= kMaxColumns) return fail(damaged(where + " has more columns than Excel allows"));
        cell_col = col;
        next_col = col + 1;
        cell_type = x.attr_text("t");
        std::string_view s;
        std::uint64_t style = 0;
        cell_style = x.attr("s", s) && parse_uint(s, 1000000, style) ? static_cast<int>(style) : 0;
        value.clear();
        inline_text.clear();
        in_cell = !x.empty;
        if (x.empty && !end_cell()) return false;
      } else if (in_cell && x.name == "v" && !x.empty) {
        in_v = true;
      } else if (in_cell && x.name == "rPh" && !x.empty) {
        ++phonetic;
      } else if (in_cell && x.name == "t" && !x.empty) {
        in_is_t = true;
      }
    } else if (k == Xml::Close) {
      if (x.name == "sheetData") {
        in_data = false;
      } else if (x.name == "row" && in_row) {
        in_row = false;
        if (!end_row()) return false;
      } else if (x.name == "c" && in_cell) {
        in_cell = in_v = in_is_t = false;
        phonetic = 0;
        if (!end_cell()) return false;
      } else if (x.name == "v") {
        in_v = false;
      } else if (x.name == "t") {
        in_is_t = false;
      } else if (x.name == "rPh" && phonetic > 0) {
        --phonetic;
      }
    } else if (in_cell && (in_v || (in_is_t && phonetic == 0))) {
      std::string& to = in_v ? value : inline_text;
      if (to.size() > kMaxPartBytes) return fail(damaged(where + " has a cell too long to read"));
      if (k == Xml::Text) to += xml_text(x.text);
      else to.append(x.text.data(), x.text.size());
    }
  }
  if (in_row && !end_row()) return false;
  parts_.erase(sheet_path_);
  return true;
}

}  // namespace pe::xlsx
