// Checks and normalisation of one value of each API field. See fields.hpp.
//
// Every function here takes arbitrary bytes: invalid UTF-8 never crashes, and every string that
// leaves this file (values and messages) is valid UTF-8 (collapse_whitespace replaces invalid
// bytes with U+FFFD). Work is linear in the input size; punycode work is bounded per label.
#include "fields.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace pe {

namespace {

// ---------------------------------------------------------------- ASCII and UTF-8 helpers

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (to_lower(s[i]) != to_lower(prefix[i])) return false;
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool has_non_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

// Decodes one code point at s[i]. Returns its byte length, or 0 when the bytes at i are not a
// valid (shortest-form, non-surrogate, <= U+10FFFF) UTF-8 sequence.
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
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char ck = b(i + k);
    if ((ck & 0xC0) != 0x80) return 0;
    v = (v << 6) | (ck & 0x3F);
  }
  if (len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) return 0;
  if (len == 4 && (v < 0x10000 || v > 0x10FFFF)) return 0;
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

// Whitespace: ASCII, NEL, NBSP and the Unicode space separators.
bool is_space_cp(char32_t cp) {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Invisible characters that copy-paste leaves at the ends of values: removed there only.
bool is_edge_invisible(char32_t cp) { return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF; }

// s without the zero-width spaces, word joiners and BOMs at its ends (is_edge_invisible).
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

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// A value shown inside a message: quoted and cut to a readable length (s is valid UTF-8).
std::string show(std::string_view s) {
  constexpr std::size_t kMax = 80;
  std::string out = "“";
  std::size_t cps = 0, i = 0;
  while (i < s.size() && cps < kMax) {
    std::size_t j = i + 1;
    while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
    out.append(s.data() + i, j - i);
    i = j;
    ++cps;
  }
  if (i < s.size()) out += "…";
  out += "”";
  return out;
}

// The quoted value for a message, built only when a message is: the checks run on every cell and
// almost never produce one.
struct Quoted {
  std::string_view s;
};
std::string operator+(const Quoted& q, const char* t) { return show(q.s) + t; }
std::string operator+(const char* t, const Quoted& q) { return t + show(q.s); }

// The first code point of s at i as a string (for "contains “(”" messages); s is valid UTF-8.
std::string char_at(std::string_view s, std::size_t i) {
  char32_t cp = 0;
  std::size_t len = decode_utf8(s, i, cp);
  if (len == 0) return "\xEF\xBF\xBD";
  if (cp == ' ') return "a space";
  if (cp < 0x20 || cp == 0x7F) return "a control character";
  return "“" + std::string(s.substr(i, len)) + "”";
}

Note warning(std::string code, std::string message) {
  return Note{Severity::Warning, std::move(code), std::move(message)};
}
Note error(std::string code, std::string message) {
  return Note{Severity::Error, std::move(code), std::move(message)};
}

// ---------------------------------------------------------------- punycode (RFC 3492)

// Lower-cases ASCII, Latin-1, Latin Extended-A, basic Greek and Cyrillic capitals.
char32_t lower_cp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130) return 'i';  // İ (a dotted capital I; the plain i is the usual folding)
    if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
    if (c == 0x178) return 0xFF;  // Ÿ
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;  // Greek
  if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;                // Cyrillic Ѐ..Џ
  return c;
}

