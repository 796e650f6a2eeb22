// CSV reader: RFC 4180, the csv-spectrum cases, real-export quirks, guards, chunking, delimiters.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "csv.hpp"
#include "encoding.hpp"
#include "text.hpp"

using namespace pe;

namespace {

using Rows = std::vector<std::vector<std::string>>;

struct Result {
  Rows rows;
  std::vector<std::size_t> lines;    // Record.line per record
  std::vector<std::size_t> rownums;  // Record.row per record
  std::vector<std::size_t> blank_at; // the line of each blank line (the blank callback)
  std::vector<Finding> findings;
  std::size_t blank = 0, lines_seen = 0, records = 0, header_cols = 0;
  bool fatal = false;

  std::vector<std::string> codes() const {
    std::vector<std::string> v;
    for (const Finding& f : findings)
      v.push_back(std::string(pe::code_name(f.code)) + "@" + std::to_string(f.row) + ":" + std::to_string(f.line));
    return v;
  }
};

// Reads `in` fed in chunks of `chunk` bytes (0 = one feed).
Result read(std::string_view in, CsvOptions opt = CsvOptions(), std::size_t chunk = 0) {
  Result r;
  CsvReader reader(
      opt,
      [&](const CsvRecord& rec) {
        std::vector<std::string> row;
        for (std::string_view f : rec.fields) row.emplace_back(f);
        r.rows.push_back(std::move(row));
        r.lines.push_back(rec.line);
        r.rownums.push_back(rec.row);
      },
      [&](Finding&& f) { r.findings.push_back(std::move(f)); },
      [&](std::size_t line) { r.blank_at.push_back(line); });
  if (chunk == 0 || in.empty()) {
    reader.feed(in);
  } else {
    for (std::size_t i = 0; i < in.size(); i += chunk) reader.feed(in.substr(i, chunk));
  }
  reader.finish();
  r.blank = reader.blank_lines();
  r.lines_seen = reader.lines();
  r.records = reader.records();
  r.header_cols = reader.header_columns();
  r.fatal = reader.fatal();
  return r;
}

Result read_no_header(std::string_view in) {
  CsvOptions o;
  o.has_header = false;
  return read(in, o);
}

void expect_same(const Result& a, const Result& b, const std::string& what) {
  ASSERT_EQ(a.rows, b.rows) << what;
  ASSERT_EQ(a.lines, b.lines) << what;
  ASSERT_EQ(a.rownums, b.rownums) << what;
  ASSERT_EQ(a.codes(), b.codes()) << what;
  for (std::size_t k = 0; k < a.findings.size(); ++k) {
    ASSERT_EQ(a.findings[k].message, b.findings[k].message) << what;
    ASSERT_EQ(a.findings[k].severity(), b.findings[k].severity()) << what;
  }
  ASSERT_EQ(a.blank, b.blank) << what;
  ASSERT_EQ(a.blank_at, b.blank_at) << what;
  ASSERT_EQ(a.lines_seen, b.lines_seen) << what;
  ASSERT_EQ(a.records, b.records) << what;
  ASSERT_EQ(a.header_cols, b.header_cols) << what;
  ASSERT_EQ(a.fatal, b.fatal) << what;
}

// Feeding in chunks of every size 1..N, and at irregular split points, gives what one feed gives.
void expect_chunk_invariant(std::string_view in, CsvOptions opt = CsvOptions()) {
  const Result whole = read(in, opt);
  for (std::size_t c = 1; c <= in.size(); ++c) {
    expect_same(whole, read(in, opt, c), "chunk size " + std::to_string(c));
    if (::testing::Test::HasFatalFailure()) return;
  }
  // irregular chunks: sizes 1, 2, 3, 5, 8, ... from a small LCG
  std::uint32_t seed = 12345;
  for (int round = 0; round < 20; ++round) {
    Result r;
    CsvReader reader(
        opt,
        [&](const CsvRecord& rec) {
          std::vector<std::string> row(rec.fields.begin(), rec.fields.end());
          r.rows.push_back(row);
          r.lines.push_back(rec.line);
          r.rownums.push_back(rec.row);
        },
        [&](Finding&& f) { r.findings.push_back(std::move(f)); },
        [&](std::size_t line) { r.blank_at.push_back(line); });
    for (std::size_t i = 0; i < in.size();) {
      seed = seed * 1103515245u + 12345u;
      const std::size_t len = 1 + (seed >> 16) % 9;
      reader.feed(in.substr(i, len));
      i += len;
    }
    reader.finish();
    r.blank = reader.blank_lines();
    r.lines_seen = reader.lines();
    r.records = reader.records();
    r.header_cols = reader.header_columns();
    r.fatal = reader.fatal();
    expect_same(whole, r, "irregular round " + std::to_string(round));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

std::string read_file(const std::string& rel) {
  std::ifstream f(std::string(PE_FIXTURES_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

// ---- RFC 4180 -----------------------------------------------------------------------------------

TEST(CsvRfc4180, RecordsSeparatedByCrlf) {
  const Result r = read("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n");
  EXPECT_EQ(r.rows, (Rows{{"aaa", "bbb", "ccc"}, {"zzz", "yyy", "xxx"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1}));
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvRfc4180, LastRecordWithoutLineBreak) {
  const Result r = read("aaa,bbb,ccc\r\nzzz,yyy,xxx");
  EXPECT_EQ(r.rows, (Rows{{"aaa", "bbb", "ccc"}, {"zzz", "yyy", "xxx"}}));
  EXPECT_EQ(r.lines_seen, 2u);
  EXPECT_EQ(r.blank, 0u);
}

TEST(CsvRfc4180, SpacesArePartOfAField) {
  const Result r = read("a , b ,c\n  1,2  , 3 \n");
  EXPECT_EQ(r.rows, (Rows{{"a ", " b ", "c"}, {"  1", "2  ", " 3 "}}));
}

TEST(CsvRfc4180, QuotedFieldsWithLineBreaksQuotesAndCommas) {
  const Result r = read("\"aaa\",\"b\r\nbb\",\"ccc\"\r\nzzz,\"y,y\",\"x\"\"x\"\r\n");
  EXPECT_EQ(r.rows, (Rows{{"aaa", "b\r\nbb", "ccc"}, {"zzz", "y,y", "x\"x"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(r.lines_seen, 3u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvRfc4180, QuotedEmptyAndQuoteOnlyFields) {
  const Result r = read_no_header("\"\",\"\"\"\",\"\"\"\"\"\"\n");
  EXPECT_EQ(r.rows, (Rows{{"", "\"", "\"\""}}));
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{1}));
  EXPECT_TRUE(r.findings.empty());
}

// ---- csv-spectrum -------------------------------------------------------------------------------

TEST(CsvSpectrum, CommaInQuotes) {
  const Result r = read("first,last,address,city,zip\nJohn,Doe,120 any st.,\"Anytown, WW\",08123\n");
  EXPECT_EQ(r.rows, (Rows{{"first", "last", "address", "city", "zip"},
                          {"John", "Doe", "120 any st.", "Anytown, WW", "08123"}}));
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvSpectrum, Empty) {
  const Result r = read("a,b,c\n1,\"\",\"\"\n2,3,4\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "", ""}, {"2", "3", "4"}}));
}

TEST(CsvSpectrum, EmptyCrlf) {
  const Result r = read("a,b,c\r\n1,\"\",\"\"\r\n2,3,4\r\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "", ""}, {"2", "3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(CsvSpectrum, EmptyField) {
  // csv-spectrum reads the last line as a record of three empty fields; here a line of nothing but
  // delimiters is a blank line (issue 13), counted and not handed out.
  const Result r = read("a,b,c\n1,,3\n,,\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "", "3"}}));
  EXPECT_EQ(r.blank, 1u);
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{3}));
}

TEST(CsvSpectrum, EscapedQuotes) {
  const Result r = read("a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "ha \"ha\" ha"}, {"3", "4"}}));
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvSpectrum, Json) {
  const Result r = read("key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n");
  EXPECT_EQ(r.rows, (Rows{{"key", "val"}, {"1", "{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"}}));
}

TEST(CsvSpectrum, Newlines) {
  const Result r = read("a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}, {"Once upon \na time", "5", "6"}, {"7", "8", "9"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3, 5}));
  EXPECT_EQ(r.lines_seen, 5u);
}

TEST(CsvSpectrum, NewlinesCrlf) {
  const Result r = read("a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n");
  EXPECT_EQ(r.rows,
            (Rows{{"a", "b", "c"}, {"1", "2", "3"}, {"Once upon \r\na time", "5", "6"}, {"7", "8", "9"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3, 5}));
  EXPECT_EQ(r.lines_seen, 5u);
}

TEST(CsvSpectrum, QuotesAndNewlines) {
  const Result r = read("a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "ha \n\"ha\" \nha"}, {"3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 5}));
}

TEST(CsvSpectrum, Simple) {
  const Result r = read("a,b,c\n1,2,3\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(r.records, 2u);
  EXPECT_EQ(r.header_cols, 3u);
  EXPECT_EQ(r.lines_seen, 2u);
}

TEST(CsvSpectrum, SimpleCrlf) {
  const Result r = read("a,b,c\r\n1,2,3\r\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(r.lines_seen, 2u);
}

TEST(CsvSpectrum, Utf8) {
  const Result r = read("a,b,c\n1,2,3\n4,5,\xCA\xA4\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}, {"4", "5", "\xCA\xA4"}}));
}

TEST(CsvSpectrum, LocationWithNewline) {
  const Result r = read(
      "name,location,email\n\"Ann Lee\",\"1 Main St\nSuite 5\nSpringfield\",ann@example.com\nBob,Paris,bob@example.com\n");
  EXPECT_EQ(r.rows, (Rows{{"name", "location", "email"},
                          {"Ann Lee", "1 Main St\nSuite 5\nSpringfield", "ann@example.com"},
                          {"Bob", "Paris", "bob@example.com"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 5}));
  EXPECT_TRUE(r.findings.empty());
}

// ---- line endings -------------------------------------------------------------------------------

TEST(CsvLineEndings, LoneCrSeparatesRecords) {
  const Result r = read("a,b\r1,2\r3,4\r");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(r.lines_seen, 3u);
}

TEST(CsvLineEndings, MixedInOneFile) {
  const Result r = read("a,b\r\nc,d\ne,f\rg,h\n\ri,j");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}, {"i", "j"}}));
  // "\n\r" is two line breaks: LF, then a lone CR (a blank line).
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3, 4, 6}));
  EXPECT_EQ(r.blank, 1u);
  EXPECT_EQ(r.lines_seen, 6u);
}

TEST(CsvLineEndings, LineBreaksInsideQuotesAreKeptAsTheyAre) {
  const Result r = read_no_header("\"a\rb\nc\r\nd\",x\ny,z");
  EXPECT_EQ(r.rows, (Rows{{"a\rb\nc\r\nd", "x"}, {"y", "z"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 5}));
}

TEST(CsvLineEndings, LinesSeen) {
  EXPECT_EQ(read("").lines_seen, 0u);
  EXPECT_EQ(read("a").lines_seen, 1u);
  EXPECT_EQ(read("a\nb").lines_seen, 2u);
  EXPECT_EQ(read("a\nb\n").lines_seen, 2u);
  EXPECT_EQ(read("a\r\nb\r\n").lines_seen, 2u);
  EXPECT_EQ(read("\n\n").lines_seen, 2u);
  EXPECT_EQ(read("\r\r\n\r").lines_seen, 3u);
}

// ---- blank lines --------------------------------------------------------------------------------

TEST(CsvBlankLines, SkippedAndCountedNotEmitted) {
  const Result r = read("\na,b\n\n1,2\n\r\n\r3,4\n\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{2, 4, 7}));
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(r.blank, 5u);
  EXPECT_EQ(r.records, 3u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvBlankLines, WhitespaceOnlyLineWithoutDelimiterIsBlank) {
  const Result r = read("a,b\n   \n1,2\n \t \n  ");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(r.blank, 3u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvBlankLines, WhitespaceLineWithDelimiterIsBlank) {
  const Result r = read("a,b\n  ,  \n,\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}}));
  EXPECT_EQ(r.blank, 2u);
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{2, 3}));
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvBlankLines, QuotedEmptyOrBlankFieldsAreBlank) {
  const Result r = read_no_header("\"\"\n\n\"  \"\nx\n");
  EXPECT_EQ(r.rows, (Rows{{"x"}}));
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{1}));
  EXPECT_EQ(r.blank, 3u);
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{4}));
}

TEST(CsvBlankLines, BlankLinesInsideQuotesAreData) {
  const Result r = read("a,b\n\"x\n\n\ny\",2\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"x\n\n\ny", "2"}}));
  EXPECT_EQ(r.blank, 0u);
}

TEST(CsvBlankLines, EmptyInputAndOnlyBlankLines) {
  Result r = read("");
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.blank, 0u);
  EXPECT_EQ(r.header_cols, 0u);
  r = read("\n\r\n  \n");
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.blank, 3u);
  EXPECT_EQ(r.records, 0u);
}

// ---- blank lines of delimiters and whitespace (issue 13) ----------------------------------------

// Every shape of a blank line: each is skipped, counted, handed to the blank callback with its line,
// takes no row number, and raises no finding (no ragged row either, whatever its width).
TEST(CsvBlankRecords, EveryShapeIsABlankLine) {
  const std::string nbsp = "\xC2\xA0", ideographic = "\xE3\x80\x80", zwsp = "\xE2\x80\x8B", bom = "\xEF\xBB\xBF";
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {",,,,", "delimiters only"},
      {" , ", "spaces around a delimiter"},
      {"\t,\t", "tabs around a delimiter"},
      {"\"\",\"\"", "quoted empty values"},
      {"\" \",\" \"", "quoted spaces"},
      {"\"\"", "one quoted empty value"},
      {nbsp + "," + nbsp, "no-break spaces"},
      {ideographic + ",\t" + nbsp + " ,", "Unicode spaces"},
      {zwsp + "," + bom, "zero-width space and BOM"},
      {",,,,,,,,,,,,", "wider than the header"},
      {",", "narrower than the header"},
      {"\" \" ,\"\"\t", "quoted values with padding"},
      {"\f,\v", "form feed and vertical tab"},
  };
  for (const auto& [shape, what] : shapes) {
    const Result r = read("email,name,,,\n" + shape + "\na@b.co,Ann,,,\n" + shape + "\n");
    EXPECT_EQ(r.rows, (Rows{{"email", "name", "", "", ""}, {"a@b.co", "Ann", "", "", ""}})) << what;
    EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1})) << what;
    EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 3})) << what;
    EXPECT_EQ(r.blank, 2u) << what;
    EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{2, 4})) << what;
    EXPECT_TRUE(r.findings.empty()) << what << ": " << (r.findings.empty() ? "" : r.findings[0].message);
    EXPECT_EQ(r.lines_seen, 4u) << what;
  }
}

