// Domains: international domain names (IDNA) and the host rules applied to every domain the tool
// sends or checks (email domains, website hosts, LinkedIn hosts).
//
// Conversion follows UTS #46 (Unicode IDNA Compatibility Processing) the way browsers do:
// non-transitional (ß and ς are kept, "faß.de" -> "xn--fa-hia.de"), with CheckBidi and
// CheckJoiners, plus the IDNA2008 code point rules (RFC 5892) that mail software applies: emoji,
// symbols and punctuation are rejected ("i❤.ws" is invalid). The Unicode tables are not written
// here: one label at a time is handed to a backend outside the core,
//   - native builds: libidn2 (src/native/idna_libidn2.cpp; idn2_lookup_u8, IDNA2008 + TR46);
//   - wasm builds:   the browser's own WHATWG URL host parser (src/wasm/idna_url.cpp and .js;
//                    `new URL('http://' + label + '.invalid').hostname`, the same under Node),
// and CMake links the right one into every output. Only labels that are not plain ASCII, or that
// start with "xn--", go to the backend; plain ASCII domains take the fast path. Both builds must
// agree on one table of cases (tests/core/test_idna.cpp).
//
// Policy decided here (docs/field-rules.md):
//   - Invisible characters that UTS #46 maps to nothing (soft hyphen U+00AD, zero-width space
//     U+200B, word joiner U+2060, BOM U+FEFF, ...) are removed, as browsers do, and reported
//     (DomainCheck::removed) so that the caller warns: the domain *is* the one without them, but
//     the user should know the value was not what it looked like. Invisible characters UTS #46
//     does not allow (bidi controls such as U+202E, Hangul fillers) make the domain invalid, and
//     so do zero-width joiners (U+200C, U+200D) outside the scripts that need them.
//   - An "xn--" label must be valid punycode that decodes to a valid label ("xn--zz", "xn--" are
//     rejected).
//   - Labels may hold letters, digits and hyphens only after conversion; no label starts or ends
//     with a hyphen; an international label has no "--" in its 3rd and 4th place; labels are at
//     most 63 and the domain at most 253 characters once converted.
//   - IP addresses and numbers are not company domains: "1.2.3.4", "[1.2.3.4]", "[IPv6:::1]" and
//     any domain whose last (top-level) label is all digits ("123.456", "acme.123") are invalid,
//     with a message that says so. Top-level domains are never numeric (RFC 3696 section 2), and
//     browsers read such hosts as IPv4 addresses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pe {

// ---- the backend: implemented outside the core (see above) ----------------------------------------

enum class IdnaStatus : std::uint8_t {
  Ok,
  Disallowed,   // a character domain names cannot contain (emoji, symbols, punctuation, controls)
  Bidi,         // breaks the bidi rule (RFC 5893): right-to-left and left-to-right mixed wrongly
  Joiner,       // a zero-width joiner/non-joiner where RFC 5892 does not allow one
  LeadingMark,  // starts with a combining mark
  Hyphen,       // starts or ends with a hyphen, or "--" in the 3rd and 4th place
  Punycode,     // an "xn--" label that is not valid punycode or not a valid A-label
  TooLong,      // longer than 63 characters once encoded
  Invalid,      // any other reason
};

// UTS #46 ToASCII of ONE label (no dots; the core splits the domain), non-transitional, with
// CheckBidi, CheckJoiners and the IDNA2008 code point rules. utf8_label is valid UTF-8, holds no
// ASCII other than letters, digits and '-', no spaces or controls. On Ok, `ascii` is the lower-case
// result ("xn--..." for an international label; mapping can also give plain ASCII: "ｂ" -> "b").
IdnaStatus idna_label_to_ascii(std::string_view utf8_label, std::string& ascii);
// "libidn2 2.3.3", "WHATWG URL (browser)": for reports and test output.
std::string idna_backend_name();

// ---- the core: domains ------------------------------------------------------------------------

enum class DomainProblem : std::uint8_t {
  None,
  Empty,
  TooLongInput,   // more than 1024 bytes before conversion
  BadCharacter,   // a character no domain can have (message names it)
  Comma,          // "acme,com"
  EdgeDot,        // starts or ends with a dot
  DoubleDot,      // two dots in a row
  NoDot,          // a single label
  TooLong,        // > 253 characters, or a label > 63
  Hyphen,         // a label starts or ends with a hyphen, or an IDN label has "--" in place 3-4
  Idna,           // the backend refused a label (see IdnaStatus; message says why)
  IpAddress,      // 1.2.3.4 or [1.2.3.4] / [IPv6:...]
  NumericTld,     // the last label is all digits
};

struct DomainCheck {
  bool ok = false;
  std::string ascii;                 // what is sent: lower-case ASCII, "xn--" for international labels
  bool converted = false;            // some label was changed by IDNA processing beyond ASCII lower-casing
  bool international = false;        // the result has an "xn--" label that the input wrote in Unicode
  std::vector<char32_t> removed;     // invisible characters UTS #46 mapped to nothing (U+200B, U+00AD, ...)
  DomainProblem problem = DomainProblem::None;
  std::string message;               // when !ok: completes "the domain ...", e.g. "has no dot"; safe to show
};

// Converts and checks a domain (no scheme, port, path or trailing dot; the callers strip those).
DomainCheck check_domain(std::string_view domain);

// Conversion only (no host rules besides those of IDNA): UTF-8 domain -> ASCII with "xn--" labels,
// lower-cased; a trailing dot is kept. False when the input is not valid UTF-8, a label cannot be
// converted, or the input or its result is over 1,024 bytes; `out` is then empty. A result is
// always converted back to itself.
bool domain_to_ascii(std::string_view utf8_domain, std::string& out);

// "U+200B, U+00AD" for a list of removed characters.
std::string code_point_list(const std::vector<char32_t>& cps);

// RFC 3492 punycode decoding of the part after "xn--". False on invalid input.
bool punycode_decode(std::string_view encoded, std::u32string& out);

}  // namespace pe