char puny_digit(std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

std::uint32_t puny_adapt(std::uint64_t delta, std::uint64_t points, bool first) {
  delta = first ? delta / 700 : delta / 2;
  delta += delta / points;
  std::uint32_t k = 0;
  while (delta > ((36 - 1) * 26) / 2) {
    delta /= 36 - 1;
    k += 36;
  }
  return static_cast<std::uint32_t>(k + (36 * delta) / (delta + 38));
}

// Encodes one label (code points, already lower-cased) as "xn--..." or keeps it when ASCII.
bool encode_label(const std::u32string& label, std::string& out) {
  std::string basic;
  for (char32_t c : label)
    if (c < 0x80) basic += static_cast<char>(c);
  if (basic.size() == label.size()) {
    out += basic;
    return true;
  }
  if (label.size() > 63) return false;  // the encoded label could never fit in 63 characters
  std::string enc = basic;
  const std::uint64_t b = basic.size();
  if (b > 0) enc += '-';
  std::uint64_t n = 128, delta = 0, h = b;
  std::uint32_t bias = 72;
  while (h < label.size()) {
    std::uint64_t m = UINT32_MAX;
    for (char32_t c : label)
      if (c >= n && c < m) m = c;
    delta += (m - n) * (h + 1);
    n = m;
    for (char32_t c : label) {
      if (c < n) ++delta;
      if (c == n) {
        std::uint64_t q = delta;
        for (std::uint64_t k = 36;; k += 36) {
          const std::uint64_t t = k <= bias ? 1 : (k >= bias + 26 ? 26 : k - bias);
          if (q < t) break;
          enc += puny_digit(static_cast<std::uint32_t>(t + (q - t) % (36 - t)));
          q = (q - t) / (36 - t);
        }
        enc += puny_digit(static_cast<std::uint32_t>(q));
        bias = puny_adapt(delta, h + 1, h == b);
        delta = 0;
        ++h;
      }
    }
    ++delta;
    ++n;
  }
  if (enc.size() + 4 > 63) return false;
  out += "xn--";
  out += enc;
  return true;
}

// ---------------------------------------------------------------- domains

// Checks an ASCII host name (already lower-cased). Returns an empty string when valid, else the
// problem as a phrase for "the domain ..." messages.
std::string host_problem(std::string_view host) {
  if (host.empty()) return "is empty";
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = host[i];
    if (is_alnum(c) || c == '-' || c == '.') continue;
    if (c == ',') return "has a comma — check for a “,” typed instead of a “.”";
    return "contains " + char_at(host, i) + ", which a domain cannot have";
  }
  if (host.front() == '.') return "starts with a dot";
  if (host.back() == '.') return "ends with a dot";
  if (host.find("..") != std::string_view::npos) return "has two dots in a row";
  if (host.find('.') == std::string_view::npos) return "has no dot";
  if (host.size() > 253) return "is longer than 253 characters";
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    std::string_view label = host.substr(start, dot - start);
    if (label.size() > 63) return "has a part longer than 63 characters";
    if (label.front() == '-' || label.back() == '-')
      return "has a part that starts or ends with a hyphen (" + show(label) + ")";
    start = dot + 1;
  }
  return {};
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

std::string_view last_label(std::string_view host) {
  std::size_t dot = host.rfind('.');
  return dot == std::string_view::npos ? host : host.substr(dot + 1);
}

bool is_atext(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '/':
    case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
    case '-':
      return true;
    default:
      return false;
  }
}

// Common misspellings of webmail domains (email_domain_typo).
const char* domain_typo(std::string_view dom) {
  static const struct { const char* typo; const char* fix; } kTypos[] = {
      {"gmial.com", "gmail.com"},     {"gmai.com", "gmail.com"},       {"gamil.com", "gmail.com"},
      {"gnail.com", "gmail.com"},     {"gmaill.com", "gmail.com"},     {"gmal.com", "gmail.com"},
      {"gmil.com", "gmail.com"},      {"gmsil.com", "gmail.com"},      {"gmail.co", "gmail.com"},
      {"gmail.cm", "gmail.com"},      {"gmail.om", "gmail.com"},       {"gmail.con", "gmail.com"},
      {"gmail.comm", "gmail.com"},    {"hotmial.com", "hotmail.com"},  {"hotmal.com", "hotmail.com"},
      {"hotmai.com", "hotmail.com"},  {"hotmil.com", "hotmail.com"},   {"homail.com", "hotmail.com"},
      {"hotmail.co", "hotmail.com"},  {"hotmail.con", "hotmail.com"},  {"yahooo.com", "yahoo.com"},
      {"yaho.com", "yahoo.com"},      {"yhoo.com", "yahoo.com"},       {"yahoo.con", "yahoo.com"},
      {"outlok.com", "outlook.com"},  {"outllok.com", "outlook.com"},  {"outlook.con", "outlook.com"},
      {"iclod.com", "icloud.com"},    {"icoud.com", "icloud.com"},     {"icloud.con", "icloud.com"},
  };
  for (const auto& t : kTypos)
    if (dom == t.typo) return t.fix;
  return nullptr;
}

