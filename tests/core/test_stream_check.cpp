// The streaming check (stream_check.hpp) against the whole-file Document: same findings, summary and
// batches for the same input, whatever the chunk boundaries; the duplicate index; the incremental
// encoding sniffer; the streaming JSON writers used by the `enrich` CLI.
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "csv_stream.hpp"
#include "document.hpp"
#include "encoding.hpp"
#include "json_forms.hpp"
#include "requests.hpp"
#include "session.hpp"
#include "stream_check.hpp"

using namespace pe;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every regular file under dir, recursively, sorted.
void list_files(const std::string& dir, std::vector<std::string>& out) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) list_files(path, out);
    else if (S_ISREG(st.st_mode)) out.push_back(path);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
}

std::string show(const Finding& f) {
  return std::string(pe::code_name(f.code)) + " row=" + std::to_string(f.row) + " line=" + std::to_string(f.line) + " field=" + f.field +
         " " + severity_name(f.severity()) + ": " + f.message;
}

std::string show(const Summary& s) {
  return "rows=" + std::to_string(s.rows) + " valid=" + std::to_string(s.valid) + " invalid=" +
         std::to_string(s.invalid) + " duplicates=" + std::to_string(s.duplicates) + " warned=" +
         std::to_string(s.rows_with_warnings) + " blank=" + std::to_string(s.blank_lines) + " errors=" +
         std::to_string(s.errors) + " warnings=" + std::to_string(s.warnings) + " batches=" +
         std::to_string(s.batches) + " credits=" + std::to_string(s.credits_max);
}

// What a check gives, in a form both sides can be compared in. File findings are compared as a
// sorted list: the stream reports the count of undecodable bytes last (known only at the end), the
// Document first.
struct CheckResult {
  bool ok = false;
  std::string error;
  bool unknown_mapping = false;
  std::string encoding;
  char delimiter = 0;
  std::vector<std::string> columns, file, rows, statuses, bodies;
  std::string summary;
};

void expect_same(const CheckResult& doc, const CheckResult& st, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(doc.ok, st.ok) << "document error: " << doc.error << "\nstream error: " << st.error;
  EXPECT_EQ(doc.error, st.error);
  // The Document maps the columns only when the file can be read to the end; the stream maps them
  // when the header arrives. So a mapping warning of the Document is always one of the stream's.
  if (doc.unknown_mapping) {
    EXPECT_TRUE(st.unknown_mapping);
  }
  if (!doc.ok) return;
  EXPECT_EQ(doc.encoding, st.encoding);
  EXPECT_EQ(doc.delimiter, st.delimiter);
  EXPECT_EQ(doc.columns, st.columns);
  EXPECT_EQ(doc.file, st.file);
  EXPECT_EQ(doc.rows, st.rows);
  EXPECT_EQ(doc.statuses, st.statuses);
  EXPECT_EQ(doc.summary, st.summary);
  EXPECT_EQ(doc.bodies, st.bodies);
}

std::vector<std::string> show_columns(const std::vector<ColumnMap>& cols) {
  std::vector<std::string> v;
  for (const ColumnMap& c : cols) v.push_back(c.header + "|" + field_name(c.field) + "|" + c.note);
  return v;
}

CheckResult run_document(std::string_view bytes, const LoadOptions& opt, std::size_t batch) {
  CheckResult o;
  Document d;
  o.ok = d.load(bytes, opt);
  o.error = d.error();
  for (const Finding& f : d.file_findings()) {
    o.file.push_back(show(f));
    if (f.code == pe::Code::MappingUnknownColumn) o.unknown_mapping = true;
  }
  std::sort(o.file.begin(), o.file.end());
  if (!o.ok) return o;
  o.encoding = encoding_name(d.encoding());
  o.delimiter = d.delimiter();
  o.columns = show_columns(d.columns());
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    for (const Finding& f : d.row_findings(r)) o.rows.push_back(show(f));
    o.statuses.push_back(std::to_string(r + 1) + ":" + row_status_name(d.status(r)) + ":" +
                         (d.status(r) == RowStatus::Duplicate ? std::to_string(d.duplicate_of(r) + 1) : "-") +
                         ":" + (d.has_warning(r) ? "w" : "-"));
  }
  o.summary = show(d.summary(batch));
  for (const auto& rows : batch_rows(d, batch)) o.bodies.push_back(batch_body(d, rows));
  return o;
}

// Feeds `bytes` in chunks: chunk 0 = all at once; chunk 1 = byte by byte; otherwise random sizes
// from 1 to `chunk` drawn with `seed`.
CheckResult run_stream(std::string_view bytes, const LoadOptions& opt, std::size_t batch, std::size_t chunk,
                   unsigned seed = 1, std::uint64_t expect_bytes = 0) {
  CheckResult o;
  bool started = false, finding_before_start = false;
  StreamChecker::Callbacks cb;
  cb.on_start = [&] { started = true; };
  cb.on_finding = [&](const Finding& f) {
    if (!started) finding_before_start = true;
    if (f.row == 0)
      o.file.push_back(show(f));
    else
      o.rows.push_back(show(f));
  };
  cb.on_row = [&](const StreamRow& r) {
    o.statuses.push_back(std::to_string(r.row) + ":" + row_status_name(r.status) + ":" +
                         (r.status == RowStatus::Duplicate ? std::to_string(r.duplicate_of) : "-") + ":" +
                         (r.warned ? "w" : "-"));
  };
  cb.on_batch = [&](const std::string& body) { o.bodies.push_back(body); };
  StreamChecker c(opt, batch, cb);
  if (expect_bytes > 0) c.expect_bytes(expect_bytes);
  std::mt19937 rng(seed);
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t n = chunk == 0 ? bytes.size() : chunk == 1 ? 1 : 1 + rng() % chunk;
    n = std::min(n, bytes.size() - i);
    c.feed(bytes.substr(i, n));
    i += n;
  }
  o.ok = c.finish();
  EXPECT_FALSE(finding_before_start);
  EXPECT_EQ(started, c.started());
  o.error = c.error();
  std::vector<std::string> file;
  for (const Finding& f : c.file_findings()) {
    file.push_back(show(f));
    if (f.code == pe::Code::MappingUnknownColumn) o.unknown_mapping = true;
  }
  std::sort(file.begin(), file.end());
  std::sort(o.file.begin(), o.file.end());
  if (o.ok) {
    EXPECT_EQ(o.file, file) << "the file findings emitted are the ones kept";
  }
  o.file = file;
  o.encoding = encoding_name(c.encoding());
  o.delimiter = c.delimiter();
  o.columns = show_columns(c.columns());
  o.summary = show(c.summary());
  return o;
}

// The Document and the stream fed whole, byte by byte and in random pieces all agree.
void check_all_ways(const std::string& bytes, const LoadOptions& opt, std::size_t batch, const std::string& what,
                    bool byte_by_byte = true) {
  const CheckResult doc = run_document(bytes, opt, batch);
  expect_same(doc, run_stream(bytes, opt, batch, 0), what + " (one feed)");
  if (byte_by_byte) expect_same(doc, run_stream(bytes, opt, batch, 1), what + " (1-byte feeds)");
  for (unsigned seed = 1; seed <= 3; ++seed)
    expect_same(doc, run_stream(bytes, opt, batch, seed == 3 ? 70000 : 64, seed),
                what + " (random feeds, seed " + std::to_string(seed) + ")");
}

// ---- a generator of exports with everything the reader and the checks look at ------------------

std::string to_cp1252(const std::string& utf8) {  // the generator uses Latin-1 letters only
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size()) {
      const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
      out.push_back(cp < 0x100 ? static_cast<char>(cp) : '?');
      i += 2;
    } else {
      out.push_back('?');
      ++i;
    }
  }
  return out;
}

