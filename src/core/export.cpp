#include "export.hpp"

namespace pe {

std::string csv_cell(std::string_view v) {
  std::string s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    s.push_back('\'');
  s.append(v.data(), v.size());
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  q.push_back('"');
  return q;
}

namespace {

void line(std::string& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) out.push_back(',');
    first = false;
    out += csv_cell(c);
  }
  out += "\r\n";
}

}  // namespace

std::string report_csv(const Document& d, std::size_t batch_size, const std::vector<BatchOutcome>& outcomes) {
  // Row -> its batch's outcome.
  std::vector<const BatchOutcome*> of_row(d.row_count(), nullptr);
  const auto batches = d.batch_rows(batch_size);
  for (const BatchOutcome& o : outcomes)
    if (o.index < batches.size())
      for (std::size_t r : batches[o.index]) of_row[r] = &o;

  std::string out;
  line(out, {"row", "line", "email", "status", "outcome", "details"});
  const int email_col = [&] {
    for (std::size_t c = 0; c < d.columns().size(); ++c)
      if (d.columns()[c].field == Field::Email) return static_cast<int>(c);
    return -1;
  }();
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    std::string outcome;
    switch (d.status(r)) {
      case RowStatus::Invalid: outcome = "invalid"; break;
      case RowStatus::Duplicate: outcome = "duplicate of row " + std::to_string(d.duplicate_of(r) + 1); break;
      case RowStatus::Valid: {
        const BatchOutcome* o = of_row[r];
        if (!o || o->state == "waiting" || o->state == "not_sent")
          outcome = "not sent";
        else if (o->state == "sent")
          outcome = o->uuid.empty() ? "sent, nothing queued (" + o->status + ")"
                                    : "sent in batch " + o->uuid + " (" + o->status + ")";
        else if (o->state == "failed")
          outcome = "failed: " + o->message;
        else
          outcome = o->state + ": " + o->message;
        break;
      }
    }
    std::string details;
    for (const Finding& f : d.row_findings(r)) {
      if (!details.empty()) details += "; ";
      details += std::string(severity_name(f.severity)) + " " + (f.field.empty() ? "" : f.field + ": ") + f.message;
    }
    std::string email = d.status(r) == RowStatus::Invalid && email_col >= 0
                            ? std::string(d.cell(r, static_cast<std::size_t>(email_col)))
                            : d.email(r);
    line(out, {std::to_string(r + 1), std::to_string(d.line_of(r)), email, row_status_name(d.status(r)), outcome, details});
  }
  return out;
}

std::string cleaned_csv(const Document& d) {
  std::string out;
  line(out, {"email", "first_name", "last_name", "linkedin_url", "company_name", "company_website"});
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    if (d.status(r) != RowStatus::Valid) continue;
    Prospect p = d.prospect(r);
    line(out, {p.email, p.first_name, p.last_name, p.linkedin_url, p.company_name, p.company_website});
  }
  return out;
}

}  // namespace pe
