// The page's session (see session.hpp).
#include "session.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "export.hpp"
#include "failure.hpp"
#include "text.hpp"

namespace pe {

namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json finding_json(const Finding& f) {
  json o = json::object();
  o["row"] = f.row;
  o["line"] = f.line;
  o["field"] = f.field;
  o["severity"] = severity_name(f.severity);
  o["code"] = f.code;
  o["message"] = f.message;
  return o;
}

json summary_json(const Document& d, std::size_t batch_size) {
  Summary s = d.summary(batch_size);
  json j = json::object();
  j["rows"] = s.rows;
  j["valid"] = s.valid;
  j["invalid"] = s.invalid;
  j["duplicates"] = s.duplicates;
  j["rowsWithWarnings"] = s.rows_with_warnings;
  j["blankLines"] = s.blank_lines;
  j["errors"] = s.errors;
  j["warnings"] = s.warnings;
  j["batches"] = s.batches;
  j["batchSize"] = batch_size;
  j["creditsMax"] = s.credits_max;
  return j;
}

json row_json(const Document& d, std::size_t r) {
  json o = json::object();
  o["index"] = r;
  o["row"] = r + 1;
  o["line"] = d.line_of(r);
  o["status"] = row_status_name(d.status(r));
  if (d.status(r) == RowStatus::Duplicate) o["duplicateOf"] = d.duplicate_of(r) + 1;
  json cells = json::array();
  for (std::size_t c = 0; c < d.column_count(); ++c) cells.push_back(std::string(d.cell(r, c)));
  o["cells"] = std::move(cells);
  json fs = json::array();
  for (const Finding& f : d.row_findings(r)) fs.push_back(finding_json(f));
  o["findings"] = std::move(fs);
  return o;
}

json state_json(const Document& d, bool loaded, std::size_t batch_size) {
  json j = json::object();
  j["ok"] = loaded;
  j["error"] = d.error();
  j["encoding"] = encoding_name(d.encoding());
  j["delimiter"] = std::string(1, d.delimiter());
  j["delimiterName"] = delimiter_name(d.delimiter());
  j["delimiterDetected"] = d.delimiter_detected();
  json cols = json::array();
  for (const ColumnMap& c : d.columns()) {
    json o = json::object();
    o["header"] = c.header;
    o["field"] = field_name(c.field);
    o["overridden"] = c.overridden;
    o["note"] = c.note;
    cols.push_back(std::move(o));
  }
  if (d.columns().empty())
    for (const std::string& h : d.headers())
      cols.push_back(json{{"header", h}, {"field", "ignore"}, {"overridden", false}, {"note", ""}});
  j["columns"] = std::move(cols);
  json files = json::array();
  for (const Finding& f : d.file_findings()) files.push_back(finding_json(f));
  j["fileFindings"] = std::move(files);
  j["summary"] = summary_json(d, batch_size);
  return j;
}

}  // namespace

void Session::clear() {
  doc_ = Document();  // frees the cells, findings and everything else of the previous file
  loaded_ = false;
  overrides_.clear();
  std::vector<std::uint32_t>().swap(visible_);
  std::vector<std::vector<std::size_t>>().swap(batches_);
  batches_valid_ = false;
}

std::string Session::load(std::string_view bytes, const std::string& encoding, const std::string& delimiter,
                          int batch_size) {
  clear();
  LoadOptions opt;
  if (encoding != "auto" && !parse_encoding_name(encoding, opt.encoding))
    return error_json("Unknown encoding " + quoted(encoding, 40) + ".");
  if (delimiter != "auto" && !parse_delimiter(delimiter, opt.delimiter))
    return error_json("Unknown delimiter " + quoted(delimiter, 40) + ".");
  batch_size_ = batch_size > 0 ? static_cast<std::size_t>(batch_size) : kDefaultBatchSize;
  try {
    loaded_ = doc_.load(bytes, opt);
    refilter();
    return state();
  } catch (...) {
    clear();  // nothing of a half-read file stays behind
    throw;
  }
}

std::string Session::state() const { return dump(state_json(doc_, loaded_, batch_size_)); }

std::string Session::state_with_error(const std::string& error) const {
  json j = state_json(doc_, false, batch_size_);
  j["error"] = error;
  return dump(j);
}

std::string Session::remap(const std::string& overrides_json) {
  json in = json::parse(overrides_json, nullptr, false);
  overrides_.clear();
  if (in.is_array())
    for (const json& o : in) {
      Field f;
      if (o.is_object() && o.value("header", json()).is_string() && o.value("field", json()).is_string() &&
          parse_field_name(o["field"].get<std::string>(), f))
        overrides_.emplace_back(o["header"].get<std::string>(), f);
    }
  batches_valid_ = false;
  if (!doc_.headers().empty()) {
    try {
      loaded_ = doc_.remap(overrides_);
    } catch (...) {
      clear();  // a half-validated document must not be shown or sent
      throw;
    }
  }
  try {
    refilter();
    return state();
  } catch (...) {
    clear();
    throw;
  }
}

void Session::set_batch_size(int n) {
  batch_size_ = n > 0 ? static_cast<std::size_t>(n) : kDefaultBatchSize;
  batches_valid_ = false;
}

