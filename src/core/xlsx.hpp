// Excel workbooks (.xlsx): one sheet of the workbook -> UTF-8 CSV text, which then goes through the
// CSV pipeline unchanged (Document::load, StreamChecker).
//
// An .xlsx file is a zip archive of XML parts (Office Open XML). The core reads the archive's
// directory, says which parts it needs, and takes their bytes once inflated: inflating is outside
// the core (zlib in the CLI, the browser's DecompressionStream('deflate-raw') in the page), so this
// file has no dependency and works the same in both builds. The steps:
//   1. Workbook::open(tail, file_size, sheet): the zip's directory from the file's last bytes;
//   2. while wanted() is not empty: inflate each part it lists (ZipEntry: where its local header is,
//      its compressed size and method) and hand it over with give(name, bytes). The first round is
//      the workbook and its relationships; the second the chosen sheet, the shared strings and
//      the styles;
//   3. to_csv(): the sheet as CSV text, cells as Excel shows them (numbers as General shows them or
//      as their number format says, dates as their date format says, TRUE/FALSE, #N/A).
// Every limit is checked and every damage said in words (error()); nothing here can crash or hang
// on a hostile file (tests/core/test_xlsx.cpp, tests/fuzz/fuzz_xlsx.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pe::xlsx {

// The directory is looked for in this many last bytes of the file (all of it when it is smaller).
inline constexpr std::size_t kTailBytes = 1u << 20;
// A zip entry's local header before its name and extra field; data_offset() reads this many bytes.
inline constexpr std::size_t kLocalHeaderBytes = 30;
// A part inflated to more than this is refused (a sheet of a few million cells is far less).
inline constexpr std::uint64_t kMaxPartBytes = 512ull << 20;
// The CSV text of one sheet is refused past this size.
inline constexpr std::size_t kMaxCsvBytes = 512u << 20;
inline constexpr std::size_t kMaxEntries = 65535;
inline constexpr std::size_t kMaxColumns = 16384;     // XFD, Excel's last column
inline constexpr std::size_t kMaxRows = 1048576;      // Excel's last row
// Rounds of Workbook::wanted() a caller goes through at most (a guard: two are enough).
inline constexpr int kMaxRounds = 3;

// What to tell the user when the file cannot be read as a workbook: the way out.
inline constexpr const char* kWayOut =
    "Open it in Excel and save it as CSV (File \xE2\x86\x92 Save As \xE2\x86\x92 CSV UTF-8), then load that file.";

struct ZipEntry {
  std::string name;
  std::uint64_t header_offset = 0;    // where its local header starts in the file
  std::uint64_t compressed_size = 0;  // bytes in the file after the local header
  std::uint64_t size = 0;             // bytes once inflated
  int method = 0;                     // 0 stored, 8 deflate (any other is refused when it is given)
  std::uint32_t crc32 = 0;            // CRC-32 of the inflated bytes
};

// The CRC-32 (ISO-HDLC, as zip uses) of bytes: give() checks every part against its directory's.
std::uint32_t crc32(std::string_view bytes);

// True when the bytes start as a zip archive does ("PK\3\4").
bool is_zip(std::string_view head);

// The entries of the zip's central directory, read from `tail`, the last bytes of a file of
// file_size bytes (at most kTailBytes; all of them when the file is smaller). False with `error`
// in words for a damaged, encrypted, zip64 or unsupported archive.
bool read_directory(std::string_view tail, std::uint64_t file_size, std::vector<ZipEntry>& entries,
                    std::string& error);

// Where an entry's data starts, from the kLocalHeaderBytes bytes at its header_offset. False with
// `error` when the header is not there or its data would run past the end of the file.
bool data_offset(const ZipEntry& entry, std::string_view local_header, std::uint64_t file_size, std::uint64_t& at,
                 std::string& error);

// ---- cells as Excel shows them (exposed for the tests)
// A number as Excel's General format shows it: whole numbers below 10^15 in full (phone numbers,
// ids), others with up to 11 significant digits (0.1+0.2 -> 0.3), very large or small ones as 1.5E+20.
std::string general_number(double v);
// True when the number format (a built-in id, or its code from styles.xml) shows a date or a time.
bool is_date_format(int id, std::string_view code);
// A serial date-time as `code` shows it (d, m, y, h, s, AM/PM, [h] and literals); built-in date
// formats that depend on the reader's locale (id 14, 22) are shown as yyyy-mm-dd (hh:mm). Serials
// outside the calendar are shown as General. date1904: the workbook counts days from 1904.
std::string format_date(double serial, std::string_view code, bool date1904);
// A number as a number format shows it: 0, 0.00, #,##0.00, 0%, 000 (leading zeros), literal text
// and currency ("$"#,##0, [$€-407]); anything else as General.
std::string format_number(double v, std::string_view code);
// The code of a built-in number format ("" when the id is not one this reader knows).
std::string_view builtin_format(int id);

// &amp; &lt; &#233; &#x1F600; ... and OOXML's _x000D_ escapes decoded to UTF-8.
std::string xml_text(std::string_view raw);

class Workbook {
 public:
  // Step 1: the archive's directory. sheet: the name of the sheet to read; "" for the first
  // (visible) one. False with error() when this is not a workbook that can be read.
  bool open(std::string_view tail, std::uint64_t file_size, const std::string& sheet = "");
  // Step 2: the parts to inflate and hand over with give(), in the order they are best given.
  // Empty when to_csv() can run (or after an error); two rounds at most (kMaxRounds), whatever
  // the file.
  std::vector<ZipEntry> wanted() const;
  // Where a wanted part's data starts, from the kLocalHeaderBytes at its header_offset (data_offset
  // above, with this file's size). False with error().
  bool data_at(const std::string& name, std::string_view local_header, std::uint64_t& at);
  // A part's bytes, inflated. False with error() when the part is damaged.
  bool give(const std::string& name, std::string bytes);
  // Step 3: the chosen sheet as UTF-8 CSV text (RFC 4180 quoting, CRLF line ends; line N is the
  // sheet's row N). False with error().
  bool to_csv(std::string& csv);

  const std::string& error() const { return error_; }
  const std::vector<std::string>& sheets() const { return sheet_names_; }  // known after the first round
  const std::string& sheet() const { return chosen_name_; }                 // the chosen sheet's name

 private:
  bool fail(std::string message);
  bool check_size(const std::string& name);  // false (and the error) when the part is too large
  bool parse_workbook();
  bool parse_shared_strings(std::string_view xml);
  bool parse_styles(std::string_view xml);
  bool write_csv(std::string& csv);  // to_csv, which leaves no part of the CSV on failure
  const ZipEntry* entry(const std::string& name) const;

  std::string error_;
  std::vector<ZipEntry> entries_;
  std::uint64_t file_size_ = 0;
  std::string wanted_sheet_;
  std::map<std::string, std::string> parts_;  // given, not yet parsed (workbook, rels, sheet)
  bool workbook_done_ = false;
  bool date1904_ = false;
  std::vector<std::string> sheet_names_;
  std::string chosen_name_, sheet_path_, strings_path_, styles_path_;
  bool strings_done_ = false, styles_done_ = false;
  std::vector<std::string> strings_;
  std::vector<int> xf_formats_;               // cellXfs index -> numFmtId
  std::map<int, std::string> custom_formats_;  // numFmtId -> formatCode
};

}  // namespace pe::xlsx