const char* const kWebmail[] = {
    "gmail.com",      "googlemail.com", "yahoo.com",     "yahoo.co.uk",   "yahoo.fr",
    "yahoo.de",       "ymail.com",      "hotmail.com",   "hotmail.co.uk", "hotmail.fr",
    "hotmail.de",     "outlook.com",    "live.com",      "msn.com",       "aol.com",
    "icloud.com",     "me.com",         "mac.com",       "proton.me",     "protonmail.com",
    "pm.me",          "gmx.de",         "gmx.net",       "gmx.com",       "web.de",
    "t-online.de",    "freenet.de",     "mail.ru",       "yandex.ru",     "yandex.com",
    "qq.com",         "163.com",        "126.com",       "sina.com",      "naver.com",
    "mail.com",       "zoho.com",       "tutanota.com",  "fastmail.com",  "orange.fr",
    "free.fr",        "laposte.net",    "libero.it",     "wp.pl",         "onet.pl",
    "seznam.cz",      "rediffmail.com", "hey.com",
};

const char* social_site(std::string_view host) {
  static const struct { const char* domain; const char* name; } kSocial[] = {
      {"linkedin.com", "a LinkedIn page"},   {"lnkd.in", "a LinkedIn link"},
      {"facebook.com", "a Facebook page"},   {"fb.com", "a Facebook page"},
      {"twitter.com", "a Twitter/X page"},   {"x.com", "a Twitter/X page"},
      {"instagram.com", "an Instagram page"}, {"youtube.com", "a YouTube page"},
  };
  for (const auto& s : kSocial) {
    std::string_view d = s.domain;
    if (host == d || (ends_with(host, d) && host[host.size() - d.size() - 1] == '.')) return s.name;
  }
  return nullptr;
}

// Splits "scheme://rest": returns the part after a http(s) scheme or a leading "//".
// `other_scheme` is set when some other "xxx://" scheme is present.
std::string_view strip_scheme(std::string_view s, bool& other_scheme) {
  other_scheme = false;
  if (starts_with_ci(s, "https://")) return s.substr(8);
  if (starts_with_ci(s, "http://")) return s.substr(7);
  if (s.substr(0, 2) == "//") return s.substr(2);
  std::size_t p = s.find("://");
  if (p != std::string_view::npos) {
    bool word = p > 0;
    for (std::size_t i = 0; i < p; ++i)
      if (!is_alpha(s[i])) word = false;
    if (word) other_scheme = true;
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------- public: text

std::string collapse_whitespace(std::string_view s) {
  // Fast path, the common case: printable ASCII with single inner spaces and none at the ends.
  {
    bool plain = !s.empty() && s.front() != ' ' && s.back() != ' ';
    for (std::size_t i = 0; plain && i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      plain = (c > 0x20 && c < 0x7F) || (c == ' ' && s[i - 1] != ' ');
    }
    if (plain) return std::string(s);
  }
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
    } else if (ends_with(out, "\xE2\x80\x8B") || ends_with(out, "\xE2\x81\xA0") ||
               ends_with(out, "\xEF\xBB\xBF")) {
      out.resize(out.size() - 3);
    } else {
      break;
    }
  }
  return out;
}

