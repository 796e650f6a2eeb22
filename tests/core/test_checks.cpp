// The checks (src/core/checks.hpp): email, LinkedIn, website, names, full-name split, whitespace, punycode.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "checks.hpp"

using pe::FieldResult;
using pe::Severity;

namespace {

// The codes of the notes, in order, joined by ",".
std::string codes(const FieldResult& r) {
  std::string out;
  for (const pe::Note& n : r.notes) out += std::string(out.empty() ? "" : ",") + pe::code_name(n.code);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// True when s is well-formed UTF-8.
bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                                                                 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// Email: the single error note of an invalid address.
std::string email_error(const std::string& raw) {
  FieldResult r = pe::check_email(raw);
  EXPECT_FALSE(r.valid) << raw;
  EXPECT_EQ(r.value, "") << raw;
  EXPECT_EQ(r.notes.size(), 1u) << raw;
  if (r.notes.empty()) return {};
  EXPECT_EQ(r.notes[0].severity(), Severity::Error) << raw;
  return std::string(pe::code_name(r.notes[0].code)) + ": " + r.notes[0].message;
}

}  // namespace

// ------------------------------------------------------------------ collapse_whitespace

TEST(CollapseWhitespace, TrimsAndCollapsesAsciiRuns) {
  EXPECT_EQ(pe::collapse_whitespace("  Ada \t\t Lovelace \r\n"), "Ada Lovelace");
  EXPECT_EQ(pe::collapse_whitespace("Ada"), "Ada");
  EXPECT_EQ(pe::collapse_whitespace(""), "");
  EXPECT_EQ(pe::collapse_whitespace(" \t\n "), "");
}

TEST(CollapseWhitespace, TreatsNbspAndUnicodeSpacesAsSpace) {
  EXPECT_EQ(pe::collapse_whitespace("\xC2\xA0" "Ada\xC2\xA0\xC2\xA0Lovelace\xC2\xA0"), "Ada Lovelace");
  EXPECT_EQ(pe::collapse_whitespace("Ada\xE3\x80\x80Lovelace"), "Ada Lovelace");  // U+3000
  EXPECT_EQ(pe::collapse_whitespace("Ada\xE2\x80\xAFLovelace"), "Ada Lovelace");  // U+202F
}

TEST(CollapseWhitespace, RemovesZeroWidthCharactersAtTheEndsOnly) {
  EXPECT_EQ(pe::collapse_whitespace("\xEF\xBB\xBF" "email"), "email");            // BOM
  EXPECT_EQ(pe::collapse_whitespace("a@b.co\xE2\x80\x8B "), "a@b.co");            // ZWSP
  EXPECT_EQ(pe::collapse_whitespace("a\xE2\x80\x8B" "b"), "a\xE2\x80\x8B" "b");  // kept inside
}

TEST(CollapseWhitespace, KeepsNonAsciiAndReplacesInvalidUtf8) {
  EXPECT_EQ(pe::collapse_whitespace("  Jürgen  Müller "), "Jürgen Müller");
  EXPECT_EQ(pe::collapse_whitespace("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(pe::collapse_whitespace("\xC3"), "\xEF\xBF\xBD");  // truncated sequence
  EXPECT_EQ(pe::collapse_whitespace("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

// ------------------------------------------------------------------ domain_to_ascii

TEST(DomainToAscii, Rfc3492Vectors) {
  std::string out;
  ASSERT_TRUE(pe::domain_to_ascii("bücher.de", out));
  EXPECT_EQ(out, "xn--bcher-kva.de");
  ASSERT_TRUE(pe::domain_to_ascii("münchen.de", out));
  EXPECT_EQ(out, "xn--mnchen-3ya.de");
  ASSERT_TRUE(pe::domain_to_ascii("例え.jp", out));
  EXPECT_EQ(out, "xn--r8jz45g.jp");
  ASSERT_TRUE(pe::domain_to_ascii("ñandú.com", out));
  EXPECT_EQ(out, "xn--and-6ma2c.com");
  // Symbols and emoji are not allowed in IDNA2008 labels (see test_idna.cpp): "☃.net" is refused.
  EXPECT_FALSE(pe::domain_to_ascii("☃.net", out));
  ASSERT_TRUE(pe::domain_to_ascii("пример.рф", out));
  EXPECT_EQ(out, "xn--e1afmkfd.xn--p1ai");
}

TEST(DomainToAscii, LowerCasesAsciiAndLatinLetters) {
  std::string out;
  ASSERT_TRUE(pe::domain_to_ascii("Acme.COM", out));
  EXPECT_EQ(out, "acme.com");
  ASSERT_TRUE(pe::domain_to_ascii("BÜCHER.DE", out));
  EXPECT_EQ(out, "xn--bcher-kva.de");
  ASSERT_TRUE(pe::domain_to_ascii("ПРИМЕР.рф", out));
  EXPECT_EQ(out, "xn--e1afmkfd.xn--p1ai");
}

TEST(DomainToAscii, KeepsAsciiLabelsAndAcceptsIdeographicDot) {
  std::string out;
  ASSERT_TRUE(pe::domain_to_ascii("xn--bcher-kva.de", out));
  EXPECT_EQ(out, "xn--bcher-kva.de");
  ASSERT_TRUE(pe::domain_to_ascii("例え。jp", out));  // U+3002
  EXPECT_EQ(out, "xn--r8jz45g.jp");
  ASSERT_TRUE(pe::domain_to_ascii("bücher.de.", out));
  EXPECT_EQ(out, "xn--bcher-kva.de.");
}

// Found by fuzz_fields: an input just under the 1,024-byte limit whose ASCII form is longer than
// that limit was converted, and the result could not be converted again.
TEST(DomainToAscii, ResultIsAlwaysAcceptedBack) {
  std::string domain;
  while (domain.size() < 1000) domain += "g\xCA\x9E.";  // "gʞ." -> "xn--g-94a."
  domain += "de";
  ASSERT_LE(domain.size(), 1024u);
  std::string out, again;
  if (pe::domain_to_ascii(domain, out)) {
    EXPECT_TRUE(pe::domain_to_ascii(out, again));
    EXPECT_EQ(again, out);
  } else {
    EXPECT_EQ(out, "");
  }
  ASSERT_TRUE(pe::domain_to_ascii("g\xCA\x9E.de", out));
  EXPECT_EQ(out, "xn--g-94a.de");
  ASSERT_TRUE(pe::domain_to_ascii(out, again));
  EXPECT_EQ(again, out);
}

TEST(DomainToAscii, RejectsInvalidUtf8AndOverlongLabels) {
  std::string out = "junk";
  EXPECT_FALSE(pe::domain_to_ascii("b\xFF" "cher.de", out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(pe::domain_to_ascii("\xC0\xAF.de", out));  // overlong '/'
  std::string label;
  for (int i = 0; i < 64; ++i) label += "ü";
  EXPECT_FALSE(pe::domain_to_ascii(label + ".de", out));
  EXPECT_FALSE(pe::domain_to_ascii("b\xC2\xA0" "cher.de", out));  // NBSP inside a label
}

// ------------------------------------------------------------------ check_email: valid

TEST(CheckEmail, ValidAddressIsTrimmedAndDomainLowerCased) {
  FieldResult r = pe::check_email("  John.Doe@ACME.Com \xC2\xA0");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.value, "John.Doe@acme.com");
  EXPECT_TRUE(r.notes.empty());
}

TEST(CheckEmail, AcceptsAllAtextCharacters) {
  FieldResult r = pe::check_email("a!#$%&'*+/=?^_`{|}~-z@sub.example.co.uk");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.value, "a!#$%&'*+/=?^_`{|}~-z@sub.example.co.uk");
  EXPECT_EQ(pe::check_email("x@a-b.io").value, "x@a-b.io");
  EXPECT_EQ(pe::check_email("first.last+tag@acme.com").value, "first.last+tag@acme.com");
}

TEST(CheckEmail, LengthLimitsAtTheBoundary) {
  const std::string local64(64, 'a');
  FieldResult ok = pe::check_email(local64 + "@acme.com");
  EXPECT_TRUE(ok.valid);
  // 254 characters in all: 64 + 1 + 189
  const std::string dom189 = std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(57, 'd') + ".com";
  ASSERT_EQ(dom189.size(), 189u);
  EXPECT_TRUE(pe::check_email(local64 + "@" + dom189).valid);
}

TEST(CheckEmail, UnwrapsDisplayNameForm) {
  FieldResult r = pe::check_email("John Doe <John@Acme.COM>");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.value, "John@acme.com");
  EXPECT_EQ(codes(r), "email_unwrapped");
  EXPECT_EQ(r.notes[0].severity(), Severity::Warning);
  EXPECT_EQ(r.notes[0].message, "“John Doe <John@Acme.COM>” was reduced to the address “John@acme.com”.");

  FieldResult q = pe::check_email("\"Doe, John\" <j@acme.com>");
  EXPECT_EQ(q.value, "j@acme.com");
  EXPECT_EQ(codes(q), "email_unwrapped");
  EXPECT_EQ(pe::check_email("<j@acme.com>").value, "j@acme.com");
  EXPECT_EQ(pe::check_email("John < j@acme.com >").value, "j@acme.com");
}

TEST(CheckEmail, UnwrapsMailtoCaseInsensitiveWithQuery) {
  FieldResult r = pe::check_email("MAILTO:j@acme.com?subject=Hello%20there");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.value, "j@acme.com");
  EXPECT_EQ(codes(r), "email_unwrapped");
  EXPECT_EQ(pe::check_email("mailto:j@Acme.com").value, "j@acme.com");
  EXPECT_EQ(pe::check_email("Jo <mailto:j@acme.com>").value, "j@acme.com");
}

TEST(CheckEmail, ConvertsInternationalDomainWithWarning) {
  FieldResult r = pe::check_email("jurgen@Bücher.de");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.value, "jurgen@xn--bcher-kva.de");
  EXPECT_EQ(codes(r), "email_idn_converted");
  EXPECT_EQ(r.notes[0].severity(), Severity::Warning);
  EXPECT_TRUE(contains(r.notes[0].message, "“jurgen@xn--bcher-kva.de”")) << r.notes[0].message;
}

TEST(CheckEmail, WarnsAboutCommonDomainTyposButKeepsValue) {
  FieldResult r = pe::check_email("jane@gmial.com");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.value, "jane@gmial.com");
  EXPECT_EQ(codes(r), "email_domain_typo");
  EXPECT_TRUE(contains(r.notes[0].message, "did you mean “jane@gmail.com”?")) << r.notes[0].message;

  FieldResult t = pe::check_email("jane@acme.con");
  EXPECT_EQ(t.value, "jane@acme.con");
  EXPECT_EQ(codes(t), "email_domain_typo");
  EXPECT_TRUE(contains(t.notes[0].message, "“jane@acme.com”")) << t.notes[0].message;

  EXPECT_TRUE(pe::check_email("jane@gmail.com").notes.empty());
  EXPECT_TRUE(pe::check_email("jane@acme.co").notes.empty());
}

// ------------------------------------------------------------------ check_email: invalid

TEST(CheckEmail, EmptyIsMissing) {
  for (const char* raw : {"", "   ", "\t\xC2\xA0"}) {
    FieldResult r = pe::check_email(raw);
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.value, "");
    EXPECT_EQ(codes(r), "email_missing");
    EXPECT_EQ(r.notes[0].severity(), Severity::Error);
  }
}

TEST(CheckEmail, DomainWithoutDot) {
  EXPECT_EQ(email_error("john.doe@acme"),
            "email_invalid: “john.doe@acme” has no dot in the domain — check for a missing “.com”.");
}

TEST(CheckEmail, AtSignProblems) {
  EXPECT_EQ(email_error("johnacme.com"), "email_invalid: “johnacme.com” has no @ sign; an email looks like name@company.com.");
  EXPECT_EQ(email_error("john@@acme.com"), "email_invalid: “john@@acme.com” has 2 @ signs; an address has exactly one.");
  EXPECT_EQ(email_error("a@b@c.com"), "email_invalid: “a@b@c.com” has 2 @ signs; an address has exactly one.");
  EXPECT_EQ(email_error("@acme.com"), "email_invalid: “@acme.com” has nothing before the @.");
  EXPECT_EQ(email_error("john@"), "email_invalid: “john@” has nothing after the @; add the domain, e.g. acme.com.");
}

TEST(CheckEmail, SpacesAndSeveralAddresses) {
  EXPECT_EQ(email_error("john doe@acme.com"),
            "email_invalid: “john doe@acme.com” contains a space; remove it (an address has no spaces).");
  EXPECT_EQ(email_error("john@acme\xC2\xA0.com"),
            "email_invalid: “john@acme .com” contains a space; remove it (an address has no spaces).");
  EXPECT_EQ(email_error("a@b.co; c@d.co"),
            "email_invalid: “a@b.co; c@d.co” holds more than one address; keep only the one the prospect has in "
            "Woodpecker.");
  EXPECT_TRUE(contains(email_error("a@b.co,c@d.co"), "more than one address"));
}

TEST(CheckEmail, LocalPartDots) {
  EXPECT_EQ(email_error(".john@acme.com"), "email_invalid: “.john@acme.com”: the part before @ starts with a dot.");
  EXPECT_EQ(email_error("john.@acme.com"), "email_invalid: “john.@acme.com”: the part before @ ends with a dot.");
  EXPECT_EQ(email_error("jo..hn@acme.com"), "email_invalid: “jo..hn@acme.com”: the part before @ has two dots in a row.");
}

TEST(CheckEmail, LocalPartCharacters) {
  EXPECT_EQ(email_error("john(x)@acme.com"),
            "email_invalid: “john(x)@acme.com”: the part before @ contains “(”, which an address cannot have.");
  EXPECT_TRUE(contains(email_error("\"john\"@acme.com"), "contains “\"”"));
  EXPECT_TRUE(contains(email_error("jo\x01hn@acme.com"), "contains a control character"));
  std::string msg = email_error("jürgen@acme.de");
  EXPECT_TRUE(contains(msg, "email_invalid: “jürgen@acme.de”: the part before @ has non-ASCII characters (“ü”)")) << msg;
}

TEST(CheckEmail, DomainProblems) {
  EXPECT_EQ(email_error("john@acme,com"),
            "email_invalid: “john@acme,com”: the domain has a comma — check for a “,” typed instead of a “.”.");
  EXPECT_EQ(email_error("john@acme_x.com"),
            "email_invalid: “john@acme_x.com”: the domain contains “_”, which a domain cannot have.");
  EXPECT_EQ(email_error("john@acme.com."), "email_invalid: “john@acme.com.”: the domain ends with a dot.");
  EXPECT_EQ(email_error("john@.acme.com"), "email_invalid: “john@.acme.com”: the domain starts with a dot.");
  EXPECT_EQ(email_error("john@acme..com"), "email_invalid: “john@acme..com”: the domain has two dots in a row.");
  EXPECT_EQ(email_error("john@-acme.com"),
            "email_invalid: “john@-acme.com”: the domain has a part that starts or ends with a hyphen (“-acme”).");
  EXPECT_EQ(email_error("john@acme-.com"),
            "email_invalid: “john@acme-.com”: the domain has a part that starts or ends with a hyphen (“acme-”).");
  EXPECT_EQ(email_error("john@" + std::string(64, 'a') + ".com"),
            "email_invalid: “john@" + std::string(64, 'a') + ".com”: the domain has a part longer than 63 characters.");
  EXPECT_TRUE(contains(email_error("john@acme.com/"), "contains “/”"));
}

TEST(CheckEmail, TooLong) {
  const std::string local(65, 'a');
  EXPECT_EQ(email_error(local + "@acme.com"),
            "email_too_long: “" + local + "@acme.com”: the part before @ is 65 characters; the limit is 64.");
  // 270 characters: 60 + 1 + 209
  const std::string dom = std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(77, 'd') + ".com";
  ASSERT_EQ(dom.size(), 209u);
  std::string err = email_error(std::string(60, 'x') + "@" + dom);
  EXPECT_TRUE(contains(err, "email_too_long: “xxxx")) << err;
  EXPECT_TRUE(contains(err, "…” is 270 characters; the limit is 254.")) << err;
}

TEST(CheckEmail, BrokenWrappers) {
  EXPECT_EQ(email_error("<>"), "email_invalid: “<>” has no address in it; expected name@company.com.");
  EXPECT_EQ(email_error("mailto:"), "email_invalid: “mailto:” has no address in it; expected name@company.com.");
}

TEST(CheckEmail, InvalidUtf8NeverLeaksIntoMessages) {
  FieldResult r = pe::check_email("a@\xFF.com");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(codes(r), "email_invalid");
  EXPECT_TRUE(valid_utf8(r.notes[0].message));
  FieldResult s = pe::check_email("x\xC3@a.com");
  EXPECT_EQ(codes(s), "email_invalid");
  EXPECT_TRUE(valid_utf8(s.notes[0].message));
}

TEST(CheckEmail, HugeInputIsRejectedQuicklyWithShortMessage) {
  std::string huge(1 << 20, 'a');
  huge += "@acme.com";
  FieldResult r = pe::check_email(huge);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(codes(r), "email_too_long");
  EXPECT_LT(r.notes[0].message.size(), 400u);
  EXPECT_TRUE(contains(r.notes[0].message, "is 1048585 characters; the limit is 254."));
  // A huge domain too: too long, not a domain problem.
  FieldResult d = pe::check_email("a@" + std::string(1 << 20, 'b') + ".com");
  EXPECT_EQ(codes(d), "email_too_long");
  EXPECT_TRUE(contains(d.notes[0].message, "is 1048582 characters; the limit is 254.")) << d.notes[0].message;
  EXPECT_LT(d.notes[0].message.size(), 400u);
}

// ------------------------------------------------------------------ check_linkedin

TEST(CheckLinkedin, NormalisesProfileUrls) {
  struct Case { const char* in; const char* out; } cases[] = {
      {"https://www.linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
      {"linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
      {"www.linkedin.com/in/jane-doe/", "https://www.linkedin.com/in/jane-doe"},
      {"http://linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
      {"HTTPS://WWW.LINKEDIN.COM/in/Jane-Doe/", "https://www.linkedin.com/in/Jane-Doe"},
      {"https://m.linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
      {"https://de.linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
      {"https://www.linkedin.com/in/jane-doe?trk=public_profile#about", "https://www.linkedin.com/in/jane-doe"},
      {"https://www.linkedin.com/in/jane-doe/details/experience/", "https://www.linkedin.com/in/jane-doe"},
      {"https://www.linkedin.com:443/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
      {"  https://www.linkedin.com/in/jane-doe  ", "https://www.linkedin.com/in/jane-doe"},
      {"https://www.linkedin.com/mwlite/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
      {"https://www.linkedin.com/IN/jane-doe", "https://www.linkedin.com/in/jane-doe"},
  };
  for (const Case& c : cases) {
    FieldResult r = pe::check_linkedin(c.in);
    EXPECT_EQ(r.value, c.out) << c.in;
    EXPECT_TRUE(r.notes.empty()) << c.in;
    EXPECT_TRUE(r.valid);
  }
}

TEST(CheckLinkedin, KeepsPercentEncodingAndUnicodeSlugAsGiven) {
  EXPECT_EQ(pe::check_linkedin("https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller-1a2b3c/").value,
            "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller-1a2b3c");
  EXPECT_EQ(pe::check_linkedin("linkedin.com/in/jürgen-müller").value, "https://www.linkedin.com/in/jürgen-müller");
}

// Found by tests/fuzz/fuzz_fields (reproducer in tests/fuzz/corpus/fields/): a zero-width space,
// word joiner or BOM pasted at the end of the profile name, before a query, fragment or slash, was
// kept in the URL sent, and checking that URL again dropped it (the check was not idempotent).
TEST(CheckLinkedin, InvisibleCharactersAroundTheProfileNameAreDropped) {
  const std::string want = "https://www.linkedin.com/in/J%C3%B6";
  EXPECT_EQ(pe::check_linkedin("de.linkedin.com/in/J%C3%B6\xE2\x81\xA0#a").value, want);  // word joiner
  EXPECT_EQ(pe::check_linkedin("linkedin.com/in/J%C3%B6\xE2\x80\x8B/").value, want);      // zero-width space
  EXPECT_EQ(pe::check_linkedin("linkedin.com/in/\xEF\xBB\xBFJ%C3%B6?trk=x").value, want);  // BOM
  EXPECT_EQ(pe::check_linkedin(want).value, want);
  // Nothing but an invisible character is no profile name.
  FieldResult none = pe::check_linkedin("linkedin.com/in/\xE2\x80\x8B/x");
  EXPECT_EQ(none.value, "https://www.linkedin.com/in/x");
  FieldResult empty = pe::check_linkedin("linkedin.com/in/\xE2\x80\x8B?x");
  EXPECT_EQ(empty.value, "");
  EXPECT_EQ(codes(empty), "linkedin_not_profile");
}

TEST(CheckLinkedin, AcceptsLegacyPubProfiles) {
  EXPECT_EQ(pe::check_linkedin("http://www.linkedin.com/pub/jane-doe/1a/2b/3c/?trk=x").value,
            "https://www.linkedin.com/pub/jane-doe/1a/2b/3c");
  FieldResult dir = pe::check_linkedin("https://www.linkedin.com/pub/dir/Jane/Doe");
  EXPECT_EQ(dir.value, "");
  EXPECT_EQ(codes(dir), "linkedin_not_profile");
}

TEST(CheckLinkedin, EmptyGivesNothing) {
  FieldResult r = pe::check_linkedin("  ");
  EXPECT_EQ(r.value, "");
  EXPECT_TRUE(r.notes.empty());
  EXPECT_TRUE(r.valid);
}

TEST(CheckLinkedin, CompanyAndSchoolPages) {
  FieldResult r = pe::check_linkedin("https://www.linkedin.com/company/acme-corp/");
  EXPECT_EQ(r.value, "");
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(codes(r), "linkedin_company_page");
  EXPECT_EQ(r.notes[0].severity(), Severity::Warning);
  EXPECT_TRUE(contains(r.notes[0].message, "is a company page, not a person's profile")) << r.notes[0].message;
  EXPECT_EQ(codes(pe::check_linkedin("linkedin.com/showcase/acme-labs")), "linkedin_company_page");
  FieldResult s = pe::check_linkedin("https://www.linkedin.com/school/mit/");
  EXPECT_EQ(codes(s), "linkedin_company_page");
  EXPECT_TRUE(contains(s.notes[0].message, "school page"));
}

TEST(CheckLinkedin, SalesNavigator) {
  FieldResult r = pe::check_linkedin("https://www.linkedin.com/sales/lead/ACwAAABCDEF,NAME_SEARCH,xyz");
  EXPECT_EQ(r.value, "");
  EXPECT_EQ(codes(r), "linkedin_sales_navigator");
  EXPECT_TRUE(contains(r.notes[0].message, "Sales Navigator")) << r.notes[0].message;
  EXPECT_EQ(codes(pe::check_linkedin("https://www.linkedin.com/sales/people/ACwAA123,name")), "linkedin_sales_navigator");
}

TEST(CheckLinkedin, LinkedinPagesThatAreNotProfiles) {
  for (const char* raw : {"https://www.linkedin.com/feed/", "https://www.linkedin.com/", "linkedin.com",
                          "https://www.linkedin.com/in/", "https://www.linkedin.com/posts/jane_activity-123",
                          "https://business.linkedin.com/talent-solutions", "lnkd.in/dAbC12",
                          "https://www.linkedin.com/profile/view?id=12345",
                          "https://www.linkedin.com/in/jane doe",
                          "https://www.linkedin.com/talent/profile/AEMAA123"}) {
    FieldResult r = pe::check_linkedin(raw);
    EXPECT_EQ(r.value, "") << raw;
    EXPECT_EQ(codes(r), "linkedin_not_profile") << raw;
  }
  EXPECT_TRUE(contains(pe::check_linkedin("https://www.linkedin.com/in/").notes[0].message,
                       "has no profile name after /in/"));
  EXPECT_TRUE(contains(pe::check_linkedin("lnkd.in/x").notes[0].message, "shortened lnkd.in link"));
}

TEST(CheckLinkedin, NotLinkedin) {
  for (const char* raw : {"https://acme.com/in/jane", "jane doe", "jane-doe", "jane@acme.com",
                          "https://linkedin.com.evil.io/in/jane", "ftp://linkedin.com/in/jane", "N/A"}) {
    FieldResult r = pe::check_linkedin(raw);
    EXPECT_EQ(r.value, "") << raw;
    EXPECT_EQ(codes(r), "linkedin_not_linkedin") << raw;
  }
  EXPECT_TRUE(contains(pe::check_linkedin("jane@acme.com").notes[0].message, "looks like an email address"));
  EXPECT_EQ(pe::check_linkedin("https://acme.com/in/jane").notes[0].message,
            "“https://acme.com/in/jane” is not a LinkedIn address. Expected a profile URL like "
            "https://www.linkedin.com/in/jane-doe; the field is left out.");
}

// ------------------------------------------------------------------ check_website

TEST(CheckWebsite, NormalisesToHttpsHost) {
  struct Case { const char* in; const char* out; } cases[] = {
      {"acme.com", "https://acme.com"},
      {"Acme.COM", "https://acme.com"},
      {"www.acme.com", "https://www.acme.com"},
      {"http://acme.com", "https://acme.com"},
      {"https://acme.com/", "https://acme.com"},
      {"HTTPS://WWW.Acme.co.uk", "https://www.acme.co.uk"},
      {"acme.com:8080", "https://acme.com"},
      {"acme.com.", "https://acme.com"},
      {"//acme.com", "https://acme.com"},
      {"  acme.io  ", "https://acme.io"},
  };
  for (const Case& c : cases) {
    FieldResult r = pe::check_website(c.in);
    EXPECT_EQ(r.value, c.out) << c.in;
    EXPECT_TRUE(r.notes.empty()) << c.in;
  }
}

TEST(CheckWebsite, DropsPathWithWarning) {
  FieldResult r = pe::check_website("http://Acme.com/about?x");
  EXPECT_EQ(r.value, "https://acme.com");
  EXPECT_EQ(codes(r), "website_path_dropped");
  EXPECT_EQ(r.notes[0].severity(), Severity::Warning);
  EXPECT_EQ(r.notes[0].message, "The path “/about?x” was dropped; the API takes the site's address only: https://acme.com.");
  EXPECT_EQ(codes(pe::check_website("acme.com?utm_source=x")), "website_path_dropped");
  EXPECT_EQ(codes(pe::check_website("acme.com#contact")), "website_path_dropped");
  EXPECT_EQ(pe::check_website("https://acme.com/en/").value, "https://acme.com");
}

TEST(CheckWebsite, InternationalHostToPunycode) {
  FieldResult r = pe::check_website("https://Bücher.de");
  EXPECT_EQ(r.value, "https://xn--bcher-kva.de");
  EXPECT_TRUE(r.notes.empty());
  EXPECT_EQ(pe::check_website("münchen.de/impressum").value, "https://xn--mnchen-3ya.de");
}

TEST(CheckWebsite, WebmailIsKeptWithWarning) {
  for (const char* raw : {"gmail.com", "www.gmail.com", "https://outlook.com", "yahoo.com", "proton.me", "gmx.de",
                          "web.de", "qq.com", "163.com", "icloud.com", "googlemail.com"}) {
    FieldResult r = pe::check_website(raw);
    EXPECT_EQ(codes(r), "website_webmail") << raw;
    EXPECT_FALSE(r.value.empty()) << raw;
  }
  FieldResult g = pe::check_website("www.gmail.com");
  EXPECT_EQ(g.value, "https://www.gmail.com");
  EXPECT_TRUE(contains(g.notes[0].message, "“gmail.com” is an email provider, not the company's website"));
  EXPECT_TRUE(pe::check_website("gmailcompany.com").notes.empty());
  EXPECT_TRUE(pe::check_website("mygmail.com").notes.empty());
}

TEST(CheckWebsite, EmailInWebsiteColumn) {
  FieldResult r = pe::check_website("john@acme.com");
  EXPECT_EQ(r.value, "");
  EXPECT_EQ(codes(r), "website_invalid");
  EXPECT_EQ(r.notes[0].message,
            "“john@acme.com” looks like an email address, not a website. Use the company's site instead, e.g. "
            "“acme.com”. The field is left out.");
  EXPECT_EQ(codes(pe::check_website("mailto:john@acme.com")), "website_invalid");
}

TEST(CheckWebsite, InvalidHostsAreLeftOut) {
  for (const char* raw : {"acme", "Acme Inc", "n/a", "-", "acme..com", "-acme.com", "acme_corp.com", "192.168.0.1",
                          "ftp://acme.com", "http://", "acme.com:abc", "https://www.linkedin.com/company/acme",
                          "facebook.com/acme", "a\xFF.com"}) {
    FieldResult r = pe::check_website(raw);
    EXPECT_EQ(r.value, "") << raw;
    EXPECT_EQ(codes(r), "website_invalid") << raw;
    EXPECT_TRUE(valid_utf8(r.notes[0].message)) << raw;
  }
  EXPECT_EQ(pe::check_website("acme").notes[0].message,
            "“acme” has no dot, so it is not a domain. Expected the company's domain, like acme.com or "
            "https://acme.com. The field is left out.");
  EXPECT_TRUE(contains(pe::check_website("192.168.0.1").notes[0].message, "is an IP address"));
  EXPECT_TRUE(contains(pe::check_website("linkedin.com/company/acme").notes[0].message, "is a LinkedIn page"));
}

TEST(CheckWebsite, EmptyGivesNothing) {
  FieldResult r = pe::check_website(" \t");
  EXPECT_EQ(r.value, "");
  EXPECT_TRUE(r.notes.empty());
}

// ------------------------------------------------------------------ check_name

TEST(CheckName, CollapsesWhitespace) {
  FieldResult r = pe::check_name("  Mary \t Ann\xC2\xA0 ");
  EXPECT_EQ(r.value, "Mary Ann");
  EXPECT_TRUE(r.notes.empty());
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(pe::check_name("").value, "");
  EXPECT_TRUE(pe::check_name("").notes.empty());
}

TEST(CheckName, TooLongCountsCodePoints) {
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "é";  // 200 bytes, 100 characters
  EXPECT_TRUE(pe::check_name(hundred).notes.empty());
  FieldResult r = pe::check_name(hundred + "x");
  EXPECT_EQ(r.value, hundred + "x");
  EXPECT_EQ(codes(r), "name_too_long");
  EXPECT_TRUE(contains(r.notes[0].message, "is 101 characters long")) << r.notes[0].message;
}

TEST(CheckName, LooksLikeEmail) {
  FieldResult r = pe::check_name("ada@acme.com");
  EXPECT_EQ(r.value, "ada@acme.com");
  EXPECT_EQ(codes(r), "name_looks_like_email");
  EXPECT_EQ(r.notes[0].severity(), Severity::Warning);
  EXPECT_TRUE(pe::check_name("Ada @ Acme").notes.empty());  // no dot after @
  EXPECT_TRUE(pe::check_name("A.T. & T@work").notes.empty());
}

TEST(CheckName, LooksLikeUrl) {
  for (const char* raw : {"https://acme.com", "HTTP://acme.com", "www.acme.com", "WWW.Acme.com"}) {
    FieldResult r = pe::check_name(raw);
    EXPECT_EQ(r.value, raw);
    EXPECT_EQ(codes(r), "name_looks_like_url") << raw;
  }
  EXPECT_TRUE(pe::check_name("Acme.com Inc").notes.empty());
}

// ------------------------------------------------------------------ split_full_name

TEST(SplitFullName, FirstWordAndRest) {
  std::string f, l;
  ASSERT_TRUE(pe::split_full_name("Ada Lovelace", f, l));
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "Lovelace");
  ASSERT_TRUE(pe::split_full_name("Ada King Lovelace", f, l));
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "King Lovelace");
  ASSERT_TRUE(pe::split_full_name("  Ada \t King\xC2\xA0Lovelace ", f, l));
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "King Lovelace");
}

TEST(SplitFullName, LastCommaFirst) {
  std::string f, l;
  ASSERT_TRUE(pe::split_full_name("Lovelace, Ada", f, l));
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "Lovelace");
  ASSERT_TRUE(pe::split_full_name("van der Berg,Jan Peter", f, l));
  EXPECT_EQ(f, "Jan Peter");
  EXPECT_EQ(l, "van der Berg");
}

TEST(SplitFullName, SuffixAfterCommaIsNotFirstName) {
  std::string f, l;
  ASSERT_TRUE(pe::split_full_name("Ada Lovelace, PhD", f, l));
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "Lovelace PhD");
  ASSERT_TRUE(pe::split_full_name("Martin Luther King, Jr.", f, l));
  EXPECT_EQ(f, "Martin");
  EXPECT_EQ(l, "Luther King Jr.");
}

TEST(SplitFullName, LeadingTitleIsDropped) {
  std::string f, l;
  ASSERT_TRUE(pe::split_full_name("Dr. Ada Lovelace", f, l));
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "Lovelace");
  ASSERT_TRUE(pe::split_full_name("Mr Ada King Lovelace", f, l));
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "King Lovelace");
  ASSERT_TRUE(pe::split_full_name("Dr Lovelace", f, l));  // only one word after the title: kept
  EXPECT_EQ(f, "Dr");
  EXPECT_EQ(l, "Lovelace");
}

TEST(SplitFullName, CannotSplit) {
  std::string f = "x", l = "y";
  EXPECT_FALSE(pe::split_full_name("Cher", f, l));
  EXPECT_EQ(f, "Cher");
  EXPECT_EQ(l, "");
  EXPECT_FALSE(pe::split_full_name("", f, l));
  EXPECT_EQ(f, "");
  EXPECT_FALSE(pe::split_full_name("   ", f, l));
  EXPECT_FALSE(pe::split_full_name("Lovelace,", f, l));
  EXPECT_EQ(f, "Lovelace");
  EXPECT_FALSE(pe::split_full_name(", Ada", f, l));
  EXPECT_EQ(f, "Ada");
}

// Found by tests/fuzz/fuzz_fields (reproducer in tests/fuzz/corpus/fields/): an invisible
// character next to the space where the name is cut (zero-width space, word joiner, BOM) stayed at
// the edge of a split name and went into the request, while every other name is trimmed of them.
TEST(SplitFullName, InvisibleCharactersAtTheCutAreTrimmed) {
  std::string f, l;
  ASSERT_TRUE(pe::split_full_name("Ada \xE2\x80\x8BLovelace", f, l));  // zero-width space
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "Lovelace");
  ASSERT_TRUE(pe::split_full_name("Ada\xE2\x81\xA0 Lovelace", f, l));  // word joiner
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "Lovelace");
  ASSERT_TRUE(pe::split_full_name("Ms \xE2\x80\x8B" "Ada King", f, l));  // after a dropped title
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "King");
  ASSERT_TRUE(pe::split_full_name("Dr \xE2\x80\x8B Lovelace", f, l));  // one real word after the title: kept
  EXPECT_EQ(f, "Dr");
  EXPECT_EQ(l, "Lovelace");
  ASSERT_TRUE(pe::split_full_name("Ada,\xEF\xBB\xBFLovelace,PhD", f, l));  // BOM, several commas
  EXPECT_EQ(f, "Ada");
  EXPECT_EQ(l, "Lovelace PhD");
  // The fuzzer's input: the names come out as check_name would leave them.
  ASSERT_TRUE(pe::split_full_name("\x1B,\xEF\xBB\xBF,],\x1D,", f, l));
  EXPECT_EQ(f, pe::collapse_whitespace(f));
  EXPECT_EQ(l, pe::collapse_whitespace(l));
  EXPECT_EQ(l, "] \x1D");
}

