// The per-row results (see results_csv.hpp).
#include "results_csv.hpp"

#include "export.hpp"

namespace pe {

namespace {

void cell(std::string& out, std::string_view v, bool& first) {
  if (!first) out.push_back(',');
  first = false;
  out += csv_cell(v);
}

std::string details(const std::vector<Finding>& findings) {
  std::string d;
  for (const Finding& f : findings) {
    if (!d.empty()) d += "; ";
    d += std::string(severity_name(f.severity())) + " " + (f.field.empty() ? "" : f.field + ": ") + f.message;
  }
  return d;
}

}  // namespace

void ResultsCsv::header(std::string& out, const std::vector<std::string>& headers) {
  columns_ = headers.size();
  bool first = true;
  for (const std::string& h : headers) cell(out, h, first);
  for (const char* c : kResultColumns) cell(out, c, first);
  out += "\r\n";
}

void ResultsCsv::row(std::string& out, const std::vector<std::string_view>& cells, RowStatus status,
                     const std::vector<Finding>& findings, std::string_view email_key, bool excluded) {
  bool first = true;
  for (std::size_t c = 0; c < columns_; ++c) cell(out, c < cells.size() ? cells[c] : std::string_view(), first);
  cell(out, excluded ? std::string_view("excluded") : std::string_view(row_status_name(status)), first);
  cell(out, details(findings), first);
  std::string uuid, outcome, queue_details, enrichment_status, enrichment_result;
  if (status == RowStatus::Valid) {
    const ProspectView* v = email_key.empty() ? nullptr : index_.find(email_key);
    if (!v) {
      outcome = prospect_state_name(ProspectState::NotSent);
      queue_details = "in no run of this ledger for this endpoint and key";
    } else {
      const RunBatch& b = *v->batch;
      const ProspectTrack* t = v->place < b.tracks.size() ? &b.tracks[v->place] : nullptr;
      outcome = prospect_state_name(v->state);
      queue_details = "run " + v->run->id + ", batch " + std::to_string(b.index + 1);
      if (!confirmed(v->state) && !b.message.empty()) queue_details += ": " + b.message;
      if (t && t->found()) {
        uuid = t->uuid;
        enrichment_status = t->status;
        enrichment_result = t->result;
      } else if (confirmed(v->state)) {
        uuid = b.uuid;
      }
    }
  }
  cell(out, uuid, first);
  cell(out, outcome, first);
  cell(out, queue_details, first);
  cell(out, enrichment_status, first);
  cell(out, enrichment_result, first);
  out += "\r\n";
}

}  // namespace pe