TEST(CsvBlankRecords, TheIssueExample) {
  const Result r = read("email,name,,,\na@b.com,x,,,\nc@d.com,y,,,\n,,,,\n,,,,\n");
  EXPECT_EQ(r.rows, (Rows{{"email", "name", "", "", ""}, {"a@b.com", "x", "", "", ""}, {"c@d.com", "y", "", "", ""}}));
  EXPECT_EQ(r.blank, 2u);
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{4, 5}));
  EXPECT_EQ(r.records, 3u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvBlankRecords, AnyNonBlankCellMakesARecord) {
  // One value, wherever it is, makes the line a record (with its ragged-row warning when narrow).
  const Result r = read("a,b,c\n,,x\n,\"y\",\n\xC2\xAD,,\n,\xFF,\n, \"\" ,\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"", "", "x"}, {"", "y", ""}, {"\xC2\xAD", "", ""}, {"", "\xFF", ""},
                          {"", " \"\" ", ""}}));  // a soft hyphen and an invalid byte are not blank
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(r.blank, 0u);
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_stray_quote@5:6"}));  // a quote after a space is text
}

TEST(CsvBlankRecords, BeforeTheHeaderTheyAreSkippedAndTheHeaderIsTheFirstNonBlankRecord) {
  const Result r = read(",,\n\"\",\" \"\n\t\nemail,name\n,\nann@x.io,Ann\n");
  EXPECT_EQ(r.rows, (Rows{{"email", "name"}, {"ann@x.io", "Ann"}}));
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{4, 6}));
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{1, 2, 3, 5}));
  EXPECT_EQ(r.header_cols, 2u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvBlankRecords, LineEndingsCrlfAndCrOnly) {
  for (const char* eol : {"\r\n", "\r", "\n"}) {
    const std::string e = eol;
    const Result r = read("a,b" + e + ",," + e + "1,2" + e + " , " + e + e + "3,4" + e + "\"\",\"\"" + e);
    EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}})) << ::testing::PrintToString(e);
    EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 3, 6})) << ::testing::PrintToString(e);
    EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{2, 4, 5, 7})) << ::testing::PrintToString(e);
    EXPECT_EQ(r.lines_seen, 7u);
    EXPECT_TRUE(r.findings.empty());
  }
}