bool domain_to_ascii(std::string_view utf8_domain, std::string& out) {
  out.clear();
  std::u32string label;
  std::size_t i = 0;
  while (i <= utf8_domain.size()) {
    char32_t cp = '.';
    std::size_t len = 1;
    if (i < utf8_domain.size()) {
      len = decode_utf8(utf8_domain, i, cp);
      if (len == 0) {
        out.clear();
        return false;
      }
    }
    i += len;
    const bool end = i > utf8_domain.size();
    if (cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61) {
      if (!encode_label(label, out)) {
        out.clear();
        return false;
      }
      label.clear();
      if (!end) out += '.';
      if (end) break;
      continue;
    }
    if (label.size() > 1024 || cp == 0xFFFD || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_space_cp(cp)) {
      out.clear();
      return false;
    }
    label += lower_cp(cp);
  }
  return true;
}

// ---------------------------------------------------------------- public: email

FieldResult check_email(std::string_view raw) {
  FieldResult r;
  const std::string s = collapse_whitespace(raw);
  auto fail = [&](const char* code, const std::string& msg) {
    r.value.clear();
    r.valid = false;
    r.notes.push_back(error(code, msg));
    return r;
  };
  if (s.empty())
    return fail("email_missing",
                "The email is empty. Every prospect needs the address it has in your Woodpecker account: "
                "fill it in or remove the row.");
  const Quoted q{s};

  // Unwrap "Name <a@b.co>", "<a@b.co>" and "mailto:a@b.co?subject=...".
  std::string addr = s;
  bool unwrapped = false;
  if (addr.back() == '>') {
    std::size_t lt = addr.rfind('<');
    if (lt != std::string::npos) {
      std::string inner = addr.substr(lt + 1, addr.size() - lt - 2);
      if (inner.find('>') == std::string::npos) {
        addr = collapse_whitespace(inner);
        unwrapped = true;
      }
    }
  }
  if (starts_with_ci(addr, "mailto:")) {
    addr = addr.substr(7);
    std::size_t qm = addr.find('?');
    if (qm != std::string::npos) addr.resize(qm);
    addr = collapse_whitespace(addr);
    unwrapped = true;
  }
  if (addr.empty()) return fail("email_invalid", q + " has no address in it; expected name@company.com.");

  // Several addresses in one cell.
  {
    std::size_t with_at = 0;
    bool in_token = false, token_has_at = false;
    for (std::size_t i = 0; i <= addr.size(); ++i) {
      const bool sep = i == addr.size() || addr[i] == ',' || addr[i] == ';' || addr[i] == ' ';
      if (sep) {
        if (in_token && token_has_at) ++with_at;
        in_token = token_has_at = false;
      } else {
        in_token = true;
        if (addr[i] == '@') token_has_at = true;
      }
    }
    if (with_at >= 2)
      return fail("email_invalid",
                  q + " holds more than one address; keep only the one the prospect has in Woodpecker.");
  }
  if (addr.find(' ') != std::string::npos)
    return fail("email_invalid", q + " contains a space; remove it (an address has no spaces).");

  const std::size_t ats = static_cast<std::size_t>(std::count(addr.begin(), addr.end(), '@'));
  if (ats == 0)
    return fail("email_invalid", q + " has no @ sign; an email looks like name@company.com.");
  if (ats > 1)
    return fail("email_invalid", q + " has " + std::to_string(ats) + " @ signs; an address has exactly one.");
  const std::size_t at = addr.find('@');
  std::string local = addr.substr(0, at);
  std::string dom = addr.substr(at + 1);
  if (local.empty()) return fail("email_invalid", q + " has nothing before the @.");
  if (dom.empty()) return fail("email_invalid", q + " has nothing after the @; add the domain, e.g. acme.com.");

  for (std::size_t i = 0; i < local.size(); ++i)
    if (static_cast<unsigned char>(local[i]) >= 0x80)
      return fail("email_invalid", q + ": the part before @ has non-ASCII characters (" + char_at(local, i) +
                                       "), which the API does not accept. Check the spelling or use the "
                                       "plain-ASCII address.");
  if (local.front() == '.') return fail("email_invalid", q + ": the part before @ starts with a dot.");
  if (local.back() == '.') return fail("email_invalid", q + ": the part before @ ends with a dot.");
  if (local.find("..") != std::string::npos)
    return fail("email_invalid", q + ": the part before @ has two dots in a row.");
  for (std::size_t i = 0; i < local.size(); ++i)
    if (!is_atext(local[i]) && local[i] != '.')
      return fail("email_invalid",
                  q + ": the part before @ contains " + char_at(local, i) + ", which an address cannot have.");

  bool idn = false;
  if (has_non_ascii(dom)) {
    std::string ascii;
    if (!domain_to_ascii(dom, ascii))
      return fail("email_invalid", q + ": the domain " + show(dom) +
                                       " cannot be converted to an internationalised domain name.");
    dom = ascii;
    idn = true;
  }
  dom = lower(dom);
  const std::size_t total = local.size() + 1 + dom.size();  // as sent (after IDN conversion)
  if (total > 254)
    return fail("email_too_long", q + " is " + std::to_string(total) + " characters; the limit is 254.");
  if (local.size() > 64)
    return fail("email_too_long", q + ": the part before @ is " + std::to_string(local.size()) +
                                      " characters; the limit is 64.");
  const std::string problem = host_problem(dom);
  if (problem == "has no dot")
    return fail("email_invalid", q + " has no dot in the domain — check for a missing “.com”.");
  if (!problem.empty()) return fail("email_invalid", q + ": the domain " + problem + ".");

  r.value = local + "@" + dom;
  if (unwrapped)
    r.notes.push_back(warning("email_unwrapped", q + " was reduced to the address " + show(r.value) + "."));
  if (idn)
    r.notes.push_back(warning("email_idn_converted", "The international domain in " + q +
                                                        " was converted for sending: " + show(r.value) + "."));
  if (const char* fix = domain_typo(dom)) {
    r.notes.push_back(warning("email_domain_typo", show(r.value) + ": did you mean “" + local + "@" + fix +
                                                      "”? The address is kept as written; correct it if it "
                                                      "is a typo."));
  } else {
    static const char* const kBadTld[] = {".con", ".cmo", ".ocm", ".vom", ".xom", ".comm", ".coom"};
    for (const char* t : kBadTld)
      if (ends_with(dom, t)) {
        std::string fixed = dom.substr(0, dom.size() - std::string_view(t).size()) + ".com";
        r.notes.push_back(warning("email_domain_typo", show(r.value) + ": did you mean “" + local + "@" + fixed +
                                                          "”? The address is kept as written; correct it if "
                                                          "it is a typo."));
        break;
      }
  }
  return r;
}

