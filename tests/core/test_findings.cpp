// The catalogue of finding codes (src/core/findings.hpp): every code it lists is raised by some
// input, checked both ways (each code has an input here, and that input raises it), and
// docs/findings.md is the catalogue as users read it (regenerate it with PE_UPDATE_DOCS=1 when the
// catalogue changes: the test then writes the file instead of failing).
#include "findings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "document.hpp"

namespace {

using pe::Code;
using pe::Field;

struct Case {
  Code code;
  std::string csv;
  std::vector<std::pair<std::string, Field>> overrides;
};

std::vector<Case> cases() {
  const std::string big(4u << 20, 'x');
  std::string wide = "email\na@b.co";
  for (int i = 0; i < 4100; ++i) wide += ",x";
  return {
      {Code::CsvRaggedRow, "email,name\na@b.co\n", {}},
      {Code::CsvStrayQuote, "email,name\na@b.co,Jo\"e\n", {}},
      {Code::CsvTextAfterQuote, "email,name\na@b.co,\"Jo\"e\n", {}},
      {Code::CsvUnclosedQuote, "email,name\na@b.co,\"Joe\n", {}},
      {Code::CsvFieldTooLarge, "email\n\"" + big + "x\n", {}},
      {Code::CsvTooManyColumns, wide + "\n", {}},
      {Code::EncodingInvalidBytes, "email,name\na@b.co,J\xC3\xBCrgen \xFC\n", {}},
      {Code::MappingUnknownColumn, "email\na@b.co\n", {{"Nope", Field::Email}}},
      {Code::EnrichmentColumnsMissing, "email\na@b.co\n", {}},
      {Code::EmptyColumnsIgnored, "email,linkedin,,\na@b.co,linkedin.com/in/x,,\n,,,\n", {}},
      {Code::EnrichmentSignalsMissing, "email,linkedin\na@b.co,\n", {}},
      {Code::NameNotSplit, "email,full name,linkedin\na@b.co,Cher,linkedin.com/in/cher\n", {}},
      {Code::DuplicateEmail, "email\na@b.co\nA@b.co\n", {}},
      {Code::EmailMissing, "email,name\n,Ann\n", {}},
      {Code::EmailInvalid, "email\nnope\n", {}},
      {Code::EmailTooLong, "email\n" + std::string(65, 'a') + "@b.co\n", {}},
      {Code::EmailUnwrapped, "email\nAnn <a@b.co>\n", {}},
      {Code::EmailInvisibleRemoved, "email\na@ex\xC2\xAD" "ample.com\n", {}},
      {Code::EmailIdnConverted, "email\na@\xC3\xA9psilon.com\n", {}},
      {Code::EmailDomainTypo, "email\na@gmial.com\n", {}},
      {Code::LinkedinNotLinkedin, "email,linkedin\na@b.co,example.com/in/x\n", {}},
      {Code::LinkedinNotProfile, "email,linkedin\na@b.co,linkedin.com/feed\n", {}},
      {Code::LinkedinCompanyPage, "email,linkedin\na@b.co,linkedin.com/company/acme\n", {}},
      {Code::LinkedinSalesNavigator, "email,linkedin\na@b.co,linkedin.com/sales/lead/x\n", {}},
      {Code::WebsiteInvalid, "email,website\na@b.co,facebook.com/acme\n", {}},
      {Code::WebsiteWebmail, "email,website\na@b.co,gmail.com\n", {}},
      {Code::WebsiteInvisibleRemoved, "email,website\na@b.co,ex\xC2\xAD" "ample.com\n", {}},
      {Code::WebsitePathDropped, "email,website\na@b.co,acme.com/about\n", {}},
      {Code::NameTooLong, "email,first name\na@b.co," + std::string(101, 'n') + "\n", {}},
      {Code::NameLooksLikeEmail, "email,first name\na@b.co,x@y.com\n", {}},
      {Code::NameLooksLikeUrl, "email,first name\na@b.co,www.x.com\n", {}},
  };
}

// The codes a document raises for an input (file findings, then row by row).
std::set<Code> raised(const Case& c) {
  pe::Document d;
  pe::LoadOptions opt;
  opt.overrides = c.overrides;
  d.load(c.csv, opt);
  std::set<Code> out;
  for (const pe::Finding& f : d.all_findings()) out.insert(f.code);
  return out;
}

const char* source_name(pe::Source s) {
  switch (s) {
    case pe::Source::Reader: return "reading";
    case pe::Source::Encoding: return "encoding";
    case pe::Source::Mapping: return "mapping";
    case pe::Source::Row: return "row";
    case pe::Source::Email: return "email";
    case pe::Source::Linkedin: return "linkedin_url";
    case pe::Source::Website: return "company_website";
    case pe::Source::Name: return "names";
  }
  return "";
}

// docs/findings.md, from the catalogue.
std::string markdown() {
  std::string md =
      "# Findings\n\n"
      "What the tool tells you about an export: every finding has a code, a severity, and a message that\n"
      "says what is wrong, where (row, line, field) and what to do. The page groups them by code; the\n"
      "command-line tool writes them as `{\"row\",\"line\",\"field\",\"severity\",\"code\",\"message\"}`\n"
      "(`null` when not tied to a row, line or field). An **error** makes the row invalid: it is not sent\n"
      "(for `csv_field_too_large` and `csv_too_many_columns`, reading stops there). A **warning** leaves the\n"
      "row valid; the message says what was changed or left out. An **info** is about the file, not a row:\n"
      "nothing is wrong, it says what the tool did.\n\n"
      "Rows and lines: `row` is the number of a data record (1 for the first after the header); `line` is\n"
      "the physical line of the file where that record starts, counting every line (blank lines and the\n"
      "lines of quoted values that span several). A blank line, a line of nothing but delimiters and\n"
      "whitespace (`,,,,`, `\" \",\"\"`), is skipped: it takes no row number, is never validated or sent,\n"
      "and is counted in the summary's `blank_lines`.\n\n"
      "The codes are stable: integrations may rely on them. This table is the catalogue in\n"
      "`src/core/findings.hpp`; `tests/core/test_findings.cpp` checks that it matches and that every code is\n"
      "raised by some input.\n\n"
      "| code | severity | from | meaning | what to do |\n"
      "| --- | --- | --- | --- | --- |\n";
  for (const pe::CodeInfo& c : pe::kCodes)
    md += std::string("| `") + c.name + "` | " + pe::severity_name(c.severity) + " | " + source_name(c.source) +
          " | " + c.meaning + " | " + c.what_to_do + " |\n";
  return md;
}

}  // namespace

