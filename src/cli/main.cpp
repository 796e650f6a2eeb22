// enrich: the native command over the same core as the page.
//   enrich parse FILE|-                      records as a JSON array of objects keyed by header
//   enrich validate FILE|-                   JSON report (encoding, delimiter, columns, summary, issues)
//   enrich batches FILE|- [--batch-size N]   one request body per line (JSON Lines)
// Options: --delimiter D, --encoding E, --map HEADER=FIELD (repeatable), --batch-size N.
// Exit codes: 0 all rows valid, 2 some rows have errors, 1 the input could not be read.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "document.hpp"

namespace {

const char* kUsage =
    "usage: enrich parse|validate|batches FILE|- [options]\n"
    "  parse      print the records as a JSON array of objects keyed by header\n"
    "  validate   print a JSON report: encoding, delimiter, columns, summary, issues\n"
    "  batches    print each request body, one per line (JSON Lines)\n"
    "options:\n"
    "  --delimiter D       , ; tab | (default: detected)\n"
    "  --encoding E        utf-8, utf-16le, utf-16be, windows-1252 (default: detected)\n"
    "  --map HEADER=FIELD  map a column (by header text or #N) to email, first_name, last_name,\n"
    "                      full_name, linkedin_url, company_name, company_website or ignore\n"
    "  --batch-size N      prospects per request (default 50)\n"
    "exit codes: 0 all rows valid, 2 some rows have errors, 1 the input could not be read\n";

int fail(const std::string& msg) {
  std::cerr << "enrich: " << msg << "\n";
  return 1;
}

bool read_input(const std::string& path, std::string& out, std::string& err) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    out = ss.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err = "cannot open " + path + ": check the path and that the file is readable";
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// The JSON objects of `parse` are keyed by header, so columns that share a header name collapse into
// one key (the last value wins). Says so on stderr, once per duplicated header.
void warn_duplicate_headers(const std::vector<std::string>& headers) {
  std::vector<std::vector<std::size_t>> groups;  // 1-based columns per distinct header, in order
  std::unordered_map<std::string_view, std::size_t> group_of;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    auto [it, inserted] = group_of.emplace(headers[i], groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(i + 1);
  }
  for (const std::vector<std::size_t>& cols : groups) {
    if (cols.size() < 2) continue;
    std::string list;
    for (std::size_t k = 0; k < cols.size(); ++k)
      list += (k == 0 ? "" : k + 1 == cols.size() ? " and " : ", ") + std::to_string(cols[k]);
    std::cerr << "enrich: warning: header “" << headers[cols[0] - 1] << "” appears in columns " << list
              << "; parse output keeps the last value\n";
  }
}

int cmd_parse(const std::string& text, const pe::LoadOptions& opt) {
  pe::Decoded dec = pe::decode_all(text, opt.encoding);
  pe::CsvOptions copt;
  copt.delimiter = opt.delimiter ? opt.delimiter : pe::detect_delimiter(std::string_view(dec.text).substr(0, 65536));
  std::vector<std::string> headers;
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  bool error = false;
  pe::CsvReader reader(
      copt,
      [&](const pe::CsvRecord& rec) {
        if (rec.row == 0) {
          headers.assign(rec.fields.begin(), rec.fields.end());
          warn_duplicate_headers(headers);
          return;
        }
        nlohmann::ordered_json o = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < headers.size(); ++i)
          o[headers[i]] = i < rec.fields.size() ? std::string(rec.fields[i]) : std::string();
        out.push_back(std::move(o));
      },
      [&](pe::Finding&& f) {
        if (f.severity == pe::Severity::Error) error = true;
        std::cerr << "line " << f.line << ": " << pe::severity_name(f.severity) << " " << f.code << ": "
                  << f.message << "\n";
      });
  reader.feed(dec.text);
  reader.finish();
  if (reader.fatal()) return 1;
  std::cout << out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  return error ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kUsage;
    return args.empty() ? 1 : 0;
  }
  const std::string cmd = args[0];
  if (cmd != "parse" && cmd != "validate" && cmd != "batches") return fail("unknown command '" + cmd + "'\n" + kUsage);

  std::string path;
  pe::LoadOptions opt;
  std::size_t batch_size = pe::kDefaultBatchSize;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& v) {
      if (i + 1 >= args.size()) return false;
      v = args[++i];
      return true;
    };
    std::string v;
    if (a == "--delimiter") {
      if (!value(v) || !pe::parse_delimiter(v, opt.delimiter)) return fail("--delimiter takes , ; tab or |");
    } else if (a == "--encoding") {
      if (!value(v) || !pe::parse_encoding_name(v, opt.encoding))
        return fail("--encoding takes utf-8, utf-16le, utf-16be or windows-1252");
    } else if (a == "--map") {
      pe::Field f;
      std::size_t eq = std::string::npos;
      if (value(v)) eq = v.rfind('=');
      if (eq == std::string::npos || !pe::parse_field_name(v.substr(eq + 1), f))
        return fail("--map takes HEADER=FIELD, FIELD one of email, first_name, last_name, full_name, "
                    "linkedin_url, company_name, company_website, ignore");
      opt.overrides.emplace_back(v.substr(0, eq), f);
    } else if (a == "--batch-size") {
      char* end = nullptr;
      long n = value(v) ? std::strtol(v.c_str(), &end, 10) : 0;
      if (n < 1 || n > 10000 || !end || *end) return fail("--batch-size takes a whole number from 1 to 10000");
      batch_size = static_cast<std::size_t>(n);
    } else if (path.empty() && (a == "-" || a.rfind("--", 0) != 0)) {
      path = a;
    } else {
      return fail("unknown option '" + a + "'\n" + kUsage);
    }
  }
  if (path.empty()) return fail("missing FILE (use - for standard input)\n" + std::string(kUsage));

  std::string bytes, err;
  if (!read_input(path, bytes, err)) return fail(err);
  if (cmd == "parse") return cmd_parse(bytes, opt);

  pe::Document doc;
  const bool loaded = doc.load(bytes, opt);
  // A --map key that names no column is a usage error, reported before anything it may have caused
  // (such as "no email column").
  std::string unknown;
  for (const pe::Finding& f : doc.file_findings())
    if (f.code == "mapping_unknown_column") unknown += (unknown.empty() ? "--map: " : "\nenrich: --map: ") + f.message;
  if (!unknown.empty()) return fail(unknown);
  if (!loaded) return fail(doc.error());
  if (cmd == "validate") {
    std::cout << pe::validation_report_json(doc, batch_size) << "\n";
  } else {
    for (const auto& rows : doc.batch_rows(batch_size)) std::cout << doc.batch_body(rows) << "\n";
  }
  pe::Summary s = doc.summary(batch_size);
  return s.invalid + s.duplicates > 0 ? 2 : 0;
}
