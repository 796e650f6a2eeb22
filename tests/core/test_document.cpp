// The whole pipeline: bytes -> records -> mapping -> validation -> exact request bodies.
#include <gtest/gtest.h>

#include <memory>

#include <algorithm>

#include <fstream>
#include <iterator>
#include <random>
#include <unordered_map>
#include <nlohmann/json.hpp>
#include <string>

#include "document.hpp"
#include "json_forms.hpp"
#include "requests.hpp"
#include "text.hpp"

using pe::Document;
using pe::Field;
using pe::LoadOptions;
using pe::RowStatus;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PE_FIXTURES_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool has_code(const std::vector<pe::Finding>& fs, pe::Code code) {
  for (const auto& f : fs)
    if (f.code == code) return true;
  return false;
}

std::vector<std::string> bodies(const Document& d, std::size_t n) {
  std::vector<std::string> out;
  for (const auto& rows : pe::batch_rows(d, n)) out.push_back(pe::batch_body(d, rows));
  return out;
}

}  // namespace

TEST(Document, EmptyInputIsUnreadableWithAClearMessage) {
  Document d;
  EXPECT_FALSE(d.load("", {}));
  EXPECT_NE(d.error().find("empty"), std::string::npos);
}

TEST(Document, BinaryFilesAreNamedInsteadOfReadAsGarbage) {
  Document d;
  EXPECT_FALSE(d.load(std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "[Content_Types].xml", {}));
  EXPECT_NE(d.error().find("Excel .xlsx"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("CSV UTF-8"), std::string::npos) << d.error();
  EXPECT_FALSE(d.load(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), {}));
  EXPECT_NE(d.error().find("an image"), std::string::npos) << d.error();
  EXPECT_FALSE(d.load(std::string("email\na@b.co\0\x01\x02", 16), {}));
  EXPECT_NE(d.error().find("binary data"), std::string::npos) << d.error();
  // UTF-16 without a BOM is text, not binary.
  std::string utf16;
  for (char c : std::string("email\nada@example.com\n")) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  EXPECT_TRUE(d.load(utf16, {})) << d.error();
  EXPECT_EQ(d.row_count(), 1u);
}

TEST(Document, NoEmailColumnNamesTheHeadersSeen) {
  Document d;
  EXPECT_FALSE(d.load("Name,Company\nAda,Analytical\n", {}));
  EXPECT_NE(d.error().find("No email column"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("Company"), std::string::npos) << d.error();
  EXPECT_EQ(d.headers().size(), 2u);
}

TEST(Document, MinimalValidFileGivesExactBody) {
  Document d;
  ASSERT_TRUE(d.load("email\nada@example.com\n", {})) << d.error();
  EXPECT_EQ(d.row_count(), 1u);
  EXPECT_EQ(d.status(0), RowStatus::Valid);
  auto b = bodies(d, 50);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], R"({"prospects":[{"email":"ada@example.com"}]})");
}

TEST(Document, BodyHasFieldsInApiOrderAndOmitsEmptyOnes) {
  Document d;
  ASSERT_TRUE(d.load("Company,Last Name,Email,First Name,Website\n"
                     "Pied Piper,Dunn,jared@piedpiper.com,Jared,piedpiper.com\n"
                     ",,x@example.com,,\n",
                     {}));
  auto b = bodies(d, 50);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0],
            R"({"prospects":[{"email":"jared@piedpiper.com","first_name":"Jared","last_name":"Dunn",)"
            R"("company_name":"Pied Piper","company_website":"https://piedpiper.com"},{"email":"x@example.com"}]})");
}

TEST(Document, EveryRowIsAccountedFor) {
  Document d;
  ASSERT_TRUE(d.load("email,first_name\n"
                     "a@example.com,A\n"
                     "not-an-email,B\n"
                     "\n"
                     "A@EXAMPLE.COM,C\n"
                     "b@example.com,D\n",
                     {}));
  auto s = d.summary(50);
  EXPECT_EQ(s.rows, 4u);
  EXPECT_EQ(s.valid, 2u);
  EXPECT_EQ(s.invalid, 1u);
  EXPECT_EQ(s.duplicates, 1u);
  EXPECT_EQ(s.valid + s.invalid + s.duplicates, s.rows);
  EXPECT_EQ(s.blank_lines, 1u);
  EXPECT_DOUBLE_EQ(s.credits_max, 3.0);
  EXPECT_EQ(d.line_of(2), 5u);  // the blank line is counted in physical lines
}

TEST(Document, DuplicateIsCaseInsensitiveAndPointsToTheFirst) {
  Document d;
  ASSERT_TRUE(d.load("email\nAda@Example.com\nx@example.com\nada@EXAMPLE.com\n", {}));
  EXPECT_EQ(d.status(0), RowStatus::Valid);
  EXPECT_EQ(d.status(2), RowStatus::Duplicate);
  EXPECT_EQ(d.duplicate_of(2), 0u);
  auto fs = d.row_findings(2);
  ASSERT_TRUE(has_code(fs, pe::Code::DuplicateEmail));
  for (const auto& f : fs)
    if (f.code == pe::Code::DuplicateEmail) {
      EXPECT_EQ(f.row, 3u);
      EXPECT_EQ(f.line, 4u);
      EXPECT_NE(f.message.find("row 1"), std::string::npos) << f.message;
    }
}

TEST(Document, InvalidEmailFindingCarriesRowLineFieldAndSeverity) {
  Document d;
  ASSERT_TRUE(d.load("first_name,email\n\"Multi\nLine\",ok@example.com\nBob,bob@@example.com\n", {}));
  ASSERT_EQ(d.row_count(), 2u);
  EXPECT_EQ(d.status(1), RowStatus::Invalid);
  auto fs = d.row_findings(1);
  ASSERT_FALSE(fs.empty());
  bool found = false;
  for (const auto& f : fs)
    if (f.field == "email" && f.severity() == pe::Severity::Error) {
      found = true;
      EXPECT_EQ(f.row, 2u);
      EXPECT_EQ(f.line, 4u);  // the first record spans lines 2-3
    }
  EXPECT_TRUE(found);
}

