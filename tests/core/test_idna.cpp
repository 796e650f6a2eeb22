// International domain names: ONE table of cases that both builds must agree on. Natively the
// IDNA backend is libidn2; in the wasm build (run under Node) it is the JavaScript engine's WHATWG
// URL host parser. The same expectations hold for both (see src/core/idna.hpp for the policy).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checks.hpp"
#include "idna.hpp"

namespace {

std::string codes(const pe::FieldResult& r) {
  std::string out;
  for (const pe::Note& n : r.notes) out += std::string(out.empty() ? "" : ",") + pe::code_name(n.code);
  return out;
}

std::string messages(const pe::FieldResult& r) {
  std::string out;
  for (const pe::Note& n : r.notes) out += n.message + "\n";
  return out;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

enum class Kind { Email, Website, Linkedin };

struct Case {
  const char* what;
  Kind kind;
  std::string input;
  std::string value;    // expected value ("" = invalid / left out)
  std::string codes;    // expected note codes, in order
  std::string message;  // a part every build's message must contain ("" = no check)
};

// The table. Values are what the API receives.
const std::vector<Case>& cases() {
  static const std::vector<Case> t = {
      // ---- mapping: full-width, upper case, ß/ς (non-transitional, as browsers do)
      {"full-width letter", Kind::Email, "a@\xEF\xBD\x82.com", "a@b.com", "email_idn_converted", "full-width"},
      {"full-width domain and dot", Kind::Email, "a@\xEF\xBC\xA1\xEF\xBC\xA3\xEF\xBC\xAD\xEF\xBC\xA5\xEF\xBC\x8E\xEF\xBD\x83\xEF\xBD\x8F\xEF\xBD\x8D",
       "a@acme.com", "email_idn_converted", "a@acme.com"},
      {"upper-case IDN", Kind::Email, "jurgen@B\xC3\x9C" "CHER.de", "jurgen@xn--bcher-kva.de", "email_idn_converted", ""},
      {"combining diaeresis composed (NFC)", Kind::Email, "a@A\xCC\x88.de", "a@xn--4ca.de", "email_idn_converted", ""},
      {"sharp s kept (non-transitional)", Kind::Email, "a@fa\xC3\x9F.de", "a@xn--fa-hia.de", "email_idn_converted", ""},
      {"final sigma kept", Kind::Email, "a@\xCE\xB2\xCF\x8C\xCE\xBB\xCE\xBF\xCF\x82.gr", "a@xn--nxasmm1c.gr",
       "email_idn_converted", ""},
      {"capital sigma maps to sigma", Kind::Email, "a@\xCE\x92\xCE\x8C\xCE\x9B\xCE\x9F\xCE\xA3.gr", "a@xn--nxasmq6b.gr",
       "email_idn_converted", ""},
      {"titlecase digraph", Kind::Email, "a@\xC7\x85" "a.com", "a@xn--da-2va.com", "email_idn_converted", ""},
      {"ideographic full stop", Kind::Email, "a@\xE4\xBE\x8B\xE3\x81\x88\xE3\x80\x82jp", "a@xn--r8jz45g.jp",
       "email_idn_converted", ""},
      {"right-to-left label on its own", Kind::Email, "a@\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D.com", "a@xn--9dbne9b.com",
       "email_idn_converted", ""},
      {"ASCII label with -- next to an IDN label", Kind::Email, "a@ab--c.\xC3\xBC.com", "a@ab--c.xn--tda.com",
       "email_idn_converted", ""},
      {"valid A-label kept", Kind::Email, "a@xn--bcher-kva.de", "a@xn--bcher-kva.de", "", ""},
      {"upper-case A-label lower-cased", Kind::Email, "a@XN--BCHER-KVA.DE", "a@xn--bcher-kva.de", "", ""},

      // ---- invisible characters: UTS #46 maps these to nothing; kept out, with a warning
      {"soft hyphen removed", Kind::Email, "a@ex\xC2\xAD" "ample.com", "a@example.com", "email_invisible_removed",
       "U+00AD"},
      {"zero-width space removed", Kind::Email, "a@ex\xE2\x80\x8B" "ample.com", "a@example.com",
       "email_invisible_removed", "U+200B"},
      {"word joiner removed", Kind::Email, "a@ex\xE2\x81\xA0" "ample.com", "a@example.com", "email_invisible_removed",
       "U+2060"},
      {"BOM inside removed", Kind::Email, "a@ex\xEF\xBB\xBF" "ample.com", "a@example.com", "email_invisible_removed",
       "U+FEFF"},
      {"removed and converted", Kind::Email, "a@b\xC3\xBC\xE2\x80\x8B" "cher.de", "a@xn--bcher-kva.de",
       "email_invisible_removed,email_idn_converted", "U+200B"},
      // ... and those it does not allow make the domain invalid
      {"zero-width joiner in Latin", Kind::Email, "a@ex\xE2\x80\x8D" "ample.com", "", "email_invalid", "joiner"},
      {"zero-width non-joiner in Latin", Kind::Email, "a@ex\xE2\x80\x8C" "ample.com", "", "email_invalid", "joiner"},
      {"right-to-left override", Kind::Email, "a@ex\xE2\x80\xAE" "ample.com", "", "email_invalid", "[U+202E]"},
      {"Hangul filler", Kind::Email, "a@\xE3\x85\xA4" "acme.com", "", "email_invalid", "cannot contain"},
      {"only invisible characters", Kind::Email, "a@\xE2\x80\x8B.acme.com", "", "email_invalid", "only of invisible"},

      // ---- invalid punycode
      {"xn--zz", Kind::Email, "a@xn--zz.com", "", "email_invalid", "xn--"},
      {"xn-- alone", Kind::Email, "a@xn--.com", "", "email_invalid", "xn--"},
      {"xn--a (a control character)", Kind::Email, "a@xn--a.com", "", "email_invalid", "xn--"},
      {"A-label not in canonical form", Kind::Email, "a@xn--a-ecp.ru", "", "email_invalid", "xn--"},
      {"A-label of an emoji", Kind::Email, "a@xn--ls8h.la", "", "email_invalid", "xn--"},

      // ---- bidi rule, joiners, marks, hyphens
      {"bidi rule: Latin and digit before Hebrew", Kind::Email, "a@a1\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D.com", "",
       "email_invalid", "right-to-left"},
      {"leading combining mark", Kind::Email, "a@\xCC\x81\xC3\xBC.com", "", "email_invalid", "combining mark"},
      {"IDN label ending in a hyphen", Kind::Email, "a@\xC3\xBC-.com", "", "email_invalid", "hyphen"},
      {"IDN label with -- in place 3-4", Kind::Email, "a@\xC3\xBC" "b--x.com", "", "email_invalid", "hyphen"},
      {"ASCII label with -- stays valid", Kind::Email, "a@ab--c.com", "a@ab--c.com", "", ""},

      // ---- lengths
      {"label of 64 u-umlauts", Kind::Email, "a@" + repeat("\xC3\xBC", 64) + ".de", "", "email_invalid",
       "longer than 63"},
      {"label that fits after encoding", Kind::Email, "a@" + repeat("\xC3\xBC", 20) + ".de",
       "a@xn--tdaaaaaaaaaaaaaaaaaaaa.de", "email_idn_converted", ""},

      // ---- emoji, symbols, punctuation (IDNA2008)
      {"emoji", Kind::Email, "a@\xF0\x9F\x98\x80.com", "", "email_invalid", "cannot contain"},
      {"heart", Kind::Email, "a@i\xE2\x9D\xA4.ws", "", "email_invalid", "cannot contain"},
      {"snowman", Kind::Email, "a@\xE2\x98\x83.net", "", "email_invalid", "cannot contain"},
      {"full-width exclamation mark", Kind::Email, "a@\xEF\xBC\x81" "acme.com", "", "email_invalid", ""},
      {"parenthesised digit (maps to 1.)", Kind::Email, "a@\xE2\x92\x88" "com.de", "", "email_invalid", ""},
      {"underscore next to an IDN letter", Kind::Email, "a@\xC3\xBC_x.com", "", "email_invalid", "\xE2\x80\x9C_\xE2\x80\x9D"},

      // ---- IP addresses and numbers
      {"IPv4 address", Kind::Email, "a@1.2.3.4", "", "email_invalid", "an IP address is not a company domain"},
      {"IPv4 literal", Kind::Email, "a@[1.2.3.4]", "", "email_invalid", "an IP address is not a company domain"},
      {"IPv6 literal", Kind::Email, "a@[IPv6:2001:db8::1]", "", "email_invalid", "an IP address is not a company domain"},
      {"numeric TLD", Kind::Email, "a@123.456", "", "email_invalid", "never numbers"},
      {"numeric TLD after a name", Kind::Email, "a@acme.123", "", "email_invalid", "never numbers"},
      {"full-width digits map to a numeric TLD", Kind::Email, "a@\xEF\xBC\x91\xEF\xBC\x92.\xEF\xBC\x93", "",
       "email_invalid", "never numbers"},
      {"digits inside names are fine", Kind::Email, "a@123.acme.com", "a@123.acme.com", "", ""},

      // ---- website hosts
      {"website IDN", Kind::Website, "https://B\xC3\xBC" "cher.de/x", "https://xn--bcher-kva.de", "website_path_dropped", ""},
      {"website full-width", Kind::Website, "\xEF\xBD\x97\xEF\xBD\x97\xEF\xBD\x97\xEF\xBC\x8E\xEF\xBD\x81\xEF\xBD\x83\xEF\xBD\x8D\xEF\xBD\x85.com",
       "https://www.acme.com", "", ""},
      {"website zero-width space", Kind::Website, "ex\xE2\x80\x8B" "ample.com", "https://example.com",
       "website_invisible_removed", "U+200B"},
      {"website emoji", Kind::Website, "i\xE2\x9D\xA4.ws", "", "website_invalid", "cannot contain"},
      {"website bad punycode", Kind::Website, "xn--zz.com", "", "website_invalid", "xn--"},
      {"website bidi control", Kind::Website, "ac\xE2\x80\xAE" "me.com", "", "website_invalid", "[U+202E]"},
      {"website IPv4", Kind::Website, "http://10.0.0.1/", "", "website_invalid", "is an IP address"},
      {"website IPv6", Kind::Website, "http://[2001:db8::1]:8080/", "", "website_invalid", "IP address"},
      {"website numeric TLD", Kind::Website, "acme.123", "", "website_invalid", "never numbers"},

      // ---- LinkedIn hosts
      {"LinkedIn full-width host", Kind::Linkedin,
       "https://\xEF\xBD\x97\xEF\xBD\x97\xEF\xBD\x97.\xEF\xBD\x8C\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x8B\xEF\xBD\x85\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8E.com/in/jane",
       "https://www.linkedin.com/in/jane", "", ""},
      {"LinkedIn host with a soft hyphen", Kind::Linkedin, "https://www.linked\xC2\xAD" "in.com/in/jane",
       "https://www.linkedin.com/in/jane", "", ""},
      {"LinkedIn look-alike (Cyrillic i)", Kind::Linkedin, "https://l\xD1\x96nkedin.com/in/jane", "",
       "linkedin_not_linkedin", "not a LinkedIn address"},
      {"LinkedIn host with a bidi control", Kind::Linkedin, "https://www.linked\xE2\x80\xAEin.com/in/jane", "",
       "linkedin_not_linkedin", "[U+202E]"},
  };
  return t;
}

}  // namespace

TEST(Idna, BackendIsNamed) {
  const std::string name = pe::idna_backend_name();
  EXPECT_FALSE(name.empty());
  std::printf("IDNA backend: %s\n", name.c_str());
}

// The one table: every build must give exactly these values, codes and message parts.
TEST(Idna, CaseTableBothBuildsAgreeOn) {
  for (const Case& c : cases()) {
    pe::FieldResult r;
    switch (c.kind) {
      case Kind::Email: r = pe::check_email(c.input); break;
      case Kind::Website: r = pe::check_website(c.input); break;
      case Kind::Linkedin: r = pe::check_linkedin(c.input); break;
    }
    std::printf("  %-45s -> %-32s %s\n", c.what, r.value.empty() ? "(none)" : r.value.c_str(), codes(r).c_str());
    EXPECT_EQ(r.value, c.value) << c.what << "\n" << messages(r);
    EXPECT_EQ(codes(r), c.codes) << c.what << "\n" << messages(r);
    if (c.kind == Kind::Email) {
      EXPECT_EQ(r.valid, !c.value.empty()) << c.what;
    }
    if (!c.message.empty()) {
      EXPECT_NE(messages(r).find(c.message), std::string::npos) << c.what << "\n" << messages(r);
    }
    // The value sent is plain ASCII: exactly what the API can use.
    for (char ch : r.value) EXPECT_LT(static_cast<unsigned char>(ch), 0x80u) << c.what;
  }
}

TEST(Idna, PlainAsciiDomainsTakeTheFastPath) {
  pe::DomainCheck d = pe::check_domain("Mail.Example.COM");
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.ascii, "mail.example.com");
  EXPECT_FALSE(d.converted);
  EXPECT_FALSE(d.international);
  EXPECT_TRUE(d.removed.empty());
}

TEST(Idna, PunycodeDecoding) {
  std::u32string out;
  ASSERT_TRUE(pe::punycode_decode("bcher-kva", out));
  EXPECT_EQ(out, U"b\u00FCcher");
  ASSERT_TRUE(pe::punycode_decode("r8jz45g", out));
  EXPECT_EQ(out, U"\u4F8B\u3048");
  EXPECT_FALSE(pe::punycode_decode("zz", out));
  EXPECT_FALSE(pe::punycode_decode("99999999999", out));
  EXPECT_FALSE(pe::punycode_decode("\xC3\xBC-a", out));
}

TEST(Idna, HugeAndBrokenInputIsBounded) {
  EXPECT_EQ(pe::check_domain(std::string(5000, 'a') + ".com").problem, pe::DomainProblem::TooLongInput);
  EXPECT_FALSE(pe::check_domain(repeat("\xC3\xBC", 600) + ".de").ok);
  EXPECT_FALSE(pe::check_domain("a\xFF.com").ok);
  EXPECT_EQ(pe::check_domain("").problem, pe::DomainProblem::Empty);
}
