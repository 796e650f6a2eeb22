// Exports (src/core/export.hpp): the spreadsheet-safe CSV cell, the report of a run and the cleaned CSV.
#include <gtest/gtest.h>

#include "export.hpp"

using pe::BatchOutcome;
using pe::Document;

TEST(CsvCell, PlainValuesStayAsTheyAre) {
  EXPECT_EQ(pe::csv_cell("Ada"), "Ada");
  EXPECT_EQ(pe::csv_cell(""), "");
  EXPECT_EQ(pe::csv_cell("a@b.co"), "a@b.co");
}

TEST(CsvCell, QuotesWhenNeeded) {
  EXPECT_EQ(pe::csv_cell("Hall, Monica"), "\"Hall, Monica\"");
  EXPECT_EQ(pe::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(pe::csv_cell("two\nlines"), "\"two\nlines\"");
}

TEST(CsvCell, NeutralisesFormulaInjection) {
  EXPECT_EQ(pe::csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(pe::csv_cell("+1 555"), "'+1 555");
  EXPECT_EQ(pe::csv_cell("-2"), "'-2");
  EXPECT_EQ(pe::csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(pe::csv_cell("\tx"), "'\tx");
  EXPECT_EQ(pe::csv_cell("a=b"), "a=b");
}

TEST(Export, CleanedCsvHasOnlyValidNormalisedRows) {
  Document d;
  ASSERT_TRUE(d.load("Email,First Name,Website\n A@Example.COM ,=cmd,Example.com/x\nbad,B,\na@example.com,C,\n", {}));
  EXPECT_EQ(pe::cleaned_csv(d),
            "email,first_name,last_name,linkedin_url,company_name,company_website\r\n"
            "A@example.com,'=cmd,,,,https://example.com\r\n");
}

TEST(Export, ReportHasOneLinePerInputRowWithItsOutcome) {
  Document d;
  ASSERT_TRUE(d.load("email\na@example.com\nbad\nb@example.com\na@example.com\nc@example.com\n", {}));
  // batch size 2: batch 0 = rows 1,3 (a, b); batch 1 = row 5 (c)
  std::vector<BatchOutcome> outcomes = {
      {0, pe::BatchState::Sent, "11111111-2222-3333-4444-555555555555", "ENQUEUED", ""},
      {1, pe::BatchState::Failed, "", "", "The API rejected this batch (400): bad"},
  };
  std::string rep = pe::report_csv(d, 2, outcomes);
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < rep.size()) {
    std::size_t e = rep.find("\r\n", pos);
    lines.push_back(rep.substr(pos, e - pos));
    pos = e + 2;
  }
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "row,line,email,status,outcome,details");
  auto starts = [](const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; };
  EXPECT_TRUE(starts(lines[1], "1,2,a@example.com,valid,sent in batch 11111111-2222-3333-4444-555555555555 (ENQUEUED),")) << lines[1];
  EXPECT_EQ(lines[1].find("warning"), std::string::npos) << "no per-row signal warning: the file lacks the columns";
  EXPECT_EQ(lines[2].substr(0, 30), "2,3,bad,invalid,invalid,error ");
  EXPECT_TRUE(starts(lines[3], "3,4,b@example.com,valid,sent in batch 11111111-2222-3333-4444-555555555555 (ENQUEUED),")) << lines[3];
  EXPECT_TRUE(starts(lines[4], "4,5,a@example.com,duplicate,duplicate of row 1,")) << lines[4];
  EXPECT_NE(lines[4].find("error email: Duplicate of row 1 (line 2)"), std::string::npos) << lines[4];
  EXPECT_TRUE(starts(lines[5], "5,6,c@example.com,valid,failed: The API rejected this batch (400): bad,")) << lines[5];
}

TEST(Export, RowsOfUnsentBatchesSayNotSent) {
  Document d;
  ASSERT_TRUE(d.load("email\na@example.com\n", {}));
  std::string rep = pe::report_csv(d, 50, {});
  EXPECT_NE(rep.find("1,2,a@example.com,valid,not sent,"), std::string::npos) << rep;
}

// The outcome of a batch is said in the words of its state, as the page's batches table says it
// (kBatchStates: "partly queued", not the name "partial").
TEST(Export, OutcomesUseTheWordsOfTheBatchStates) {
  Document d;
  ASSERT_TRUE(d.load("email\na@example.com\nb@example.com\nc@example.com\nd@example.com\ne@example.com\n", {}));
  const std::vector<BatchOutcome> outcomes = {
      {0, pe::BatchState::Partial, "u-1", "PARTIALLY_ENQUEUED", "m0"},
      {1, pe::BatchState::Unconfirmed, "", "", "m1"},
      {2, pe::BatchState::Sending, "", "", "m2"},
      {3, pe::BatchState::Waiting, "", "", "m3"},
      {4, pe::BatchState::NotSent, "", "", "m4"},
  };
  const std::string rep = pe::report_csv(d, 1, outcomes);
  for (const char* want : {"1,2,a@example.com,valid,partly queued: m0,", "2,3,b@example.com,valid,unconfirmed: m1,",
                           "3,4,c@example.com,valid,sending…: m2,", "4,5,d@example.com,valid,not sent,",
                           "5,6,e@example.com,valid,not sent,"})
    EXPECT_NE(rep.find(want), std::string::npos) << want << " in\n" << rep;
}

// ---- formula neutralisation after leading whitespace of any kind (OWASP "CSV Injection") --------

namespace {

// Values that a spreadsheet would run as a formula: a trigger (= + - @, also full-width) after
// leading whitespace or invisible characters of any kind.
const char* const kHostile[] = {
    "=HYPERLINK(\"http://x\")",
    " =HYPERLINK(\"http://x\")",            // ASCII space
    "\t=1+1",                              // TAB
    "\r=1+1",                              // CR
    "\n=1+1",                              // LF
    "\xC2\xA0=1+1",                        // NBSP
    "\xE3\x80\x80=1+1",                    // U+3000 ideographic space
    "\xE2\x80\x83=1+1",                    // U+2003 em space
    "\xE2\x80\x8B=1+1",                    // U+200B zero-width space
    "\xEF\xBB\xBF=1+1",                    // U+FEFF BOM
    "\xE2\x80\xAF+1",                      // U+202F narrow NBSP, then +
    "\xE1\x9A\x80-1",                      // U+1680 Ogham space mark, then -
    " \t\xC2\xA0 @SUM(A1)",                // a run of mixed spaces, then @
    "\xEF\xBC\x9D" "1+1",                  // full-width ＝
    "\xEF\xBC\x8B" "1",                    // full-width ＋
    "\xEF\xBC\x8D" "1",                    // full-width －
    "\xEF\xBC\xA0" "SUM(A1)",              // full-width ＠
    "\xE3\x80\x80\xEF\xBC\x9D" "1",        // U+3000 then full-width ＝
    "\xE2\x80\xAE=1+1",                    // U+202E right-to-left override, then =
};

// The cell as a spreadsheet reads it back (RFC 4180 unquoting of one field).
std::string unquote(const std::string& cell) {
  if (cell.empty() || cell[0] != '"') return cell;
  std::string out;
  for (std::size_t i = 1; i + 1 < cell.size(); ++i) {
    out += cell[i];
    if (cell[i] == '"') ++i;
  }
  return out;
}

// Every CSV field of an export, unquoted (fields may hold line breaks inside quotes).
std::vector<std::string> fields_of(const std::string& csv) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r' || i + 1 >= csv.size() || csv[i + 1] != '\n') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// True when the text of a field would not start a formula: it starts with the ' guard, or its first
// character after whitespace is no trigger.
bool neutral(const std::string& field) { return !field.empty() && field[0] == '\''; }

// The CSV cell of a value, RFC 4180 quoted: "a""b" for a"b.
std::string csv_quoted(const std::string& v) {
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

}  // namespace

TEST(CsvCell, NeutralisesAfterLeadingWhitespaceOfAnyKind) {
  for (const char* v : kHostile) {
    const std::string cell = pe::csv_cell(v);
    EXPECT_EQ(unquote(cell), "'" + std::string(v)) << "value: " << v << "\ncell: " << cell;
  }
}

TEST(CsvCell, LeavesHarmlessLeadingSpacesAndInnerSignsAlone) {
  EXPECT_EQ(pe::csv_cell(" Ada"), " Ada");
  EXPECT_EQ(pe::csv_cell("\xC2\xA0" "Ada"), "\xC2\xA0" "Ada");
  EXPECT_EQ(pe::csv_cell("a=b"), "a=b");
  EXPECT_EQ(pe::csv_cell("Smith-Jones"), "Smith-Jones");
  EXPECT_EQ(pe::csv_cell("   "), "   ");
  EXPECT_EQ(pe::csv_cell("x\xEF\xBC\x9D"), "x\xEF\xBC\x9D");
}

// Report: invalid emails are written as they were in the file. Every hostile value must come out
// neutralised, in the email column as well as in the details that quote it.
TEST(Export, ReportNeutralisesHostileEmailsInEveryColumn) {
  std::string csv = "email,first_name\n";
  for (const char* v : kHostile) csv += csv_quoted(v) + ",Ada\n";
  Document d;
  ASSERT_TRUE(d.load(csv, {})) << d.error();
  ASSERT_EQ(d.row_count(), sizeof(kHostile) / sizeof(kHostile[0]));
  const std::string rep = pe::report_csv(d, 50, {});
  std::size_t hostile_seen = 0;
  for (const std::string& field : fields_of(rep)) {
    const bool guarded = neutral(field);
    const std::string f = guarded ? field.substr(1) : field;
    std::size_t i = 0;
    // Skip leading whitespace and invisible characters the way a spreadsheet might.
    auto at = [&](const char* t) { return f.compare(i, std::string(t).size(), t) == 0; };
    auto fullwidth_trigger = [&] { return at("\xEF\xBC\x9D") || at("\xEF\xBC\x8B") || at("\xEF\xBC\x8D") || at("\xEF\xBC\xA0"); };
    while (i < f.size()) {
      const unsigned char c = static_cast<unsigned char>(f[i]);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') { ++i; continue; }
      if (at("\xC2\xA0")) { i += 2; continue; }
      if ((c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF) && !fullwidth_trigger()) { i += 3; continue; }
      break;
    }
    const bool trigger = i < f.size() && (f[i] == '=' || f[i] == '+' || f[i] == '-' || f[i] == '@' || fullwidth_trigger());
    if (!trigger) continue;
    ++hostile_seen;
    EXPECT_TRUE(guarded) << "field not neutralised: " << field;
  }
  EXPECT_GE(hostile_seen, sizeof(kHostile) / sizeof(kHostile[0]));  // at least the email column of each row
}

// Cleaned CSV: valid rows only, normalised values. Names keep inner characters such as U+200B or
// U+202E at the start; a formula after them must still be neutralised in every column.
TEST(Export, CleanedCsvNeutralisesHostileValuesInEveryColumn) {
  const char* const kNames[] = {
      "=1+1", "\xE2\x80\x8C=1+1" /* ZWNJ */, "\xE2\x80\xAE=1+1" /* RLO */, "\xEF\xBC\x9D" "1+1", "\xEF\xBC\xA0" "x",
      "\xE2\x80\x8E+1" /* LRM */, "-1",
  };
  std::string csv = "email,first_name,last_name,company_name\n";
  int n = 0;
  for (const char* v : kNames)
    csv += "p" + std::to_string(n++) + "@example.com," + csv_quoted(v) + "," + csv_quoted(v) + "," + csv_quoted(v) + "\n";
  Document d;
  ASSERT_TRUE(d.load(csv, {})) << d.error();
  const std::string out = pe::cleaned_csv(d);
  const std::vector<std::string> f = fields_of(out);
  ASSERT_EQ(f.size(), 6u * (1 + sizeof(kNames) / sizeof(kNames[0]))) << out;
  for (std::size_t r = 0; r < sizeof(kNames) / sizeof(kNames[0]); ++r) {
    const std::size_t base = 6 * (r + 1);
    EXPECT_EQ(f[base + 1], "'" + std::string(kNames[r])) << out;  // first_name
    EXPECT_EQ(f[base + 2], "'" + std::string(kNames[r])) << out;  // last_name
    EXPECT_EQ(f[base + 4], "'" + std::string(kNames[r])) << out;  // company_name
  }
}

// Issue 13: the report keeps one line per line of the input that held a record or was blank; a blank
// line (empty, or nothing but delimiters and whitespace) is listed where it is, marked as such, and
// never counted as a row.
TEST(Export, ReportListsBlankLinesInFileOrderMarkedAsSuch) {
  Document d;
  ASSERT_TRUE(d.load(",,\nemail,notes,\n\na@example.com,Ann,\n\"\",\" \",\nbad,Bo,\n,,\n, ,\n", {}));
  const pe::Summary s = d.summary(50);
  ASSERT_EQ(s.rows, 2u);
  ASSERT_EQ(s.blank_lines, 5u);
  const std::string rep = pe::report_csv(d, 50, {});
  EXPECT_EQ(rep,
            "row,line,email,status,outcome,details\r\n"
            ",1,,blank,\"blank line, skipped\",\r\n"
            ",3,,blank,\"blank line, skipped\",\r\n"
            "1,4,a@example.com,valid,not sent,\r\n"
            ",5,,blank,\"blank line, skipped\",\r\n" +
                std::string("2,6,bad,invalid,invalid,") + pe::csv_cell("error email: " + d.row_findings(1)[0].message) +
                "\r\n"
                ",7,,blank,\"blank line, skipped\",\r\n"
                ",8,,blank,\"blank line, skipped\",\r\n");
  std::size_t lines = 0;
  for (std::size_t k = 0; (k = rep.find("\r\n", k)) != std::string::npos; k += 2) ++lines;
  EXPECT_EQ(lines, 1 + s.rows + s.blank_lines);
  // The cleaned CSV has the valid rows only.
  EXPECT_EQ(pe::cleaned_csv(d), "email,first_name,last_name,linkedin_url,company_name,company_website\r\n"
                                "a@example.com,,,,,\r\n");
}