TEST(Document, BadOptionalFieldNeverDropsTheRow) {
  Document d;
  ASSERT_TRUE(d.load("email,linkedin,website\na@example.com,https://www.linkedin.com/company/acme,not a site\n", {}));
  EXPECT_EQ(d.status(0), RowStatus::Valid);
  auto fs = d.row_findings(0);
  EXPECT_TRUE(has_code(fs, pe::Code::LinkedinCompanyPage));
  EXPECT_TRUE(has_code(fs, pe::Code::WebsiteInvalid));
  EXPECT_EQ(bodies(d, 50)[0], R"({"prospects":[{"email":"a@example.com"}]})");
}

TEST(Document, SignalsWarningWhenEnrichmentLacksContext) {
  Document d;
  ASSERT_TRUE(d.load("email,first_name,last_name,website,linkedin\n"
                     "a@example.com,Ada,Lovelace,example.com,\n"
                     "b@example.com,Bob,,example.com,\n"
                     "c@example.com,,,,linkedin.com/in/c\n",
                     {}));
  EXPECT_FALSE(has_code(d.row_findings(0), pe::Code::EnrichmentSignalsMissing));
  EXPECT_TRUE(has_code(d.row_findings(1), pe::Code::EnrichmentSignalsMissing));
  EXPECT_FALSE(has_code(d.row_findings(2), pe::Code::EnrichmentSignalsMissing));
  EXPECT_EQ(d.summary(50).rows_with_warnings, 1u);
}

TEST(Document, MissingSignalColumnsAreOneFileFindingNotOnePerRow) {
  Document d;
  ASSERT_TRUE(d.load("email,first_name\na@example.com,Ada\nb@example.com,Bob\n", {}));
  EXPECT_EQ(d.summary(50).rows_with_warnings, 0u);
  EXPECT_FALSE(has_code(d.row_findings(0), pe::Code::EnrichmentSignalsMissing));
  ASSERT_TRUE(has_code(d.file_findings(), pe::Code::EnrichmentColumnsMissing));
  for (const auto& f : d.file_findings())
    if (f.code == pe::Code::EnrichmentColumnsMissing) {
      EXPECT_NE(f.message.find("no last_name, company_website column"), std::string::npos) << f.message;
      EXPECT_EQ(f.row, 0u);
    }
  // Mapping a LinkedIn column removes the file finding; its empty cells are then warned per row.
  ASSERT_TRUE(d.remap({{"first_name", Field::LinkedinUrl}}));
  EXPECT_FALSE(has_code(d.file_findings(), pe::Code::EnrichmentColumnsMissing));
  EXPECT_TRUE(has_code(d.row_findings(0), pe::Code::EnrichmentSignalsMissing));
}

TEST(Document, FullNameIsSplitWhenThereIsNoFirstOrLastColumn) {
  Document d;
  ASSERT_TRUE(d.load("Full Name,Email\nAda King Lovelace,ada@example.com\n", {}));
  pe::Prospect p = d.prospect(0);
  EXPECT_EQ(p.first_name, "Ada");
  EXPECT_EQ(p.last_name, "King Lovelace");
}

TEST(Document, BatchesSplitValidRowsInOrder) {
  std::string csv = "email\n";
  for (int i = 0; i < 7; ++i) csv += "p" + std::to_string(i) + "@example.com\n";
  csv += "broken\n";
  Document d;
  ASSERT_TRUE(d.load(csv, {}));
  auto rows = pe::batch_rows(d, 3);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(rows[2], (std::vector<std::size_t>{6}));
  EXPECT_EQ(d.summary(3).batches, 3u);
  EXPECT_EQ(d.summary(50).batches, 1u);
}

TEST(Document, SetCellRevalidatesTheRowAndDuplicates) {
  Document d;
  ASSERT_TRUE(d.load("email\na@example.com\nbroken\na@example.com\n", {}));
  EXPECT_EQ(d.status(1), RowStatus::Invalid);
  EXPECT_EQ(d.status(2), RowStatus::Duplicate);
  ASSERT_TRUE(d.set_cell(1, 0, "b@example.com"));
  EXPECT_EQ(d.status(1), RowStatus::Valid);
  ASSERT_TRUE(d.set_cell(0, 0, "c@example.com"));
  EXPECT_EQ(d.status(2), RowStatus::Valid) << "the former duplicate is now the first of its email";
  EXPECT_EQ(d.cell(0, 0), "c@example.com");
  EXPECT_FALSE(d.set_cell(9, 0, "x"));
  auto s = d.summary(50);
  EXPECT_EQ(s.valid, 3u);
}

TEST(Document, RemapChangesWhichColumnIsTheEmail) {
  Document d;
  LoadOptions opt;
  opt.overrides = {{"Contact", Field::Email}};
  ASSERT_TRUE(d.load("Contact,Backup\nnot an email,b@example.com\n", opt));
  EXPECT_EQ(d.status(0), RowStatus::Invalid);
  ASSERT_TRUE(d.remap({{"#2", Field::Email}}));
  EXPECT_EQ(d.status(0), RowStatus::Valid);
  EXPECT_EQ(d.prospect(0).email, "b@example.com");
  EXPECT_FALSE(d.remap({{"Backup", Field::Ignore}, {"Contact", Field::Ignore}}));
  EXPECT_NE(d.error().find("No email column"), std::string::npos);
}

TEST(Document, SemicolonWindows1252ExportIsDetected) {
  // Excel (German locale): semicolons, Windows-1252 bytes for ü (0xFC).
  std::string csv = "E-Mail;Vorname;Nachname;Firma\r\nj\xFCrgen@example.de;J\xFCrgen;M\xFCller;M\xFCller GmbH\r\n";
  Document d;
  ASSERT_TRUE(d.load(csv, {})) << d.error();
  EXPECT_EQ(d.encoding(), pe::Encoding::Windows1252);
  EXPECT_EQ(d.delimiter(), ';');
  EXPECT_EQ(d.cell(0, 1), "J\xC3\xBCrgen");
  EXPECT_EQ(d.status(0), RowStatus::Invalid) << "non-ASCII local part is not a valid address";
  EXPECT_EQ(d.prospect(0).last_name, "M\xC3\xBCller");
}