std::string to_utf16(const std::string& utf8, bool le, bool bom) {
  std::string out;
  auto unit = [&](unsigned u) {
    const char a = static_cast<char>(u & 0xFF), b = static_cast<char>(u >> 8);
    out.push_back(le ? a : b);
    out.push_back(le ? b : a);
  };
  if (bom) unit(0xFEFF);
  for (std::size_t i = 0; i < utf8.size();) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    unsigned cp, len;
    if (c < 0x80) cp = c, len = 1;
    else if ((c & 0xE0) == 0xC0) cp = c & 0x1Fu, len = 2;
    else if ((c & 0xF0) == 0xE0) cp = c & 0x0Fu, len = 3;
    else cp = c & 0x07u, len = 4;
    for (unsigned k = 1; k < len && i + k < utf8.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

struct Generated {
  std::string bytes;
  LoadOptions opt;
  std::size_t batch = 50;
  std::string what;
};

Generated generate(unsigned seed, std::size_t max_rows) {
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto chance = [&](unsigned pct) { return rng() % 100 < pct; };
  static const char* const kHeaders[] = {"Email", "E-mail Address", "Work Email", "First Name", "Last Name",
                                         "Full Name", "Company", "Website", "Person Linkedin Url",
                                         "Email Status", "Title", "City", "email", "Vorname"};
  static const char* const kNames[] = {"Ada", " Ada  Lovelace ", "", "Dr. Ada King Lovelace", "Lovelace, Ada",
                                       "x@y.com", "Jos\xC3\xA9", "O\"Brien", "M\xC3\xBCller", "www.example.com",
                                       "King, Jr.", "Ana Mar\xC3\xAD" "a de la Cruz"};
  static const char* const kSites[] = {"example.com", "https://www.example.com/path?x=1", "gmail.com",
                                       "linkedin.com/company/x", "192.168.0.1", "", "ex\xC3\xA4mple.de",
                                       "http://Shop.Example.CO.UK:8080/", "not a site", "a@b.co"};
  static const char* const kLinkedin[] = {"linkedin.com/in/ada", "https://de.linkedin.com/in/ada-l/?x=1", "",
                                          "linkedin.com/company/acme", "https://www.linkedin.com/sales/people/x",
                                          "example.com", "www.linkedin.com/pub/ada/1/2/3", "LinkedIn.com/in/Ada%C3%A9"};
  static const char* const kOther[] = {"Head of Sales, EMEA", "Berlin", "", "verified", "a \"quoted\" word",
                                       "two\nlines", "semi;colon", "tab\there", "pipe|here", "\xC3\xA9t\xC3\xA9"};

  Generated g;
  const char delims[] = {',', ';', '\t', '|'};
  const char d = delims[pick(4)];
  std::vector<std::string> headers;
  const std::size_t ncols = 1 + pick(7);
  for (std::size_t c = 0; c < ncols; ++c) headers.push_back(kHeaders[pick(std::size(kHeaders))]);
  if (chance(85) && std::find(headers.begin(), headers.end(), "Email") == headers.end())
    headers[pick(ncols)] = chance(50) ? "Email" : "email";
  const char* eol = chance(60) ? "\n" : chance(70) ? "\r\n" : "\r";
  // Spreadsheet leftovers (issue 13): header-less columns at the end, usually empty in every row.
  const std::size_t empty_cols = chance(30) ? 1 + pick(3) : 0;
  const bool empty_cols_get_a_value = chance(25);

  auto cell = [&](std::string v, bool allow_quirks) {
    const bool needs = v.find_first_of(std::string("\"\r\n") + d) != std::string::npos;
    if (allow_quirks && chance(2)) return v + "x\"y";          // a stray quote in an unquoted value
    if (allow_quirks && chance(2)) return "\"" + v + "\"tail";  // text after the closing quote
    if (allow_quirks && chance(3)) return "\"" + v + "\"" + (chance(50) ? " " : "\xC2\xA0\t");  // padding
    if (needs || chance(10)) {
      std::string q = "\"";
      for (char ch : v) {
        if (ch == '"') q.push_back('"');
        q.push_back(ch);
      }
      return q + "\"";
    }
    return v;
  };

  // A blank line: nothing but delimiters and whitespace, quoted or not (issue 13).
  auto debris = [&] {
    static const char* const kBlank[] = {"", " ", "\t", "\"\"", "\" \"", "\xC2\xA0", "\"\" "};
    std::string line;
    const std::size_t n = pick(ncols + empty_cols + 3);
    for (std::size_t c = 0; c <= n; ++c) {
      std::string v = kBlank[pick(std::size(kBlank))];
      if (v.find('\t') != std::string::npos && d == '\t') v = " ";
      line += (c ? std::string(1, d) : "") + v;
    }
    return line;
  };

  std::string text;
  if (chance(10)) text += debris() + eol;  // before the header
  for (std::size_t c = 0; c < ncols; ++c) text += (c ? std::string(1, d) : "") + cell(headers[c], false);
  for (std::size_t c = 0; c < empty_cols; ++c) text += std::string(1, d) + (chance(30) ? " " : "");
  text += eol;
  std::vector<std::string> emails;
  const std::size_t rows = pick(max_rows + 1);
  for (std::size_t r = 0; r < rows; ++r) {
    if (chance(3)) text += chance(50) ? std::string(eol) : "  " + std::string(eol);  // blank lines
    if (chance(8)) text += debris() + eol;
    std::size_t n = ncols;
    if (chance(3)) n = n > 1 && chance(50) ? n - 1 : n + 1;  // ragged
    for (std::size_t c = 0; c < n; ++c) {
      const std::string h = c < ncols ? headers[c] : "";
      std::string v;
      if (h.find("mail") != std::string::npos && h != "Email Status") {
        const unsigned k = static_cast<unsigned>(rng() % 100);
        if (k < 55 || emails.empty()) {
          v = "user" + std::to_string(rng() % 100000) + "@company" + std::to_string(rng() % 50) + ".com";
          emails.push_back(v);
        } else if (k < 70) {
          v = emails[pick(emails.size())];  // a duplicate
          if (chance(50)) std::transform(v.begin(), v.end(), v.begin(), [](char ch) { return static_cast<char>(std::toupper(static_cast<unsigned char>(ch))); });
        } else {
          static const char* const kEmails[] = {"broken", " spaced@x.co ", "Ann <ann@b.co>", "mailto:x@y.co",
                                                "a@gmial.com", "j\xC3\xBCrgen@example.de", "ann@ex\xC3\xA4mple.de",
                                                "", "a..b@x.co", "two@@x.co", "no-dot@localhost"};
          v = kEmails[pick(std::size(kEmails))];
        }
      } else if (h.find("Name") != std::string::npos || h == "Vorname" || h == "Company") {
        v = kNames[pick(std::size(kNames))];
      } else if (h == "Website") {
        v = kSites[pick(std::size(kSites))];
      } else if (h.find("Linkedin") != std::string::npos) {
        v = kLinkedin[pick(std::size(kLinkedin))];
      } else {
        v = kOther[pick(std::size(kOther))];
      }
      text += (c ? std::string(1, d) : "") + cell(v, true);
    }
    if (n == ncols)
      for (std::size_t c = 0; c < empty_cols; ++c)
        text += std::string(1, d) + (empty_cols_get_a_value && chance(5) ? "v" : chance(20) ? "\"\"" : "");
    if (r + 1 < rows || chance(70)) text += eol;
    if (r + 1 == rows && chance(20))
      for (std::size_t k = pick(4); k-- > 0;) text += debris() + eol;  // trailing leftovers
  }
  if (chance(3)) text += "\"an unclosed quote" + std::string(1, d) + "x";

  // Encoding.
  const unsigned e = static_cast<unsigned>(rng() % 10);
  Encoding enc = Encoding::Utf8;
  if (e < 4) {
    g.bytes = text;
    if (chance(10)) g.bytes.insert(g.bytes.size() / 2, "\xFF");  // a stray byte
  } else if (e == 4) {
    g.bytes = "\xEF\xBB\xBF" + text, enc = Encoding::Utf8Bom;
  } else if (e == 5 || e == 6) {
    g.bytes = to_cp1252(text), enc = Encoding::Windows1252;
  } else if (e == 7) {
    g.bytes = to_utf16(text, true, true), enc = Encoding::Utf16LE;
  } else if (e == 8) {
    g.bytes = to_utf16(text, false, true), enc = Encoding::Utf16BE;
  } else {
    g.bytes = to_utf16(text, true, false), enc = Encoding::Utf16LE;
  }
  if (chance(15)) g.opt.encoding = enc;
  if (chance(15)) g.opt.delimiter = d;
  if (chance(10)) g.opt.overrides.emplace_back("#" + std::to_string(1 + pick(ncols + empty_cols)), Field::FirstName);
  if (chance(5)) g.opt.overrides.emplace_back("Nope", Field::Email);
  if (chance(5)) g.opt.overrides.emplace_back(headers[0], Field::Email);
  g.batch = 1 + pick(7);
  g.what = "generated seed " + std::to_string(seed) + " (" + std::to_string(rows) + " rows, " +
           std::to_string(g.bytes.size()) + " bytes)";
  return g;
}

}  // namespace

// ---- the same result as the whole-file Document ------------------------------------------------

TEST(StreamCheck, EveryFixtureGivesTheDocumentsFindingsSummaryAndBatches) {
  std::vector<std::string> files;
  list_files(PE_FIXTURES_DIR, files);
  ASSERT_GE(files.size(), 8u);
  for (const std::string& path : files) {
    const std::string bytes = read_file(path);
    for (std::size_t batch : {1u, 2u, 50u}) check_all_ways(bytes, {}, batch, path);
  }
}

TEST(StreamCheck, GeneratedExportsGiveTheDocumentsResultWhateverTheChunks) {
  std::size_t ok = 0, refused = 0, with_blank_lines = 0, with_empty_columns = 0;
  for (unsigned seed = 1; seed <= 150; ++seed) {
    const Generated g = generate(seed, 40);
    check_all_ways(g.bytes, g.opt, g.batch, g.what);
    Document d;
    if (d.load(g.bytes, g.opt)) {
      ++ok;
      with_blank_lines += d.summary(50).blank_lines > 0;
      for (const Finding& f : d.file_findings()) with_empty_columns += f.code == pe::Code::EmptyColumnsIgnored;
    } else {
      ++refused;
    }
    if (HasFailure()) return;  // one input's diff is enough to read
  }
  // The generator covers both readable exports and refused ones, blank lines and empty columns.
  EXPECT_GT(ok, 100u);
  EXPECT_GT(refused, 3u);
  EXPECT_GT(with_blank_lines, 50u);
  EXPECT_GT(with_empty_columns, 15u);
}

TEST(StreamCheck, LargerGeneratedExportsCrossTheSampleSizes) {
  // Over 64 KiB of text: the delimiter sample ends inside the input, and chunks end anywhere.
  for (unsigned seed = 1000; seed < 1006; ++seed) {
    const Generated g = generate(seed, 3000);
    check_all_ways(g.bytes, g.opt, g.batch, g.what, /*byte_by_byte=*/seed == 1000);
    if (HasFailure()) return;
  }
}

TEST(StreamCheck, AnInputSizeGivenAheadChangesNothingButTheIndexsGrowth) {
  // The CLI gives a file's size (expect_bytes): the duplicate index is made for the rows the first
  // kSampleRows promise. True, under- and over-estimated sizes give the Document's result.
  std::size_t checked = 0;
  for (unsigned seed = 2000; seed < 2012 && checked < 2; ++seed) {
    const Generated g = generate(seed, 12000);
    const CheckResult doc = run_document(g.bytes, g.opt, g.batch);
    if (!doc.ok || doc.statuses.size() <= StreamChecker::kSampleRows) continue;
    ++checked;
    for (std::uint64_t expect : {std::uint64_t{g.bytes.size()}, std::uint64_t{g.bytes.size() / 50 + 1},
                                 std::uint64_t{g.bytes.size()} * 40})
      expect_same(doc, run_stream(g.bytes, g.opt, g.batch, 70000, seed, expect),
                  g.what + " (input size given as " + std::to_string(expect) + ")");
    if (HasFailure()) return;
  }
  EXPECT_EQ(checked, 2u) << "generated exports with more rows than the sample";
}

// Issue 13 in the streaming check: the blank-line shapes, in every encoding, line ending and
// delimiter, with header-less empty columns at the end; the Document's result whatever the chunks.
TEST(StreamCheck, BlankLinesAndEmptyColumnsGiveTheDocumentsResultWhateverTheChunks) {
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"email,name,,,\na@b.com,x,,,\nc@d.com,y,,,\n,,,,\n,,,,\n", "the issue's example"},
      {",,\n\"\",\"\"\nemail,name\n , \nann@example.com,Ann\n\t,\t\n\"\xC2\xA0\" ,\"\"\nbad,Bo\n", "every shape"},
      {"email,notes\na@b.co,\"first\n\n \nfourth\"\n\"\",\"\n\n\"\nc@d.co,x\n", "blank lines inside quotes"},
      {"\"email\" ,\"name\"  ,\na@b.co ,\"Ann\"\t,\n", "padding after closing quotes"},
      {"email,,name,, ,,\na@b.co,,Ann,,x, ,\nc@d.co,,Bo,,,,\n,,,,,,\n", "empty columns in the middle and at the end"},
      {"email,name,\na@b.co,Ann,note\n,,\n", "a header-less column with a value"},
      {"email,name,,\na@b.co,Ann\n", "short rows"},
  };
  const std::size_t base = inputs.size();
  for (std::size_t k = 0; k < base; ++k) {
    const std::string t = inputs[k].first, what = inputs[k].second;  // copies: inputs grows below
    std::string crlf, cr, semi;
    for (char ch : t) {
      crlf += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
      cr += ch == '\n' ? '\r' : ch;
      semi += ch == ',' ? ';' : ch;
    }
    inputs.emplace_back(crlf, what + ", CRLF");
    inputs.emplace_back(cr, what + ", CR");
    inputs.emplace_back(semi, what + ", semicolons");
    inputs.emplace_back(to_utf16(t, true, true), what + ", UTF-16LE");
    inputs.emplace_back(to_utf16(crlf, false, true), what + ", UTF-16BE CRLF");
    inputs.emplace_back(to_cp1252(t), what + ", Windows-1252");
  }
  for (const auto& [bytes, what] : inputs) {
    for (std::size_t batch : {1u, 50u}) check_all_ways(bytes, {}, batch, what);
    LoadOptions named;
    named.overrides = {{"#3", Field::Ignore}};
    check_all_ways(bytes, named, 2, what + ", column 3 named by an override");
    if (HasFailure()) return;
  }
  // The example's counts, from the stream.
  const CheckResult r = run_stream(inputs[0].first, {}, 50, 1);
  // ("name" is a full name; "x" cannot be split: one warning per row, no error.)
  EXPECT_EQ(r.summary, "rows=2 valid=2 invalid=0 duplicates=0 warned=2 blank=2 errors=0 warnings=2 batches=1 credits=3.000000");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"email|email|", "name|full_name|"}));
  for (const std::string& f : r.rows) EXPECT_EQ(f.rfind("name_not_split", 0), 0u) << f;
}

