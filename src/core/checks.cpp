// The checks of one value of each API field (see checks.hpp).
//
// Every function here takes arbitrary bytes: invalid UTF-8 never crashes, and every string that
// leaves this file (values and messages) is valid UTF-8 (collapse_whitespace replaces invalid
// bytes with U+FFFD). Work is linear in the input size; punycode work is bounded per label.
#include "checks.hpp"

#include "idna.hpp"
#include "text.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace pe {

namespace {

// ---------------------------------------------------------------- helpers

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char to_lower(char c) { return ascii_lower(c); }
std::string lower(std::string_view s) { return ascii_lower(s); }
bool starts_with_ci(std::string_view s, std::string_view prefix) { return starts_with_ascii_ci(s, prefix); }

// Compared from the end, byte by byte: the lists below (social sites, mistyped TLDs) are tried one
// after another on every value, and most differ in their last byte (a memcmp call each was 3%).
bool ends_with(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 1; i <= suffix.size(); ++i)
    if (s[s.size() - i] != suffix[suffix.size() - i]) return false;
  return true;
}

bool has_non_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// A value shown inside a message: quoted, cut to a readable length and made safe to show
// (text.hpp: invalid UTF-8, controls and bidi controls never reach a message).
std::string show(std::string_view s) { return quoted(s, 80); }

// The quoted value for a message, built only when a message is: the checks run on every cell and
// almost never produce one.
struct Quoted {
  std::string_view s;
};
std::string operator+(const Quoted& q, const char* t) { return show(q.s) + t; }
std::string operator+(const char* t, const Quoted& q) { return t + show(q.s); }

// The code point of s at i named for a message ("contains “(”", "contains a control character
// (U+0001)", "contains an invisible character (U+200B)").
std::string char_at(std::string_view s, std::size_t i) {
  char32_t cp = 0;
  std::size_t len = decode_utf8(s, i, cp);
  if (len == 0) return "\xEF\xBF\xBD";
  if (cp == ' ') return "a space";
  if (is_control_cp(cp)) return "a control character (" + code_point_name(cp) + ")";
  if (is_invisible_cp(cp)) return "an invisible character (" + code_point_name(cp) + ")";
  return "“" + std::string(s.substr(i, len)) + "”";
}

Note note(Code code, std::string message) { return Note{code, std::move(message)}; }

// ---------------------------------------------------------------- domains

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// True when the domain as sent is the typed one with only invisible characters removed (and ASCII
// lower-cased): then the "invisible character removed" warning says all there is to say.
bool only_removed(std::string_view typed, std::string_view sent, const DomainCheck& dc) {
  if (dc.removed.empty()) return false;
  std::string visible;
  for (std::size_t i = 0; i < typed.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(typed, i, cp);
    if (len == 0) return false;
    if (!is_invisible_cp(cp)) visible.append(typed.data() + i, len);
    i += len;
  }
  return ascii_lower(visible) == sent;
}

// "an invisible character (U+00AD), which was" / "invisible characters (U+00AD, U+200B), which were".
std::string removed_characters(const DomainCheck& dc) {
  const bool one = dc.removed.size() == 1;
  return std::string(one ? "an invisible character (" : "invisible characters (") + code_point_list(dc.removed) +
         "), which " + (one ? "was" : "were");
}