TEST(Document, RaggedRowIsReportedAndStillValidated) {
  Document d;
  ASSERT_TRUE(d.load("email,first_name\na@example.com\nb@example.com,B,extra\n", {}));
  EXPECT_EQ(d.row_count(), 2u);
  EXPECT_TRUE(has_code(d.row_findings(0), pe::Code::CsvRaggedRow));
  EXPECT_TRUE(has_code(d.row_findings(1), pe::Code::CsvRaggedRow));
  EXPECT_EQ(d.summary(50).valid, 2u);
}

TEST(Document, UnclosedQuoteMakesItsRowInvalidNotSilentlyDropped) {
  Document d;
  ASSERT_TRUE(d.load("email,first_name\na@example.com,A\nb@example.com,\"B\nc@example.com,C\n", {}));
  auto s = d.summary(50);
  EXPECT_EQ(s.rows, 2u);
  EXPECT_EQ(s.invalid, 1u);
  EXPECT_TRUE(has_code(d.row_findings(1), pe::Code::CsvUnclosedQuote));
}

TEST(Document, Utf8WithOneStrayByteKeepsCorrectNamesAndWarns) {
  Document d;
  ASSERT_TRUE(d.load("email,first_name\nm@acme.com,J\xC3\xBCrgen\nx@acme.com,Ren\xE9\n", {})) << d.error();
  EXPECT_EQ(d.encoding(), pe::Encoding::Utf8);
  EXPECT_EQ(d.invalid_sequences(), 1u);
  EXPECT_EQ(d.cell(0, 1), "J\xC3\xBCrgen");
  EXPECT_EQ(d.cell(1, 1), "Ren\xEF\xBF\xBD");
  std::vector<pe::Finding> enc;
  for (const auto& x : d.file_findings())
    if (x.code == pe::Code::EncodingInvalidBytes) enc.push_back(x);
  ASSERT_EQ(enc.size(), 1u);
  const pe::Finding& f = enc[0];
  EXPECT_EQ(f.severity(), pe::Severity::Warning);
  EXPECT_NE(f.message.find("1 byte sequence(s)"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("utf-8"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("first at byte 50"), std::string::npos) << f.message;
}

TEST(Document, UnclosedQuoteInTheHeaderFailsWithTheReadersMessage) {
  Document d;
  EXPECT_FALSE(d.load("\"email,name\na@b.co,x", {}));
  EXPECT_EQ(d.error().find("No email column"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("header"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("line 1"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("never closed"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("stray quote"), std::string::npos) << d.error();
  EXPECT_TRUE(has_code(d.file_findings(), pe::Code::CsvUnclosedQuote));

  // The open quote is in a later column: the email column is found, but every line after the
  // header was swallowed into a column name. That must not load as a file with no rows.
  EXPECT_FALSE(d.load("email,\"name\na@b.co,x\nc@d.co,y\n", {}));
  EXPECT_NE(d.error().find("header"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("column 2"), std::string::npos) << d.error();
  EXPECT_TRUE(has_code(d.file_findings(), pe::Code::CsvUnclosedQuote));
  EXPECT_TRUE(d.headers().empty());
  EXPECT_FALSE(d.remap({})) << "a broken header must not be mapped later";

  // After blank lines, the header's own line is named.
  EXPECT_FALSE(d.load("\n\n\"email\na@b.co\n", {}));
  EXPECT_NE(d.error().find("line 3"), std::string::npos) << d.error();
}

// Found with tests/fuzz/fuzz_document (reproducer tests/fuzz/corpus/document/too_many_columns):
// after reading stopped on a record with too many columns, a remap (the page offers the columns
// it was given) turned the rows read so far into a usable document, and every row after the
// broken record silently vanished from the check and the batches.
TEST(Document, ReadingStoppedByAReaderErrorCannotBeRemappedIntoUse) {
  const std::string csv = "email,name\na@x.co,Ada\nb@x.co" + std::string(4100, ',') + "\nc@x.co,Cy\n";
  Document d;
  EXPECT_FALSE(d.load(csv, {}));
  EXPECT_NE(d.error().find("line 3"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("reading stopped"), std::string::npos) << d.error();
  EXPECT_TRUE(has_code(d.file_findings(), pe::Code::CsvTooManyColumns));
  EXPECT_TRUE(d.headers().empty()) << "no columns to offer for mapping: the file must be fixed first";
  EXPECT_FALSE(d.remap({})) << "rows after the broken record would be dropped without a word";
  EXPECT_FALSE(d.remap({{"#1", Field::Email}}));
}

TEST(Document, OverrideThatMatchesNoColumnIsAWarning) {
  const std::string csv = "email,First  Name\na@example.com,Ann\n";
  Document d;
  LoadOptions opt;
  opt.overrides = {{"Emial", Field::Ignore}, {"#3", Field::Email}, {"#2", Field::FirstName},
                   {" First Name ", Field::FirstName}, {"email", Field::Email}};
  ASSERT_TRUE(d.load(csv, opt)) << d.error();
  std::vector<pe::Finding> unknown;
  for (const auto& f : d.file_findings())
    if (f.code == pe::Code::MappingUnknownColumn) unknown.push_back(f);
  ASSERT_EQ(unknown.size(), 2u);
  for (const auto& f : unknown) {
    EXPECT_EQ(f.severity(), pe::Severity::Warning);
    EXPECT_EQ(f.row, 0u);
    EXPECT_NE(f.message.find("“email”, “First Name”"), std::string::npos) << f.message;
  }
  EXPECT_NE(unknown[0].message.find("“Emial”"), std::string::npos) << unknown[0].message;
  EXPECT_NE(unknown[1].message.find("“#3”"), std::string::npos) << unknown[1].message;
  EXPECT_EQ(d.summary(50).valid, 1u);

  // remap replaces the findings of the previous mapping.
  ASSERT_TRUE(d.remap({{"First Name", Field::FirstName}}));
  EXPECT_FALSE(has_code(d.file_findings(), pe::Code::MappingUnknownColumn));
  ASSERT_TRUE(d.remap({{"#0", Field::Ignore}}));
  EXPECT_EQ(std::count_if(d.file_findings().begin(), d.file_findings().end(),
                          [](const pe::Finding& x) { return x.code == pe::Code::MappingUnknownColumn; }),
            1);

  // Also when the mapping then finds no email column: the typo is the likely cause.
  EXPECT_FALSE(d.load("Contact\nx@example.com\n", LoadOptions{pe::Encoding::Auto, 0, {{"Contacts", Field::Email}}}));
  EXPECT_TRUE(has_code(d.file_findings(), pe::Code::MappingUnknownColumn));
}

TEST(Document, ValidationReportHasTheDocumentedShape) {
  Document d;
  ASSERT_TRUE(d.load("Email,Email Status\na@example.com,verified\nbad,unknown\n", {}));
  auto j = nlohmann::json::parse(pe::validation_report_json(d, 50));
  EXPECT_EQ(j["encoding"], "utf-8");
  EXPECT_EQ(j["delimiter"], ",");
  ASSERT_EQ(j["columns"].size(), 2u);
  EXPECT_EQ(j["columns"][0]["field"], "email");
  EXPECT_TRUE(j["columns"][1]["field"].is_null());
  EXPECT_EQ(j["summary"]["rows"], 2);
  EXPECT_EQ(j["summary"]["valid"], 1);
  EXPECT_EQ(j["summary"]["invalid"], 1);
  EXPECT_EQ(j["summary"]["duplicates"], 0);
  EXPECT_EQ(j["summary"]["credits_max"], 1.5);
  bool found = false;
  for (const auto& i : j["issues"])
    if (i["row"] == 2 && i["field"] == "email" && i["severity"] == "error") {
      found = true;
      EXPECT_EQ(i["line"], 3);
      EXPECT_FALSE(i["code"].get<std::string>().empty());
      EXPECT_FALSE(i["message"].get<std::string>().empty());
    }
  EXPECT_TRUE(found);
}

TEST(Document, ApolloExportRoundTrip) {
  Document d;
  ASSERT_TRUE(d.load(fixture("exports/apollo.csv"), {})) << d.error();
  auto s = d.summary(50);
  EXPECT_EQ(s.rows, 4u);
  EXPECT_EQ(s.valid, 3u);
  EXPECT_EQ(s.invalid, 1u);
  auto b = bodies(d, 2);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0],
            R"({"prospects":[{"email":"erlich@bachmanity.com","first_name":"Erlich","last_name":"Bachman",)"
            R"("linkedin_url":"https://www.linkedin.com/in/erlich-bachman-404xyz","company_name":"Bachmanity",)"
            R"("company_website":"https://www.bachmanity.com"},{"email":"Jared@piedpiper.com","first_name":"Jared",)"
            R"("last_name":"Dunn","company_name":"Pied Piper","company_website":"https://piedpiper.com"}]})");
  EXPECT_EQ(b[1],
            R"({"prospects":[{"email":"monica@raviga.com","first_name":"Monica","last_name":"Hall",)"
            R"("linkedin_url":"https://www.linkedin.com/in/monicahall","company_name":"Raviga Capital",)"
            R"("company_website":"https://www.raviga.com"}]})");
}

TEST(Document, HubSpotUtf16ExportRoundTrip) {
  // HubSpot-style headers, saved by Excel as "Unicode Text": UTF-16 LE with BOM, tab-separated.
  std::string utf8 = "First Name\tLast Name\tEmail\tCompany Name\tWebsite URL\r\n"
                     "Gavin\tBelson\tgavin@hooli.com\tHooli\thttps://hooli.com/about\r\n";
  std::string bytes = "\xFF\xFE";
  for (unsigned char c : utf8) {
    bytes.push_back(static_cast<char>(c));
    bytes.push_back('\0');
  }
  Document d;
  ASSERT_TRUE(d.load(bytes, {})) << d.error();
  EXPECT_EQ(d.encoding(), pe::Encoding::Utf16LE);
  EXPECT_EQ(d.delimiter(), '\t');
  EXPECT_EQ(bodies(d, 50)[0],
            R"({"prospects":[{"email":"gavin@hooli.com","first_name":"Gavin","last_name":"Belson",)"
            R"("company_name":"Hooli","company_website":"https://hooli.com"}]})");
}

TEST(Document, SalesforceExportRoundTrip) {
  Document d;
  ASSERT_TRUE(d.load(fixture("exports/salesforce.csv"), {})) << d.error();
  auto s = d.summary(50);
  EXPECT_EQ(s.rows, 3u);
  EXPECT_EQ(s.valid, 3u);
  EXPECT_EQ(s.invalid, 0u);
  EXPECT_TRUE(has_code(d.row_findings(1), pe::Code::LinkedinSalesNavigator));
  EXPECT_TRUE(has_code(d.row_findings(2), pe::Code::WebsitePathDropped));
  auto b = bodies(d, 50);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0],
            R"({"prospects":[{"email":"richard@piedpiper.com","first_name":"Richard","last_name":"Hendricks","linkedin_url":"https://www.linkedin.com/in/richard-hendricks","company_name":"Pied Piper","company_website":"https://www.piedpiper.com"},)"
            R"({"email":"bertram@piedpiper.com","first_name":"Bertram","last_name":"Gilfoyle","company_name":"Pied Piper","company_website":"https://piedpiper.com"},)"
            R"({"email":"DINESH@piedpiper.com","first_name":"Dinesh","last_name":"Chugtai","company_name":"Pied Piper","company_website":"https://www.piedpiper.com"}]})");
}

TEST(Document, EvabootSalesNavigatorExportRoundTrip) {
  Document d;
  ASSERT_TRUE(d.load(fixture("exports/evaboot.csv"), {})) << d.error();
  auto s = d.summary(50);
  EXPECT_EQ(s.rows, 3u);
  EXPECT_EQ(s.valid, 2u);
  EXPECT_EQ(s.invalid, 1u);
  EXPECT_TRUE(has_code(d.row_findings(2), pe::Code::EmailMissing));
  EXPECT_TRUE(has_code(d.row_findings(2), pe::Code::LinkedinCompanyPage));
  EXPECT_TRUE(has_code(d.row_findings(2), pe::Code::WebsiteWebmail));
  auto b = bodies(d, 50);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0],
            R"({"prospects":[{"email":"laurie@raviga.com","first_name":"Laurie","last_name":"Bream","linkedin_url":"https://www.linkedin.com/in/lauriebream","company_name":"Raviga Capital","company_website":"https://raviga.com"},)"
            R"({"email":"jian@newpiedpiper.com","first_name":"Jian","last_name":"Yang","linkedin_url":"https://www.linkedin.com/in/jianyang","company_name":"NewPiedPiper","company_website":"https://newpiedpiper.com"}]})");
}

TEST(Document, GoogleSheetsFullNameExportRoundTrip) {
  Document d;
  ASSERT_TRUE(d.load(fixture("exports/google-sheets.tsv"), {})) << d.error();
  auto s = d.summary(50);
  EXPECT_EQ(s.rows, 4u);
  EXPECT_EQ(s.valid, 4u);
  EXPECT_EQ(s.invalid, 0u);
  EXPECT_TRUE(has_code(d.row_findings(1), pe::Code::EmailUnwrapped));
  EXPECT_TRUE(has_code(d.row_findings(2), pe::Code::EmailUnwrapped));
  EXPECT_TRUE(has_code(d.row_findings(3), pe::Code::NameNotSplit));
  auto b = bodies(d, 50);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0],
            R"({"prospects":[{"email":"ada@analytical.example","first_name":"Ada","last_name":"King Lovelace","company_name":"Analytical Engines","company_website":"https://analytical.example"},)"
            R"({"email":"grace@navy.example","first_name":"Grace","last_name":"Hopper","company_name":"US Navy","company_website":"https://navy.example"},)"
            R"({"email":"alan@bletchley.example","first_name":"Alan","last_name":"Turing","company_name":"Bletchley Park","company_website":"https://bletchley.example"},)"
            R"({"email":"turing@bletchley.example","first_name":"Turing","company_name":"Bletchley Park","company_website":"https://bletchley.example"}]})");
}

// ---- blank lines and empty columns (issue 13) ---------------------------------------------------

namespace {

// UTF-8 text (code points up to U+FFFF) as UTF-16, with a BOM.
std::string utf16(const std::string& utf8, bool le) {
  std::string out;
  auto unit = [&](unsigned u) {
    const char a = static_cast<char>(u & 0xFF), b = static_cast<char>(u >> 8);
    out.push_back(le ? a : b);
    out.push_back(le ? b : a);
  };
  unit(0xFEFF);
  for (std::size_t i = 0; i < utf8.size();) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = c, len = 1;
    if ((c & 0xE0) == 0xC0) cp = c & 0x1Fu, len = 2;
    else if ((c & 0xF0) == 0xE0) cp = c & 0x0Fu, len = 3;
    for (unsigned k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
    unit(cp);
    i += len;
  }
  return out;
}

std::vector<pe::Finding> with_code(const std::vector<pe::Finding>& fs, pe::Code code) {
  std::vector<pe::Finding> out;
  for (const auto& f : fs)
    if (f.code == code) out.push_back(f);
  return out;
}

std::vector<std::string> headers_of(const Document& d) {
  std::vector<std::string> v;
  for (const auto& c : d.columns()) v.push_back(c.header);
  return v;
}

}  // namespace

TEST(DocumentBlankLines, TheIssueExample) {
  Document d;
  ASSERT_TRUE(d.load("email,name,,,\na@b.com,x,,,\nc@d.com,y,,,\n,,,,\n,,,,\n", {})) << d.error();
  const pe::Summary s = d.summary(50);
  EXPECT_EQ(s.rows, 2u);
  EXPECT_EQ(s.valid, 2u);
  EXPECT_EQ(s.invalid, 0u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.blank_lines, 2u);
  EXPECT_EQ(d.blank_lines(), (std::vector<std::uint32_t>{4, 5}));
  EXPECT_FALSE(has_code(d.all_findings(), pe::Code::EmailMissing));
  // The three header-less empty columns: one info finding, out of the mapping and the rows.
  EXPECT_EQ(headers_of(d), (std::vector<std::string>{"email", "name"}));
  EXPECT_EQ(d.column_count(), 2u);
  EXPECT_EQ(d.headers().size(), 5u);  // the file's header, as read
  const auto empty = with_code(d.file_findings(), pe::Code::EmptyColumnsIgnored);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].severity(), pe::Severity::Info);
  EXPECT_EQ(empty[0].row, 0u);
  EXPECT_EQ(empty[0].line, 0u);
  EXPECT_EQ(empty[0].message,
            "3 empty columns at the end were ignored (columns 3 to 5 have no header and no value in any row).");
  for (const auto& c : d.columns()) EXPECT_NE(c.note, "the column has no header");
  EXPECT_EQ(bodies(d, 50)[0],
            R"({"prospects":[{"email":"a@b.com","first_name":"x"},{"email":"c@d.com","first_name":"y"}]})");
}

TEST(DocumentBlankLines, EveryShapeInEveryEncodingLineEndingAndDelimiter) {
  // Each shape of a blank line between and after the rows, before the header too; the true counts,
  // no finding about them, and the rows' lines those of the file.
  for (const char d : {',', ';', '\t', '|'}) {
    const std::string D(1, d);
    const std::vector<std::string> shapes = {D + D + D, " " + D + " " + D, "\t" + D + "\t" + D + "\t",
                                             "\"\"" + D + "\"\"" + D, "\" \"" + D + "\" \"" + D + "\"\t\"",
                                             "\xC2\xA0" + D + "\xC2\xA0" + D, ""};
    for (const char* eol : {"\n", "\r\n", "\r"}) {
      std::string text;
      for (const std::string& shape : shapes) text += shape + eol;  // lines 1-7: before the header
      text += "email" + D + "first_name" + D + "linkedin" + eol;    // line 8
      std::vector<std::size_t> lines;
      std::size_t line = 9;
      for (int r = 0; r < 3; ++r) {
        text += "p" + std::to_string(r) + "@example.com" + D + "Ann" + D + "linkedin.com/in/ann" + std::to_string(r) + eol;
        lines.push_back(line++);
        for (const std::string& shape : shapes) text += shape + eol, ++line;
      }
      struct Encoded {
        const char* name;
        std::string bytes;
      };
      std::string cp1252 = text;  // NBSP is 0xA0 in Windows-1252
      for (std::size_t k = 0; (k = cp1252.find("\xC2\xA0", k)) != std::string::npos;) cp1252.replace(k, 2, "\xA0");
      for (const Encoded& e : {Encoded{"utf-8", text}, Encoded{"utf-8 bom", "\xEF\xBB\xBF" + text},
                               Encoded{"utf-16le", utf16(text, true)}, Encoded{"utf-16be", utf16(text, false)},
                               Encoded{"windows-1252", cp1252}}) {
        SCOPED_TRACE(std::string(e.name) + " delimiter " + D + " eol " + ::testing::PrintToString(std::string(eol)));
        Document doc;
        ASSERT_TRUE(doc.load(e.bytes, {})) << doc.error();
        EXPECT_EQ(doc.delimiter(), d);
        const pe::Summary s = doc.summary(50);
        EXPECT_EQ(s.rows, 3u);
        EXPECT_EQ(s.valid, 3u);
        EXPECT_EQ(s.invalid, 0u);
        EXPECT_EQ(s.errors, 0u);
        EXPECT_EQ(s.warnings, 0u);
        EXPECT_EQ(s.blank_lines, 4 * shapes.size());
        EXPECT_EQ(doc.blank_lines().size(), s.blank_lines);
        for (std::size_t r = 0; r < 3; ++r) EXPECT_EQ(doc.line_of(r), lines[r]);
        EXPECT_TRUE(doc.file_findings().empty()) << doc.file_findings()[0].message;
      }
    }
  }
}

TEST(DocumentBlankLines, RowAndLineNumbersInMessagesStayThoseOfTheFile) {
  Document d;
  ASSERT_TRUE(d.load(",,\n\"\",\"\"\nemail,name\n,\nann@example.com,Ann\n , \n\nnope,Bob\n,,\nANN@example.com,Cy\n", {}));
  ASSERT_EQ(d.row_count(), 3u);
  EXPECT_EQ(d.line_of(0), 5u);
  EXPECT_EQ(d.line_of(1), 8u);
  EXPECT_EQ(d.line_of(2), 10u);
  const auto invalid = with_code(d.row_findings(1), pe::Code::EmailInvalid);
  ASSERT_EQ(invalid.size(), 1u);
  EXPECT_EQ(invalid[0].row, 2u);  // blank lines take no row number
  EXPECT_EQ(invalid[0].line, 8u);
  const auto dup = with_code(d.row_findings(2), pe::Code::DuplicateEmail);
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0].row, 3u);
  EXPECT_EQ(dup[0].line, 10u);
  EXPECT_NE(dup[0].message.find("Duplicate of row 1 (line 5)"), std::string::npos) << dup[0].message;
  EXPECT_EQ(d.blank_lines(), (std::vector<std::uint32_t>{1, 2, 4, 6, 7, 9}));
  EXPECT_EQ(d.summary(50).blank_lines, 6u);
}

TEST(DocumentBlankLines, PaddingAfterAClosingQuoteIsNotContentNorAWarning) {
  Document d;
  ASSERT_TRUE(d.load("\"email\" ,\"first_name\"  ,last_name\n\"ann@example.com\"  ,\"Ann\"\t,\"Lee\" \r\n", {}));
  EXPECT_EQ(headers_of(d), (std::vector<std::string>{"email", "first_name", "last_name"}));
  EXPECT_EQ(d.cell(0, 0), "ann@example.com");
  EXPECT_EQ(d.cell(0, 1), "Ann");
  EXPECT_EQ(d.cell(0, 2), "Lee");
  EXPECT_FALSE(has_code(d.all_findings(), pe::Code::CsvTextAfterQuote));
  EXPECT_FALSE(has_code(d.all_findings(), pe::Code::CsvRaggedRow));
  EXPECT_EQ(d.status(0), RowStatus::Valid);
  ASSERT_TRUE(d.load("email,name\n\"ann@example.com\" x,Ann\n", {}));  // other text: today's warning
  EXPECT_TRUE(has_code(d.row_findings(0), pe::Code::CsvTextAfterQuote));
}

TEST(DocumentEmptyColumns, OnlyHeaderlessColumnsAtTheEndWithNoValueAreLeftOut) {
  Document d;
  // Column 2 has no header but sits before "name": kept with its note. Column 5 has a value in
  // one row: kept with its note, and so is column 4 before it. Columns 6 and 7: left out.
  ASSERT_TRUE(d.load("email,,name,, ,,\na@b.co,,Ann,,x, ,\nc@d.co,,Bo,,,,\n,,,,,,\n", {})) << d.error();
  EXPECT_EQ(headers_of(d), (std::vector<std::string>{"email", "", "name", "", ""}));
  EXPECT_EQ(d.column_count(), 5u);
  for (std::size_t c : {1u, 3u, 4u}) EXPECT_EQ(d.columns()[c].note, "the column has no header") << c;
  const auto empty = with_code(d.file_findings(), pe::Code::EmptyColumnsIgnored);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].message,
            "2 empty columns at the end were ignored (columns 6 to 7 have no header and no value in any row).");
  EXPECT_EQ(d.cell(0, 4), "x");
  EXPECT_EQ(d.cell(0, 5), "");            // no such column any more
  EXPECT_FALSE(d.set_cell(0, 5, "y"));    // and not editable
  EXPECT_EQ(d.summary(50).blank_lines, 1u);

  // One column: singular.
  ASSERT_TRUE(d.load("email,name,\na@b.co,Ann,\n", {}));
  EXPECT_EQ(with_code(d.file_findings(), pe::Code::EmptyColumnsIgnored)[0].message,
            "1 empty column at the end was ignored (column 3 has no header and no value in any row).");
  // A header-less column with a value keeps today's note, and no finding.
  ASSERT_TRUE(d.load("email,name,\na@b.co,Ann,note\n", {}));
  EXPECT_EQ(d.column_count(), 3u);
  EXPECT_EQ(d.columns()[2].note, "the column has no header");
  EXPECT_FALSE(has_code(d.file_findings(), pe::Code::EmptyColumnsIgnored));
  // A header with a name is never left out, even when no row has a value.
  ASSERT_TRUE(d.load("email,notes\na@b.co,\n", {}));
  EXPECT_EQ(d.column_count(), 2u);
  EXPECT_TRUE(d.file_findings().empty() || !has_code(d.file_findings(), pe::Code::EmptyColumnsIgnored));
  // Rows shorter than the header count as empty there.
  ASSERT_TRUE(d.load("email,name,,\na@b.co,Ann\n", {}));
  EXPECT_EQ(d.column_count(), 2u);
  EXPECT_TRUE(has_code(d.row_findings(0), pe::Code::CsvRaggedRow));
}

