// The page's session: one loaded document, its mapping, the row filter and the batch plan, with
// every answer as a JSON string (one crossing into JavaScript each, no per-cell objects). The
// Embind bindings (src/wasm/bindings.cpp) only register these methods and guard them
// (failure.hpp); this class is plain C++ so that it is tested natively too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "document.hpp"

namespace pe {

class Session {
 public:
  // Reads a file. The previous document is gone before anything else happens, whatever the
  // outcome: after a failed load (a false from Document::load, or an exception such as
  // std::bad_alloc, which is passed on) the session is empty: no rows, an empty summary, no
  // batches. encoding: "auto" or a name (encoding.hpp); delimiter: "auto" or a name.
  std::string load(std::string_view bytes, const std::string& encoding, const std::string& delimiter,
                   int batch_size);
  // Forgets the document and everything derived from it, and frees its memory.
  void clear();

  // {"ok", "error", "encoding", "delimiter", "delimiterName", "delimiterDetected", "columns",
  //  "fileFindings", "summary"}
  std::string state() const;
  // state() with ok false and this error: what a failed call answers.
  std::string state_with_error(const std::string& error) const;

  // overrides: [{"header": "Work Email" | "#3", "field": "email"}]
  std::string remap(const std::string& overrides_json);
  void set_batch_size(int n);
  std::string set_cell(int row, int col, const std::string& value);
  // filter: "all", "errors", "warnings", "valid". Returns {"total": n, "rows": [...]}.
  std::string rows(const std::string& filter, int start, int count);
  // Re-applies the current filter (after edits the set of erroneous rows changes).
  void refresh() { refilter(); }
  // [{"index": 0, "count": 50, "firstRow": 1, "lastRow": 57, "key": "...", "emails": [...] (only when asked)}]
  std::string batch_plan(bool with_emails) const;
  // The file rows of a batch, in request order: [{"row": 12, "line": 13}] (1-based).
  std::string batch_rows_json(int index) const;
  // The problems of the file, grouped: [{"code","severity","field","count","rows","message"}].
  std::string problems() const;
  std::string batch_body(int index) const;
  std::string cleaned_csv() const;
  // outcomes: [{"index": 0, "state": "sent", "uuid": "...", "status": "ENQUEUED", "message": "..."}]
  std::string report_csv(const std::string& outcomes_json) const;

  bool loaded() const { return loaded_; }
  const Document& document() const { return doc_; }

 private:
  void refilter();
  const std::vector<std::vector<std::size_t>>& batches() const;

  Document doc_;
  bool loaded_ = false;
  std::size_t batch_size_ = kDefaultBatchSize;
  std::vector<std::pair<std::string, Field>> overrides_;
  std::string filter_ = "all";
  std::vector<std::uint32_t> visible_;
  mutable std::vector<std::vector<std::size_t>> batches_;
  mutable bool batches_valid_ = false;
};

}  // namespace pe