TEST(StreamCheck, EmptyColumnsAreKnownAtTheEndAndReportedThenWithTheDocumentsText) {
  std::string csv = "email,name,,,\n";
  for (int i = 0; i < 300; ++i) csv += "p" + std::to_string(i) + "@example.com,Ann Lee,,,\n";  // past the held-back sample
  csv += "bad,y,,,\n,,,,\n";
  LoadOptions opt;
  opt.encoding = Encoding::Utf8;
  opt.delimiter = ',';
  std::vector<Finding> found;
  std::size_t columns_at_start = 0;
  StreamChecker* self = nullptr;
  StreamChecker::Callbacks cb;
  cb.on_start = [&] { columns_at_start = self->columns().size(); };
  cb.on_finding = [&](const Finding& f) { found.push_back(f); };
  StreamChecker c(opt, 50, cb);
  self = &c;
  c.feed(csv);
  EXPECT_TRUE(c.started());
  EXPECT_EQ(c.columns().size(), 5u);  // not known yet
  ASSERT_TRUE(c.finish());
  EXPECT_EQ(columns_at_start, 5u);
  EXPECT_EQ(c.columns().size(), 2u);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.back().code, pe::Code::EmptyColumnsIgnored);  // after every row's findings
  EXPECT_EQ(found.back().severity(), pe::Severity::Info);
  Document d;
  ASSERT_TRUE(d.load(csv, {}));
  const auto& ff = d.file_findings();
  const auto it = std::find_if(ff.begin(), ff.end(), [](const Finding& f) { return f.code == pe::Code::EmptyColumnsIgnored; });
  ASSERT_NE(it, ff.end());
  EXPECT_EQ(found.back().message, it->message);
  EXPECT_EQ(c.summary().blank_lines, 1u);
  EXPECT_EQ(c.summary().rows, 301u);
}

TEST(StreamCheck, InputsThatCannotBeReadFailWithTheDocumentsMessage) {
  std::string wide = "email";
  for (int i = 0; i < 5000; ++i) wide += ",c" + std::to_string(i);
  const std::string big_field = "email,name\na@example.com,\"" + std::string(5u << 20, 'x') + "\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty"},
      {"\n\n  \n", "blank lines only"},
      {std::string("PK\x03\x04\x14\x00\x06\x00", 8) + "[Content_Types].xml", "a workbook"},
      {"%PDF-1.4\n", "a PDF"},
      {"name,company\nAda,X\n", "no email column"},
      {"\"email,name\na@example.com,Ada\n", "an unclosed quote in the header"},
      {wide + "\na@example.com\n", "too many columns in the header"},
      {"email\na@example.com\nb@example.com," + wide + "\n", "too many columns in a row"},
      {big_field, "a field over the size limit"},
  };
  for (const auto& [bytes, what] : cases) {
    const CheckResult doc = run_document(bytes, {}, 50);
    EXPECT_FALSE(doc.ok) << what;
    expect_same(doc, run_stream(bytes, {}, 50, 0), what);
    expect_same(doc, run_stream(bytes, {}, 50, 4096, 7), what + " (random feeds)");
    if (bytes.size() < 100000) expect_same(doc, run_stream(bytes, {}, 50, 1), what + " (1-byte feeds)");
  }
}