TEST(CsvBlankRecords, OtherDelimiters) {
  CsvOptions o;
  o.delimiter = ';';
  Result r = read("E-Mail;Name;;\r\nanna@example.de;\"M\xC3\xBCller, Anna\";;\r\n;;;\r\n ; ;\"\";\r\n", o);
  EXPECT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{3, 4}));
  EXPECT_TRUE(r.findings.empty());
  // With another delimiter a comma is text: ",,," is a value.
  r = read("email;name\n,,,\n", o);
  EXPECT_EQ(r.rows, (Rows{{"email", "name"}, {",,,"}}));
  o.delimiter = '\t';
  r = read("email\tname\n\t\n \t \n\t\t\t\nx\t\n", o);
  EXPECT_EQ(r.rows, (Rows{{"email", "name"}, {"x", ""}}));
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{2, 3, 4}));
  o.delimiter = '|';
  r = read("email|name\n|||\n", o);
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.blank, 1u);
}

TEST(CsvBlankRecords, ABlankLineInsideAQuotedValueIsContent) {
  // The line break (and the empty line) inside quotes belong to the value: the record is not blank,
  // and the next record's line counts the lines of the value.
  Result r = read("email,notes\na@b.co,\"first\n\n \nfourth\"\n,\nc@d.co,x\n");
  EXPECT_EQ(r.rows, (Rows{{"email", "notes"}, {"a@b.co", "first\n\n \nfourth"}, {"c@d.co", "x"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 7}));
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{6}));
  // A quoted value made of nothing but line breaks and spaces is blank: the record is one blank
  // line (counted once, at the line where it starts), and the lines after it keep their numbers.
  r = read("email,notes\n\"\",\"\n\n \"\nc@d.co,x\n");
  EXPECT_EQ(r.rows, (Rows{{"email", "notes"}, {"c@d.co", "x"}}));
  EXPECT_EQ(r.blank, 1u);
  EXPECT_EQ(r.blank_at, (std::vector<std::size_t>{2}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 5}));
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1}));
}

TEST(CsvBlankRecords, ARecordWithAnUnclosedQuoteIsNeverBlank) {
  // Its error must be seen on a row, not vanish with a skipped line.
  const Result r = read("email,name\na@b.co,Ann\n,\"  \n\n");
  EXPECT_EQ(r.rows, (Rows{{"email", "name"}, {"a@b.co", "Ann"}, {"", "  \n\n"}}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_unclosed_quote@2:3"}));
  EXPECT_EQ(r.blank, 0u);
}

// ---- whitespace after a closing quote is padding ------------------------------------------------

TEST(CsvQuotePadding, WhitespaceBetweenClosingQuoteAndDelimiterIsDropped) {
  const Result r = read_no_header(
      "\"G\"  ,H\n\"a\"\t,\"b\" \n\"c\"\xC2\xA0\xE3\x80\x80,d\r\n\"e, f\" \r\n\"\"\"q\"\"\"  ,\"\" ,x\n\"end\"   ");
  EXPECT_EQ(r.rows, (Rows{{"G", "H"}, {"a", "b"}, {"c", "d"}, {"e, f"}, {"\"q\"", "", "x"}, {"end"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6}));
  // Only the ragged rows (1 and 4 fields against 2) are reported: no csv_text_after_quote.
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_ragged_row@4:4", "csv_ragged_row@5:5", "csv_ragged_row@6:6"}));
}

TEST(CsvQuotePadding, OtherTextAfterTheQuoteKeepsTodaysBehaviourAndWarning) {
  // Text that is not only whitespace: kept whole, padding included, with the warning.
  const Result r = read_no_header("\"G\" x ,H\n\"G\"\xC2\xA0x,H\n\"G\"\xC2\xAD,H\n");
  EXPECT_EQ(r.rows, (Rows{{"G x ", "H"}, {"G\xC2\xA0x", "H"}, {"G\xC2\xAD", "H"}}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_text_after_quote@1:1", "csv_text_after_quote@2:2",
                                                 "csv_text_after_quote@3:3"}));
  EXPECT_NE(r.findings[0].message.find("Column 1 (line 1)"), std::string::npos) << r.findings[0].message;
}

TEST(CsvQuotePadding, PaddingCountsTowardsTheFieldSizeGuardAsBefore) {
  CsvOptions o;
  o.max_field_bytes = 6;
  EXPECT_FALSE(read("a\n\"abc\"   \n", o).fatal);
  EXPECT_TRUE(read("a\n\"abc\"    \n", o).fatal);  // 7 bytes before the padding is known to be padding
}

// ---- trailing delimiters, single columns ----------------------------------------------------------

TEST(CsvFields, TrailingDelimiterMakesAnEmptyLastField) {
  EXPECT_EQ(read_no_header("a,b,\n").rows, (Rows{{"a", "b", ""}}));
  EXPECT_EQ(read_no_header("a,").rows, (Rows{{"a", ""}}));
  EXPECT_EQ(read_no_header(",a").rows, (Rows{{"", "a"}}));
  EXPECT_EQ(read_no_header("\"a\",").rows, (Rows{{"a", ""}}));
  EXPECT_TRUE(read_no_header(",").rows.empty());  // nothing but a delimiter: a blank line
  EXPECT_EQ(read_no_header(",").blank, 1u);
}

TEST(CsvFields, SingleColumnFile) {
  const Result r = read("email\na@example.com\n\nb@example.com");
  EXPECT_EQ(r.rows, (Rows{{"email"}, {"a@example.com"}, {"b@example.com"}}));
  EXPECT_EQ(r.blank, 1u);
  EXPECT_EQ(r.header_cols, 1u);
}

TEST(CsvFields, OtherDelimiters) {
  CsvOptions o;
  o.delimiter = ';';
  EXPECT_EQ(read("a;b\n\"1;x\";2,5\n", o).rows, (Rows{{"a", "b"}, {"1;x", "2,5"}}));
  o.delimiter = '\t';
  EXPECT_EQ(read("a\tb\n1 2\t\"3\t4\"\n", o).rows, (Rows{{"a", "b"}, {"1 2", "3\t4"}}));
  o.delimiter = '|';
  EXPECT_EQ(read("a|b\n1,2|3\n", o).rows, (Rows{{"a", "b"}, {"1,2", "3"}}));
}

TEST(CsvFields, TabDelimitedLineOfTabsIsBlank) {
  CsvOptions o;
  o.delimiter = '\t';
  o.has_header = false;
  const Result r = read("\t\n \n\t\t1\n", o);
  EXPECT_EQ(r.rows, (Rows{{"", "", "1"}}));
  EXPECT_EQ(r.blank, 2u);
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{3}));
}

TEST(CsvFields, LongFieldsAcrossTheWordScanner) {
  const std::string longa(1000, 'a'), longb(37, 'b');
  const Result r = read_no_header(longa + "," + longb + "\n\"" + longb + "\"\"" + longa + "\"," + longa);
  EXPECT_EQ(r.rows, (Rows{{longa, longb}, {longb + "\"" + longa, longa}}));
}