TEST(DocumentEmptyColumns, AColumnAnOverrideNamesStaysAndARemapCanBringOneBack) {
  Document d;
  LoadOptions opt;
  opt.overrides = {{"#4", Field::FirstName}};
  ASSERT_TRUE(d.load("email,name,,,\na@b.co,Ann,,,\n", opt)) << d.error();
  EXPECT_EQ(d.column_count(), 4u);  // column 4 is named; column 5 is left out
  EXPECT_EQ(d.columns()[3].field, Field::FirstName);
  EXPECT_EQ(with_code(d.file_findings(), pe::Code::EmptyColumnsIgnored)[0].message,
            "1 empty column at the end was ignored (column 5 has no header and no value in any row).");
  // A remap that names none of them: all three are left out, and the finding follows.
  ASSERT_TRUE(d.remap({}));
  EXPECT_EQ(d.column_count(), 2u);
  EXPECT_EQ(with_code(d.file_findings(), pe::Code::EmptyColumnsIgnored).size(), 1u);
  EXPECT_NE(with_code(d.file_findings(), pe::Code::EmptyColumnsIgnored)[0].message.find("3 empty columns"),
            std::string::npos);
  // A remap naming column 5 shows columns 3 to 5 again (their cells were kept, empty).
  ASSERT_TRUE(d.remap({{"#5", Field::Ignore}}));
  EXPECT_EQ(d.column_count(), 5u);
  EXPECT_EQ(d.cell(0, 4), "");
  EXPECT_TRUE(d.set_cell(0, 4, "x"));
  EXPECT_FALSE(has_code(d.file_findings(), pe::Code::EmptyColumnsIgnored));
  // No email column: the columns offered for mapping leave them out too.
  ASSERT_FALSE(d.load("Name,,\nAnn,,\n", {}));
  EXPECT_EQ(headers_of(d), (std::vector<std::string>{"Name"}));
  EXPECT_NE(d.error().find("No email column"), std::string::npos);
}