TEST(StreamCheck, AFatalReaderErrorAfterRowsReportsTheRowsReadAndTheError) {
  std::string csv = "email\n";
  for (int i = 0; i < 100; ++i) csv += "p" + std::to_string(i) + "@example.com\n";
  csv += "\"" + std::string(5u << 20, 'x') + "\"\n";
  std::vector<Finding> found;
  std::size_t rows = 0;
  StreamChecker::Callbacks cb;
  cb.on_finding = [&](const Finding& f) { found.push_back(f); };
  cb.on_row = [&](const StreamRow&) { ++rows; };
  StreamChecker c({}, 50, cb);
  c.feed(csv);
  EXPECT_FALSE(c.finish());
  EXPECT_TRUE(c.started());
  EXPECT_EQ(rows, 100u);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.back().code, pe::Code::CsvFieldTooLarge);
  EXPECT_EQ(c.error(), found.back().message);
  Document d;
  EXPECT_FALSE(d.load(csv, {}));
  EXPECT_EQ(d.error(), c.error());
}

TEST(StreamCheck, MappingOverridesAndTheirWarningsMatchTheDocument) {
  const std::string csv = "Contact,Given,Web\nx@example.com,Ann,example.com\nx@example.com,Bo,b.com\n";
  for (const LoadOptions& opt :
       {LoadOptions{Encoding::Auto, 0, {{"Contact", Field::Email}, {"Given", Field::FirstName}}},
        LoadOptions{Encoding::Auto, 0, {{"#1", Field::Email}, {"Nope", Field::LastName}}},
        LoadOptions{Encoding::Auto, 0, {{"Contacts", Field::Email}}}}) {
    check_all_ways(csv, opt, 1, "overrides " + opt.overrides[0].first);
  }
}

// A stream larger than kEncodingSampleBytes, read with encoding Auto, is detected on its first
// kEncodingSampleBytes bytes: when the first non-ASCII byte comes later, the stream reads it as UTF-8
// (and warns) while the whole-file Document detects Windows-1252. Passing the encoding (what the
// CLI does for a file, after detecting on all of it) gives the Document's result.
TEST(StreamCheck, AStreamDetectsTheEncodingOnItsFirstMegabyteAndAGivenEncodingMatchesTheDocument) {
  std::string csv = "email,first_name\n";
  while (csv.size() <= kEncodingSampleBytes) csv += "p" + std::to_string(csv.size()) + "@example.com,Ann\n";
  csv += "late@example.com,Jos\xE9\n";  // é in Windows-1252
  Document d;
  ASSERT_TRUE(d.load(csv, {}));
  EXPECT_EQ(d.encoding(), Encoding::Windows1252);
  const CheckResult auto_stream = run_stream(csv, {}, 50, 0);
  EXPECT_EQ(auto_stream.encoding, "utf-8");
  EXPECT_NE(std::find_if(auto_stream.file.begin(), auto_stream.file.end(),
                         [](const std::string& s) { return s.rfind("encoding_invalid_bytes", 0) == 0; }),
            auto_stream.file.end());
  EncodingSniffer sniffer;
  for (std::size_t i = 0; i < csv.size(); i += 100000) sniffer.feed(std::string_view(csv).substr(i, 100000));
  ASSERT_EQ(sniffer.result(), Encoding::Windows1252);
  LoadOptions given;
  given.encoding = sniffer.result();
  expect_same(run_document(csv, {}, 50), run_stream(csv, given, 50, 0), "encoding given");
  expect_same(run_document(csv, {}, 50), run_stream(csv, given, 50, 9999, 3), "encoding given, random feeds");
}

// ---- streaming: found as soon as read, nothing kept ----------------------------------------------

TEST(StreamCheck, FindingsRowsAndFullBatchesArriveBeforeTheEndOfTheInput) {
  LoadOptions opt;
  opt.encoding = Encoding::Utf8;  // nothing to detect: only the first 4 KiB are held back
  opt.delimiter = ',';
  std::vector<Finding> found;
  std::vector<std::string> bodies;
  std::size_t rows = 0;
  StreamChecker::Callbacks cb;
  cb.on_finding = [&](const Finding& f) { found.push_back(f); };
  cb.on_row = [&](const StreamRow&) { ++rows; };
  cb.on_batch = [&](const std::string& b) { bodies.push_back(b); };
  StreamChecker c(opt, 3, cb);
  c.feed("email,first_name\n");
  std::string more;
  for (int i = 0; i < 400; ++i)
    more += (i % 10 == 0 ? "broken" + std::to_string(i) : "p" + std::to_string(i) + "@example.com") + ",Ann\n";
  c.feed(more);
  // Not finished: everything of the complete rows is already out.
  EXPECT_EQ(rows, 400u);
  EXPECT_EQ(c.summary().rows, 400u);
  EXPECT_EQ(c.summary().invalid, 40u);
  EXPECT_EQ(bodies.size(), 120u);  // 360 valid rows, 3 per batch
  EXPECT_EQ(std::count_if(found.begin(), found.end(), [](const Finding& f) { return f.code == pe::Code::EmailInvalid; }), 40);
  c.feed("last@example.com,Bo");  // a record without its line break yet
  EXPECT_EQ(rows, 400u);
  EXPECT_TRUE(c.finish());
  EXPECT_EQ(rows, 401u);
  EXPECT_EQ(bodies.size(), 121u);
  EXPECT_EQ(bodies.back(), R"({"prospects":[{"email":"last@example.com","first_name":"Bo"}]})");
}

TEST(StreamCheck, StopEndsTheCallbacks) {
  std::size_t findings = 0;
  StreamChecker* self = nullptr;
  StreamChecker::Callbacks cb;
  cb.on_start = [&] { self->stop(); };
  cb.on_finding = [&](const Finding&) { ++findings; };
  StreamChecker c({}, 50, cb);
  self = &c;
  c.feed("email\nbroken\nalso broken\n");
  EXPECT_FALSE(c.finish());
  EXPECT_TRUE(c.started());
  EXPECT_EQ(findings, 0u);
  EXPECT_EQ(c.summary().rows, 0u);
}

// ---- the duplicate index ---------------------------------------------------------------------------

TEST(DupIndex, FindsTheFirstRowOfEachKeyAcrossGrowth) {
  DupIndex ix;
  std::uint32_t fr = 0, fl = 0;
  const std::uint32_t n = 200000;
  for (std::uint32_t i = 1; i <= n; ++i)
    ASSERT_FALSE(ix.find_or_insert("user" + std::to_string(i) + "@example.com", i, i + 1, fr, fl)) << i;
  EXPECT_EQ(ix.size(), n);
  EXPECT_LE(ix.size() * 10, ix.capacity() * 7);  // at most 70% full
  // 8 bytes a slot, and 20 an entry (their vector's spare room included: at most twice as many).
  EXPECT_GE(ix.bytes(), ix.capacity() * 8 + n * 20);
  EXPECT_LE(ix.bytes(), ix.capacity() * 8 + 2 * n * 20);
  for (std::uint32_t i = 1; i <= n; i += 997) {
    ASSERT_TRUE(ix.find_or_insert("user" + std::to_string(i) + "@example.com", n + i, 0, fr, fl));
    EXPECT_EQ(fr, i);
    EXPECT_EQ(fl, i + 1);
  }
  EXPECT_EQ(ix.size(), n);
}

TEST(DupIndex, KeysThatShareTheWideHashButNotTheOtherAreDifferentEmails) {
  DupIndex ix;
  std::uint32_t fr = 0, fl = 0;
  EXPECT_FALSE(ix.find_or_insert_hashed(42, 1, 1, 2, fr, fl));
  EXPECT_FALSE(ix.find_or_insert_hashed(42, 2, 2, 3, fr, fl));       // same 64-bit hash, other 32-bit one
  EXPECT_FALSE(ix.find_or_insert_hashed(42 + 1024, 1, 3, 4, fr, fl));  // same slot, other hash
  EXPECT_TRUE(ix.find_or_insert_hashed(42, 2, 9, 9, fr, fl));
  EXPECT_EQ(fr, 2u);
  EXPECT_EQ(fl, 3u);
  EXPECT_TRUE(ix.find_or_insert_hashed(42, 1, 9, 9, fr, fl));
  EXPECT_EQ(fr, 1u);
  EXPECT_EQ(ix.size(), 3u);
}