// ---------------------------------------------------------------- public: LinkedIn

// Accepted: https://www.linkedin.com/in/<slug> from any scheme/www./m./mobile./2-letter country
// host, with query, fragment, trailing slash and extra segments (/in/<slug>/details/...) dropped.
// The slug is kept exactly as given (case and percent-encoding untouched); the host is replaced.
// Legacy public profiles /pub/<name>/<a>/<b>/<c> are accepted too and normalised to
// https://www.linkedin.com/pub/<name>/<a>/<b>/<c> (LinkedIn still redirects them to the profile).
FieldResult check_linkedin(std::string_view raw) {
  FieldResult r;
  const std::string s = collapse_whitespace(raw);
  if (s.empty()) return r;
  const Quoted q{s};
  auto warn = [&](const char* code, const std::string& msg) {
    r.value.clear();
    r.notes.push_back(warning(code, msg));
    return r;
  };
  const char* kExpect = " Expected a profile URL like https://www.linkedin.com/in/jane-doe; the field is left out.";

  bool other_scheme = false;
  std::string_view rest = strip_scheme(s, other_scheme);
  std::size_t host_end = rest.find_first_of("/?#\\");
  if (host_end == std::string_view::npos) host_end = rest.size();
  std::string host = lower(rest.substr(0, host_end));
  std::string_view path = rest.substr(host_end);

  if (host.find('@') != std::string::npos && lower(s).find("linkedin.com/") == std::string::npos)
    return warn("linkedin_not_linkedin", q + " looks like an email address, not a LinkedIn URL." + kExpect);
  std::size_t colon = host.find(':');
  if (colon != std::string::npos) host.resize(colon);
  if (!host.empty() && host.back() == '.') host.pop_back();

  const bool is_linkedin = host == "linkedin.com" || ends_with(host, ".linkedin.com");
  if (other_scheme) return warn("linkedin_not_linkedin", q + " is not an http or https link." + kExpect);
  if (!is_linkedin) {
    if (host == "lnkd.in")
      return warn("linkedin_not_profile",
                  q + " is a shortened lnkd.in link; open it and paste the profile address it leads to." + kExpect);
    if (host.find('.') == std::string::npos || host.find(' ') != std::string::npos)
      return warn("linkedin_not_linkedin", q + " is not a web address." + kExpect);
    return warn("linkedin_not_linkedin", q + " is not a LinkedIn address." + kExpect);
  }
  bool profile_host = host == "linkedin.com";
  if (!profile_host) {
    std::string sub = host.substr(0, host.size() - std::string_view(".linkedin.com").size());
    profile_host = sub == "www" || sub == "m" || sub == "mobile" ||
                   (sub.size() == 2 && is_alpha(sub[0]) && is_alpha(sub[1]));
  }
  if (!profile_host)
    return warn("linkedin_not_profile", q + " is a LinkedIn page but not a person's profile." + kExpect);

  // Path segments, without query and fragment.
  std::size_t cut = path.find_first_of("?#");
  std::string_view query = cut == std::string_view::npos ? std::string_view() : path.substr(cut);
  if (cut != std::string_view::npos) path = path.substr(0, cut);
  std::vector<std::string_view> seg;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find_first_of("/\\", i);
    if (j == std::string_view::npos) j = path.size();
    // Invisible characters pasted at the ends of a segment are dropped, as at the ends of a value.
    const std::string_view part = trim_invisible(path.substr(i, j - i));
    if (!part.empty()) seg.push_back(part);
    i = j + 1;
  }
  if (!seg.empty() && lower(seg[0]) == "mwlite") seg.erase(seg.begin());  // LinkedIn Lite links
  const std::string first = seg.empty() ? std::string() : lower(seg[0]);

  auto bad_slug_char = [](std::string_view slug) -> std::size_t {
    for (std::size_t k = 0; k < slug.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(slug[k]);
      if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '^' || c == '`' || c == '{' ||
          c == '|' || c == '}')
        return k;
      if (slug.substr(k, 3) == "\xEF\xBF\xBD") return k;
    }
    return std::string_view::npos;
  };

  if (first == "in" || first == "pub") {
    if (seg.size() < 2 || (first == "pub" && lower(seg[1]) == "dir"))
      return warn("linkedin_not_profile", q + " has no profile name after /" + first + "/." + kExpect);
    std::string out = "https://www.linkedin.com/" + first + "/";
    const std::size_t keep = first == "in" ? 2 : std::min<std::size_t>(seg.size(), 5);
    for (std::size_t k = 1; k < keep; ++k) {
      std::size_t bad = bad_slug_char(seg[k]);
      if (bad != std::string_view::npos)
        return warn("linkedin_not_profile",
                    q + ": the profile name contains " + char_at(seg[k], bad) + ", which a LinkedIn URL cannot have." +
                        kExpect);
      if (k > 1) out += '/';
      out += seg[k];
    }
    r.value = out;
    return r;
  }
  if (first == "company" || first == "showcase")
    return warn("linkedin_company_page", q + " is a company page, not a person's profile; use the prospect's own "
                                             "profile (linkedin.com/in/…). The field is left out.");
  if (first == "school" || first == "edu")
    return warn("linkedin_company_page", q + " is a school page, not a person's profile; use the prospect's own "
                                             "profile (linkedin.com/in/…). The field is left out.");
  if (first == "sales")
    return warn("linkedin_sales_navigator",
                q + " is a Sales Navigator link, which only opens with a Sales Navigator login; use the public "
                    "profile URL (linkedin.com/in/…). The field is left out.");
  if (first == "talent" || first == "recruiter")
    return warn("linkedin_not_profile", q + " is a LinkedIn Recruiter link, not a public profile." + kExpect);
  if (first == "profile" && query.find("id=") != std::string_view::npos)
    return warn("linkedin_not_profile", q + " is an old numeric profile link; open it and copy the "
                                            "linkedin.com/in/… address." + kExpect);
  return warn("linkedin_not_profile", q + " is a LinkedIn page but not a person's profile." + kExpect);
}

