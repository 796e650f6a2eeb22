// Domains: IDNA conversion through the backend, punycode decoding and the host rules (idna.hpp).
#include "idna.hpp"

#include <cstdint>
#include <unordered_map>
#include <utility>

#include "text.hpp"

namespace pe {

namespace {

constexpr std::size_t kMaxInputBytes = 1024;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxDomain = 253;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ldh(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-'; }

// UTS #46 label separators: FULL STOP, IDEOGRAPHIC FULL STOP, FULLWIDTH FULL STOP, HALFWIDTH
// IDEOGRAPHIC FULL STOP (all mapped to '.').
bool is_label_separator(char32_t cp) { return cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// The character at s[i] named for a message: “_”, "a space", "a control character (U+0001)".
std::string char_name(std::string_view s, std::size_t i) {
  char32_t cp = 0;
  const std::size_t len = decode_utf8(s, i, cp);
  if (len == 0) return "\xE2\x80\x9C\xEF\xBF\xBD\xE2\x80\x9D";  // “�”
  if (is_space_cp(cp)) return "a space";
  if (is_control_cp(cp)) return "a control character (" + code_point_name(cp) + ")";
  if (is_invisible_cp(cp)) return "an invisible character (" + code_point_name(cp) + ")";
  return "\xE2\x80\x9C" + std::string(s.substr(i, len)) + "\xE2\x80\x9D";
}

std::string bad_char_message(std::string_view s, std::size_t i) {
  return "contains " + char_name(s, i) + ", which a domain cannot have";
}

// Why the backend refused a label, completing "the domain ...".
std::string idna_message(IdnaStatus st, std::string_view label, bool xn) {
  const std::string q = quoted(label, 63);
  if (xn)
    return "has a part " + q + " that starts with \xE2\x80\x9Cxn--\xE2\x80\x9D but is not a valid encoded "
           "international name (punycode)";
  switch (st) {
    case IdnaStatus::Disallowed:
      return "has a part " + q + " with a character that domain names cannot contain (emoji, symbols, "
             "punctuation and invisible characters are not allowed)";
    case IdnaStatus::Bidi:
      return "has a part " + q + " that mixes right-to-left and left-to-right writing in a way domain "
             "names do not allow";
    case IdnaStatus::Joiner:
      return "has a zero-width joiner or non-joiner (U+200D, U+200C) in " + q +
             " where domain names do not allow one";
    case IdnaStatus::LeadingMark:
      return "has a part " + q + " that starts with a combining mark (an accent without its letter)";
    case IdnaStatus::Hyphen:
      return "has a part " + q + " that starts or ends with a hyphen, or has \xE2\x80\x9C--\xE2\x80\x9D as "
             "its 3rd and 4th characters";
    case IdnaStatus::TooLong:
      return "has a part longer than 63 characters";
    case IdnaStatus::Punycode:
    case IdnaStatus::Invalid:
    case IdnaStatus::Ok:
      break;
  }
  return "has a part " + q + " that is not a valid international domain name";
}

char puny_digit_value(char c) {
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a');
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A');
  if (c >= '0' && c <= '9') return static_cast<char>(c - '0' + 26);
  return -1;
}

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

// The backend's answer for a label, remembered: a file repeats its domains on many rows, and each
// answer costs a library call (native) or a URL parse in JavaScript (wasm). Bounded: the memory
// is dropped when it holds kCacheEntries labels.
IdnaStatus cached_label_to_ascii(std::string_view label, std::string& ascii) {
  constexpr std::size_t kCacheEntries = 4096;
  thread_local std::unordered_map<std::string, std::pair<IdnaStatus, std::string>> cache;
  const std::string key(label);
  if (auto it = cache.find(key); it != cache.end()) {
    ascii = it->second.second;
    return it->second.first;
  }
  const IdnaStatus st = idna_label_to_ascii(label, ascii);
  if (cache.size() >= kCacheEntries) cache.clear();
  cache.emplace(key, std::make_pair(st, ascii));
  return st;
}

// Hyphen rules on a U-label (IDNA2008 / UTS #46 CheckHyphens as libidn2 applies them).
bool u_label_hyphen_problem(const std::u32string& u) {
  if (u.empty()) return false;
  if (u.front() == '-' || u.back() == '-') return true;
  return u.size() >= 4 && u[2] == '-' && u[3] == '-';
}

std::u32string to_u32(std::string_view ascii) { return std::u32string(ascii.begin(), ascii.end()); }

// Structural host rules on the converted ASCII domain; empty when it passes.
DomainProblem host_rules(const std::string& h, std::string& message) {
  if (h.front() == '.') {
    message = "starts with a dot";
    return DomainProblem::EdgeDot;
  }
  if (h.back() == '.') {
    message = "ends with a dot";
    return DomainProblem::EdgeDot;
  }
  if (h.find("..") != std::string::npos) {
    message = "has two dots in a row";
    return DomainProblem::DoubleDot;
  }
  if (h.find('.') == std::string::npos) {
    message = "has no dot";
    return DomainProblem::NoDot;
  }
  // Numbers: an IPv4 address, or any all-digit top-level label (never a real TLD).
  std::size_t labels = 0, numeric = 0;
  std::string_view last;
  for (std::size_t start = 0; start <= h.size();) {
    std::size_t dot = h.find('.', start);
    if (dot == std::string::npos) dot = h.size();
    last = std::string_view(h).substr(start, dot - start);
    ++labels;
    if (all_digits(last)) ++numeric;
    start = dot + 1;
  }
  if (labels == 4 && numeric == 4) {
    message = "is an IP address; an IP address is not a company domain";
    return DomainProblem::IpAddress;
  }
  if (all_digits(last)) {
    message = "ends in " + quoted(last, 20) + ", a number: top-level domains such as .com or .de are never numbers, "
              "so this is not a company domain (an IP address or a typo?)";
    return DomainProblem::NumericTld;
  }
  if (h.size() > kMaxDomain) {
    message = "is longer than 253 characters";
    return DomainProblem::TooLong;
  }
  for (std::size_t start = 0; start <= h.size();) {
    std::size_t dot = h.find('.', start);
    if (dot == std::string::npos) dot = h.size();
    const std::string_view label = std::string_view(h).substr(start, dot - start);
    if (label.size() > kMaxLabel) {
      message = "has a part longer than 63 characters";
      return DomainProblem::TooLong;
    }
    if (label.front() == '-' || label.back() == '-') {
      message = "has a part that starts or ends with a hyphen (" + quoted(label, 63) + ")";
      return DomainProblem::Hyphen;
    }
    start = dot + 1;
  }
  return DomainProblem::None;
}

// The ASCII characters of a label must be letters, digits or hyphens, also inside an international
// label. None, or Comma / BadCharacter with `message` set.
DomainProblem ascii_characters(std::string_view label, std::string& message) {
  for (std::size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    if (static_cast<unsigned char>(c) >= 0x80 || is_ldh(c)) continue;
    if (c == ',') {
      message = "has a comma \xE2\x80\x94 check for a \xE2\x80\x9C,\xE2\x80\x9D typed instead of a \xE2\x80\x9C.\xE2\x80\x9D";
      return DomainProblem::Comma;
    }
    message = bad_char_message(label, i);
    return DomainProblem::BadCharacter;
  }
  return DomainProblem::None;
}

// The code points of a label that goes to the backend: no invalid UTF-8, spaces or controls, not
// only invisible characters; the invisible ones are noted in `invisible`.
DomainProblem unicode_characters(std::string_view label, std::vector<char32_t>& invisible, std::string& message) {
  std::size_t visible = 0;
  for (std::size_t i = 0; i < label.size();) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(label, i, cp);
    if (len == 0 || cp == 0xFFFD || is_space_cp(cp) || is_control_cp(cp)) {
      message = bad_char_message(label, i);
      return DomainProblem::BadCharacter;
    }
    if (is_invisible_cp(cp)) invisible.push_back(cp);
    else ++visible;
    i += len;
  }
  if (visible == 0) {
    message = "has a part made only of invisible characters (" + code_point_list(invisible) + ")";
    return DomainProblem::BadCharacter;
  }
  return DomainProblem::None;
}

// What the backend gave for a label must be a label: letters, digits and hyphens, at most 63
// characters, and the hyphen rules on its Unicode form (IDNA2008, as libidn2 applies them; the URL
// parser does not). u_label: the label's Unicode form when already known (an "xn--" label).
DomainProblem converted_label(std::string_view label, bool xn, const std::string& converted, std::u32string u_label,
                              std::string& message) {
  bool ldh = !converted.empty();
  for (char c : converted)
    if (!is_ldh(c)) ldh = false;
  if (!ldh) {  // mapped to a dot, a slash, ... (e.g. "⒈", "／"): not a label
    message = idna_message(xn ? IdnaStatus::Punycode : IdnaStatus::Disallowed, label, xn);
    return DomainProblem::Idna;
  }
  if (converted.size() > kMaxLabel) {
    message = "has a part longer than 63 characters";
    return DomainProblem::TooLong;
  }
  if (u_label.empty() && converted.size() > 4 && converted.compare(0, 4, "xn--") == 0 &&
      !punycode_decode(std::string_view(converted).substr(4), u_label)) {
    message = idna_message(IdnaStatus::Invalid, label, xn);
    return DomainProblem::Idna;
  }
  if (u_label.empty()) u_label = to_u32(converted);
  if (u_label_hyphen_problem(u_label)) {
    message = idna_message(IdnaStatus::Hyphen, label, false);
    return DomainProblem::Hyphen;
  }
  return DomainProblem::None;
}

// Converts one label (ASCII fast path or backend). Returns None, or a conversion problem with
// `message` set. Appends the converted label to `out`.
DomainProblem convert_label(std::string_view label, std::string& out, DomainCheck& r, std::string& message) {
  bool ascii = true;
  for (char c : label)
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
  const bool xn = label.size() >= 4 && starts_with_ascii_ci(label, "xn--");
  if (DomainProblem p = ascii_characters(label, message); p != DomainProblem::None) return p;
  if (ascii && !xn) {  // the fast path: no backend, no temporary
    for (char c : label) out += ascii_lower(c);
    return DomainProblem::None;
  }
  std::vector<char32_t> invisible;
  if (DomainProblem p = unicode_characters(label, invisible, message); p != DomainProblem::None) return p;
  std::u32string u_label;
  // An "xn--" label: the core's check first, so that both backends give the same answer for broken punycode.
  if (xn && ascii && (!punycode_decode(label.substr(4), u_label) || u_label.empty())) {
    message = idna_message(IdnaStatus::Punycode, label, true);
    return DomainProblem::Idna;
  }
  std::string converted;
  const IdnaStatus st = cached_label_to_ascii(label, converted);
  if (st != IdnaStatus::Ok) {
    message = idna_message(st, label, xn);
    return st == IdnaStatus::TooLong ? DomainProblem::TooLong : DomainProblem::Idna;
  }
  converted = ascii_lower(converted);
  if (DomainProblem p = converted_label(label, xn, converted, std::move(u_label), message); p != DomainProblem::None)
    return p;
  if (converted != ascii_lower(label)) r.converted = true;
  if (!xn && converted.compare(0, 4, "xn--") == 0) r.international = true;
  r.removed.insert(r.removed.end(), invisible.begin(), invisible.end());
  out += converted;
  return DomainProblem::None;
}

// Converts every label of d (separated by '.' or a UTS #46 full stop, which becomes '.') into out
// with convert_label. Returns the first label's problem (message set), or None. Bytes that are not
// UTF-8 stay in their label, whose conversion reports them.
DomainProblem convert_labels(std::string_view d, std::string& out, DomainCheck& r, std::string& message) {
  std::size_t start = 0, i = 0;
  while (i <= d.size()) {
    char32_t cp = 0;
    std::size_t len = 1;
    bool sep = i == d.size();
    if (!sep) {
      if (static_cast<unsigned char>(d[i]) < 0x80) {
        sep = d[i] == '.';
      } else {
        len = decode_utf8(d, i, cp);
        if (len == 0) len = 1;  // reported by convert_label
        else sep = is_label_separator(cp);
      }
    }
    if (!sep) {
      i += len;
      continue;
    }
    const std::string_view label = d.substr(start, i - start);
    if (!label.empty()) {
      const DomainProblem p = convert_label(label, out, r, message);
      if (p != DomainProblem::None) return p;
    }
    if (i == d.size()) break;
    if (len > 1) r.converted = true;  // 。 ． ｡ written for the dot
    out += '.';
    i += len;
    start = i;
  }
  return DomainProblem::None;
}

}  // namespace

std::string code_point_list(const std::vector<char32_t>& cps) {
  std::string out;
  for (char32_t cp : cps) {
    const std::string name = code_point_name(cp);
    if (out.find(name) != std::string::npos) continue;
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

bool punycode_decode(std::string_view in, std::u32string& out) {
  out.clear();
  constexpr std::uint64_t kMax = 0x7FFFFFFF;
  if (in.size() > 256) return false;
  std::size_t b = in.rfind('-');
  if (b == std::string_view::npos) b = 0;
  for (std::size_t j = 0; j < b; ++j) {
    const unsigned char c = static_cast<unsigned char>(in[j]);
    if (c >= 0x80) return false;
    out += static_cast<char32_t>(c);
  }
  std::uint64_t n = 128, i = 0;
  std::uint32_t bias = 72;
  for (std::size_t pos = b > 0 ? b + 1 : 0; pos < in.size();) {
    const std::uint64_t oldi = i;
    std::uint64_t w = 1;
    for (std::uint64_t k = 36;; k += 36) {
      if (pos >= in.size()) return false;
      const char d = puny_digit_value(in[pos++]);
      if (d < 0) return false;
      const std::uint64_t digit = static_cast<std::uint64_t>(d);
      if (digit > (kMax - i) / w) return false;
      i += digit * w;
      const std::uint64_t t = k <= bias ? 1 : (k >= bias + 26 ? 26 : k - bias);
      if (digit < t) break;
      if (w > kMax / (36 - t)) return false;
      w *= 36 - t;
    }
    const std::uint64_t len = out.size() + 1;
    bias = puny_adapt(i - oldi, len, oldi == 0);
    if (i / len > kMax - n) return false;
    n += i / len;
    i %= len;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return false;
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(i), static_cast<char32_t>(n));
    ++i;
  }
  return true;
}

DomainCheck check_domain(std::string_view d) {
  DomainCheck r;
  auto fail = [&](DomainProblem p, std::string message) {
    r.ok = false;
    r.problem = p;
    r.message = std::move(message);
    return r;
  };
  if (d.empty()) return fail(DomainProblem::Empty, "is empty");
  if (d.size() > kMaxInputBytes)
    return fail(DomainProblem::TooLongInput, "is far too long (" + std::to_string(d.size()) + " bytes)");
  if (d.front() == '[' || (d.back() == ']' && d.find('[') != std::string_view::npos))
    return fail(DomainProblem::IpAddress, "is an IP address in brackets; an IP address is not a company domain");

  r.ascii.reserve(d.size());
  std::string message;
  const DomainProblem conversion = convert_labels(d, r.ascii, r, message);
  if (conversion != DomainProblem::None) {
    r.removed.clear();
    r.ascii.clear();
    return fail(conversion, std::move(message));
  }
  const DomainProblem p = host_rules(r.ascii, message);
  if (p != DomainProblem::None) return fail(p, std::move(message));
  r.ok = true;
  return r;
}

bool domain_to_ascii(std::string_view utf8_domain, std::string& out) {
  out.clear();
  if (utf8_domain.empty() || utf8_domain.size() > kMaxInputBytes) return false;
  DomainCheck r;
  std::string message, result;
  if (convert_labels(utf8_domain, result, r, message) != DomainProblem::None) return false;
  // The ASCII form of non-ASCII labels is longer than their UTF-8: a result over the input limit
  // would not be accepted back, so it is refused here too (converting is then idempotent).
  if (result.size() > kMaxInputBytes) return false;
  out = std::move(result);
  return true;
}

}  // namespace pe