TEST(DupIndex, TheTwoHashesAreIndependentOfEachOther) {
  // Pairs of keys that agree on 20 bits of the 32-bit hash (tens of thousands among 300,000 keys)
  // agree on 20 bits of the 64-bit hash no more often than chance (1 in 2^20): a collision of one
  // hash says nothing about the other, which is what makes the pair a 96-bit key.
  const std::size_t n = 300000;
  std::vector<std::uint32_t> h32(n);
  std::vector<std::uint64_t> h64(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string key = "user" + std::to_string(i) + "@company" + std::to_string(i % 997) + ".com";
    h32[i] = DupIndex::hash32(key) & 0xFFFFFu;
    h64[i] = DupIndex::hash64(key) & 0xFFFFFu;
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return h32[a] < h32[b]; });
  std::size_t pairs = 0, both = 0;
  for (std::size_t k = 0; k < n;) {
    std::size_t e = k;
    while (e < n && h32[order[e]] == h32[order[k]]) ++e;
    for (std::size_t a = k; a < e; ++a)
      for (std::size_t b = a + 1; b < e; ++b) {
        ++pairs;
        if (h64[order[a]] == h64[order[b]]) ++both;
      }
    k = e;
  }
  EXPECT_GT(pairs, 20000u);  // about n^2 / 2^21
  EXPECT_LE(both, 3u);       // expected: pairs / 2^20, well below 1
}

// ---- the incremental encoding sniffer ------------------------------------------------------------

TEST(EncodingSniffer, GivesDetectEncodingsAnswerWhereverTheInputIsCut) {
  const std::vector<std::string> samples = {
      "",
      "email\nann@example.com\n",
      "name\nJos\xC3\xA9 M\xC3\xBC" "ller \xE2\x82\xAC \xF0\x9F\x98\x80\n",
      "\xEF\xBB\xBF" "a,b\n",
      std::string("\xFF\xFE" "a\0", 4),
      std::string("\xFE\xFF\0a", 4),
      "name\nCaf\xE9\n",
      "quote: \x93hi\x94\n",
      "J\xC3\xBCrgen and one stray \xE9 byte",
      "cut at the end \xE2\x82",
      "\xC3\x28\xE2\x28\xA1\xF0\x28\x8C\xBC\xF8\xA1\xA1\xA1\xA1",
      to_utf16("email\nann@example.com\n", true, false),
      to_utf16("email\nann@example.com\n", false, false),
  };
  for (const std::string& s : samples) {
    const Encoding whole = detect_encoding(s);
    for (std::size_t cut = 0; cut <= s.size(); ++cut) {
      for (std::size_t cut2 = cut; cut2 <= s.size(); ++cut2) {
        EncodingSniffer sn;
        sn.feed(std::string_view(s).substr(0, cut));
        sn.feed(std::string_view(s).substr(cut, cut2 - cut));
        sn.feed(std::string_view(s).substr(cut2));
        ASSERT_EQ(sn.result(), whole) << "sample " << s << " cut at " << cut << ", " << cut2;
      }
    }
  }
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const Generated g = generate(seed, 30);
    EncodingSniffer one_by_one;
    for (char ch : g.bytes) one_by_one.feed(std::string_view(&ch, 1));
    EXPECT_EQ(one_by_one.result(), detect_encoding(g.bytes)) << g.what;
  }
}

// ---- the page's "check only" mode (session.hpp, CheckOnly) -----------------------------------------

namespace {

// Feeds `bytes` to a CheckOnly in slices of random sizes (seeded), collecting its findings CSV.
CheckOnlyState check_only(const std::string& bytes, int batch, unsigned seed, std::string& csv) {
  CheckOnly c;
  EXPECT_TRUE(c.begin("auto", "auto", batch).error.empty());
  std::mt19937 rng(seed);
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - at, 1 + rng() % (rng() % 4 == 0 ? 7 : 4096));
    c.feed(std::string_view(bytes).substr(at, n));
    at += n;
    csv += c.take_findings_csv();
  }
  CheckOnlyState s = c.finish();
  csv += c.take_findings_csv();
  return s;
}

std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

// What the page shows of a check-only run is what it shows of the same file loaded whole: the
// summary, the file findings, the problem groups, and the rows' findings in file order.
void expect_check_only_as_session(const std::string& bytes, int batch, unsigned seed, const std::string& what) {
  SCOPED_TRACE(what);
  Session whole;
  const SessionState w = whole.load(bytes, "auto", "auto", batch);
  std::string csv;
  const CheckOnlyState c = check_only(bytes, batch, seed, csv);
  EXPECT_TRUE(c.done);
  EXPECT_FALSE(c.stopped);
  EXPECT_EQ(c.state.ok, w.ok);
  EXPECT_EQ(c.state.error, w.error);
  if (!w.ok) return;
  // Summary, columns, encoding, delimiter, file findings (a stream knows some only at the end, such
  // as the count of invalid bytes, so their order may differ).
  auto sorted = [](SessionState s) {
    s.fingerprint.clear();  // check only keeps nothing of the file to edit, so it has no fingerprint
    std::stable_sort(s.file_findings.begin(), s.file_findings.end(),
                     [](const Finding& a, const Finding& b) { return show(a) < show(b); });
    return to_json(s);
  };
  EXPECT_EQ(sorted(c.state), sorted(w));
  EXPECT_EQ(c.bytes, bytes.size());
  EXPECT_EQ(to_json(c.problems), to_json(whole.problems()));
  Document d;
  ASSERT_TRUE(d.load(bytes, LoadOptions{}));
  std::vector<Finding> rows;
  for (std::size_t r = 0; r < d.row_count(); ++r)
    for (const Finding& f : d.row_findings(r)) rows.push_back(f);
  EXPECT_EQ(c.findings_total, rows.size());
  ASSERT_EQ(c.findings.size(), std::min(rows.size(), kCheckOnlyFindingsShown));
  for (std::size_t i = 0; i < c.findings.size(); ++i) EXPECT_EQ(show(c.findings[i]), show(rows[i])) << i;
  // The CSV has a line per finding (rows' and file's) after its header; a value with a line break
  // would add lines, and the generator's messages have none.
  if (c.findings_total + w.file_findings.size() > 0) {
    EXPECT_EQ(csv.rfind(kFindingsCsvHeader, 0), 0u);
    EXPECT_EQ(count_lines(csv), 1 + c.findings_total + w.file_findings.size());
  }
}

}  // namespace

TEST(CheckOnly, GivesWhatTheWholeFileSessionShowsWhateverTheSlices) {
  std::vector<std::string> files;
  list_files(PE_FIXTURES_DIR "/exports", files);
  ASSERT_GE(files.size(), 3u);
  unsigned seed = 1;
  for (const std::string& path : files) expect_check_only_as_session(read_file(path), 50, seed++, path);
  for (unsigned s = 1; s <= 60; ++s) {
    const Generated g = generate(s, s % 10 == 0 ? 3000 : 40);
    expect_check_only_as_session(g.bytes, 2 + static_cast<int>(s % 3), s, g.what);
    if (HasFailure()) return;
  }
}

TEST(CheckOnly, KeepsTheFirstThousandFindingsAndCountsTheRest) {
  std::string bytes = "email,company_website\n";
  for (int i = 0; i < 2500; ++i) bytes += "person" + std::to_string(i) + "@gmial.com,acme.com\n";
  std::string csv;
  const CheckOnlyState c = check_only(bytes, 50, 7, csv);
  ASSERT_TRUE(c.state.ok) << c.state.error;
  EXPECT_EQ(c.state.summary.rows, 2500u);
  EXPECT_EQ(c.findings_total, 2500u);
  EXPECT_EQ(c.findings.size(), kCheckOnlyFindingsShown);
  EXPECT_EQ(c.findings.back().row, kCheckOnlyFindingsShown);
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_EQ(c.problems[0].count, 2500u);
  EXPECT_EQ(count_lines(csv), 2502u);  // the header, 2,500 rows' findings, the file's (no name columns)
  EXPECT_NE(csv.find("\n2500,2501,warning,"), std::string::npos) << csv.substr(csv.size() - 200);
}