TEST(Findings, EveryListedCodeHasAnInputThatRaisesIt) {
  const std::vector<Case> all = cases();
  std::set<Code> covered;
  for (const Case& c : all) {
    covered.insert(c.code);
    EXPECT_EQ(raised(c).count(c.code), 1u) << pe::code_name(c.code) << " is not raised by its input";
  }
  for (const pe::CodeInfo& c : pe::kCodes) EXPECT_EQ(covered.count(c.code), 1u) << c.name << " has no input";
}

TEST(Findings, NamesAreUniqueSnakeCaseAndEveryEntrySaysWhatToDo) {
  std::set<std::string> names;
  for (const pe::CodeInfo& c : pe::kCodes) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    for (const char* p = c.name; *p; ++p) EXPECT_TRUE((*p >= 'a' && *p <= 'z') || *p == '_') << c.name;
    EXPECT_NE(std::string(c.meaning), "") << c.name;
    EXPECT_NE(std::string(c.what_to_do), "") << c.name;
    EXPECT_EQ(pe::severity_of(c.code), c.severity);
    EXPECT_STREQ(pe::code_name(c.code), c.name);
  }
  EXPECT_EQ(names.size(), pe::kCodeCount);
}

TEST(Findings, TheDocsListTheCatalogue) {
  const std::string path = std::string(PE_SOURCE_DIR) + "/docs/findings.md";
  const std::string want = markdown();
  if (std::getenv("PE_UPDATE_DOCS")) {
    std::ofstream(path, std::ios::binary) << want;
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path << " is missing: run this test with PE_UPDATE_DOCS=1";
  const std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(have, want) << path << " does not match src/core/findings.hpp: run this test with PE_UPDATE_DOCS=1";
}
