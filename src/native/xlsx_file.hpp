// An Excel workbook (.xlsx) file read from disk for the CLI: the zip's parts are read with pread
// and inflated with zlib (Debian's zlib1g-dev); the core (src/core/xlsx.hpp) does the rest.
#pragma once

#include <string>
#include <vector>

namespace pe::native {

// True when the file at path starts as a zip archive (an .xlsx workbook or another zip).
bool starts_as_zip(const std::string& path);

struct WorkbookCsv {
  std::string csv;                  // the sheet as UTF-8 CSV text
  std::string sheet;                // its name
  std::vector<std::string> sheets;  // every sheet of the workbook, in order
};

// The sheet named `sheet` ("" for the first) of the workbook at path, as CSV text. False with err
// in words (what happened and what to do) when it cannot be read.
bool read_workbook(const std::string& path, const std::string& sheet, WorkbookCsv& out, std::string& err);
// The same of a workbook's bytes read whole (from standard input); name says where from in err.
bool read_workbook_bytes(const std::string& bytes, const std::string& name, const std::string& sheet, WorkbookCsv& out,
                         std::string& err);

}  // namespace pe::native