// load_owned reads as load does, and frees the bytes once read (the page's input buffer): the
// same document, nothing of the input kept.
TEST(DocumentLoadOwned, TheSameDocumentAsLoadAndTheBytesAreFreed) {
  std::string csv = "email,first_name,company_website\r\nada@example.com,Ada,example.com\r\nnot-an-email,Bob,\r\n,,\r\n"
                    "ada@example.com,Ada again,\r\n\"grace@example.org\" ,\"Grace, H.\",gmail.com\r\n";
  for (int i = 0; i < 2000; ++i) csv += "p" + std::to_string(i) + "@firm.com,P" + std::to_string(i) + ",firm.com\r\n";
  pe::Document a;
  ASSERT_TRUE(a.load(csv, {}));
  std::string owned = csv;
  pe::Document b;
  ASSERT_TRUE(b.load_owned(std::move(owned), {}));
  EXPECT_TRUE(owned.empty());
  EXPECT_EQ(owned.capacity() < 64, true) << "the bytes were freed, not only cleared";
  ASSERT_EQ(a.row_count(), b.row_count());
  EXPECT_EQ(a.row_count(), 2004u);
  for (std::size_t r = 0; r < a.row_count(); ++r) {
    for (std::size_t c = 0; c < a.column_count(); ++c) ASSERT_EQ(a.cell(r, c), b.cell(r, c)) << r << "," << c;
    ASSERT_EQ(a.status(r), b.status(r)) << r;
    ASSERT_EQ(a.row_findings(r).size(), b.row_findings(r).size()) << r;
  }
  EXPECT_EQ(a.summary(50).blank_lines, 1u);
  EXPECT_EQ(b.summary(50).blank_lines, 1u);
  EXPECT_EQ(b.summary(50).duplicates, 1u);
  // A file that cannot be used frees its bytes too, and says why as load does.
  std::string bad = "name\nAda\n";
  pe::Document c;
  EXPECT_FALSE(c.load_owned(std::move(bad), {}));
  EXPECT_TRUE(bad.empty());
  EXPECT_FALSE(c.error().empty());
}