// Records of random quoted and unquoted fields (delimiters, doubled quotes and line breaks inside
// quotes, empty fields, CRLF and LF), read in random chunks, against a plain RFC 4180 reading: the
// reader's 64-byte block masks (scan.hpp) are reused across fields, fields and quoted values span
// blocks, and quoted values are unescaped in place behind the scan.
TEST(CsvFields, RandomRecordsAcrossBlocksAsRfc4180Reads) {
  std::mt19937 rng(1130);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  for (int t = 0; t < 400; ++t) {
    const char d = ",;\t|"[t % 4];
    CsvOptions o;
    o.delimiter = d;
    o.has_header = false;
    Rows want;
    std::string text;
    const std::size_t cols = 1 + pick(6), records = 1 + pick(40);
    for (std::size_t r = 0; r < records; ++r) {
      std::vector<std::string> row;
      for (std::size_t c = 0; c < cols; ++c) {
        std::string value;
        const std::size_t len = pick(4) == 0 ? pick(150) : pick(20);
        const bool quoted = pick(3) == 0;
        for (std::size_t k = 0; k < len; ++k) {
          const std::size_t kind = pick(12);
          if (quoted && kind == 0) value += '"';
          else if (quoted && kind == 1) value += d;
          else if (quoted && kind == 2) value += '\n';
          else value += static_cast<char>('a' + pick(26));
        }
        if (c == 0) value.insert(0, "x");  // not a blank line (blank: only delimiters and whitespace)
        row.push_back(value);
        if (c > 0) text += d;
        if (quoted) {
          text += '"';
          for (char ch : value) text += ch == '"' ? std::string("\"\"") : std::string(1, ch);
          text += '"';
        } else {
          text += value;
        }
      }
      want.push_back(row);
      text += pick(2) ? "\r\n" : "\n";
    }
    const std::size_t chunk = pick(3) == 0 ? 0 : 1 + pick(300);
    const Result r = read(text, o, chunk);
    ASSERT_EQ(r.rows, want) << "case " << t << ", chunks of " << chunk;
    ASSERT_TRUE(r.findings.empty()) << "case " << t;
  }
}

TEST(CsvFields, NonAsciiBytesAreNotSpecial) {
  const Result r = read_no_header("\xC3\xA9,\xE2\x80\x9C,\xF0\x9F\x98\x80\xAC\x2C\xFF\n");
  EXPECT_EQ(r.rows, (Rows{{"\xC3\xA9", "\xE2\x80\x9C", "\xF0\x9F\x98\x80\xAC", "\xFF"}}));
}

// ---- row numbers --------------------------------------------------------------------------------

TEST(CsvRows, HeaderIsRowZeroAndBlankLinesDoNotCount) {
  const Result r = read("h1,h2\n\n\nx,1\n\ny,2\n");
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 4, 6}));
}

TEST(CsvRows, WithoutHeaderRowsStartAtOne) {
  const Result r = read_no_header("x,1\ny,2\n");
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(r.header_cols, 2u);
  EXPECT_EQ(r.records, 2u);
}

// ---- ragged rows --------------------------------------------------------------------------------

TEST(CsvRagged, FewerAndMoreFieldsAreReportedAndStillEmitted) {
  const Result r = read("a,b,c\n1,2\n1,2,3\n1,2,3,4\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "2"}, {"1", "2", "3"}, {"1", "2", "3", "4"}}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_ragged_row@1:2", "csv_ragged_row@3:4"}));
  for (const Finding& f : r.findings) {
    EXPECT_EQ(f.severity(), Severity::Warning);
    EXPECT_TRUE(f.field.empty());
  }
  EXPECT_NE(r.findings[0].message.find("Expected 3 fields"), std::string::npos) << r.findings[0].message;
  EXPECT_NE(r.findings[0].message.find("got 2"), std::string::npos) << r.findings[0].message;
  EXPECT_NE(r.findings[1].message.find("got 4"), std::string::npos) << r.findings[1].message;
}

TEST(CsvRagged, LineOfTheRecordStartIsReported) {
  const Result r = read("a,b\n\"x\ny\",1,2\n");
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_ragged_row@1:2"}));
}

TEST(CsvRagged, WithoutHeaderTheFirstRecordSetsTheWidth) {
  const Result r = read_no_header("1,2\n3\n");
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_ragged_row@2:2"}));
  EXPECT_NE(r.findings[0].message.find("first row"), std::string::npos);
}

TEST(CsvRagged, ConsistentRowsGiveNoFinding) {
  EXPECT_TRUE(read("a,b\n1,2\n,\n\"x,y\",z\n").findings.empty());
}

// ---- unclosed quote -----------------------------------------------------------------------------

TEST(CsvUnclosedQuote, ReportedAtFinishWithTheOpeningLineAndRecordKept) {
  const Result r = read("a,b\n1,2\n3,\"abc\n4,5\n6,7\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}, {"3", "abc\n4,5\n6,7\n"}}));
  ASSERT_EQ(r.codes(), (std::vector<std::string>{"csv_unclosed_quote@2:3"}));
  EXPECT_EQ(r.findings[0].severity(), Severity::Error);
  EXPECT_NE(r.findings[0].message.find("line 3"), std::string::npos) << r.findings[0].message;
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.lines_seen, 5u);
}

TEST(CsvUnclosedQuote, OpeningLineDiffersFromRecordLine) {
  const Result r = read_no_header("\"multi\nline\",\"open\nstill");
  EXPECT_EQ(r.rows, (Rows{{"multi\nline", "open\nstill"}}));
  ASSERT_EQ(r.codes(), (std::vector<std::string>{"csv_unclosed_quote@1:1"}));
  EXPECT_NE(r.findings[0].message.find("line 2"), std::string::npos) << r.findings[0].message;
}

TEST(CsvUnclosedQuote, LoneQuoteAtEnd) {
  const Result r = read_no_header("x,\"");
  EXPECT_EQ(r.rows, (Rows{{"x", ""}}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_unclosed_quote@1:1"}));
}

TEST(CsvUnclosedQuote, QuoteClosedAtVeryEndIsFine) {
  const Result r = read_no_header("x,\"a\"\"\"");
  EXPECT_EQ(r.rows, (Rows{{"x", "a\""}}));
  EXPECT_TRUE(r.findings.empty());
}

// ---- stray quotes and text after a closing quote --------------------------------------------------

TEST(CsvStrayQuote, KeptLiterallyWithOneWarningPerRecord) {
  const Result r = read("size,name\n5\" pipe,10\" pipe\n6,ok\n");
  EXPECT_EQ(r.rows, (Rows{{"size", "name"}, {"5\" pipe", "10\" pipe"}, {"6", "ok"}}));
  ASSERT_EQ(r.codes(), (std::vector<std::string>{"csv_stray_quote@1:2"}));
  EXPECT_EQ(r.findings[0].severity(), Severity::Warning);
}

TEST(CsvStrayQuote, QuoteAfterLeadingSpaceDoesNotOpenAQuotedField) {
  const Result r = read_no_header("a, \"b,c\"\n");
  EXPECT_EQ(r.rows, (Rows{{"a", " \"b", "c\""}}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_stray_quote@1:1"}));
}

TEST(CsvStrayQuote, InHeaderIsRowZero) {
  const Result r = read("na\"me,b\n1,2\n");
  EXPECT_EQ(r.rows[0], (std::vector<std::string>{"na\"me", "b"}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_stray_quote@0:1"}));
}

TEST(CsvTextAfterQuote, KeptWithAWarning) {
  const Result r = read_no_header("\"abc\"def,x\n\"a\"b\"c\",y\n\"ok\" x\n");
  EXPECT_EQ(r.rows, (Rows{{"abcdef", "x"}, {"ab\"c\"", "y"}, {"ok x"}}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_text_after_quote@1:1", "csv_text_after_quote@2:2",
                                                 "csv_text_after_quote@3:3", "csv_ragged_row@3:3"}));
}

TEST(CsvTextAfterQuote, WithEscapedQuotesBeforeIt) {
  const Result r = read_no_header("\"x\"\"y\"z\"\"w,1\n");
  EXPECT_EQ(r.rows, (Rows{{"x\"yz\"\"w", "1"}}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_text_after_quote@1:1"}));
}

// ---- guards -------------------------------------------------------------------------------------

TEST(CsvGuards, FieldAtTheLimitIsReadAndOneByteMoreIsFatal) {
  CsvOptions o;
  o.max_field_bytes = 10;
  Result r = read("a,b\n0123456789,\"0123456789\"\n", o);
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"0123456789", "0123456789"}}));
  EXPECT_FALSE(r.fatal);

  r = read("a,b\n1,2\n0123456789X,3\n4,5\n", o);
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_TRUE(r.fatal);
  ASSERT_EQ(r.codes(), (std::vector<std::string>{"csv_field_too_large@2:3"}));
  EXPECT_EQ(r.findings[0].severity(), Severity::Error);

  r = read("a,b\n1,\"012345\"\"789\"\n", o);  // 11 bytes in the file, 10 once unescaped: fine
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.rows.back(), (std::vector<std::string>{"1", "012345\"789"}));

  r = read("a,b\n1,\"0123456789\nX\"\n4,5\n", o);
  EXPECT_TRUE(r.fatal);
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_field_too_large@1:2"}));
}

TEST(CsvGuards, UnclosedQuoteOnHugeInputHitsTheFieldGuardEarly) {
  CsvOptions o;
  o.max_field_bytes = 1000;
  std::vector<Finding> findings;
  std::size_t records = 0;
  CsvReader reader(o, [&](const CsvRecord&) { ++records; }, [&](Finding&& f) { findings.push_back(f); });
  reader.feed("email,notes\nann@example.com,\"never closed ");
  const std::string chunk(256, 'x');
  std::size_t fed = 0;
  while (!reader.fatal() && fed < (std::size_t(1) << 26)) {
    reader.feed(chunk);
    fed += chunk.size();
  }
  EXPECT_TRUE(reader.fatal());
  EXPECT_LE(fed, 1000u + chunk.size());  // stopped as soon as the field passed the limit
  reader.feed("\"\nlate,row\n");
  reader.finish();
  EXPECT_EQ(records, 1u);  // the header only
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, pe::Code::CsvFieldTooLarge);
  EXPECT_EQ(findings[0].row, 1u);
  EXPECT_EQ(findings[0].line, 2u);
  EXPECT_NE(findings[0].message.find("line 2"), std::string::npos) << findings[0].message;
}

TEST(CsvGuards, EndlessUnquotedFieldHitsTheFieldGuard) {
  CsvOptions o;
  o.max_field_bytes = 4096;
  std::vector<Finding> findings;
  CsvReader reader(o, [](const CsvRecord&) {}, [&](Finding&& f) { findings.push_back(f); });
  const std::string chunk(1000, 'z');
  std::size_t fed = 0;
  while (!reader.fatal() && fed < (std::size_t(1) << 26)) {
    reader.feed(chunk);
    fed += chunk.size();
  }
  EXPECT_LE(fed, 4096u + chunk.size());
  reader.finish();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, pe::Code::CsvFieldTooLarge);
  EXPECT_EQ(findings[0].row, 0u);
}