// ------------------------------------------------------------------ robustness

TEST(FieldsRobustness, RandomBytesNeverCrashAndOutputIsUtf8) {
  std::uint32_t state = 12345;
  auto next = [&]() {
    state = state * 1664525u + 1013904223u;
    return state >> 24;
  };
  const std::string alphabet[] = {"a", "Z", "@", ".", "-", "/", ":", ",", " ", "\xC2\xA0", "ü", "例", "\xFF", "\xC3",
                                  "<", ">", "?", "#", "linkedin.com", "/in/", "http://", "mailto:", "xn--", "\t"};
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s;
    const std::size_t len = next() % 40;
    for (std::size_t i = 0; i < len; ++i) s += alphabet[next() % (sizeof(alphabet) / sizeof(alphabet[0]))];
    for (const FieldResult& r : {pe::check_email(s), pe::check_linkedin(s), pe::check_website(s), pe::check_name(s)}) {
      ASSERT_TRUE(valid_utf8(r.value)) << s;
      for (const pe::Note& n : r.notes) ASSERT_TRUE(valid_utf8(n.message)) << s;
    }
    std::string f, l, d;
    pe::split_full_name(s, f, l);
    ASSERT_TRUE(valid_utf8(f) && valid_utf8(l)) << s;
    if (pe::domain_to_ascii(s, d)) {
      for (char c : d) ASSERT_LT(static_cast<unsigned char>(c), 0x80u) << s;
    }
  }
}

TEST(FieldsRobustness, HugeValuesAreHandled) {
  const std::string big(4u << 20, 'x');
  EXPECT_EQ(codes(pe::check_linkedin(big)), "linkedin_not_linkedin");
  EXPECT_EQ(codes(pe::check_website(big)), "website_invalid");
  EXPECT_EQ(codes(pe::check_name(big)), "name_too_long");
  std::string d;
  EXPECT_FALSE(pe::domain_to_ascii(std::string(1u << 20, '\xC3'), d));
  std::string label;
  for (int i = 0; i < 100000; ++i) label += "ü";
  EXPECT_FALSE(pe::domain_to_ascii(label, d));
  EXPECT_EQ(codes(pe::check_website("https://" + label + ".de")), "website_invalid");
}
