// Reader with encoding and delimiter detection, as Document::load runs it: the bytes are decoded
// and read whole, and again streamed in random chunks through the Decoder into the CsvReader.
// Both must give identical records (fields, row, line), findings (row, line, field, severity,
// code, message), blank lines (the line of each) and counters (blank lines, lines, records, header
// columns, fatal). And in one reading: no record handed out is blank (every field is_blank) unless
// its quote was never closed; one blank-line callback per blank line counted, lines increasing.
//
// Input: the last bytes choose the options (header or not, delimiter detected or forced, small
// field/column limits so that the fatal paths are reached) and the chunking; the rest is the file.
#include "csv.hpp"
#include "encoding.hpp"
#include "fuzz_util.hpp"
#include "text.hpp"

namespace {

struct Rec {
  std::vector<std::string> fields;
  std::size_t row, line;
  bool operator==(const Rec& o) const { return fields == o.fields && row == o.row && line == o.line; }
};

struct Result {
  std::vector<Rec> records;
  std::vector<pe::Finding> findings;
  std::vector<std::size_t> blank_at;  // the line of each blank line
  std::size_t blank = 0, lines = 0, records_count = 0, header_cols = 0;
  bool fatal = false;
};

bool same(const pe::Finding& a, const pe::Finding& b) {
  return a.row == b.row && a.line == b.line && a.field == b.field && a.severity() == b.severity() &&
         a.code == b.code && a.message == b.message;
}

std::string describe(const pe::Finding& f) {
  return "row " + std::to_string(f.row) + " line " + std::to_string(f.line) + " " + std::string(pe::code_name(f.code)) + ": " + f.message;
}

std::string describe(const Rec& r) {
  std::string s = "row " + std::to_string(r.row) + " line " + std::to_string(r.line) + " [";
  for (const std::string& f : r.fields) s += fuzz::show(f) + ",";
  return s + "]";
}

// Reads `pieces` (the decoded text, or the raw bytes decoded piece by piece when `dec` is set).
Result read(const pe::CsvOptions& opt, const std::vector<std::string_view>& pieces, pe::Decoder* dec) {
  Result res;
  pe::CsvReader reader(
      opt,
      [&](const pe::CsvRecord& rec) {
        Rec r{{}, rec.row, rec.line};
        for (std::string_view f : rec.fields) r.fields.emplace_back(f);
        res.records.push_back(std::move(r));
      },
      [&](pe::Finding&& f) { res.findings.push_back(std::move(f)); },
      [&](std::size_t line) { res.blank_at.push_back(line); });
  std::string text;
  for (std::string_view p : pieces) {
    if (dec) {
      text.clear();
      dec->feed(p, text);
      reader.feed(text);
    } else {
      reader.feed(p);
    }
  }
  if (dec) {
    text.clear();
    dec->finish(text);
    reader.feed(text);
  }
  reader.finish();
  res.blank = reader.blank_lines();
  res.lines = reader.lines();
  res.records_count = reader.records();
  res.header_cols = reader.header_columns();
  res.fatal = reader.fatal();
  return res;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::uint8_t flags = fdp.ConsumeIntegral<std::uint8_t>();
  const std::uint32_t seed = fdp.ConsumeIntegral<std::uint32_t>();
  const std::size_t max_chunk = fdp.ConsumeIntegralInRange<std::size_t>(1, 64);
  const std::string bytes = fdp.ConsumeRemainingBytesAsString();

  // Encoding and delimiter detection, on the whole input (as Document::load does).
  const pe::Encoding enc = pe::detect_encoding(bytes);
  const pe::Decoded dec = pe::decode_all(bytes, enc);
  static const char kDelims[] = {',', ';', '\t', '|'};
  const char detected = pe::detect_delimiter(std::string_view(dec.text).substr(0, 64 * 1024));
  FUZZ_CHECK(detected == ',' || detected == ';' || detected == '\t' || detected == '|', "a candidate delimiter");

  pe::CsvOptions opt;
  opt.delimiter = (flags & 4) ? kDelims[(flags >> 3) & 3] : detected;
  opt.has_header = !(flags & 1);
  if (flags & 2) {  // small limits: reach the fatal paths with small inputs
    opt.max_field_bytes = 1 + (flags >> 5) * 5;
    opt.max_columns = 1 + ((flags >> 3) & 3) * 2;
  }

  const Result whole = read(opt, {dec.text}, nullptr);
  pe::Decoder decoder(enc);
  const Result part = read(opt, fuzz::chunks(bytes, seed, max_chunk), &decoder);

  const std::size_t nr = std::min(whole.records.size(), part.records.size());
  for (std::size_t i = 0; i < nr; ++i)
    FUZZ_CHECK(whole.records[i] == part.records[i],
               "record " + std::to_string(i) + ": chunked " + describe(part.records[i]) + " vs whole " +
                   describe(whole.records[i]));
  FUZZ_CHECK(whole.records.size() == part.records.size(),
             "record count: chunked " + std::to_string(part.records.size()) + " vs whole " +
                 std::to_string(whole.records.size()));
  const std::size_t nf = std::min(whole.findings.size(), part.findings.size());
  for (std::size_t i = 0; i < nf; ++i)
    FUZZ_CHECK(same(whole.findings[i], part.findings[i]),
               "finding " + std::to_string(i) + ": chunked " + describe(part.findings[i]) + " vs whole " +
                   describe(whole.findings[i]));
  FUZZ_CHECK(whole.findings.size() == part.findings.size(),
             "finding count: chunked " + std::to_string(part.findings.size()) + " vs whole " +
                 std::to_string(whole.findings.size()));
  FUZZ_CHECK(whole.blank == part.blank, "blank lines: chunked " + std::to_string(part.blank) + " vs whole " + std::to_string(whole.blank));
  FUZZ_CHECK(whole.blank_at == part.blank_at, "the lines of the blank lines differ between chunked and whole");
  FUZZ_CHECK(whole.lines == part.lines, "lines: chunked " + std::to_string(part.lines) + " vs whole " + std::to_string(whole.lines));
  FUZZ_CHECK(whole.records_count == part.records_count, "records()");
  FUZZ_CHECK(whole.header_cols == part.header_cols, "header_columns()");
  FUZZ_CHECK(whole.fatal == part.fatal, "fatal()");

  // Plain properties of one reading.
  std::size_t expect_row = opt.has_header ? 0 : 1, last_line = 0;
  for (const Rec& r : whole.records) {
    FUZZ_CHECK(r.row == expect_row++, "rows are numbered in order: " + describe(r));
    FUZZ_CHECK(r.line >= 1 && r.line > last_line, "record lines increase: " + describe(r));
    FUZZ_CHECK(r.fields.size() >= 1 && r.fields.size() <= opt.max_columns, "field count within limits: " + describe(r));
    for (const std::string& f : r.fields) FUZZ_CHECK(f.size() <= opt.max_field_bytes, "field within the size limit");
    last_line = r.line;
  }
  FUZZ_CHECK(whole.records_count == whole.records.size(), "records() counts the emitted records");
  // Blank lines (issue 13): never handed out as records, unless an unclosed quote makes it an error.
  std::size_t unclosed_row = 0;
  bool unclosed = false;
  for (const pe::Finding& f : whole.findings)
    if (f.code == pe::Code::CsvUnclosedQuote) unclosed = true, unclosed_row = f.row;
  for (const Rec& r : whole.records) {
    bool blank = true;
    for (const std::string& f : r.fields) blank = blank && pe::is_blank(f);
    FUZZ_CHECK(!blank || (unclosed && r.row == unclosed_row), "a blank record was handed out: " + describe(r));
  }
  FUZZ_CHECK(whole.blank_at.size() == whole.blank, "one blank-line callback per blank line counted");
  for (std::size_t k = 0; k < whole.blank_at.size(); ++k)
    FUZZ_CHECK(whole.blank_at[k] >= 1 && (k == 0 || whole.blank_at[k] > whole.blank_at[k - 1]),
               "blank lines are reported in order, with their line");
  std::size_t fatal_findings = 0;
  for (const pe::Finding& f : whole.findings) {
    FUZZ_CHECK(!f.message.empty(), "a finding has a message: " + describe(f));
    FUZZ_CHECK(f.line >= 1, "a reader finding names its line: " + describe(f));
    FUZZ_CHECK(fuzz::valid_utf8(f.message), "finding message is UTF-8: " + describe(f));
    if (f.code == pe::Code::CsvFieldTooLarge || f.code == pe::Code::CsvTooManyColumns) ++fatal_findings;
  }
  FUZZ_CHECK(fatal_findings == (whole.fatal ? 1u : 0u), "exactly one fatal finding when reading stopped");
  return 0;
}