// Duplicates are found by sorting the rows' keys: the same first rows as a plain map of the
// lower-cased emails, on many repeats (case variants, invalid rows between), and on a file that is
// one email over and over (a single run of equal keys).
TEST(Document, DuplicatesAreTheSameAsAMapOfTheEmails) {
  std::mt19937 rng(7);
  std::string csv = "email,first_name\n";
  std::vector<std::string> emails;
  for (int i = 0; i < 30000; ++i) {
    std::string e;
    switch (rng() % 10) {
      case 0: e = "broken" + std::to_string(i); break;                          // invalid: never a first row
      case 1: e = "Person" + std::to_string(rng() % 500) + "@Example.com"; break;  // case variants of the next
      default: e = "person" + std::to_string(rng() % 5000) + "@example.com"; break;
    }
    emails.push_back(e);
    csv += e + ",Ada\n";
  }
  pe::Document d;
  ASSERT_TRUE(d.load(csv, {}));
  std::unordered_map<std::string, std::size_t> first;
  std::size_t dups = 0;
  for (std::size_t r = 0; r < emails.size(); ++r) {
    if (emails[r].rfind("broken", 0) == 0) {
      EXPECT_EQ(pe::RowStatus::Invalid, d.status(r));
      continue;
    }
    const auto [it, inserted] = first.emplace(pe::ascii_lower(emails[r]), r);
    if (inserted) {
      ASSERT_EQ(pe::RowStatus::Valid, d.status(r)) << "row " << r + 1;
    } else {
      ++dups;
      ASSERT_EQ(pe::RowStatus::Duplicate, d.status(r)) << "row " << r + 1;
      ASSERT_EQ(it->second, d.duplicate_of(r)) << "row " << r + 1;
    }
  }
  EXPECT_GT(dups, 20000u);

  std::string same = "email\n";
  for (int i = 0; i < 50000; ++i) same += (i % 2 ? "Jane@Acme.com\n" : "jane@acme.com\n");
  ASSERT_TRUE(d.load(same, {}));
  EXPECT_EQ(pe::RowStatus::Valid, d.status(0));
  for (std::size_t r = 1; r < d.row_count(); ++r) {
    ASSERT_EQ(pe::RowStatus::Duplicate, d.status(r));
    ASSERT_EQ(0u, d.duplicate_of(r));
  }
}

