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
      {0, "sent", "11111111-2222-3333-4444-555555555555", "ENQUEUED", ""},
      {1, "failed", "", "", "The API rejected this batch (400): bad"},
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
