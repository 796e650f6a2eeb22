// TEMPORARY ADAPTER, to be deleted when the page reads snake_case (web/app.js, web/worker.js).
//
// The core writes one JSON form per struct, snake_case (src/core/json_forms.hpp). The page still
// reads the camelCase keys and the zero/empty values the module used to answer with. These two
// functions turn the one into the other, and nothing else; the module applies them to its answers
// (src/wasm/bindings.cpp) and to the one input with a renamed key. Plain C++ (nlohmann/json only),
// so that tests/core/test_session.cpp checks them against the exact answers the page read before.
//
// Output, every message (the keys occur in these answers: load/remap/state, rows, setCell,
// batchPlan, problems, decide, parseStatus):
//   delimiter_name -> delimiterName          delimiter_detected -> delimiterDetected
//   file_findings -> fileFindings            rows_with_warnings -> rowsWithWarnings
//   blank_lines -> blankLines                batch_size -> batchSize
//   credits_max -> creditsMax                duplicate_of -> duplicateOf
//   first_row -> firstRow                    last_row -> lastRow
//   delay_ms -> delayMs                      stop_sending -> stopSending
//   prospects_count -> prospectsCount        total_prospects_count -> totalProspectsCount
//   queue_status -> status                   next_step -> nextStep
//   all_final -> allFinal                    processing_result -> result
// and values: a finding's or problem group's "field": null -> ""; a finding's "row"/"line":
// null -> 0; a column's "field": null -> "ignore", "overridden" and "note" always there (false, "").
// Input, reportCsv's outcomes: "status" -> "queue_status".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace pe::wasm {

namespace legacy_detail {

using ojson = nlohmann::ordered_json;

inline const char* old_key(const std::string& k) {
  static const std::pair<const char*, const char*> kRenames[] = {
      {"delimiter_name", "delimiterName"}, {"delimiter_detected", "delimiterDetected"},
      {"file_findings", "fileFindings"},   {"rows_with_warnings", "rowsWithWarnings"},
      {"blank_lines", "blankLines"},       {"batch_size", "batchSize"},
      {"credits_max", "creditsMax"},       {"duplicate_of", "duplicateOf"},
      {"first_row", "firstRow"},           {"last_row", "lastRow"},
      {"delay_ms", "delayMs"},             {"stop_sending", "stopSending"},
      {"prospects_count", "prospectsCount"}, {"total_prospects_count", "totalProspectsCount"},
      {"queue_status", "status"},          {"next_step", "nextStep"},
      {"all_final", "allFinal"},           {"processing_result", "result"},
  };
  for (const auto& [now, before] : kRenames)
    if (k == now) return before;
  return nullptr;
}

inline ojson legacy(const ojson& j) {
  if (j.is_array()) {
    ojson out = ojson::array();
    for (const ojson& v : j) out.push_back(legacy(v));
    return out;
  }
  if (!j.is_object()) return j;
  ojson out = ojson::object();
  const bool column = j.contains("header");
  const bool finding = j.contains("severity");  // a finding or a problem group
  for (auto it = j.begin(); it != j.end(); ++it) {
    const char* before = old_key(it.key());
    ojson v = legacy(it.value());
    if (finding && v.is_null()) v = it.key() == "field" ? ojson("") : ojson(0);
    if (column && it.key() == "field" && v.is_null()) v = "ignore";
    out[before ? before : it.key()] = std::move(v);
    if (column && it.key() == "field") {
      out["overridden"] = j.value("overridden", false);
      out["note"] = j.value("note", std::string());
    }
  }
  return out;
}

}  // namespace legacy_detail

// An answer of the core (json_forms.hpp) with the keys and values the page reads today.
inline std::string legacy_page_keys(std::string_view json) {
  using legacy_detail::ojson;
  const ojson j = ojson::parse(json.begin(), json.end());
  return legacy_detail::legacy(j).dump(-1, ' ', false, ojson::error_handler_t::replace);
}

// The outcomes the page sends to reportCsv, with the key the core reads ("status" -> "queue_status").
inline std::string outcomes_from_legacy_page(std::string_view json) {
  using legacy_detail::ojson;
  ojson j = ojson::parse(json.begin(), json.end(), nullptr, false);
  if (!j.is_array()) return std::string(json);  // outcomes_from_json reads no outcome from it
  for (ojson& o : j)
    if (o.is_object() && o.contains("status") && !o.contains("queue_status")) {
      ojson renamed = ojson::object();
      for (auto it = o.begin(); it != o.end(); ++it) renamed[it.key() == "status" ? "queue_status" : it.key()] = it.value();
      o = std::move(renamed);
    }
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

}  // namespace pe::wasm