TEST(CheckOnly, ProgressStopAndFailures) {
  CheckOnly c;
  // Nothing begun.
  EXPECT_FALSE(c.state(false).state.ok);
  // Refused options, before anything is read.
  EXPECT_EQ(c.begin("klingon", "auto", 50).error, "Unknown encoding \xE2\x80\x9Cklingon\xE2\x80\x9D.");
  EXPECT_EQ(to_json(c.state(false), false), R"({"ok":false,"error":"Unknown encoding “klingon”.","done":false,"stopped":false,"bytes":0.0,"findings_total":0})");
  // Progress as the bytes come; stop keeps the rows so far and says so.
  ASSERT_TRUE(c.begin("auto", "auto", 50).error.empty());
  // (Rows are read once the encoding and delimiter samples are complete, or at the end.)
  std::string start = "email\n";
  for (int i = 0; start.size() < kEncodingSampleBytes + kDelimiterSampleBytes + 100; ++i) start += "p" + std::to_string(i) + "@acme.com\n";
  const std::size_t rows = static_cast<std::size_t>(std::count(start.begin(), start.end(), '\n')) - 1;
  start += "c@";
  c.feed(start);
  CheckOnlyState p = c.state(false);
  EXPECT_TRUE(p.state.ok);
  EXPECT_FALSE(p.done);
  EXPECT_EQ(p.bytes, start.size());
  EXPECT_EQ(p.state.summary.rows, rows);
  c.stop();
  c.feed("acme.com\nd@acme.com\n");
  p = c.finish();
  EXPECT_TRUE(p.stopped);
  EXPECT_TRUE(p.done);
  EXPECT_FALSE(p.state.ok);
  EXPECT_EQ(p.state.summary.rows, rows);
  EXPECT_EQ(p.state.error, "The check was cancelled after " + std::to_string(rows) +
                               " rows: the report covers only those rows. Check the file again to see all of it.");
  // A file that cannot be read says why, as a whole-file load does.
  ASSERT_TRUE(c.begin("auto", "auto", 50).error.empty());
  c.feed("name,company\nAda,Acme\n");
  p = c.finish();
  EXPECT_FALSE(p.state.ok);
  Session s;
  EXPECT_EQ(p.state.error, s.load("name,company\nAda,Acme\n", "auto", "auto", 50).error);
  ASSERT_TRUE(c.begin("auto", "auto", 50).error.empty());
  p = c.finish();
  EXPECT_EQ(p.state.error, s.load("", "auto", "auto", 50).error);
}

// ---- request bodies written from the cells (row_rules.hpp: RowCheck::derive, derive_prospect) ------

namespace {

// Every row's prospect as Document gives it (from the cells, by the derivation recorded when the row
// was checked) is the prospect check_row makes; returns how many rows took the derivation.
std::size_t expect_derived_prospects_as_checked(const std::string& bytes, const LoadOptions& opt, const std::string& what) {
  SCOPED_TRACE(what);
  Document d;
  if (!d.load(bytes, opt)) return 0;
  const ColumnPlan plan = plan_columns(d.headers(), opt.overrides);
  std::size_t derived = 0;
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    FieldCells cells;
    for (std::size_t f = 0; f < cells.size(); ++f)
      if (plan.col[f] >= 0) cells[f] = d.cell(r, static_cast<std::size_t>(plan.col[f]));
    const RowCheck rc = check_row(plan, cells, r + 1, 0, nullptr);
    Prospect p;
    if (derive_prospect(cells, rc.derive, p)) {
      ++derived;
      EXPECT_EQ(batch_body_json({p}), batch_body_json({rc.prospect})) << "row " << r + 1;
    }
    EXPECT_EQ(batch_body_json({d.prospect(r)}), batch_body_json({rc.prospect})) << "row " << r + 1;
    if (::testing::Test::HasFailure()) break;
  }
  return derived;
}

}  // namespace

TEST(DerivedProspect, EveryRowOfEveryFixtureAndGeneratedExportIsTheCheckedProspect) {
  std::vector<std::string> files;
  list_files(PE_FIXTURES_DIR, files);
  std::size_t derived = 0;
  for (const std::string& path : files) derived += expect_derived_prospects_as_checked(read_file(path), {}, path);
  for (unsigned seed = 1; seed <= 150; ++seed) {
    const Generated g = generate(seed, 40);
    derived += expect_derived_prospects_as_checked(g.bytes, g.opt, g.what);
    if (HasFailure()) return;
  }
  // The common rows take the derivation (and were compared above); the others are checked again.
  EXPECT_GT(derived, 1000u);
}

TEST(DerivedProspect, EachWayAValueFollowsFromItsCell) {
  const std::string bytes =
      "email,first_name,last_name,linkedin,company,website\n"
      "ada@acme.com,Ada,Lovelace,https://www.linkedin.com/in/ada,Acme,https://acme.com\n"   // all the same
      "bob@acme.com,Bob,Byte,http://www.linkedin.com/in/bob,Acme,acme.com\n"                // http -> https, prefixed
      "Cy@ACME.com, Cy  ,,linkedin.com/in/cy/,Acme ,https://acme.com/about\n";              // only the checks can tell
  Document d;
  ASSERT_TRUE(d.load(bytes, {}));
  const ColumnPlan plan = plan_columns(d.headers(), {});
  std::vector<std::uint32_t> codes;
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    FieldCells cells;
    for (std::size_t f = 0; f < cells.size(); ++f)
      if (plan.col[f] >= 0) cells[f] = d.cell(r, static_cast<std::size_t>(plan.col[f]));
    codes.push_back(check_row(plan, cells, r + 1, 0, nullptr).derive);
  }
  auto code = [](std::uint32_t c, int i) { return (c >> (kDeriveBits * static_cast<std::uint32_t>(i))) & 7u; };
  EXPECT_EQ(code(codes[0], 0), static_cast<std::uint32_t>(kDeriveSame));
  EXPECT_EQ(code(codes[0], 3), static_cast<std::uint32_t>(kDeriveSame));
  EXPECT_EQ(code(codes[0], 5), static_cast<std::uint32_t>(kDeriveSame));
  EXPECT_EQ(code(codes[1], 3), static_cast<std::uint32_t>(kDeriveHttpToHttps));
  EXPECT_EQ(code(codes[1], 5), static_cast<std::uint32_t>(kDeriveHttps));
  EXPECT_EQ(code(codes[2], 0), static_cast<std::uint32_t>(kDeriveOther));  // the domain lower-cased
  EXPECT_EQ(code(codes[2], 1), static_cast<std::uint32_t>(kDeriveOther));  // trimmed
  EXPECT_EQ(code(codes[2], 2), static_cast<std::uint32_t>(kDeriveEmpty));
  EXPECT_EQ(code(codes[2], 3), static_cast<std::uint32_t>(kDeriveOther));  // host and slash
  EXPECT_EQ(code(codes[2], 5), static_cast<std::uint32_t>(kDeriveOther));  // path dropped
  EXPECT_EQ(batch_body(d, {0, 1, 2}),
            R"({"prospects":[{"email":"ada@acme.com","first_name":"Ada","last_name":"Lovelace","linkedin_url":"https://www.linkedin.com/in/ada","company_name":"Acme","company_website":"https://acme.com"},)"
            R"({"email":"bob@acme.com","first_name":"Bob","last_name":"Byte","linkedin_url":"https://www.linkedin.com/in/bob","company_name":"Acme","company_website":"https://acme.com"},)"
            R"({"email":"Cy@acme.com","first_name":"Cy","linkedin_url":"https://www.linkedin.com/in/cy","company_name":"Acme","company_website":"https://acme.com"}]})");
}

// ---- cells read in place (Document::load_owned keeps UTF-8 input and points into it) --------------

namespace {

void expect_in_place_as_copied(const std::string& bytes, const LoadOptions& opt, const std::string& what) {
  SCOPED_TRACE(what);
  Document copied, in_place;
  const bool ok = copied.load(bytes, opt);
  std::string owned = bytes;
  EXPECT_EQ(in_place.load_owned(std::move(owned), opt), ok);
  EXPECT_EQ(in_place.error(), copied.error());
  EXPECT_EQ(validation_report_json(in_place, 2), validation_report_json(copied, 2));
  ASSERT_EQ(in_place.row_count(), copied.row_count());
  for (std::size_t r = 0; r < copied.row_count(); ++r)
    for (std::size_t c = 0; c < copied.column_count(); ++c)
      ASSERT_EQ(in_place.cell(r, c), copied.cell(r, c)) << "row " << r << " column " << c;
  if (!ok || copied.row_count() == 0) return;
  // Edits go beside the input and read back; the input's other cells are untouched.
  const std::size_t last = copied.row_count() - 1;
  EXPECT_TRUE(in_place.set_cell(last, 0, "edited@example.com"));
  EXPECT_TRUE(copied.set_cell(last, 0, "edited@example.com"));
  EXPECT_EQ(in_place.cell(last, 0), "edited@example.com");
  EXPECT_EQ(validation_report_json(in_place, 2), validation_report_json(copied, 2));
}

}  // namespace