const char* const kUseCompanyDomain =
    ". Use the prospect's address at the company's domain name, like name@company.com.";

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
constexpr struct {
  std::string_view typo;
  const char* fix;
} kTypos[] = {
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

// Email providers: a website on one of them is not a company's (website_webmail).
constexpr std::string_view kWebmail[] = {
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

// The lists above and the social sites below, found by one hash lookup instead of comparing a
// domain with each entry (every email's and website's domain is looked up, a million times for a
// million rows). A table of 256 slots, filled once; an entry's kinds are bits.
enum ListKind : unsigned char { kWebmailKind = 1, kTypoKind = 2, kSocialKind = 4 };
struct Listed {
  std::string_view domain;
  unsigned char kinds = 0;
  const char* typo_fix = nullptr;
  const char* social_name = nullptr;
};
class DomainLists {
 public:
  DomainLists();
  const Listed* find(std::string_view d) const {
    for (std::size_t i = hash(d) & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      const Listed& e = slots_[i];
      if (e.kinds == 0) return nullptr;
      if (e.domain == d) return &e;
    }
  }
  Listed& add(std::string_view d) {
    for (std::size_t i = hash(d) & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      Listed& e = slots_[i];
      if (e.kinds == 0) e.domain = d;
      if (e.domain == d) return e;
    }
  }

 private:
  static constexpr std::size_t kSlots = 256;  // a power of two, over twice the entries
  static std::size_t hash(std::string_view d) {
    std::uint32_t h = 2166136261u;
    for (char c : d) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h ^ (h >> 15);
  }
  Listed slots_[kSlots];
};

// Social sites: a website on one of them is not a company's own (website_invalid).
constexpr struct {
  std::string_view domain;
  const char* name;
} kSocial[] = {
    {"linkedin.com", "a LinkedIn page"},   {"lnkd.in", "a LinkedIn link"},
    {"facebook.com", "a Facebook page"},   {"fb.com", "a Facebook page"},
    {"twitter.com", "a Twitter/X page"},   {"x.com", "a Twitter/X page"},
    {"instagram.com", "an Instagram page"}, {"youtube.com", "a YouTube page"},
};

constexpr bool every_social_domain_has_a_dot() {
  for (const auto& x : kSocial)
    if (x.domain.find('.') == std::string_view::npos) return false;
  return true;
}
static_assert(every_social_domain_has_a_dot(), "social_site looks up only names with a dot");

DomainLists::DomainLists() {
  for (const std::string_view w : kWebmail) add(w).kinds |= kWebmailKind;
  for (const auto& t : kTypos) {
    Listed& e = add(t.typo);
    e.kinds |= kTypoKind;
    e.typo_fix = t.fix;
  }
  for (const auto& x : kSocial) {
    Listed& e = add(x.domain);
    e.kinds |= kSocialKind;
    e.social_name = x.name;
  }
}

const DomainLists& domain_lists() {
  static const DomainLists lists;
  return lists;
}

// The host's own entry or that of a domain it is under (www.facebook.com: facebook.com). Every
// social site's domain has a dot (a static_assert says so), so a last label alone is not looked up.
const char* social_site(std::string_view host) {
  for (std::string_view d = host;;) {
    const std::size_t dot = d.find('.');
    if (dot == std::string_view::npos) return nullptr;
    const Listed* e = domain_lists().find(d);
    if (e && (e->kinds & kSocialKind)) return e->social_name;
    d.remove_prefix(dot + 1);
  }
}

const char* domain_typo(std::string_view dom) {
  const Listed* e = domain_lists().find(dom);
  return e && (e->kinds & kTypoKind) ? e->typo_fix : nullptr;
}

// The domain an email's domain was most likely meant to be (a misspelt webmail domain, or ".con"
// and the like for ".com"), or "" when it looks as meant (email_domain_typo).
constexpr std::string_view kBadTld[] = {".con", ".cmo", ".ocm", ".vom", ".xom", ".comm", ".coom"};

std::string typo_fix(std::string_view dom) {
  if (const char* fix = domain_typo(dom)) return fix;
  for (const std::string_view t : kBadTld)
    if (ends_with(dom, t)) return std::string(dom.substr(0, dom.size() - t.size())) + ".com";
  return std::string();
}

// !typo_fix(dom).empty(), without making the fix.
bool has_typo(std::string_view dom) {
  if (domain_typo(dom)) return true;
  for (const std::string_view t : kBadTld)
    if (ends_with(dom, t)) return true;
  return false;
}

bool is_webmail(std::string_view dom) {
  const Listed* e = domain_lists().find(dom);
  return e && (e->kinds & kWebmailKind);
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

namespace {

// ---------------------------------------------------------------- email, step by step

// What is wrong with a value, for the note that says so; an empty message is no problem.
struct Problem {
  Code code = Code::EmailInvalid;
  std::string message;
  explicit operator bool() const { return !message.empty(); }
};
Problem invalid_email(std::string message) { return Problem{Code::EmailInvalid, std::move(message)}; }

// "Name <a@b.co>", "<a@b.co>" and "mailto:a@b.co?subject=..." -> the address, a view of what it
// was, or of `scratch` when it had to be collapsed again; true when it was wrapped. addr is not empty.
bool unwrap_address(std::string_view& addr, std::string& scratch) {
  bool unwrapped = false;
  if (addr.back() == '>') {
    std::size_t lt = addr.rfind('<');
    if (lt != std::string_view::npos) {
      const std::string_view inner = addr.substr(lt + 1, addr.size() - lt - 2);
      if (inner.find('>') == std::string_view::npos) {
        scratch = collapse_whitespace(inner);
        addr = scratch;
        unwrapped = true;
      }
    }
  }
  if (starts_with_ci(addr, "mailto:")) {
    addr = addr.substr(7);
    std::size_t qm = addr.find('?');
    if (qm != std::string_view::npos) addr = addr.substr(0, qm);
    std::string collapsed = collapse_whitespace(addr);  // addr may be a view of scratch
    scratch = std::move(collapsed);
    addr = scratch;
    unwrapped = true;
  }
  return unwrapped;
}

// Tokens separated by , ; or space that hold an @.
std::size_t addresses_in(std::string_view addr) {
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
  return with_at;
}

// One address with one @ and something on both sides.
Problem address_shape(std::string_view addr, const Quoted& q) {
  if (addr.empty()) return invalid_email(q + " has no address in it; expected name@company.com.");
  if (addresses_in(addr) >= 2)
    return invalid_email(q + " holds more than one address; keep only the one the prospect has in Woodpecker.");
  if (addr.find(' ') != std::string_view::npos)
    return invalid_email(q + " contains a space; remove it (an address has no spaces).");
  const std::size_t ats = static_cast<std::size_t>(std::count(addr.begin(), addr.end(), '@'));
  if (ats == 0) return invalid_email(q + " has no @ sign; an email looks like name@company.com.");
  if (ats > 1) return invalid_email(q + " has " + std::to_string(ats) + " @ signs; an address has exactly one.");
  const std::size_t at = addr.find('@');
  if (at == 0) return invalid_email(q + " has nothing before the @.");
  if (at + 1 == addr.size()) return invalid_email(q + " has nothing after the @; add the domain, e.g. acme.com.");
  return {};
}

// The part before @: ASCII atext and dots, no dot at either end or twice in a row.
Problem local_part(std::string_view local, const Quoted& q) {
  for (std::size_t i = 0; i < local.size(); ++i)
    if (static_cast<unsigned char>(local[i]) >= 0x80)
      return invalid_email(q + ": the part before @ has non-ASCII characters (" + char_at(local, i) +
                           "), which the API does not accept. Check the spelling or use the plain-ASCII address.");
  if (local.front() == '.') return invalid_email(q + ": the part before @ starts with a dot.");
  if (local.back() == '.') return invalid_email(q + ": the part before @ ends with a dot.");
  if (local.find("..") != std::string_view::npos) return invalid_email(q + ": the part before @ has two dots in a row.");
  for (std::size_t i = 0; i < local.size(); ++i)
    if (!is_atext(local[i]) && local[i] != '.')
      return invalid_email(q + ": the part before @ contains " + char_at(local, i) + ", which an address cannot have.");
  return {};
}

// The domain (idna.hpp: IDNA conversion and the host rules) and the lengths of the address as
// sent. A character or IDNA problem is reported first; then the lengths; then the structure (dots,
// hyphens, numbers).
Problem email_domain(std::string_view local, std::string_view dom, const DomainCheck& dc, const Quoted& q) {
  auto too_long = [&](std::size_t total) {
    return Problem{Code::EmailTooLong, q + " is " + std::to_string(total) + " characters; the limit is 254."};
  };
  if (dc.problem == DomainProblem::TooLongInput) return too_long(local.size() + 1 + dom.size());
  const bool number = dc.problem == DomainProblem::IpAddress || dc.problem == DomainProblem::NumericTld;
  if (dc.ascii.empty()) return invalid_email(q + ": the domain " + dc.message + (number ? kUseCompanyDomain : "."));
  const std::size_t total = local.size() + 1 + dc.ascii.size();  // as sent (after IDN conversion)
  if (total > 254) return too_long(total);
  if (local.size() > 64)
    return Problem{Code::EmailTooLong,
                   q + ": the part before @ is " + std::to_string(local.size()) + " characters; the limit is 64."};
  if (dc.problem == DomainProblem::NoDot)
    return invalid_email(q + " has no dot in the domain — check for a missing “.com”.");
  if (!dc.ok) return invalid_email(q + ": the domain " + dc.message + (number ? kUseCompanyDomain : "."));
  return {};
}

// The warnings of a valid address: unwrapped, invisible characters removed, domain converted, typo.
void email_warnings(FieldResult& r, const Quoted& q, bool unwrapped, std::string_view local,
                    std::string_view dom_typed, const DomainCheck& dc) {
  const std::string& dom = dc.ascii;
  if (unwrapped) r.notes.push_back(note(Code::EmailUnwrapped, q + " was reduced to the address " + show(r.value) + "."));
  if (!dc.removed.empty())
    r.notes.push_back(note(Code::EmailInvisibleRemoved,
                           q + ": the domain contained " + removed_characters(dc) +
                               " removed as browsers and mail systems do; the address is sent as " + show(r.value) +
                               ". Check that this is the address you meant."));
  if (dc.international)
    r.notes.push_back(note(Code::EmailIdnConverted,
                           "The international domain in " + q + " was converted for sending: " + show(r.value) + "."));
  else if (dc.converted && !only_removed(dom_typed, dom, dc))
    r.notes.push_back(note(Code::EmailIdnConverted, "The domain in " + q +
                                                        " was written with full-width or other variant characters; "
                                                        "it is sent as " + show(r.value) + "."));
  const std::string fixed = typo_fix(dom);
  if (!fixed.empty())
    r.notes.push_back(note(Code::EmailDomainTypo, show(r.value) + ": did you mean “" + std::string(local) + "@" + fixed +
                                                      "”? The address is kept as written; correct it if it is a typo."));
}

}  // namespace

// ---------------------------------------------------------------- public: email

FieldResult check_email(std::string_view raw) {
  FieldResult r;
  std::string collapsed_buf;
  const std::string_view s = collapsed(raw, collapsed_buf);
  auto fail = [&](Problem p) {
    r.value.clear();
    r.valid = false;
    r.notes.push_back(note(p.code, std::move(p.message)));
    return r;
  };
  if (s.empty())
    return fail(Problem{Code::EmailMissing,
                        "The email is empty. Every prospect needs the address it has in your Woodpecker account: "
                        "fill it in or remove the row."});
  const Quoted q{s};
  std::string scratch;
  std::string_view addr = s;
  const bool unwrapped = unwrap_address(addr, scratch);
  if (Problem p = address_shape(addr, q)) return fail(std::move(p));
  const std::size_t at = addr.find('@');
  const std::string_view local = addr.substr(0, at);
  const std::string_view dom_typed = addr.substr(at + 1);
  if (Problem p = local_part(local, q)) return fail(std::move(p));
  const DomainCheck dc = check_domain(dom_typed);
  if (Problem p = email_domain(local, dom_typed, dc, q)) return fail(std::move(p));
  r.value.reserve(local.size() + 1 + dc.ascii.size());
  r.value.append(local).append(1, '@').append(dc.ascii);
  email_warnings(r, q, unwrapped, local, dom_typed, dc);
  return r;
}

namespace {

// ---------------------------------------------------------------- LinkedIn, step by step

const char* const kExpectProfile =
    " Expected a profile URL like https://www.linkedin.com/in/jane-doe; the field is left out.";

Problem not_profile(std::string message) { return Problem{Code::LinkedinNotProfile, std::move(message)}; }
Problem not_linkedin(std::string message) { return Problem{Code::LinkedinNotLinkedin, std::move(message)}; }

// The host of a LinkedIn value must be linkedin.com or a profile host under it (www., m., mobile.,
// a two-letter country); `path` is set to what follows the host.
Problem linkedin_host(std::string_view s, const Quoted& q, std::string_view& path) {
  bool other_scheme = false;
  std::string_view rest = strip_scheme(s, other_scheme);
  std::size_t host_end = find_any_of(rest, "/?#\\");
  if (host_end == std::string_view::npos) host_end = rest.size();
  // Lower-cased into a buffer kept from call to call ("www.linkedin.com" is past the small-string size).
  static thread_local std::string host;
  host.assign(rest.data(), host_end);
  for (char& c : host) c = ascii_lower(c);
  path = rest.substr(host_end);

  if (host.find('@') != std::string::npos && lower(s).find("linkedin.com/") == std::string::npos)
    return not_linkedin(q + " looks like an email address, not a LinkedIn URL." + kExpectProfile);
  std::size_t colon = host.find(':');
  if (colon != std::string::npos) host.resize(colon);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (has_non_ascii(host) || host.find("xn--") != std::string::npos) {
    // An international or variant host ("ｗｗｗ.ｌｉｎｋｅｄｉｎ.ｃｏｍ"): compare its ASCII form. Look-alikes
    // ("lіnkedin.com" with a Cyrillic і) convert to "xn--" names and are not LinkedIn.
    const DomainCheck dc = check_domain(host);
    if (!dc.ok) return not_linkedin(q + " is not a LinkedIn address." + kExpectProfile);
    host = dc.ascii;
  }
  const std::string_view h = host;
  const bool is_linkedin = h == "linkedin.com" || ends_with(h, ".linkedin.com");
  if (other_scheme) return not_linkedin(q + " is not an http or https link." + kExpectProfile);
  if (!is_linkedin) {
    if (h == "lnkd.in")
      return not_profile(q + " is a shortened lnkd.in link; open it and paste the profile address it leads to." +
                         kExpectProfile);
    if (host.find('.') == std::string::npos || host.find(' ') != std::string::npos)
      return not_linkedin(q + " is not a web address." + kExpectProfile);
    return not_linkedin(q + " is not a LinkedIn address." + kExpectProfile);
  }
  bool profile_host = h == "linkedin.com";
  if (!profile_host) {
    const std::string_view sub = h.substr(0, h.size() - std::string_view(".linkedin.com").size());
    profile_host = sub == "www" || sub == "m" || sub == "mobile" ||
                   (sub.size() == 2 && is_alpha(sub[0]) && is_alpha(sub[1]));
  }
  if (!profile_host) return not_profile(q + " is a LinkedIn page but not a person's profile." + kExpectProfile);
  return {};
}

// The path's segments without query and fragment (`query` gets those), invisible characters at the
// ends of each dropped as at the ends of a value, a LinkedIn Lite "mwlite" prefix skipped. `seg` is
// the caller's, reused from call to call.
void path_segments(std::string_view path, std::string_view& query, std::vector<std::string_view>& seg) {
  std::size_t cut = find_any_of(path, "?#");
  query = cut == std::string_view::npos ? std::string_view() : path.substr(cut);
  if (cut != std::string_view::npos) path = path.substr(0, cut);
  seg.clear();
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = find_any_of(path, "/\\", i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view part = trim_invisible(path.substr(i, j - i));
    if (!part.empty()) seg.push_back(part);
    i = j + 1;
  }
  if (!seg.empty() && equals_ascii_ci(seg[0], "mwlite")) seg.erase(seg.begin());
}

// The first character a profile name cannot have (a URL would not carry it), or npos.
std::size_t bad_slug_char(std::string_view slug) {
  for (std::size_t k = 0; k < slug.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(slug[k]);
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '^' || c == '`' || c == '{' || c == '|' ||
        c == '}')
      return k;
    if (slug.substr(k, 3) == "\xEF\xBF\xBD") return k;
  }
  return std::string_view::npos;
}

// /in/<slug> or /pub/<name>/a/b/c -> the profile URL in `value`; any other page -> what it is.
Problem profile_path(const std::vector<std::string_view>& seg, std::string_view query, const Quoted& q,
                     std::string& value) {
  const std::string first = seg.empty() ? std::string() : lower(seg[0]);
  if (first == "in" || first == "pub") {
    if (seg.size() < 2 || (first == "pub" && lower(seg[1]) == "dir"))
      return not_profile(q + " has no profile name after /" + first + "/." + kExpectProfile);
    const std::size_t keep = first == "in" ? 2 : std::min<std::size_t>(seg.size(), 5);
    for (std::size_t k = 1; k < keep; ++k) {
      std::size_t bad = bad_slug_char(seg[k]);
      if (bad != std::string_view::npos)
        return not_profile(q + ": the profile name contains " + char_at(seg[k], bad) +
                           ", which a LinkedIn URL cannot have." + kExpectProfile);
    }
    std::size_t size = 26 + first.size();
    for (std::size_t k = 1; k < keep; ++k) size += seg[k].size() + 1;
    value.reserve(size);
    value.assign("https://www.linkedin.com/").append(first).append(1, '/');
    for (std::size_t k = 1; k < keep; ++k) {
      if (k > 1) value += '/';
      value.append(seg[k]);
    }
    return {};
  }
  if (first == "company" || first == "showcase")
    return Problem{Code::LinkedinCompanyPage, q + " is a company page, not a person's profile; use the prospect's "
                                                  "own profile (linkedin.com/in/…). The field is left out."};
  if (first == "school" || first == "edu")
    return Problem{Code::LinkedinCompanyPage, q + " is a school page, not a person's profile; use the prospect's "
                                                  "own profile (linkedin.com/in/…). The field is left out."};
  if (first == "sales")
    return Problem{Code::LinkedinSalesNavigator,
                   q + " is a Sales Navigator link, which only opens with a Sales Navigator login; use the public "
                       "profile URL (linkedin.com/in/…). The field is left out."};
  if (first == "talent" || first == "recruiter")
    return not_profile(q + " is a LinkedIn Recruiter link, not a public profile." + kExpectProfile);
  if (first == "profile" && query.find("id=") != std::string_view::npos)
    return not_profile(q + " is an old numeric profile link; open it and copy the linkedin.com/in/… address." +
                       kExpectProfile);
  return not_profile(q + " is a LinkedIn page but not a person's profile." + kExpectProfile);
}

}  // namespace

// ---------------------------------------------------------------- public: LinkedIn

// Accepted: https://www.linkedin.com/in/<slug> from any scheme/www./m./mobile./2-letter country
// host, with query, fragment, trailing slash and extra segments (/in/<slug>/details/...) dropped.
// The slug is kept exactly as given (case and percent-encoding untouched); the host is replaced.
// Legacy public profiles /pub/<name>/<a>/<b>/<c> are accepted too and normalised to
// https://www.linkedin.com/pub/<name>/<a>/<b>/<c> (LinkedIn still redirects them to the profile).
FieldResult check_linkedin(std::string_view raw) {
  FieldResult r;
  std::string collapsed_buf;
  const std::string_view s = collapsed(raw, collapsed_buf);
  if (s.empty()) return r;
  const Quoted q{s};
  std::string_view path, query;
  Problem p = linkedin_host(s, q, path);
  if (!p) {
    static thread_local std::vector<std::string_view> seg;
    path_segments(path, query, seg);
    p = profile_path(seg, query, q, r.value);
  }
  if (p) {
    r.value.clear();
    r.notes.push_back(note(p.code, std::move(p.message)));
  }
  return r;
}

// ---------------------------------------------------------------- website, step by step

namespace {

const char* const kExpectSite = " Expected the company's domain, like acme.com or https://acme.com.";

// The host of a website value ("https://www.acme.com:8080/about" -> "www.acme.com", `tail` "/about"),
// or why it is not a web address ("" when it is one).
std::string website_host(std::string_view s, const Quoted& q, std::string_view& host, std::string_view& tail) {
  bool other_scheme = false;
  std::string_view rest = strip_scheme(s, other_scheme);
  if (other_scheme) return q + " is not a web address (only http and https links can be used)." + kExpectSite;
  if (starts_with_ci(rest, "mailto:")) return q + " looks like an email address, not a website." + kExpectSite;
  std::size_t host_end = find_any_of(rest, "/?#\\");
  if (host_end == std::string_view::npos) host_end = rest.size();
  std::string_view authority = rest.substr(0, host_end);
  tail = rest.substr(host_end);
  std::size_t at = authority.find('@');
  if (at != std::string_view::npos) {
    const DomainCheck site = check_domain(authority.substr(at + 1));
    return q + " looks like an email address, not a website." +
           (site.ok ? " Use the company's site instead, e.g. " + show(site.ascii) + "." : std::string(kExpectSite));
  }
  host = authority;
  if (!host.empty() && host.front() == '[')  // "[2001:db8::1]:8080", "[1.2.3.4]"
    return q + ": the domain is an IP address in brackets; an IP address is not a company domain." + kExpectSite;
  std::size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    if (!all_digits(host.substr(colon + 1)) && colon + 1 != host.size())
      return q + " is not a valid web address." + kExpectSite;
    host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.find(' ') != std::string_view::npos) return q + " is not a web address." + kExpectSite;
  return {};
}

// The warnings of a usable site: an email provider, invisible characters removed, a path dropped.
void website_warnings(FieldResult& r, const Quoted& q, const DomainCheck& dc, std::string_view tail) {
  const std::string& host = dc.ascii;
  const std::string_view base = host.compare(0, 4, "www.") == 0 ? std::string_view(host).substr(4) : host;
  if (is_webmail(base))
    r.notes.push_back(note(Code::WebsiteWebmail,
                           show(base) + " is an email provider, not the company's website; enrichment may "
                                        "match the wrong company. Use the company's own domain if you know it."));
  if (!dc.removed.empty())
    r.notes.push_back(note(Code::WebsiteInvisibleRemoved, q + ": the domain contained " + removed_characters(dc) +
                                                              " removed as browsers do; the site is sent as " +
                                                              r.value + "."));
  if (!tail.empty() && tail != "/")
    r.notes.push_back(note(Code::WebsitePathDropped, "The path " + show(tail) +
                                                         " was dropped; the API takes the site's address only: " +
                                                         r.value + "."));
}

}  // namespace

// ---------------------------------------------------------------- public: website

// The host is kept as given (lower-cased), including a "www." prefix: "www.acme.com" ->
// "https://www.acme.com". A port is dropped silently; the scheme is always https.
FieldResult check_website(std::string_view raw) {
  FieldResult r;
  std::string collapsed_buf;
  const std::string_view s = collapsed(raw, collapsed_buf);
  if (s.empty()) return r;
  const Quoted q{s};
  std::string_view host, tail;
  std::string problem = website_host(s, q, host, tail);
  const DomainCheck dc = problem.empty() ? check_domain(host) : DomainCheck{};
  if (problem.empty() && !dc.ok)
    problem = dc.problem == DomainProblem::NoDot ? q + " has no dot, so it is not a domain." + kExpectSite
                                                 : q + ": the domain " + dc.message + "." + kExpectSite;
  if (problem.empty())
    if (const char* what = social_site(dc.ascii)) problem = q + " is " + what + ", not the company's own website." + kExpectSite;
  if (!problem.empty()) {
    r.notes.push_back(note(Code::WebsiteInvalid, problem + " The field is left out."));
    return r;
  }
  r.value.reserve(8 + dc.ascii.size());
  r.value.assign("https://").append(dc.ascii);
  website_warnings(r, q, dc, tail);
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
    r.notes.push_back(note(Code::NameTooLong, show(v) + " is " + std::to_string(n) +
                                                   " characters long; a name has at most 100. Check that two "
                                                   "columns did not run together."));
  const std::size_t at = v.find('@');
  if (at != std::string::npos && v.find('.', at + 1) != std::string::npos)
    r.notes.push_back(note(Code::NameLooksLikeEmail,
                              show(v) + " looks like an email address, not a name. Check the column mapping."));
  else if (starts_with_ci(v, "http://") || starts_with_ci(v, "https://") || starts_with_ci(v, "www."))
    r.notes.push_back(note(Code::NameLooksLikeUrl,
                              show(v) + " looks like a web address, not a name. Check the column mapping."));
  return r;
}

// ---------------------------------------------------------------- public: quick answers

namespace {

bool lower_ldh(char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; }

// A domain that check_domain accepts as it is, with nothing to note: lower-case letters, digits
// and hyphens in 2 or more labels of 1 to 63, no hyphen at a label's ends and no "--" anywhere (so
// no "xn--" label), a top-level label that is not a number, at most 253 characters.
bool plain_domain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  std::size_t labels = 0, start = 0;
  bool last_has_letter = false;
  for (std::size_t i = 0; i <= d.size(); ++i) {
    if (i < d.size() && d[i] != '.') {
      if (!lower_ldh(d[i])) return false;
      continue;
    }
    const std::string_view label = d.substr(start, i - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        label.find("--") != std::string_view::npos)
      return false;
    last_has_letter = !all_digits(label);
    ++labels;
    start = i + 1;
  }
  return labels >= 2 && last_has_letter;
}

bool email_local_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '+' || c == '-'; }

}  // namespace