TEST(CsvGuards, FieldGuardCountsTheWholeFieldNotTheChunk) {
  CsvOptions o;
  o.max_field_bytes = 10;
  EXPECT_TRUE(read("a,b\nx,0123456789AB\n", o, 3).fatal);
  EXPECT_TRUE(read("a,b\nx,\"0123456789AB\"\n", o, 3).fatal);
  EXPECT_TRUE(read("a,b\nx,\"01\"23456789AB\n", o, 3).fatal);  // text after quote counts too
  EXPECT_FALSE(read("a,b\nx,0123456789\ny,0123456789\n", o, 3).fatal);
}

TEST(CsvGuards, TooManyColumnsIsFatal) {
  CsvOptions o;
  o.max_columns = 3;
  Result r = read("a,b,c\n1,2,3\n", o);
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.rows.size(), 2u);

  r = read("a,b,c\n1,2,3\n1,2,3,4\n5,6,7\n", o);
  EXPECT_TRUE(r.fatal);
  EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  ASSERT_EQ(r.codes(), (std::vector<std::string>{"csv_too_many_columns@2:3"}));
  EXPECT_EQ(r.findings[0].severity(), Severity::Error);
  EXPECT_NE(r.findings[0].message.find("3 columns"), std::string::npos) << r.findings[0].message;

  r = read("a,b,c,\n", o);  // trailing delimiter: a fourth (empty) column
  EXPECT_TRUE(r.fatal);
  EXPECT_TRUE(r.rows.empty());
}

TEST(CsvGuards, HugeNumberOfDelimitersStopsAtTheColumnLimit) {
  CsvOptions o;
  o.max_columns = 4096;
  const Result r = read(std::string(100000, ','), o);
  EXPECT_TRUE(r.fatal);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_too_many_columns@0:1"}));
}

TEST(CsvGuards, NothingHappensAfterAFatalError) {
  CsvOptions o;
  o.max_field_bytes = 3;
  std::size_t records = 0, findings = 0;
  CsvReader reader(o, [&](const CsvRecord&) { ++records; }, [&](Finding&&) { ++findings; });
  reader.feed("a,b\nlong,1\n");
  EXPECT_TRUE(reader.fatal());
  reader.feed("c,d\n\"unclosed");
  reader.finish();
  reader.finish();
  EXPECT_EQ(records, 1u);
  EXPECT_EQ(findings, 1u);
  EXPECT_EQ(reader.records(), 1u);
}

// ---- reader lifecycle ---------------------------------------------------------------------------

TEST(CsvReaderApi, FinishTwiceAndFeedAfterFinishDoNothing) {
  std::size_t records = 0;
  CsvReader reader(CsvOptions(), [&](const CsvRecord&) { ++records; }, [](Finding&&) {});
  reader.feed("a,b\n1,2");
  EXPECT_EQ(records, 1u);  // the last record waits for its line break or finish()
  reader.finish();
  EXPECT_EQ(records, 2u);
  reader.finish();
  reader.feed("3,4\n");
  reader.finish();
  EXPECT_EQ(records, 2u);
  EXPECT_EQ(reader.records(), 2u);
}

TEST(CsvReaderApi, EmptyCallbacksAreAllowed) {
  CsvReader reader(CsvOptions(), nullptr, nullptr);
  reader.feed("a,b\n1\n\"x");
  reader.finish();
  EXPECT_EQ(reader.records(), 3u);
  EXPECT_EQ(reader.header_columns(), 2u);
}

TEST(CsvReaderApi, RecordIsEmittedAsSoonAsItsLineBreakArrives) {
  Rows rows;
  CsvReader reader(
      CsvOptions(), [&](const CsvRecord& r) { rows.emplace_back(r.fields.begin(), r.fields.end()); }, nullptr);
  reader.feed("a,\"b");
  EXPECT_TRUE(rows.empty());
  reader.feed("\"\r");
  EXPECT_EQ(rows, (Rows{{"a", "b"}}));  // a CR ends the record; an LF may follow in the next chunk
  reader.feed("\n1,2\n");
  EXPECT_EQ(rows, (Rows{{"a", "b"}, {"1", "2"}}));
  reader.finish();
  EXPECT_EQ(reader.lines(), 2u);
  EXPECT_EQ(reader.blank_lines(), 0u);
}

TEST(CsvReaderApi, FieldsAreViewsIntoOneReusedBuffer) {
  // Fields point into the reader's buffer, not into copies: unquoted fields sit one delimiter apart,
  // a quoted field starts just after its opening quote (unescaped in place).
  Rows rows;
  CsvReader reader(
      CsvOptions(),
      [&](const CsvRecord& r) {
        ASSERT_EQ(r.fields.size(), 3u);
        const std::size_t gap = r.row == 1 ? 2 : 1;  // row 1: `x,"y""",z`
        EXPECT_EQ(r.fields[1].data(), r.fields[0].data() + r.fields[0].size() + 1 + (gap - 1));
        rows.emplace_back(r.fields.begin(), r.fields.end());
      },
      nullptr);
  reader.feed("ab,cd,e");
  reader.feed("f\nx,\"y\"\"\",z\ng,h,i");
  reader.finish();
  EXPECT_EQ(rows, (Rows{{"ab", "cd", "ef"}, {"x", "y\"", "z"}, {"g", "h", "i"}}));
}

// ---- chunking invariance ------------------------------------------------------------------------

TEST(CsvChunking, CleanInputEveryChunkSize) {
  expect_chunk_invariant(
      "email,first,notes\r\nann@example.com,Ann,\"said \"\"hi\"\", then\r\nleft\"\r\nbob@x.io,Bob,\r\n"
      "\"\",\"\",\"\"\r\nc@d.e,\xC3\x89lodie,\xE2\x82\xAC 5\r\n");
}