TEST(InPlaceCells, LoadOwnedGivesTheCopiedDocumentForEveryFixtureAndGeneratedExport) {
  std::vector<std::string> files;
  list_files(PE_FIXTURES_DIR, files);
  for (const std::string& path : files) expect_in_place_as_copied(read_file(path), {}, path);
  for (unsigned seed = 1; seed <= 150; ++seed) {
    const Generated g = generate(seed, seed % 10 == 0 ? 3000 : 40);
    expect_in_place_as_copied(g.bytes, g.opt, g.what);
    if (HasFailure()) return;
  }
}

TEST(InPlaceCells, UTF8CellsAreNotCopiedOnlyUnescapedOnesAre) {
  std::string bytes = "\xEF\xBB\xBF" "email,name,notes\n";
  for (int i = 0; i < 5000; ++i) bytes += "p" + std::to_string(i) + "@acme.com,\"Name " + std::to_string(i) + "\",plain\n";
  bytes += "q@acme.com,\"Say \"\"hi\"\"\",x\n";  // one cell with doubled quotes: unescaped, so apart
  Document d;
  std::string owned = bytes;
  ASSERT_TRUE(d.load_owned(std::move(owned), {}));
  EXPECT_EQ(d.row_count(), 5001u);
  EXPECT_EQ(d.cell(0, 0), "p0@acme.com");
  EXPECT_EQ(d.cell(4999, 1), "Name 4999");
  EXPECT_EQ(d.cell(5000, 1), "Say \"hi\"");
  EXPECT_EQ(d.arena_bytes(), std::string("Say \"hi\"").size());
  // Another encoding cannot be read in place: every cell is decoded into the arena.
  Document w;
  std::string latin = "email,name\nj@acme.de,J\xFCrgen\n";
  ASSERT_TRUE(w.load_owned(std::move(latin), {}));
  EXPECT_EQ(w.cell(0, 1), "J\xC3\xBCrgen");
  EXPECT_EQ(w.arena_bytes(), std::string("j@acme.deJ\xC3\xBCrgen").size());
}

TEST(InPlaceCells, ManySlicesInPlaceAndAnInvalidByteThatShiftsTheRest) {
  // Several MB: past the reader's slices, so that its buffer is compacted many times.
  std::string bytes = "email,name\n";
  for (int i = 0; bytes.size() < (6u << 20); ++i) bytes += "p" + std::to_string(i) + "@acme.com,Name " + std::to_string(i) + "\n";
  Document d;
  std::string owned = bytes;
  ASSERT_TRUE(d.load_owned(std::move(owned), {}));
  EXPECT_EQ(d.arena_bytes(), 0u);
  EXPECT_EQ(d.cell(d.row_count() - 1, 1), "Name " + std::to_string(d.row_count() - 1));
  // One invalid byte near the top: the cells after it are copied (their text no longer lines up with
  // the input), with the arena reserved once for the rest rather than grown by doubling.
  std::string broken = bytes;
  broken.insert(40, "\xFF");
  Document b, copied;
  ASSERT_TRUE(copied.load(broken, {}));
  owned = broken;
  ASSERT_TRUE(b.load_owned(std::move(owned), {}));
  EXPECT_EQ(validation_report_json(b, 50), validation_report_json(copied, 50));
  EXPECT_EQ(b.cell(b.row_count() - 1, 1), copied.cell(copied.row_count() - 1, 1));
  EXPECT_GT(b.arena_bytes(), broken.size() / 2);
}

TEST(CheckOnly, ASecondCheckWithTheSameObjectCountsAfresh) {
  const std::string bytes = "email,company_website\na@acme.com,acme.com\nb@gmial.com,acme.com\n";
  CheckOnly c;
  ASSERT_TRUE(c.begin("auto", "auto", 50).error.empty());
  c.feed(bytes);
  const std::string first = to_json(c.finish(), true);
  ASSERT_TRUE(c.begin("auto", "auto", 50).error.empty());
  c.feed(bytes);
  EXPECT_EQ(to_json(c.finish(), true), first);
  EXPECT_NE(first.find(R"("code":"email_domain_typo","severity":"warning","field":"email","count":1,"rows":[2])"), std::string::npos) << first;
}

// ---- the input read while it arrives (Document::begin_input, read_to, end_input) ----------------

namespace {

// The buffer filled and read up to each cut (in order), then ended: what the page's worker does.
bool load_in_slices(Document& d, const std::string& bytes, const LoadOptions& opt, const std::vector<std::size_t>& cuts,
                    const LoadOptions* end_opt = nullptr) {
  char* buf = d.begin_input(bytes.size());
  std::size_t filled = 0;
  for (std::size_t cut : cuts) {
    cut = std::min(cut, bytes.size());
    if (cut > filled) std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(filled), bytes.begin() + static_cast<std::ptrdiff_t>(cut), buf + filled);
    filled = std::max(filled, cut);
    d.read_to(cut, opt);
  }
  if (filled < bytes.size()) std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(filled), bytes.end(), buf + filled);
  return d.end_input(end_opt ? *end_opt : opt);
}

std::vector<std::size_t> random_cuts(std::size_t size, std::size_t max_step, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::size_t> cuts;
  for (std::size_t at = 0; at < size;) {
    at += 1 + rng() % max_step;
    cuts.push_back(std::min(at, size));
  }
  return cuts;
}

void expect_as_load_owned(const std::string& bytes, const LoadOptions& opt, const std::vector<std::size_t>& cuts,
                          const std::string& what, const LoadOptions* end_opt = nullptr) {
  SCOPED_TRACE(what);
  const LoadOptions& used = end_opt ? *end_opt : opt;
  Document whole, sliced;
  std::string owned = bytes;
  const bool ok = whole.load_owned(std::move(owned), used);
  EXPECT_EQ(load_in_slices(sliced, bytes, opt, cuts, end_opt), ok);
  EXPECT_EQ(sliced.error(), whole.error());
  EXPECT_EQ(sliced.encoding(), whole.encoding());
  EXPECT_EQ(sliced.delimiter(), whole.delimiter());
  EXPECT_EQ(sliced.headers(), whole.headers());
  EXPECT_EQ(sliced.arena_bytes(), whole.arena_bytes());
  EXPECT_EQ(validation_report_json(sliced, 2), validation_report_json(whole, 2));
  ASSERT_EQ(sliced.row_count(), whole.row_count());
  for (std::size_t r = 0; r < whole.row_count(); ++r) {
    ASSERT_EQ(sliced.line_of(r), whole.line_of(r)) << "row " << r;
    for (std::size_t c = 0; c < whole.column_count(); ++c)
      ASSERT_EQ(sliced.cell(r, c), whole.cell(r, c)) << "row " << r << " column " << c;
  }
}

}  // namespace

TEST(InputInSlices, GivesLoadOwnedsDocumentForEveryFixtureAndGeneratedExportWhateverTheSlices) {
  std::vector<std::string> files;
  list_files(PE_FIXTURES_DIR, files);
  for (const std::string& path : files) {
    const std::string bytes = read_file(path);
    expect_as_load_owned(bytes, {}, {bytes.size()}, path + " (one slice)");
    expect_as_load_owned(bytes, {}, random_cuts(bytes.size(), 300, 1), path + " (random slices)");
  }
  std::size_t read_while_arriving = 0;
  for (unsigned seed = 1; seed <= 150; ++seed) {
    const Generated g = generate(seed, seed % 10 == 0 ? 3000 : 40);
    const std::size_t step = seed % 2 ? 70000 : 5000;
    expect_as_load_owned(g.bytes, g.opt, random_cuts(g.bytes.size(), step, seed), g.what);
    read_while_arriving += g.bytes.size() > kDelimiterSampleBytes + 2 * step;
    if (HasFailure()) return;
  }
  // Larger ones, read in many small slices after the first 64 KiB.
  for (unsigned seed = 2000; seed < 2008; ++seed) {
    const Generated g = generate(seed, 6000);
    expect_as_load_owned(g.bytes, g.opt, random_cuts(g.bytes.size(), 5000, seed), g.what);
    read_while_arriving += g.bytes.size() > kDelimiterSampleBytes + 10000;
    if (HasFailure()) return;
  }
  EXPECT_GE(read_while_arriving, 8u) << "some inputs are read part by part before their end";
}