Quick quick_email(std::string_view raw) {
  const std::size_t at = raw.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || raw.size() > 254) return Quick::Unknown;
  const std::string_view local = raw.substr(0, at), dom = raw.substr(at + 1);
  for (char c : local)
    if (!email_local_char(c)) return Quick::Unknown;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return Quick::Unknown;
  if (!plain_domain(dom) || has_typo(dom)) return Quick::Unknown;
  return Quick::Same;
}

Quick quick_linkedin(std::string_view raw) {
  if (raw.empty()) return Quick::Empty;
  constexpr std::string_view kHttps = "https://www.linkedin.com/in/", kHttp = "http://www.linkedin.com/in/";
  Quick q = Quick::Unknown;
  std::string_view slug;
  if (raw.compare(0, kHttps.size(), kHttps) == 0) {
    q = Quick::Same;
    slug = raw.substr(kHttps.size());
  } else if (raw.compare(0, kHttp.size(), kHttp) == 0) {
    q = Quick::HttpToHttps;
    slug = raw.substr(kHttp.size());
  }
  if (slug.empty()) return Quick::Unknown;
  for (char c : slug)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '%') return Quick::Unknown;
  return q;
}

Quick quick_website(std::string_view raw) {
  if (raw.empty()) return Quick::Empty;
  Quick q = Quick::Https;
  std::string_view host = raw;
  if (host.compare(0, 8, "https://") == 0) {
    q = Quick::Same;
    host.remove_prefix(8);
  } else if (host.compare(0, 7, "http://") == 0) {
    q = Quick::HttpToHttps;
    host.remove_prefix(7);
  }
  if (!plain_domain(host)) return Quick::Unknown;
  const std::string_view base = host.compare(0, 4, "www.") == 0 ? host.substr(4) : host;
  // social_site(host) and is_webmail(base) in one walk: base is the host or the domain it is under.
  for (std::string_view d = host;;) {
    const std::size_t dot = d.find('.');
    if (dot == std::string_view::npos) break;
    if (const Listed* e = domain_lists().find(d)) {
      if (e->kinds & kSocialKind) return Quick::Unknown;
      if ((e->kinds & kWebmailKind) && d.data() == base.data()) return Quick::Unknown;
    }
    d.remove_prefix(dot + 1);
  }
  return q;
}

Quick quick_name(std::string_view raw) {
  if (raw.empty()) return Quick::Empty;
  if (raw.size() > 100 || raw.front() == ' ' || raw.back() == ' ') return Quick::Unknown;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == ' ') {
      if (raw[i - 1] == ' ') return Quick::Unknown;  // i > 0: the first byte is not a space
    } else if (c < 0x21 || c > 0x7E || c == '@') {
      return Quick::Unknown;
    }
  }
  const char first = ascii_lower(raw.front());
  if ((first == 'h' && (starts_with_ci(raw, "http://") || starts_with_ci(raw, "https://"))) ||
      (first == 'w' && starts_with_ci(raw, "www.")))
    return Quick::Unknown;
  return Quick::Same;
}

bool is_webmail_domain(std::string_view domain) { return is_webmail(domain); }

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

}  // namespace pe