TEST(CsvChunking, EveryQuirkEveryChunkSize) {
  expect_chunk_invariant(
      "\n h , \"i\"\r\n\r\n1,\"a\r\nb\"\r2,x\"y\n\"q\"tail,\"\"\"\"\r\n \t \n\r3,4,5\n6\n\"a\"\"b\",c\r\n"
      "\"x\r\r\n\ny\",z\r\r\n,\n\"open\r\n,never closed\r");
}

TEST(CsvChunking, EveryLineEndingAtEveryBoundary) {
  expect_chunk_invariant("a,b\rc,d\r\ne,f\n\rg\r\r\n\"h\r\",\"i\r\n\"\r\n\"j\n\"\r");
  expect_chunk_invariant("\r\n\r\n\r\r\n\n\r");
}

TEST(CsvChunking, GuardsEveryChunkSize) {
  CsvOptions o;
  o.max_field_bytes = 6;
  o.max_columns = 4;
  expect_chunk_invariant("a,b,c\n12345,\"12\"\"34\",x\n1,2,3,4\n", o);
  expect_chunk_invariant("a,b,c\n123456,\"1234567\n", o);
  expect_chunk_invariant("a,b,c\n1,2,3,4,5\n6,7\n", o);
  expect_chunk_invariant("a,b\n\"12\"345,x\n", o);
  expect_chunk_invariant("a,b\n\"12\"3456,x\n", o);
  // Found by fuzzing: the guard must stop at the same byte whatever the chunking, before a later
  // stray quote is reported, and when line breaks or a doubled quote push a field over the limit.
  o.max_field_bytes = 1;
  expect_chunk_invariant(std::string("\0\x80X- c\"\"\"\"q\r", 12), o);
  o.max_field_bytes = 4;
  expect_chunk_invariant("\"ab\r\n\r\n", o);
  expect_chunk_invariant("\"abc\"\"", o);
  expect_chunk_invariant("\"abc\"\"\"x", o);
}

TEST(CsvChunking, BlankLinesAndPaddingEveryChunkSize) {
  // Blank records of every shape (multi-byte spaces split anywhere, quoted ones spanning lines,
  // CRLF and CR), padding after closing quotes, and records that are not blank.
  expect_chunk_invariant(
      ",,\r\n\"\",\"\"\r\nemail,name,,\r\n\xC2\xA0,\xE3\x80\x80,\xE2\x80\x8B\r\n\"a@b.co\" \xC2\xA0,\"Ann\"\t,,\r\n"
      "\" \",\"\n\r\n\",,\r\n,,x,\r\n\"G\" y,H,,\r\n \t , ,\r,,,\r\"c@d.co\"\xC2\xA0\r\n,\"  \n");
  CsvOptions o;
  o.has_header = false;
  expect_chunk_invariant("\"\"\xC2\xA0\xC2\xA0,\"\" \n\"x\"\xE3\x80\x80\xE3\x80\x80 ,\"\"\xC2\xAD\n,\n", o);
}

TEST(CsvChunking, OtherDelimitersAndNoHeader) {
  CsvOptions o;
  o.delimiter = ';';
  o.has_header = false;
  expect_chunk_invariant("a;\"b;c\";d,e\n\n;\n\"x\"y;z\r\n", o);
  o.delimiter = '\t';
  expect_chunk_invariant("a\t\"b\tc\"\t d \n\t\n   \n1\t2\t3\t4", o);
}

TEST(CsvChunking, RandomBytesFromTheSpecialAlphabet) {
  // Short random strings made of the bytes that matter; every chunk size must agree with one feed.
  static const char kAlphabet[] = {'a', ',', ',', '"', '"', '\r', '\n', ' ', ';', '\t'};
  std::uint32_t seed = 2024;
  CsvOptions o;
  o.max_field_bytes = 8;
  o.max_columns = 6;
  for (int round = 0; round < 300; ++round) {
    std::string s;
    seed = seed * 1664525u + 1013904223u;
    const std::size_t len = (seed >> 20) % 40;
    for (std::size_t k = 0; k < len; ++k) {
      seed = seed * 1664525u + 1013904223u;
      s.push_back(kAlphabet[(seed >> 16) % sizeof(kAlphabet)]);
    }
    o.has_header = (round & 1) != 0;
    expect_chunk_invariant(s, o);
    if (HasFatalFailure()) {
      ADD_FAILURE() << "input: " << ::testing::PrintToString(s);
      return;
    }
  }
}

namespace {

// Deterministic random CSV: the expected rows and their RFC 4180 serialisation.
struct Generated {
  Rows rows;
  std::vector<std::size_t> lines;
  std::string text;
};

Generated generate(std::size_t nrows, std::size_t ncols, std::uint32_t seed, const char* eol) {
  static const char* kPieces[] = {"a", "Zo\xC3\xAB", "x y", ",", "\"", "\n", "\r\n", "\r", "longer text here ", "",
                                  "1.5", ";", "\t", "|", "\xE2\x82\xAC", " ", "\xC2\xA0"};
  Generated g;
  std::size_t line = 1;
  for (std::size_t r = 0; r < nrows; ++r) {
    std::vector<std::string> row;
    bool blank = true;
    for (std::size_t c = 0; c < ncols; ++c) {
      seed = seed * 1664525u + 1013904223u;
      std::size_t parts = (seed >> 24) % 4;
      std::string v;
      for (std::size_t p = 0; p < parts; ++p) {
        seed = seed * 1664525u + 1013904223u;
        v += kPieces[(seed >> 16) % (sizeof(kPieces) / sizeof(kPieces[0]))];
      }
      blank = blank && pe::is_blank(v);
      row.push_back(v);
    }
    if (blank) row[0] += "-";  // no blank lines: every row has a value
    g.lines.push_back(line);
    for (std::size_t c = 0; c < ncols; ++c) {
      const std::string& v = row[c];
      seed = seed * 1664525u + 1013904223u;
      const bool quote = v.find_first_of(",\"\r\n") != std::string::npos || ((seed >> 8) & 7) == 0;
      if (c) g.text += ',';
      if (quote) {
        g.text += '"';
        for (char ch : v) {
          if (ch == '"') g.text += '"';
          g.text += ch;
        }
        g.text += '"';
      } else {
        g.text += v;
      }
      for (std::size_t k = 0; k < v.size(); ++k) {
        if (v[k] == '\n' || (v[k] == '\r' && (k + 1 >= v.size() || v[k + 1] != '\n'))) ++line;
      }
    }
    g.rows.push_back(row);
    if (r + 1 < nrows || (seed & 1)) g.text += eol;
    ++line;
  }
  return g;
}

}  // namespace

TEST(CsvChunking, GeneratedFilesRoundTripAtManyChunkSizes) {
  const char* eols[] = {"\n", "\r\n", "\r"};
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    const Generated g = generate(300, 1 + seed % 5, seed * 7919u, eols[seed % 3]);
    for (std::size_t chunk : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(64),
                              std::size_t(1000), std::size_t(65536)}) {
      const Result r = read(g.text, CsvOptions(), chunk);
      ASSERT_EQ(r.rows, g.rows) << "seed " << seed << " chunk " << chunk;
      ASSERT_EQ(r.lines, g.lines) << "seed " << seed << " chunk " << chunk;
      ASSERT_TRUE(r.findings.empty()) << pe::code_name(r.findings[0].code) << " " << r.findings[0].message;
      ASSERT_EQ(r.blank, 0u);
    }
  }
}

// ---- delimiter detection ------------------------------------------------------------------------

TEST(DetectDelimiter, EachCandidate) {
  EXPECT_EQ(detect_delimiter("email,first_name,last_name\na@b.co,Ann,Lee\nc@d.co,Bob,Ray\n"), ',');
  EXPECT_EQ(detect_delimiter("email;first_name;last_name\na@b.co;Ann;Lee\nc@d.co;Bob;Ray\n"), ';');
  EXPECT_EQ(detect_delimiter("email\tfirst_name\tlast_name\na@b.co\tAnn\tLee\nc@d.co\tBob\tRay\n"), '\t');
  EXPECT_EQ(detect_delimiter("email|first_name|last_name\na@b.co|Ann|Lee\nc@d.co|Bob|Ray\n"), '|');
}