// ---------------------------------------------------------------- public: website

// The host is kept as given (lower-cased), including a "www." prefix: "www.acme.com" ->
// "https://www.acme.com". A port is dropped silently; the scheme is always https.
FieldResult check_website(std::string_view raw) {
  FieldResult r;
  const std::string s = collapse_whitespace(raw);
  if (s.empty()) return r;
  const Quoted q{s};
  auto invalid = [&](const std::string& msg) {
    r.value.clear();
    r.notes.push_back(warning("website_invalid", msg + " The field is left out."));
    return r;
  };
  const std::string kExpect = " Expected the company's domain, like acme.com or https://acme.com.";

  bool other_scheme = false;
  std::string_view rest = strip_scheme(s, other_scheme);
  if (other_scheme) return invalid(q + " is not a web address (only http and https links can be used)." + kExpect);
  if (starts_with_ci(rest, "mailto:")) return invalid(q + " looks like an email address, not a website." + kExpect);
  std::size_t host_end = rest.find_first_of("/?#\\");
  if (host_end == std::string_view::npos) host_end = rest.size();
  std::string_view authority = rest.substr(0, host_end);
  std::string_view tail = rest.substr(host_end);

  std::size_t at = authority.find('@');
  if (at != std::string_view::npos) {
    std::string domain = lower(authority.substr(at + 1));
    std::string hint = host_problem(domain).empty() ? " Use the company's site instead, e.g. " + show(domain) + "." : "";
    return invalid(q + " looks like an email address, not a website." + (hint.empty() ? kExpect : hint));
  }
  std::string host(authority);
  std::size_t colon = host.find(':');
  if (colon != std::string::npos) {
    if (!all_digits(std::string_view(host).substr(colon + 1)) && colon + 1 != host.size())
      return invalid(q + " is not a valid web address." + kExpect);
    host.resize(colon);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.find(' ') != std::string::npos) return invalid(q + " is not a web address." + kExpect);
  if (has_non_ascii(host)) {
    std::string ascii;
    if (!domain_to_ascii(host, ascii))
      return invalid(q + ": the domain cannot be converted to an internationalised domain name." + kExpect);
    host = ascii;
  }
  host = lower(host);
  const std::string problem = host_problem(host);
  if (!problem.empty()) {
    if (problem == "has no dot") return invalid(q + " has no dot, so it is not a domain." + kExpect);
    return invalid(q + ": the domain " + problem + "." + kExpect);
  }
  if (all_digits(last_label(host))) return invalid(q + " is an IP address, not a domain." + kExpect);
  if (const char* what = social_site(host))
    return invalid(q + " is " + what + ", not the company's own website." + kExpect);

  r.value = "https://" + host;
  const std::string_view base = host.compare(0, 4, "www.") == 0 ? std::string_view(host).substr(4) : host;
  for (const char* w : kWebmail)
    if (base == w) {
      r.notes.push_back(warning("website_webmail",
                                show(base) + " is an email provider, not the company's website; enrichment may "
                                             "match the wrong company. Use the company's own domain if you know it."));
      break;
    }
  if (!tail.empty() && tail != "/")
    r.notes.push_back(warning("website_path_dropped", "The path " + show(tail) +
                                                          " was dropped; the API takes the site's address only: " +
                                                          r.value + "."));
  return r;
}