TEST(InputInSlices, ByteByByteAndInEightMegabyteSlicesAsThePageReads) {
  // 10 MB with quoted fields, doubled quotes and a BOM: slices end inside fields, quotes and lines.
  std::string bytes = "\xEF\xBB\xBF" "email,first_name,notes\r\n";
  for (int i = 0; bytes.size() < (10u << 20); ++i)
    bytes += "p" + std::to_string(i % 70000) + "@acme.com,\"N\xC3\xA4me " + std::to_string(i) + "\",\"say \"\"hi\"\",\nthere\"\r\n";
  expect_as_load_owned(bytes, {}, random_cuts(bytes.size(), 8u << 20, 3), "8 MB slices");
  std::vector<std::size_t> every(300000);
  for (std::size_t i = 0; i < every.size(); ++i) every[i] = i + 1;  // the first 300 kB a byte at a time
  expect_as_load_owned(bytes, {}, every, "byte by byte, then the rest");
}

TEST(InputInSlices, AnEncodingThatOnlyTheLaterBytesShowIsReadAgainFromTheStart) {
  // 200 kB of ASCII, then Windows-1252 names: the first bytes say UTF-8, all of them Windows-1252.
  std::string bytes = "email,first_name\n";
  for (int i = 0; bytes.size() < 200000; ++i) bytes += "p" + std::to_string(i) + "@acme.com,Ann\n";
  for (int i = 0; i < 50; ++i) bytes += "j" + std::to_string(i) + "@acme.de,J\xFCrgen\n";
  Document sliced;
  ASSERT_TRUE(load_in_slices(sliced, bytes, {}, random_cuts(bytes.size(), 20000, 5)));
  EXPECT_EQ(sliced.encoding(), pe::Encoding::Windows1252);
  EXPECT_EQ(sliced.cell(sliced.row_count() - 1, 1), "J\xC3\xBCrgen");
  EXPECT_EQ(sliced.invalid_sequences(), 0u);
  expect_as_load_owned(bytes, {}, random_cuts(bytes.size(), 20000, 5), "Windows-1252 after 200 kB");
  // The other way: UTF-8 names late in a file whose first bytes are ASCII stay UTF-8.
  std::string utf8 = bytes.substr(0, 200000) + "\nj@acme.de,J\xC3\xBCrgen\n";
  expect_as_load_owned(utf8, {}, random_cuts(utf8.size(), 20000, 6), "UTF-8 after 200 kB");
}

TEST(InputInSlices, OptionsOtherThanThoseReadingStartedWithReadTheWholeAgain) {
  std::string bytes = "email;first_name,x\n";
  for (int i = 0; bytes.size() < 300000; ++i) bytes += "p" + std::to_string(i) + "@acme.com;Ann,x\n";
  LoadOptions semicolon, comma;
  semicolon.delimiter = ';';
  comma.delimiter = ',';
  expect_as_load_owned(bytes, semicolon, random_cuts(bytes.size(), 50000, 7), "; then ,", &comma);
  Document d;
  EXPECT_FALSE(load_in_slices(d, bytes, semicolon, random_cuts(bytes.size(), 50000, 7), &comma));
  EXPECT_NE(d.error().find("email"), std::string::npos) << d.error();  // "email;first_name" is no email column
  // Other overrides at the end: the rows checked while reading are checked again with their mapping.
  std::string two = "email,other\n";
  for (int i = 0; two.size() < 300000; ++i)  // "other": some broken, many repeated
    two += "p" + std::to_string(i) + "@acme.com," + (i % 3 == 1 ? std::string("broken") : "q" + std::to_string(i % 1000) + "@acme.com") + "\n";
  LoadOptions other;
  other.overrides.emplace_back("other", pe::Field::Email);
  other.overrides.emplace_back("email", pe::Field::Ignore);
  expect_as_load_owned(two, {}, random_cuts(two.size(), 50000, 11), "overrides given at the end", &other);
  Document o;
  ASSERT_TRUE(load_in_slices(o, two, {}, random_cuts(two.size(), 50000, 11), &other));
  EXPECT_EQ(o.email(0), "q0@acme.com");
  EXPECT_EQ(o.status(1), pe::RowStatus::Invalid);
  EXPECT_EQ(o.status(3000), pe::RowStatus::Duplicate);
  LoadOptions cp1252;
  cp1252.encoding = pe::Encoding::Windows1252;
  expect_as_load_owned(bytes, {}, random_cuts(bytes.size(), 50000, 8), "auto then Windows-1252", &cp1252);
}

TEST(InputInSlices, RefusedAndEmptyInputsAnswerAsLoadOwned) {
  std::string zip = std::string("PK\x03\x04", 4) + std::string(100000, 'x');
  expect_as_load_owned(zip, {}, random_cuts(zip.size(), 9000, 9), "a zip");
  expect_as_load_owned("", {}, {}, "empty");
  std::string unclosed = "email,name\n";
  for (int i = 0; unclosed.size() < 150000; ++i) unclosed += "p" + std::to_string(i) + "@acme.com,Ann\n";
  unclosed += "q@acme.com,\"never closed\n";
  for (int i = 0; i < 20000; ++i) unclosed += "r" + std::to_string(i) + "@acme.com,Bo\n";
  expect_as_load_owned(unclosed, {}, random_cuts(unclosed.size(), 40000, 10), "an unclosed quote");
  Document d;
  EXPECT_FALSE(d.end_input({}));  // nothing was begun: an empty input
  EXPECT_FALSE(d.error().empty());
  // Reading past the end, or again up to where it was, changes nothing.
  std::string small = "email\na@acme.com\n";
  Document s;
  char* buf = s.begin_input(small.size());
  std::copy(small.begin(), small.end(), buf);
  s.read_to(small.size() + 100, {});
  s.read_to(3, {});
  ASSERT_TRUE(s.end_input({}));
  EXPECT_EQ(s.row_count(), 1u);
  EXPECT_EQ(s.cell(0, 0), "a@acme.com");
}

TEST(InputInSlices, AFatalReaderErrorAfterRowsWereCheckedAnswersAsLoadOwned) {
  // Rows checked while reading, then a record with too many columns stops reading: the answer, the
  // columns and the rows are load_owned's (none of the mapping made while reading is left).
  std::string bytes = "email,name\n";
  for (int i = 0; bytes.size() < 300000; ++i) bytes += "p" + std::to_string(i) + "@acme.com,Ann\n";
  bytes += "q@acme.com" + std::string(20000, ',') + "\n";
  for (int i = 0; i < 1000; ++i) bytes += "r" + std::to_string(i) + "@acme.com,Bo\n";
  expect_as_load_owned(bytes, {}, random_cuts(bytes.size(), 30000, 12), "too many columns after 300 kB");
  Document whole, sliced;
  std::string owned = bytes;
  EXPECT_FALSE(whole.load_owned(std::move(owned), {}));
  EXPECT_FALSE(load_in_slices(sliced, bytes, {}, random_cuts(bytes.size(), 30000, 12)));
  EXPECT_EQ(sliced.columns().size(), whole.columns().size());
  EXPECT_EQ(sliced.column_for(pe::Field::Email), whole.column_for(pe::Field::Email));
}

TEST(InputInSlices, TheSessionAnswersAsLoadWithTheSameFingerprint) {
  std::string bytes = "email,first_name\n";
  for (int i = 0; bytes.size() < 400000; ++i) bytes += "p" + std::to_string(i % 9000) + "@acme.com,Ann\n";
  Session whole, sliced;
  const SessionState a = whole.load(bytes, "auto", "auto", 50);
  char* buf = sliced.begin_input(bytes.size());
  for (std::size_t at = 0; at < bytes.size(); at += 100000) {
    const std::size_t end = std::min(bytes.size(), at + 100000);
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin() + static_cast<std::ptrdiff_t>(end), buf + at);
    sliced.read_input(end, "auto", "auto");
  }
  const SessionState b = sliced.end_input("auto", "auto", 50);
  EXPECT_TRUE(b.ok);
  EXPECT_EQ(to_json(b), to_json(a));
  EXPECT_EQ(b.fingerprint, a.fingerprint);
  EXPECT_GT(b.summary.duplicates, 0u);
  // An unknown encoding name: nothing is read, and the end says which name.
  Session s;
  buf = s.begin_input(bytes.size());
  std::copy(bytes.begin(), bytes.end(), buf);
  s.read_input(bytes.size(), "klingon", "auto");
  const SessionState c = s.end_input("klingon", "auto", 50);
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.error.find("klingon"), std::string::npos) << c.error;
  EXPECT_EQ(s.rows(RowFilter::All, 0, 10).total, 0u);
}