// A document read in place keeps its cells when it is moved, also when its input is a string short
// enough to hold its bytes inside itself (the moved-from document is destroyed first: under ASan a
// view left pointing into it is a use after free).
TEST(DocumentLoadOwned, CellsSurviveAMoveOfTheDocumentWhateverTheInputsSize) {
  const std::pair<std::string, std::string> cases[] = {{"email\na@b.co\n", "a@b.co"},
                                                        {"email,notes\nann@acme.com," + std::string(200, 'x') + "\n", "ann@acme.com"}};
  for (const auto& [csv, email] : cases) {
    auto src = std::make_unique<pe::Document>();
    std::string owned = csv;
    ASSERT_TRUE(src->load_owned(std::move(owned), {}));
    const std::string first(src->cell(0, 0));
    pe::Document moved(std::move(*src));
    src.reset();
    EXPECT_EQ(moved.cell(0, 0), first);
    auto again = std::make_unique<pe::Document>(std::move(moved));
    pe::Document assigned;
    assigned = std::move(*again);
    again.reset();
    EXPECT_EQ(assigned.cell(0, 0), first);
    EXPECT_EQ(assigned.email(0), email);
  }
}

// ---- title lines before the header --------------------------------------------------------------

TEST(DocumentTitleLines, AScrapersTitleLinesAreSkippedAndTheHeaderCanBeChosen) {
  const std::string bytes = fixture("exports/sales-navigator-scrape.csv");
  Document d;
  ASSERT_TRUE(d.load(bytes, LoadOptions())) << d.error();
  EXPECT_EQ(d.title_records(), 2u);
  ASSERT_FALSE(d.headers().empty());
  EXPECT_EQ(d.headers()[0], "First Name");
  ASSERT_EQ(d.row_count(), 6u);
  EXPECT_EQ(d.line_of(0), 4u);
  EXPECT_EQ(d.summary(50).rows, 6u);
  EXPECT_EQ(d.summary(50).valid, 5u);
  ASSERT_EQ(d.previews().size(), 9u);
  EXPECT_EQ(d.previews()[0].line, 1u);
  EXPECT_EQ(d.previews()[0].text, "Exported from Sales Navigator on Nov 12,  2026");
  EXPECT_EQ(d.previews()[2].text.substr(0, 23), "First Name, Last Name, ");

  // The header chosen by hand: on line 1 the file has no email column; from line 3 as detected.
  LoadOptions first;
  first.header_skip = 0;
  EXPECT_FALSE(d.load(bytes, first));
  EXPECT_EQ(d.title_records(), 0u);
  EXPECT_EQ(d.previews().size(), 9u) << "the records to choose from are there after a failed load";
  LoadOptions third;
  third.header_skip = 2;
  ASSERT_TRUE(d.load(bytes, third));
  EXPECT_EQ(d.row_count(), 6u);
  // Past the end: no header.
  LoadOptions past;
  past.header_skip = 20;
  EXPECT_FALSE(d.load(bytes, past));
  EXPECT_FALSE(d.error().empty());
}

TEST(DocumentTitleLines, NoOtherExportHasTitleLines) {
  for (const char* name : {"exports/apollo.csv", "exports/evaboot.csv", "exports/google-sheets.tsv", "exports/salesforce.csv",
                           "reader/crm_export.csv", "reader/excel_semicolon.csv", "reader/tab_export.tsv",
                           "reader/windows1252.csv"}) {
    Document d;
    d.load(fixture(name), LoadOptions());
    EXPECT_EQ(d.title_records(), 0u) << name;
    EXPECT_FALSE(d.previews().empty()) << name;
  }
}