TEST(DetectDelimiter, EuropeanExcelSemicolonWithCommasInQuotesAndDecimals) {
  const std::string sample =
      "E-Mail;Name;Firma;Umsatz\r\n"
      "anna@example.de;\"M\xC3\xBCller, Anna\";\"M\xC3\xBCller, Schmidt & Co. KG\";1.234,56\r\n"
      "jan@example.nl;\"de Vries, Jan\";\"Vries, B.V.\";12,5\r\n"
      "li@example.com;Li Wei;\"Acme, Inc.\";0,99\r\n";
  EXPECT_EQ(detect_delimiter(sample), ';');
}

TEST(DetectDelimiter, TabWithCommasInText) {
  EXPECT_EQ(detect_delimiter("Email\tCompany\tNotes\nann@x.io\tLee, Park & Sons\tmet at expo, call\n"
                             "bob@y.io\tSolo\tno, thanks\n"),
            '\t');
}

TEST(DetectDelimiter, DelimitersInsideQuotesAreIgnored) {
  EXPECT_EQ(detect_delimiter("\"a;b;c\",d\n\"e;f;g\",h\n\"i;j\",k\n"), ',');
  EXPECT_EQ(detect_delimiter("\"a,b,c\";d;e\n\"e,f\";g;h\n"), ';');
  // a quoted value spanning lines does not break the count
  EXPECT_EQ(detect_delimiter("a;b\n\"x\ny,z\";2\n\"p,q,r\ns\";3\n"), ';');
}

TEST(DetectDelimiter, MostConsistentCountWins) {
  // Commas appear in some lines' text, semicolons split every line the same way.
  EXPECT_EQ(detect_delimiter("a;b;c\n1;x, y;3\n4;5;6\n7;p, q, r;9\n"), ';');
  // Pipes inside a comma file's text do not win.
  EXPECT_EQ(detect_delimiter("id,name,desc\n1,Ann,a|b\n2,Bob,c\n3,Cy,d|e|f\n"), ',');
}

TEST(DetectDelimiter, TieBreaks) {
  // Equally consistent and equally wide: priority , ; TAB |
  EXPECT_EQ(detect_delimiter("a,b;c\nd,e;f\n"), ',');
  EXPECT_EQ(detect_delimiter("a;b|c\nd;e|f\n"), ';');
  EXPECT_EQ(detect_delimiter("a\tb|c\nd\te|f\n"), '\t');
  // Equally consistent: more fields wins over priority.
  EXPECT_EQ(detect_delimiter("a;b;c,d\ne;f;g,h\n"), ';');
}

TEST(DetectDelimiter, FallsBackToComma) {
  EXPECT_EQ(detect_delimiter(""), ',');
  EXPECT_EQ(detect_delimiter("email\na@b.co\nc@d.co\n"), ',');
  EXPECT_EQ(detect_delimiter("\n\n\n"), ',');
}

TEST(DetectDelimiter, HeaderOnlyAndLinesCutByTheSample) {
  EXPECT_EQ(detect_delimiter("email;first_name;last_name"), ';');
  EXPECT_EQ(detect_delimiter("email\tfirst_name\n"), '\t');
  // the sample ends in the middle of a line: that line is not counted
  EXPECT_EQ(detect_delimiter("a;b;c\n1;2;3\n4;5,6,7,8,9,10"), ';');
  // the sample ends inside a quoted value
  EXPECT_EQ(detect_delimiter("a|b\n1|2\n\"3,4,5,6"), '|');
}

TEST(DetectDelimiter, BlankLinesAndLinesAfterTheFirstFiftyAreIgnored) {
  std::string s = "a;b\n\n\n1;2\n";
  for (int k = 0; k < 48; ++k) s += "x;y\n";
  for (int k = 0; k < 200; ++k) s += "p,q,r\n";  // beyond the first 50 records
  EXPECT_EQ(detect_delimiter(s), ';');
}

TEST(DetectDelimiter, BlankLinesOfDelimitersAreSkippedAsTheReaderSkipsThem) {
  // A tab export whose notes hold a comma, ending in rows of tabs of two widths (formatted but empty
  // rows): counted as records, the rows of tabs made the tab look inconsistent and the comma won.
  std::string s = "Email\tNotes\n";
  for (int k = 0; k < 3; ++k) s += "p" + std::to_string(k) + "@b.co\tsaid hi, left\n";
  for (int k = 0; k < 46; ++k) s += k % 2 ? "\t\t\t\n" : "\t\t\t\t\t\t\n";
  EXPECT_EQ(detect_delimiter(s), '\t');
  // The same with quoted empty values and spaces between the delimiters.
  s = "email;amount\na@b.co;1,5\nc@d.co;2,5\n";
  for (int k = 0; k < 46; ++k) s += k % 2 ? "\"\";\"\"; \n" : " ; ;\"\" ;;;;;\n";
  EXPECT_EQ(detect_delimiter(s), ';');
  // Trailing blank lines of the file's own delimiter change nothing.
  EXPECT_EQ(detect_delimiter("email;name;;;\na@b.co;1,5;;;\n;;;;\n;;;;\n"), ';');
}

TEST(DelimiterNames, NameAndParse) {
  EXPECT_EQ(delimiter_name(','), "comma");
  EXPECT_EQ(delimiter_name(';'), "semicolon");
  EXPECT_EQ(delimiter_name('\t'), "tab");
  EXPECT_EQ(delimiter_name('|'), "pipe");
  EXPECT_EQ(delimiter_name(':'), ":");

  const struct {
    const char* in;
    char out;
  } ok[] = {{",", ','}, {";", ';'}, {"\t", '\t'}, {"|", '|'}, {"tab", '\t'}, {"TAB", '\t'},
            {"comma", ','}, {"Semicolon", ';'}, {"pipe", '|'}, {"\\t", '\t'}};
  for (const auto& c : ok) {
    char d = 0;
    ASSERT_TRUE(parse_delimiter(c.in, d)) << c.in;
    EXPECT_EQ(d, c.out) << c.in;
  }
  char d = 'x';
  EXPECT_FALSE(parse_delimiter("", d));
  EXPECT_FALSE(parse_delimiter(":", d));
  EXPECT_FALSE(parse_delimiter(",,", d));
  EXPECT_FALSE(parse_delimiter("space", d));
  EXPECT_EQ(d, 'x');
  for (char c : {',', ';', '\t', '|'}) {
    ASSERT_TRUE(parse_delimiter(delimiter_name(c), d));
    EXPECT_EQ(d, c);
  }
}

// ---- fixtures: real-looking exports end to end (decode, detect, read) -------------------------

