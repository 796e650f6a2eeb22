// Excel workbooks: any bytes read as an .xlsx file end in CSV text or in a sentence, never in a
// crash, a hang or unbounded memory. The parts are handed over as they are stored (the fuzzer
// writes stored parts; a deflated part's raw bytes are refused for their size), as the CLI and the
// page do after inflating.
//   - a failure has an error: non-empty, valid UTF-8, and no CSV is given;
//   - a success gives CSV text whose lines all end in CRLF, within kMaxCsvBytes, and a sheet name
//     that is one of the workbook's sheets.
//
// Input: the last byte chooses the mode. 0: the front is a zip file. 1: the front is five parts
// (workbook, relationships, shared strings, styles, sheet, separated as ConsumeRandomLengthString
// reads them), written into a stored zip here, so that the fuzzer works on the XML directly.
#include <algorithm>

#include "fuzz_util.hpp"
#include "xlsx.hpp"
#include "../core/zip_stored.hpp"

using namespace pe::xlsx;

namespace {

using pe_test::put16;
using pe_test::put32;
using pe_test::zip_stored;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int mode = data[size - 1] & 1;
  std::string zip;
  if (mode == 0) {
    zip.assign(reinterpret_cast<const char*>(data), size - 1);
  } else {
    FuzzedDataProvider fdp(data, size - 1);
    const char* names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml",
                           "xl/worksheets/sheet1.xml"};
    std::vector<std::pair<std::string, std::string>> parts;
    for (const char* n : names) parts.emplace_back(n, fdp.ConsumeRandomLengthString(size));
    zip = zip_stored(parts);
  }
  const std::string_view tail = std::string_view(zip).substr(zip.size() > kTailBytes ? zip.size() - kTailBytes : 0);
  Workbook book;
  bool ok = book.open(tail, zip.size(), "");
  for (int round = 0; ok && round < kMaxRounds; ++round) {
    const std::vector<ZipEntry> want = book.wanted();
    if (want.empty()) break;
    FUZZ_CHECK(round < 2, "every part is asked for within two rounds");
    for (const ZipEntry& e : want) {
      FUZZ_CHECK(e.size <= kMaxPartBytes, "a part asked for is within the size limit");
      std::uint64_t at = 0;
      ok = e.header_offset + kLocalHeaderBytes <= zip.size() &&
           book.data_at(e.name, std::string_view(zip).substr(static_cast<std::size_t>(e.header_offset), kLocalHeaderBytes), at);
      if (!ok) break;
      FUZZ_CHECK(at + e.compressed_size <= zip.size(), "a part's data is inside the file");
      ok = book.give(e.name, zip.substr(static_cast<std::size_t>(at), static_cast<std::size_t>(e.compressed_size)));
      if (!ok) break;
    }
  }
  std::string csv;
  if (ok) ok = book.to_csv(csv);
  if (!ok) {
    // data_at's failure without an error: only the header outside the file, checked above.
    if (book.error().empty()) return 0;
    FUZZ_CHECK(fuzz::valid_utf8(book.error()), "the error is valid UTF-8: " + book.error());
    FUZZ_CHECK(csv.empty(), "no CSV with an error");
    return 0;
  }
  FUZZ_CHECK(book.error().empty(), "no error on success");
  FUZZ_CHECK(csv.size() <= kMaxCsvBytes + 2 * kMaxColumns * 4 + 16 || csv.empty(), "the CSV stays within its limit");
  FUZZ_CHECK(csv.empty() || (csv.size() >= 2 && csv.compare(csv.size() - 2, 2, "\r\n") == 0), "the CSV ends with a line end");
  FUZZ_CHECK(std::find(book.sheets().begin(), book.sheets().end(), book.sheet()) != book.sheets().end(),
             "the sheet read is one of the workbook's");
  return 0;
}