// ---------------------------------------------------------------- public: names

FieldResult check_name(std::string_view raw) {
  FieldResult r;
  r.value = collapse_whitespace(raw);
  if (r.value.empty()) return r;
  const std::string& v = r.value;
  const std::size_t n = code_points(v);
  if (n > 100)
    r.notes.push_back(warning("name_too_long", show(v) + " is " + std::to_string(n) +
                                                   " characters long; a name has at most 100. Check that two "
                                                   "columns did not run together."));
  const std::size_t at = v.find('@');
  if (at != std::string::npos && v.find('.', at + 1) != std::string::npos)
    r.notes.push_back(warning("name_looks_like_email",
                              show(v) + " looks like an email address, not a name. Check the column mapping."));
  else if (starts_with_ci(v, "http://") || starts_with_ci(v, "https://") || starts_with_ci(v, "www."))
    r.notes.push_back(warning("name_looks_like_url",
                              show(v) + " looks like a web address, not a name. Check the column mapping."));
  return r;
}

bool split_full_name(std::string_view full, std::string& first, std::string& last) {
  first.clear();
  last.clear();
  std::string s = collapse_whitespace(full);
  if (s.empty()) return false;

  // "Last, First" (one comma). A comma before a suffix ("Ada Lovelace, PhD") is not that order.
  std::size_t comma = s.find(',');
  if (comma != std::string::npos && s.find(',', comma + 1) != std::string::npos) {
    std::replace(s.begin(), s.end(), ',', ' ');  // "a, b, c": no recognisable order; split on spaces
    s = collapse_whitespace(s);
    comma = std::string::npos;
  }
  if (comma != std::string::npos) {
    std::string before = collapse_whitespace(std::string_view(s).substr(0, comma));
    std::string after = collapse_whitespace(std::string_view(s).substr(comma + 1));
    std::string key;
    for (char c : after)
      if (is_alpha(c)) key += to_lower(c);
    static const char* const kSuffixes[] = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "cpa", "dds"};
    bool suffix = after.empty() || key.empty();
    for (const char* sfx : kSuffixes)
      if (key == sfx && after.size() <= 6) suffix = true;
    if (!suffix && !before.empty()) {
      first = after;
      last = before;
      return true;
    }
    if (before.empty()) s = after;
    else if (suffix && !after.empty()) s = before + " " + after;  // "King, Jr." stays with the last name
    else s = before;
  }
  std::size_t sp = s.find(' ');
  if (sp == std::string::npos) {
    first = s;
    return false;
  }
  // A leading title ("Dr. Ada Lovelace") is dropped when at least two words follow it.
  if (s.find(' ', sp + 1) != std::string::npos) {
    std::string title;
    for (std::size_t k = 0; k < sp; ++k)
      if (s[k] != '.') title += to_lower(s[k]);
    static const char* const kTitles[] = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "herr", "frau"};
    for (const char* t : kTitles)
      if (title == t) {
        // Trimmed again: an invisible character after the title is not a word.
        std::string rest = collapse_whitespace(std::string_view(s).substr(sp + 1));
        if (rest.find(' ') != std::string::npos) {
          s = std::move(rest);
          sp = s.find(' ');
        }
        break;
      }
  }
  // Each name trimmed like check_name does: a zero-width space or BOM next to the cut is not kept.
  first = collapse_whitespace(std::string_view(s).substr(0, sp));
  last = collapse_whitespace(std::string_view(s).substr(sp + 1));
  return true;
}

std::string ascii_lower(std::string_view s) { return lower(s); }

}  // namespace pe
