// The results of a run for every input row: the file a user takes back into a CRM. Each row of the
// input as it was read (its original columns), then how it was checked, where it went and what
// enrichment found, as last tracked. Written row by row as the input is read again, so a file of
// any size never is in memory whole: the rows are joined to the runs by normalised email
// (RunIndex, run_ledger.hpp). Every cell goes through csv_cell (export.hpp): formula-safe like the
// other exports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "findings.hpp"
#include "row_rules.hpp"
#include "run_ledger.hpp"

namespace pe {

// The columns after the file's own, in order:
//   validation          valid, invalid or duplicate; excluded for a row the user excluded (its
//                       findings are still in validation_details)
//   validation_details  the row's findings ("error email: ...; warning ..."), "; "-separated
//   batch_uuid          the enrichment that holds the prospect (as tracked, else the batch's answer)
//   queue_outcome       queued, already_pending, failed, unconfirmed or not_sent (empty when not valid)
//   queue_details       the run and batch, and for a prospect not confirmed what happened to its batch
//   enrichment_status   as last tracked: PENDING, PROCESSING, PROCESSED, ...
//   enrichment_result   as last tracked: ENRICHED, NO_DATA_FOUND, NOT_IN_DATABASE, ...
inline constexpr const char* kResultColumns[] = {"validation",   "validation_details", "batch_uuid",
                                                 "queue_outcome", "queue_details",      "enrichment_status",
                                                 "enrichment_result"};

class ResultsCsv {
 public:
  explicit ResultsCsv(const RunIndex& index) : index_(index) {}
  // The header line: the file's headers, then kResultColumns.
  void header(std::string& out, const std::vector<std::string>& headers);
  // One input row: its cells (as many as the header has: a missing cell is empty, a cell beyond the
  // header is left out, and the reader's finding about it is in validation_details), its status and
  // findings, and its normalised email ("" when invalid). excluded: the user set the row aside; what
  // the runs say of its email is still written (a run before the exclusion may have sent it).
  void row(std::string& out, const std::vector<std::string_view>& cells, RowStatus status,
           const std::vector<Finding>& findings, std::string_view email_key, bool excluded = false);

 private:
  const RunIndex& index_;
  std::size_t columns_ = 0;
};

}  // namespace pe
