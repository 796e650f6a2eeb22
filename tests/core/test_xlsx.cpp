// Excel workbooks (.xlsx): the zip directory, every cell type, dates and numbers as Excel shows
// them, the CSV produced, and hostile files answered in words. No inflater here (the wasm build has
// no zlib): workbooks are built in the test with stored (method 0) parts, and the deflated fixture
// written by Python's zipfile (tests/fixtures/xlsx/make_workbook.py) is read down to its parts'
// places. Its full conversion is tested through the CLI (tests/cli) and the page (tests/browser).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "xlsx.hpp"
#include "zip_stored.hpp"

using namespace pe::xlsx;

namespace {

using Parts = std::vector<std::pair<std::string, std::string>>;

using pe_test::put16;
using pe_test::put32;
using pe_test::zip_stored;

// What a caller does (the CLI, the page's worker), with stored parts: false with the error.
bool convert(const std::string& zip, std::string& csv, std::string& error, const std::string& sheet = "",
             Workbook* out = nullptr) {
  Workbook local;
  Workbook& book = out ? *out : local;
  const std::string_view tail = std::string_view(zip).substr(zip.size() > kTailBytes ? zip.size() - kTailBytes : 0);
  bool ok = book.open(tail, zip.size(), sheet);
  for (int round = 0; ok && round < 10; ++round) {
    const std::vector<ZipEntry> want = book.wanted();
    if (want.empty()) break;
    for (const ZipEntry& e : want) {
      std::uint64_t at = 0;
      if (!data_offset(e, std::string_view(zip).substr(static_cast<std::size_t>(e.header_offset), kLocalHeaderBytes), zip.size(), at, error))
        return false;
      ok = book.give(e.name, zip.substr(static_cast<std::size_t>(at), static_cast<std::size_t>(e.compressed_size)));
      if (!ok) break;
    }
  }
  if (ok) ok = book.to_csv(csv);
  if (!ok) error = book.error();
  return ok;
}

const char* kMain = R"(xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships")";
const char* kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

std::string workbook_xml(const std::vector<std::string>& names, const std::string& pr = "") {
  std::string s = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workbook ") + kMain + ">" + pr + "<sheets>";
  for (std::size_t i = 0; i < names.size(); ++i)
    s += "<sheet name=\"" + names[i] + "\" sheetId=\"" + std::to_string(i + 1) + "\" r:id=\"rId" + std::to_string(i + 1) + "\"/>";
  return s + "</sheets></workbook>";
}

std::string rels_xml(std::size_t sheets) {
  std::string s = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (std::size_t i = 0; i < sheets; ++i)
    s += "<Relationship Id=\"rId" + std::to_string(i + 1) + "\" Type=\"" + kRel + "worksheet\" Target=\"worksheets/sheet" +
         std::to_string(i + 1) + ".xml\"/>";
  s += std::string("<Relationship Id=\"rS\" Type=\"") + kRel + "sharedStrings\" Target=\"sharedStrings.xml\"/>";
  s += std::string("<Relationship Id=\"rT\" Type=\"") + kRel + "styles\" Target=\"/xl/styles.xml\"/>";
  return s + "</Relationships>";
}

const char* kStyles =
    R"(<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy\ hh:mm"/></numFmts>)"
    R"(<cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs>)"
    R"(<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="10"><alignment/></xf><xf numFmtId="165"/><xf numFmtId="49"/></cellXfs></styleSheet>)";

std::string sheet_xml(const std::string& rows) {
  return std::string("<?xml version=\"1.0\"?><worksheet ") + kMain + "><dimension ref=\"A1\"/><sheetData>" + rows +
         "</sheetData></worksheet>";
}

Parts book(const std::string& sheet1, const std::string& strings, const std::string& sheet2 = "") {
  Parts p = {{"[Content_Types].xml", "<Types/>"},
             {"xl/workbook.xml", workbook_xml(sheet2.empty() ? std::vector<std::string>{"Prospects"}
                                                             : std::vector<std::string>{"Prospects", "Second &amp; last"})},
             {"xl/_rels/workbook.xml.rels", rels_xml(sheet2.empty() ? 1 : 2)},
             {"xl/styles.xml", kStyles},
             {"xl/sharedStrings.xml", "<sst>" + strings + "</sst>"},
             {"xl/worksheets/sheet1.xml", sheet_xml(sheet1)}};
  if (!sheet2.empty()) p.push_back({"xl/worksheets/sheet2.xml", sheet_xml(sheet2)});
  return p;
}

