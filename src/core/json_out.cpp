#include "json_out.hpp"

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

#include "document.hpp"

namespace pe {

namespace {

// Length of the valid UTF-8 sequence at s[i] (a byte >= 0x80), or 0 if it is not one.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = b(i);
  std::size_t need;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) need = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + need > s.size()) return 0;
  for (std::size_t k = 1; k < need; ++k) {
    const unsigned x = b(i + k);
    if (x < (k == 1 ? lo : 0x80u) || x > (k == 1 ? hi : 0xBFu)) return 0;
  }
  return need;
}

void append_number(std::string& out, std::size_t v) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%zu", v);
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;  // start of bytes not yet copied
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t len = utf8_len(s, i)) {
        i += len;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += "\xEF\xBF\xBD";  // an invalid byte
        }
    }
    run = ++i;
  }
  out.append(s.data() + run, n - run);
  out.push_back('"');
}

void append_finding_json(std::string& out, const Finding& f) {
  out += "{\"row\":";
  if (f.row == 0) out += "null";
  else append_number(out, f.row);
  out += ",\"line\":";
  if (f.line == 0) out += "null";
  else append_number(out, f.line);
  out += ",\"field\":";
  if (f.field.empty()) out += "null";
  else append_json_string(out, f.field);
  out += ",\"severity\":\"";
  out += severity_name(f.severity);
  out += "\",\"code\":";
  append_json_string(out, f.code);
  out += ",\"message\":";
  append_json_string(out, f.message);
  out.push_back('}');
}

void append_columns_json(std::string& out, const std::vector<ColumnMap>& columns) {
  out.push_back('[');
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const ColumnMap& c = columns[i];
    if (i > 0) out.push_back(',');
    out += "{\"header\":";
    append_json_string(out, c.header);
    out += ",\"field\":";
    if (c.field == Field::Ignore) out += "null";
    else append_json_string(out, field_name(c.field));
    if (!c.note.empty()) {
      out += ",\"note\":";
      append_json_string(out, c.note);
    }
    out.push_back('}');
  }
  out.push_back(']');
}

void append_summary_json(std::string& out, const Summary& s) {
  nlohmann::ordered_json sum = nlohmann::ordered_json::object();
  sum["rows"] = s.rows;
  sum["valid"] = s.valid;
  sum["invalid"] = s.invalid;
  sum["duplicates"] = s.duplicates;
  sum["rows_with_warnings"] = s.rows_with_warnings;
  sum["blank_lines"] = s.blank_lines;
  sum["batches"] = s.batches;
  sum["credits_max"] = s.credits_max;
  out += sum.dump();
}

RecordJson::RecordJson(const std::vector<std::string>& headers) {
  std::unordered_map<std::string_view, std::size_t> key_of;  // header -> index in plan_
  key_of.reserve(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) {
    auto [it, inserted] = key_of.emplace(headers[c], plan_.size());
    if (inserted) {
      Key k;
      append_json_string(k.json, headers[c]);
      k.json.push_back(':');
      k.column = c;
      plan_.push_back(std::move(k));
    } else {
      plan_[it->second].column = c;  // the last column with this header gives the value
    }
  }
}

void RecordJson::append(std::string& out, const std::vector<std::string_view>& fields) const {
  out.push_back('{');
  for (std::size_t k = 0; k < plan_.size(); ++k) {
    if (k > 0) out.push_back(',');
    out += plan_[k].json;
    const std::size_t c = plan_[k].column;
    append_json_string(out, c < fields.size() ? fields[c] : std::string_view());
  }
  out.push_back('}');
}

}  // namespace pe