std::string Session::set_cell(int row, int col, const std::string& value) {
  if (!loaded_ || row < 0 || col < 0 ||
      !doc_.set_cell(static_cast<std::size_t>(row), static_cast<std::size_t>(col), value))
    return error_json("That cell does not exist.");
  batches_valid_ = false;
  json j = json::object();
  j["row"] = row_json(doc_, static_cast<std::size_t>(row));
  j["summary"] = summary_json(doc_, batch_size_);
  return dump(j);
}

std::string Session::rows(const std::string& filter, int start, int count) {
  if (filter != filter_) {
    filter_ = filter;
    refilter();
  }
  json j = json::object();
  j["total"] = visible_.size();
  json list = json::array();
  const std::size_t s = static_cast<std::size_t>(std::max(0, start));
  const std::size_t e = std::min(visible_.size(), s + static_cast<std::size_t>(std::max(0, count)));
  for (std::size_t i = s; i < e; ++i) list.push_back(row_json(doc_, visible_[i]));
  j["rows"] = std::move(list);
  return dump(j);
}

std::string Session::batch_plan(bool with_emails) const {
  json out = json::array();
  const auto& all = batches();
  for (std::size_t i = 0; i < all.size(); ++i) {
    json b = json::object();
    b["index"] = i;
    b["count"] = all[i].size();
    b["firstRow"] = all[i].front() + 1;
    b["lastRow"] = all[i].back() + 1;
    if (with_emails) {
      // key: FNV-1a 64 of the batch's emails, so a ledger can recognise the same batch in a
      // re-loaded file without storing the emails themselves.
      json emails = json::array();
      std::uint64_t h = 1469598103934665603ull;
      for (std::size_t r : all[i]) {
        std::string e = doc_.email(r);
        for (unsigned char c : e) h = (h ^ c) * 1099511628211ull;
        h = (h ^ '\n') * 1099511628211ull;
        emails.push_back(std::move(e));
      }
      char key[17];
      std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(h));
      b["key"] = std::string(key) + "-" + std::to_string(all[i].size());
      b["emails"] = std::move(emails);
    }
    out.push_back(std::move(b));
  }
  return dump(out);
}

std::string Session::batch_rows_json(int index) const {
  const auto& all = batches();
  json out = json::array();
  if (index >= 0 && static_cast<std::size_t>(index) < all.size())
    for (std::size_t r : all[static_cast<std::size_t>(index)])
      out.push_back(json{{"row", r + 1}, {"line", doc_.line_of(r)}});
  return dump(out);
}

std::string Session::problems() const {
  struct Group {
    std::string code, severity, field, message;
    std::size_t count = 0;
    std::vector<std::size_t> rows;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> at;
  if (loaded_)
    for (std::size_t r = 0; r < doc_.row_count(); ++r)
      for (const Finding& f : doc_.row_findings(r)) {
        auto [it, fresh] = at.emplace(f.code, groups.size());
        if (fresh) groups.push_back(Group{f.code, severity_name(f.severity), f.field, f.message, 0, {}});
        Group& g = groups[it->second];
        if (g.rows.empty() || g.rows.back() != r + 1) {
          ++g.count;
          if (g.rows.size() < 5) g.rows.push_back(r + 1);
        }
      }
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    if (a.severity != b.severity) return a.severity == "error";
    return a.count > b.count;
  });
  json out = json::array();
  for (const Group& g : groups)
    out.push_back(json{{"code", g.code}, {"severity", g.severity}, {"field", g.field}, {"count", g.count},
                       {"rows", g.rows}, {"message", g.message}});
  return dump(out);
}

std::string Session::batch_body(int index) const {
  const auto& all = batches();
  if (index < 0 || static_cast<std::size_t>(index) >= all.size()) return std::string();
  return doc_.batch_body(all[static_cast<std::size_t>(index)]);
}

std::string Session::cleaned_csv() const { return loaded_ ? pe::cleaned_csv(doc_) : std::string(); }

std::string Session::report_csv(const std::string& outcomes_json) const {
  if (!loaded_) return std::string();
  json in = json::parse(outcomes_json, nullptr, false);
  std::vector<BatchOutcome> outcomes;
  auto str = [](const json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (in.is_array())
    for (const json& o : in) {
      if (!o.is_object() || !o.contains("index") || !o["index"].is_number_unsigned()) continue;
      outcomes.push_back(BatchOutcome{o["index"].get<std::size_t>(), str(o, "state"), str(o, "uuid"),
                                      str(o, "status"), str(o, "message")});
    }
  return pe::report_csv(doc_, batch_size_, outcomes);
}

const std::vector<std::vector<std::size_t>>& Session::batches() const {
  if (!batches_valid_) {
    batches_ = loaded_ ? doc_.batch_rows(batch_size_) : std::vector<std::vector<std::size_t>>();
    batches_valid_ = true;
  }
  return batches_;
}

void Session::refilter() {
  visible_.clear();
  if (!loaded_) return;
  for (std::size_t r = 0; r < doc_.row_count(); ++r) {
    bool keep = filter_ == "all" || (filter_ == "errors" && doc_.has_error(r)) ||
                (filter_ == "warnings" && doc_.has_warning(r)) || (filter_ == "valid" && !doc_.has_error(r));
    if (keep) visible_.push_back(static_cast<std::uint32_t>(r));
  }
}

}  // namespace pe