std::string fixture() {
  std::ifstream f(std::string(PE_FIXTURES_DIR) + "/xlsx/prospects.xlsx", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool says_way_out(const std::string& e) { return e.find("CSV UTF-8") != std::string::npos; }

}  // namespace

// ---- the zip directory

TEST(XlsxZip, ReadsTheDirectoryOfAWorkbookWrittenByPythonsZipfile) {
  const std::string zip = fixture();
  ASSERT_GT(zip.size(), 1000u);
  EXPECT_TRUE(is_zip(zip));
  std::vector<ZipEntry> entries;
  std::string error;
  ASSERT_TRUE(read_directory(zip, zip.size(), entries, error)) << error;
  std::vector<std::string> names;
  for (const ZipEntry& e : entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                             "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml",
                                             "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}));
  for (const ZipEntry& e : entries) {
    EXPECT_EQ(e.method, 8) << e.name;  // deflated
    EXPECT_GT(e.size, 0u);
    std::uint64_t at = 0;
    ASSERT_TRUE(data_offset(e, std::string_view(zip).substr(e.header_offset, kLocalHeaderBytes), zip.size(), at, error)) << error;
    EXPECT_EQ(at, e.header_offset + kLocalHeaderBytes + e.name.size());
  }
  // The first round asks for the workbook and its relationships, as the page and the CLI inflate them.
  Workbook b;
  ASSERT_TRUE(b.open(zip, zip.size()));
  std::vector<std::string> wanted;
  for (const ZipEntry& e : b.wanted()) wanted.push_back(e.name);
  EXPECT_EQ(wanted, (std::vector<std::string>{"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}));
}

TEST(XlsxZip, Crc32AsZipComputesIt) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the standard check value
  // The fixture's parts carry the CRCs Python's zipfile wrote.
  const std::string zip = fixture();
  std::vector<ZipEntry> entries;
  std::string error;
  ASSERT_TRUE(read_directory(zip, zip.size(), entries, error)) << error;
  EXPECT_NE(entries[2].crc32, 0u);
}

TEST(XlsxZip, FindsTheDirectoryInTheLastBytesOnly) {
  const std::string zip = zip_stored(book("<row r=\"1\"><c t=\"inlineStr\"><is><t>Email</t></is></c></row>", ""));
  std::vector<ZipEntry> entries;
  std::string error;
  // The caller hands only the tail: the offsets stay the file's.
  const std::string_view tail = std::string_view(zip).substr(zip.size() - 700);
  ASSERT_TRUE(read_directory(tail, zip.size(), entries, error)) << error;
  EXPECT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].header_offset, 0u);
}

// ---- cells

TEST(XlsxSheet, EveryCellTypeAsExcelShowsIt) {
  const std::string strings =
      "<si><t>Email</t></si><si><t>First Name</t></si><si><t>Company</t></si>"
      "<si><t>zoe@acme.com</t></si><si><t>Zo\xC3\xAB</t></si><si><t>Acme, \"Rockets\" Inc</t></si>"
      "<si><r><rPr><b/></rPr><t>Ini</t></r><r><t xml:space=\"preserve\">tech &amp; co</t></r></si>"
      "<si><t>\xE6\x9D\x8E</t><rPh sb=\"0\" eb=\"1\"><t>\xE3\x83\xAA</t></rPh></si>";
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
      "<c r=\"D1\" t=\"inlineStr\"><is><t>Added</t></is></c><c r=\"E1\" t=\"inlineStr\"><is><t>Score</t></is></c>"
      "<c r=\"F1\" t=\"inlineStr\"><is><t>Active</t></is></c><c r=\"G1\" t=\"inlineStr\"><is><t>Phone</t></is></c></row>"
      // shared strings, a date (custom format), 0.1+0.2, a boolean, an 11-digit phone number
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"B2\" t=\"s\"><v>4</v></c><c r=\"C2\" t=\"s\"><v>5</v></c>"
      "<c r=\"D2\" s=\"1\"><v>45292</v></c><c r=\"E2\"><v>0.30000000000000004</v></c><c r=\"F2\" t=\"b\"><v>1</v></c>"
      "<c r=\"G2\"><v>14155550123</v></c></row>"
      // an inline string, a rich-text shared string, a gap (D3 missing), an error, FALSE, a formula's text
      "<row r=\"3\"><c r=\"A3\" t=\"str\"><f>LOWER(\"X@Y.COM\")</f><v>x@y.com</v></c><c r=\"B3\" t=\"inlineStr\"><is><t>Bj&#246;rn</t></is></c>"
      "<c r=\"C3\" t=\"s\"><v>6</v></c><c r=\"E3\" t=\"e\"><v>#N/A</v></c><c r=\"F3\" t=\"b\"><v>0</v></c></row>"
      // row 4 is left out; row 5: a phonetic guide that is not part of the text; cells without r
      "<row r=\"5\"><c t=\"inlineStr\"><is><t>li@wang.cn</t></is></c><c t=\"s\"><v>7</v></c></row>"
      // a row with only an empty formatted cell: nothing to write
      "<row r=\"6\"><c r=\"A6\" s=\"3\"/></row>";
  std::string csv, error;
  ASSERT_TRUE(convert(zip_stored(book(rows, strings)), csv, error)) << error;
  EXPECT_EQ(csv,
            "Email,First Name,Company,Added,Score,Active,Phone\r\n"
            "zoe@acme.com,Zo\xC3\xAB,\"Acme, \"\"Rockets\"\" Inc\",2024-01-01,0.3,TRUE,14155550123\r\n"
            "x@y.com,Bj\xC3\xB6rn,Initech & co,,#N/A,FALSE,\r\n"
            "\r\n"
            "li@wang.cn,\xE6\x9D\x8E,,,,,\r\n");
}

TEST(XlsxSheet, DateAndNumberFormatsOfTheStyles) {
  const std::string rows =
      "<row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c><c t=\"inlineStr\"><is><t>b</t></is></c>"
      "<c t=\"inlineStr\"><is><t>c</t></is></c><c t=\"inlineStr\"><is><t>d</t></is></c><c t=\"inlineStr\"><is><t>e</t></is></c></row>"
      "<row r=\"2\"><c s=\"2\"><v>45291</v></c><c s=\"3\"><v>0.125</v></c><c s=\"4\"><v>45292.5625</v></c>"
      "<c s=\"5\"><v>7</v></c><c s=\"99\"><v>2.5</v></c></row>";
  std::string csv, error;
  ASSERT_TRUE(convert(zip_stored(book(rows, "")), csv, error)) << error;
  // built-in short date (14) as ISO, 0.00%, a custom dd/mm/yyyy hh:mm, text (@), an unknown style: General
  EXPECT_EQ(csv, "a,b,c,d,e\r\n2023-12-31,12.50%,01/01/2024 13:30,7,2.5\r\n");
}

TEST(XlsxSheet, TheSecondSheetByName) {
  const std::string one = "<row r=\"1\"><c t=\"inlineStr\"><is><t>Email</t></is></c></row>";
  const std::string two = "<row r=\"1\"><c t=\"inlineStr\"><is><t>Other</t></is></c></row>"
                          "<row r=\"2\"><c t=\"inlineStr\"><is><t>x@y.z</t></is></c></row>";
  std::string csv, error;
  Workbook b;
  ASSERT_TRUE(convert(zip_stored(book(one, "", two)), csv, error, "Second & last", &b)) << error;
  EXPECT_EQ(csv, "Other\r\nx@y.z\r\n");
  EXPECT_EQ(b.sheet(), "Second & last");
  EXPECT_EQ(b.sheets(), (std::vector<std::string>{"Prospects", "Second & last"}));
  // The first by default.
  ASSERT_TRUE(convert(zip_stored(book(one, "", two)), csv, error)) << error;
  EXPECT_EQ(csv, "Email\r\n");
  // A name that is not there: the sheets are listed.
  EXPECT_FALSE(convert(zip_stored(book(one, "", two)), csv, error, "Leads"));
  EXPECT_EQ(error, "This workbook has no sheet named \xE2\x80\x9CLeads\xE2\x80\x9D. Its sheets: \xE2\x80\x9CProspects\xE2\x80\x9D, "
                   "\xE2\x80\x9CSecond & last\xE2\x80\x9D.");
}

TEST(XlsxSheet, A1904WorkbookAndANamespacePrefix) {
  Parts p = book("", "");
  p[1].second = "<x:workbook xmlns:x=\"m\" xmlns:r=\"r\"><x:workbookPr date1904=\"1\"/><x:sheets><x:sheet name=\"S\" r:id=\"rId1\"/></x:sheets></x:workbook>";
  p[5].second = "<x:worksheet xmlns:x=\"m\"><x:sheetData><x:row r=\"1\"><x:c r=\"B1\" s=\"1\"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>";
  std::string csv, error;
  ASSERT_TRUE(convert(zip_stored(p), csv, error)) << error;
  EXPECT_EQ(csv, ",1904-01-01\r\n");
}

// ---- numbers, dates, text

TEST(XlsxCells, GeneralNumbers) {
  EXPECT_EQ(general_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(general_number(42), "42");
  EXPECT_EQ(general_number(-7), "-7");
  EXPECT_EQ(general_number(14155550123.0), "14155550123");
  EXPECT_EQ(general_number(447911123456.0), "447911123456");
  EXPECT_EQ(general_number(1234.5), "1234.5");
  EXPECT_EQ(general_number(3.14159265358979), "3.1415926536");
  EXPECT_EQ(general_number(1e20), "1E+20");
  EXPECT_EQ(general_number(1.5e-7), "1.5E-07");
  EXPECT_EQ(general_number(0.0001), "0.0001");
}

TEST(XlsxCells, DatesAsTheirFormatSays) {
  EXPECT_TRUE(is_date_format(14, ""));
  EXPECT_TRUE(is_date_format(164, "dd/mm/yyyy"));
  EXPECT_TRUE(is_date_format(165, "[h]:mm"));
  EXPECT_FALSE(is_date_format(165, "[Red]0.00"));
  EXPECT_FALSE(is_date_format(166, "\"days\" 0"));
  EXPECT_FALSE(is_date_format(2, "0.00"));
  EXPECT_EQ(format_date(45292, "yyyy-mm-dd", false), "2024-01-01");
  EXPECT_EQ(format_date(1, "yyyy-mm-dd", false), "1900-01-01");
  EXPECT_EQ(format_date(59, "yyyy-mm-dd", false), "1900-02-28");
  EXPECT_EQ(format_date(60, "yyyy-mm-dd", false), "1900-02-29");  // Excel's day that never was
  EXPECT_EQ(format_date(61, "yyyy-mm-dd", false), "1900-03-01");
  EXPECT_EQ(format_date(45292.75, "d mmm yyyy h:mm AM/PM", false), "1 Jan 2024 6:00 PM");
  EXPECT_EQ(format_date(45292, "dddd, mmmm d", false), "Monday, January 1");
  EXPECT_EQ(format_date(45292.5625, "hh:mm:ss", false), "13:30:00");
  EXPECT_EQ(format_date(1.5, "[h]:mm", false), "36:00");
  EXPECT_EQ(format_date(0, "yyyy-mm-dd", true), "1904-01-01");
  EXPECT_EQ(format_date(-1, "yyyy-mm-dd", false), "-1");           // outside the calendar: General
  EXPECT_EQ(format_date(3e6, "yyyy-mm-dd", false), "3000000");
  EXPECT_EQ(format_date(45292.99999999, "yyyy-mm-dd hh:mm", false), "2024-01-02 00:00");  // rounds to the next day
}

TEST(XlsxCells, NumberFormats) {
  EXPECT_EQ(format_number(1234.567, "#,##0.00"), "1,234.57");
  EXPECT_EQ(format_number(-1234.5, "#,##0"), "-1,235");
  EXPECT_EQ(format_number(0.125, "0.0%"), "12.5%");
  EXPECT_EQ(format_number(7, "00000"), "00007");  // zip codes keep their leading zeros
  EXPECT_EQ(format_number(5, "\"$\"#,##0.00"), "$5.00");
  EXPECT_EQ(format_number(-5, "#,##0;(#,##0)"), "(5)");
  EXPECT_EQ(format_number(9.5, "[$\xE2\x82\xAC-407] #,##0.00"), "\xE2\x82\xAC 9.50");
  EXPECT_EQ(format_number(12345, "0.00E+00"), "12345");  // scientific: General
  EXPECT_EQ(format_number(0.3, "General"), "0.3");
}

TEST(XlsxCells, XmlText) {
  EXPECT_EQ(xml_text("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"), "a & b <c> \"d\" 'e'");
  EXPECT_EQ(xml_text("&#233;&#xE9;&#x1F600;"), "\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(xml_text("line_x000D_\r\nnext"), "line\r\nnext");
  EXPECT_EQ(xml_text("&#0; &#xD800; &#99999999;"), "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD");
  EXPECT_EQ(xml_text("&unknown; & &#x; &#12"), "&unknown; & &#x; &#12");
}

// ---- hostile files: words, never a crash

TEST(XlsxHostile, EveryTruncationOfARealWorkbookIsSaidInWords) {
  const std::string zip = fixture();
  for (std::size_t n = 0; n < zip.size(); ++n) {
    std::vector<ZipEntry> entries;
    std::string error;
    const std::string_view cut = std::string_view(zip).substr(0, n);
    if (!read_directory(cut, n, entries, error)) {
      EXPECT_TRUE(says_way_out(error)) << n << ": " << error;
      continue;
    }
    // A directory may survive a cut (here, never: it is at the end); its parts must then be in the file.
    for (const ZipEntry& e : entries) EXPECT_LE(e.header_offset + kLocalHeaderBytes + e.compressed_size, n);
  }
}

TEST(XlsxHostile, BadOffsetsAndSizes) {
  const std::string good = zip_stored(book("<row r=\"1\"><c t=\"inlineStr\"><is><t>Email</t></is></c></row>", ""));
  const std::size_t eocd = good.rfind("PK\x05\x06");
  const std::size_t cd = good.find("PK\x01\x02");
  const std::size_t wb = good.find("xl/workbook.xml", cd) - 46;  // the workbook's directory entry
  std::string csv, error;
  ASSERT_TRUE(convert(good, csv, error)) << error;

  std::string bad = good;  // the directory's offset past the end
  bad[eocd + 19] = '\x7F';
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("points outside the file"), std::string::npos) << error;
  EXPECT_TRUE(says_way_out(error));

  bad = good;  // the workbook part's local header is not where the directory says
  bad[good.find("xl/workbook.xml") - 30] = 'X';
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("is not where its zip directory says"), std::string::npos) << error;

  bad = good;  // an entry's local header offset past the end of the file
  bad[cd + 45] = '\x7F';
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("runs past the end of the file"), std::string::npos) << error;

  bad = good;  // a huge declared size: refused before anything is inflated
  for (int i = 0; i < 4; ++i) bad[wb + 24 + i] = '\xF0';
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("larger than this tool reads"), std::string::npos) << error;

  bad = good;  // the inflated size does not match the directory's
  bad[wb + 24] = static_cast<char>(bad[wb + 24] + 1);
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("unpacks to"), std::string::npos) << error;

  bad = good;  // a byte of the workbook part changed after it was saved: its checksum differs
  bad[good.find("<sheets>")] = '[';
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("\xE2\x80\x9Cxl/workbook.xml\xE2\x80\x9D does not unpack to what was saved (its checksum differs)"), std::string::npos) << error;

  bad = good;  // an entry count larger than the directory
  bad[eocd + 10] = '\x50';
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("ends before its"), std::string::npos) << error;

  bad = good;  // zip64 markers
  for (int i = 0; i < 4; ++i) bad[eocd + 16 + i] = '\xFF';
  EXPECT_FALSE(convert(bad, csv, error));
  EXPECT_NE(error.find("zip64"), std::string::npos) << error;
}