TEST(CsvFixtures, EuropeanExcelExportWithBomAndCrlf) {
  const Decoded dec = decode_all(read_file("reader/excel_semicolon.csv"));
  ASSERT_FALSE(dec.text.empty());
  EXPECT_EQ(dec.encoding, Encoding::Utf8Bom);
  CsvOptions o;
  o.delimiter = detect_delimiter(dec.text);
  EXPECT_EQ(o.delimiter, ';');
  const Result r = read(dec.text, o);
  EXPECT_EQ(r.rows, (Rows{{"E-mail", "Vorname", "Nachname", "Firma", "Umsatz"},
                          {"anna.mueller@example.de", "Anna", "M\xC3\xBCller", "M\xC3\xBCller, Schmidt & Co. KG",
                           "1.234,56"},
                          {"j.smith@example.com", "John", "Smith", "Acme, Inc.", "12,5"},
                          {"o.brien@example.ie", "Se\xC3\xA1n", "O'Brien", "Brien \"The Pub\" Ltd", "0"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3, 5}));
  EXPECT_EQ(r.blank, 1u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(CsvFixtures, TabExportWithMultiLineNote) {
  const Decoded dec = decode_all(read_file("reader/tab_export.tsv"));
  EXPECT_EQ(dec.encoding, Encoding::Utf8);
  CsvOptions o;
  o.delimiter = detect_delimiter(dec.text);
  EXPECT_EQ(o.delimiter, '\t');
  const Result r = read(dec.text, o);
  EXPECT_EQ(r.rows, (Rows{{"Email", "First Name", "Last Name", "Company", "Notes"},
                          {"ann@example.com", "Ann", "Lee", "Lee, Park & Sons", "met at expo, follow up"},
                          {"bob@example.com", "Bob", "", "Solo", "two\nlines"}}));
  EXPECT_EQ(r.lines_seen, 4u);
}

TEST(CsvFixtures, Windows1252Export) {
  const Decoded dec = decode_all(read_file("reader/windows1252.csv"));
  EXPECT_EQ(dec.encoding, Encoding::Windows1252);
  EXPECT_EQ(dec.invalid_sequences, 0u);
  EXPECT_EQ(detect_delimiter(dec.text), ',');
  const Result r = read(dec.text);
  EXPECT_EQ(r.rows, (Rows{{"email", "first_name", "last_name", "company", "notes"},
                          {"zoe@example.com", "Zo\xC3\xAB", "Dupont", "Caf\xC3\xA9 du Nord",
                           "said \xE2\x80\x9C" "call me\xE2\x80\x9D"},
                          {"max@example.com", "Max", "Power", "Power \xE2\x82\xAC Co", ""}}));
}

TEST(CsvFixtures, CrmExportWithQuirks) {
  const std::string text = read_file("reader/crm_export.csv");
  EXPECT_EQ(detect_delimiter(text), ',');
  const Result r = read(text);
  EXPECT_EQ(r.rows, (Rows{{"Email", "First name", "Last name", "Website", "Notes"},
                          {"ada@example.com", "Ada", "Lovelace", "https://example.com/?a=1&b=2",
                           "Interested in \"Pro\" plan,\nasked for pricing"},
                          {"grace@example.org", "Grace", "Hopper", "", ""},
                          {"broken@example.net", "Alan", "Turing", "Enigma, Ltd", "extra", "field"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 4, 5}));
  EXPECT_EQ(r.codes(), (std::vector<std::string>{"csv_ragged_row@3:5"}));
  expect_chunk_invariant(text);
}

namespace {

// Every field the reader marks exact is the text's own bytes at its text_offset; returns how many
// fields were exact and how many not.
std::pair<int, int> check_exact(const std::string& in, std::size_t chunk) {
  int exact = 0, moved = 0;
  CsvReader* self = nullptr;
  CsvReader reader(
      CsvOptions(),
      [&](const CsvRecord& rec) {
        EXPECT_NE(rec.exact, nullptr);
        if (!rec.exact) return;
        EXPECT_EQ(rec.exact->size(), rec.fields.size());
        for (std::size_t k = 0; k < rec.fields.size(); ++k) {
          if (!(*rec.exact)[k]) { ++moved; continue; }
          ++exact;
          const std::string_view f = rec.fields[k];
          const std::size_t at = self->text_offset(f.data());
          EXPECT_EQ(std::string_view(in).substr(at, f.size()), f) << "field " << k << " of line " << rec.line << " in\n" << in;
        }
      },
      [](Finding&&) {});
  self = &reader;
  for (std::size_t i = 0; i < in.size(); i += chunk) reader.feed(std::string_view(in).substr(i, chunk));
  reader.finish();
  return {exact, moved};
}

}  // namespace

TEST(CsvReaderApi, FieldsMarkedExactAreTheTextsOwnBytesWhateverTheChunks) {
  const std::string in =
      "a,b,c\r\n"
      "plain,\"quoted\",\"with \"\"doubled\"\" quotes\"\n"
      "\"line\r\nbreak\",\"text\" after,\"pad\"  \n"
      "x\"y,\"\",\"\"\"\"\r"
      "\"a,b\",\"multi\nline\nvalue\",end\n"
      "\"unclosed,at,end";
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{64}}) {
    SCOPED_TRACE(chunk);
    const auto [exact, moved] = check_exact(in, chunk);
    EXPECT_GE(exact, 10);
    EXPECT_GE(moved, 3);  // the doubled quotes, "text" after, and """" at least
  }
}

// ---- title lines before the header --------------------------------------------------------------

TEST(CsvTitleLines, DetectedWhenTheFirstRecordsAreTitlesAndTheHeaderSettlesTheWidth) {
  const std::string rows = "jared@piedpiper.com,Jared,Dunn,Pied Piper\nmonica@raviga.com,Monica,Hall,Raviga\n"
                           "gavin@hooli.com,Gavin,Belson,Hooli\n";
  const std::string header = "Email,First name,Last name,Company\n";
  EXPECT_EQ(detect_title_records(header + rows, ','), 0u);
  EXPECT_EQ(detect_title_records("Exported from Sales Navigator on Nov 1, 2026\n\n" + header + rows, ','), 1u);
  EXPECT_EQ(detect_title_records("Leads export\nRun 2026-11-01 08:00,,,\n" + header + rows, ','), 2u);
  // Padded to the full width by a spreadsheet: still one value.
  EXPECT_EQ(detect_title_records("My prospects,,,\n" + header + rows, ','), 1u);
  // Not titles: a header-less file (the first row is data), a single column, a first record with
  // as many values as the header, a record before the header that is data.
  EXPECT_EQ(detect_title_records(rows + rows, ','), 0u);
  EXPECT_EQ(detect_title_records("email\na@b.com\nc@d.com\ne@f.com\n", ','), 0u);
  EXPECT_EQ(detect_title_records("Name,Value\n" + header + rows, ','), 0u);
  EXPECT_EQ(detect_title_records("x@y.com\n" + header + rows, ','), 0u);
  // Rows that do not settle at the header's width.
  EXPECT_EQ(detect_title_records("Title\nA,B,C,D\n1\n2\n3\n", ','), 0u);
  // More than kMaxTitleRecords title lines: not guessed.
  std::string many;
  for (std::size_t i = 0; i <= kMaxTitleRecords; ++i) many += "note " + std::to_string(i) + "\n";
  EXPECT_EQ(detect_title_records(many + header + rows, ','), 0u);
  // Another delimiter.
  EXPECT_EQ(detect_title_records("Export;;\nEmail;Vorname;Firma\nj@x.de;Jan;X\nk@x.de;Kai;Y\n", ';'), 1u);
}

TEST(CsvTitleLines, SkippedRecordsTakeNoRowNumberAndArePreviewed) {
  CsvOptions o;
  o.skip_records = 2;
  const Result r = read("Report\n\nRun: today,x\nemail,name\na@b.com,A\n\"c@d.com\",\"C\nD\"\n", o, 3);
  EXPECT_EQ(r.rows, (Rows{{"email", "name"}, {"a@b.com", "A"}, {"c@d.com", "C\nD"}}));
  EXPECT_EQ(r.rownums, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{4, 5, 6}));
  EXPECT_TRUE(r.findings.empty()) << "the title's width is not the header's: no ragged row";
  EXPECT_EQ(r.blank, 1u);

  CsvReader reader(o, nullptr, nullptr);
  reader.feed("Report\n\nRun: today,x\nemail,name\na@b.com,A\n\"c@d.com\",\"C\nD\"\n");
  reader.finish();
  EXPECT_EQ(reader.skipped_records(), 2u);
  ASSERT_EQ(reader.previews().size(), 5u);
  EXPECT_EQ(reader.previews()[0].line, 1u);
  EXPECT_EQ(reader.previews()[0].text, "Report");
  EXPECT_EQ(reader.previews()[1].line, 3u);
  EXPECT_EQ(reader.previews()[1].text, "Run: today, x");
  EXPECT_EQ(reader.previews()[2].text, "email, name");
  EXPECT_EQ(reader.previews()[4].text, "c@d.com, C D");
}

TEST(CsvTitleLines, PreviewsAreCutOnACharacterAndKeptForTheFirstRecordsOnly) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += std::string(100, 'a') + ",\xC3\xA9" + std::string(100, 'b') + "\n";
  CsvReader reader(CsvOptions(), nullptr, nullptr);
  reader.feed(text);
  reader.finish();
  ASSERT_EQ(reader.previews().size(), kPreviewRecords);
  const std::string& p = reader.previews()[0].text;
  EXPECT_LE(p.size(), kPreviewBytes + 3);
  EXPECT_EQ(p.substr(p.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(p.substr(0, 104), std::string(100, 'a') + ", \xC3\xA9");
  // 160 bytes fall inside no character here: the cut is after a whole one, before the ellipsis.
  for (std::size_t k = 0; k + 3 < p.size(); ++k) EXPECT_NE(static_cast<unsigned char>(p[k]), 0xE2u);
}
