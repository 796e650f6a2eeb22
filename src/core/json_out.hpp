// JSON written piece by piece, for output that streams (the `enrich` reports, parse records):
// no document tree is built, so memory does not grow with the output. Strings are written exactly as
// nlohmann::json's dump() writes them (UTF-8 kept, control characters escaped; invalid UTF-8, which
// decoded input never contains, becomes U+FFFD).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "finding.hpp"
#include "mapping.hpp"

namespace pe {

struct Summary;

// Appends s as a JSON string literal (with the quotes).
void append_json_string(std::string& out, std::string_view s);

// One finding as an `enrich validate` issue:
//   {"row":N|null,"line":N|null,"field":"..."|null,"severity":"error|warning","code":"...","message":"..."}
void append_finding_json(std::string& out, const Finding& f);
// The column mapping: [{"header":"...","field":"email"|null,"note":"..."(when there is one)}, ...]
void append_columns_json(std::string& out, const std::vector<ColumnMap>& columns);
// {"rows":N,"valid":N,"invalid":N,"duplicates":N,"rows_with_warnings":N,"blank_lines":N,"batches":N,"credits_max":X}
void append_summary_json(std::string& out, const Summary& s);

// The records of `enrich parse` as JSON objects keyed by header, in time linear in the number of
// columns. Columns that share a header give one key, at the place of its first column, holding the
// value of its last column (what assigning the columns one by one to an ordered object gives). The
// plan of keys is built once from the header; each record is then one pass over the plan.
class RecordJson {
 public:
  struct Key {
    std::string json;     // the header as a JSON string literal, with the ':' after it
    std::size_t column;   // 0-based column whose value the key takes (the last with that header)
  };
  explicit RecordJson(const std::vector<std::string>& headers);
  // Appends {"header":"value",...}; a column the record lacks gives "".
  void append(std::string& out, const std::vector<std::string_view>& fields) const;
  const std::vector<Key>& plan() const { return plan_; }

 private:
  std::vector<Key> plan_;
};

}  // namespace pe