TEST(XlsxHostile, EncryptedUnsupportedMethodAndNotAWorkbook) {
  const Parts parts = book("<row r=\"1\"><c t=\"inlineStr\"><is><t>Email</t></is></c></row>", "");
  std::string csv, error;
  EXPECT_FALSE(convert(zip_stored(parts, 1), csv, error));
  EXPECT_NE(error.find("protected with a password"), std::string::npos) << error;
  EXPECT_FALSE(convert(zip_stored(parts, 0, 14), csv, error));  // LZMA
  EXPECT_NE(error.find("zip method 14"), std::string::npos) << error;
  EXPECT_FALSE(convert(zip_stored({{"notes.txt", "hello"}}), csv, error));
  EXPECT_NE(error.find("not an Excel .xlsx workbook"), std::string::npos) << error;
  EXPECT_TRUE(says_way_out(error));
  EXPECT_FALSE(convert(zip_stored({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w/>"}}), csv, error));
  EXPECT_NE(error.find("Word or PowerPoint"), std::string::npos) << error;
  EXPECT_FALSE(convert("not a zip at all, just some text that is long enough", csv, error));
  EXPECT_NE(error.find("zip directory (at the end of the file) is missing"), std::string::npos) << error;
}

TEST(XlsxHostile, MissingPartsAndBadXml) {
  std::string csv, error;
  Parts p = book("<row r=\"1\"><c t=\"inlineStr\"><is><t>Email</t></is></c></row>", "");
  p.pop_back();  // the sheet's part
  EXPECT_FALSE(convert(zip_stored(p), csv, error));
  EXPECT_NE(error.find("its sheet \xE2\x80\x9CProspects\xE2\x80\x9D is listed but its part is missing"), std::string::npos) << error;

  p = book("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>", "<si><t>only one</t></si>");
  EXPECT_FALSE(convert(zip_stored(p), csv, error));
  EXPECT_NE(error.find("cell A1 of the sheet \xE2\x80\x9CProspects\xE2\x80\x9D names a shared string that is not there"), std::string::npos) << error;

  p = book("<row r=\"1\"><c r=\"A1\"><v>12abc</v></c></row>", "");
  EXPECT_FALSE(convert(zip_stored(p), csv, error));
  EXPECT_NE(error.find("where a number should be"), std::string::npos) << error;

  p = book("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Email</t></is></c></row><row r=\"2\"><c r=\"A2", "");
  EXPECT_FALSE(convert(zip_stored(p), csv, error));
  EXPECT_EQ(csv, "");  // nothing of the rows before the damage
  EXPECT_NE(error.find("not well-formed XML (the part ends inside a tag)"), std::string::npos) << error;

  p = book("<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>", "");
  EXPECT_FALSE(convert(zip_stored(p), csv, error));
  EXPECT_NE(error.find("not a cell reference"), std::string::npos) << error;

  p = book("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", "");
  p[1].second = "<workbook><sheets></sheets></workbook>";
  EXPECT_FALSE(convert(zip_stored(p), csv, error));
  EXPECT_NE(error.find("list of sheets (xl/workbook.xml) is empty"), std::string::npos) << error;

  p[1].second = "<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets><!-- never closed";
  EXPECT_FALSE(convert(zip_stored(p), csv, error));
  EXPECT_NE(error.find("xl/workbook.xml is not well-formed XML (a comment is not closed)"), std::string::npos) << error;
  EXPECT_TRUE(says_way_out(error));
}

TEST(XlsxHostile, OnePartNamedAsTheSheetAndItsStringsIsAskedForOnce) {
  Parts p = book("<row r=\"1\"><c t=\"inlineStr\"><is><t>Email</t></is></c></row>", "");
  std::string& rels = p[2].second;
  rels.replace(rels.find("sharedStrings.xml"), 17, "worksheets/sheet1.xml");
  Workbook b;
  const std::string zip = zip_stored(p);
  ASSERT_TRUE(b.open(zip, zip.size()));
  int rounds = 0;
  for (std::vector<ZipEntry> want = b.wanted(); !want.empty(); want = b.wanted(), ++rounds) {
    ASSERT_LT(rounds, 2) << "asked again for " << want[0].name;
    for (const ZipEntry& e : want) {
      std::uint64_t at = 0;
      ASSERT_TRUE(b.data_at(e.name, std::string_view(zip).substr(e.header_offset, kLocalHeaderBytes), at));
      ASSERT_TRUE(b.give(e.name, zip.substr(at, e.compressed_size))) << b.error();
    }
  }
  std::string csv;
  ASSERT_TRUE(b.to_csv(csv)) << b.error();
  EXPECT_EQ(csv, "Email\r\n");
}

TEST(XlsxHostile, ManyCommentsAndADoctypeDoNotRecurseOrExpand) {
  std::string comments;
  for (int i = 0; i < 200000; ++i) comments += "<!---->";
  Parts p = book(comments + "<row r=\"1\"><c t=\"inlineStr\"><is><t>Email &lol;</t></is></c></row>", "");
  p[5].second = "<!DOCTYPE x [<!ENTITY lol \"lol\">]>" + p[5].second;
  std::string csv, error;
  ASSERT_TRUE(convert(zip_stored(p), csv, error)) << error;
  EXPECT_EQ(csv, "Email &lol;\r\n");  // declared entities are not expanded
}
