// What is sent (see requests.hpp).
#include "requests.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "constants.hpp"
#include "json_writer.hpp"

namespace pe {

namespace {

using ojson = nlohmann::ordered_json;

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

}  // namespace

std::vector<std::vector<std::size_t>> batch_rows(const Document& d, std::size_t batch_size) {
  if (batch_size == 0) batch_size = kDefaultBatchSize;
  std::vector<std::vector<std::size_t>> out;
  for (std::size_t r = 0; r < d.row_count(); ++r) {
    if (d.status(r) != RowStatus::Valid || d.excluded(r)) continue;  // excluded by the user: never sent
    if (out.empty() || out.back().size() == batch_size) out.emplace_back();
    out.back().push_back(r);
  }
  return out;
}

namespace {

constexpr std::size_t kProspectJsonOverhead = 120;  // keys, quotes and commas of a prospect, about

void write_prospect(JsonWriter& w, const Prospect& p) {
  w.begin_object().field("email", p.email);
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) w.field(k, v);
  };
  put("first_name", p.first_name);
  put("last_name", p.last_name);
  put("linkedin_url", p.linkedin_url);
  put("company_name", p.company_name);
  put("company_website", p.company_website);
  w.end_object();
}

std::size_t json_size(const Prospect& p) {
  return p.email.size() + p.first_name.size() + p.last_name.size() + p.linkedin_url.size() + p.company_name.size() +
         p.company_website.size() + kProspectJsonOverhead;
}

}  // namespace

// One Prospect reused from row to row (its strings keep their memory), written as it is made.
std::string batch_body(const Document& d, const std::vector<std::size_t>& rows) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("prospects").begin_array();
  Prospect p;
  for (std::size_t r : rows) {
    d.prospect_into(r, p);
    if (out.capacity() < out.size() + json_size(p)) out.reserve(std::max(out.capacity() * 2, json_size(p) * rows.size()));
    write_prospect(w, p);
  }
  w.end_array().end_object();
  return out;
}

// Written directly (JsonWriter), not through an nlohmann ordered_json per prospect: the same bytes
// (BatchBody.SameBytesAsNlohmann), several times faster. Empty optional fields are left out.
std::string batch_body_json(const std::vector<Prospect>& prospects) {
  std::string out;
  std::size_t size = 16;
  for (const Prospect& p : prospects) size += json_size(p);
  out.reserve(size);
  JsonWriter w(out);
  w.begin_object().key("prospects").begin_array();
  for (const Prospect& p : prospects) write_prospect(w, p);
  w.end_array().end_object();
  return out;
}

namespace {
constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;  // FNV-1a 64
std::uint64_t fnv1a64(std::uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}
}  // namespace

std::string batch_key(const std::vector<std::string>& emails) {
  std::uint64_t h = kFnvBasis;
  for (const std::string& e : emails) h = fnv1a64(fnv1a64(h, e), "\n");
  return prospect_hash_hex(h) + "-" + std::to_string(emails.size());
}

std::uint64_t prospect_hash(std::string_view email_key) {
  std::uint64_t h = fnv1a64(kFnvBasis, email_key);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::string prospect_hash_hex(std::uint64_t h) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string(hex, 16);
}

bool parse_prospect_hash(std::string_view hex, std::uint64_t& out) {
  if (hex.size() != 16) return false;
  std::uint64_t h = 0;
  for (char c : hex) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return false;
    h = (h << 4) | static_cast<std::uint64_t>(d);
  }
  out = h;
  return true;
}

std::string build_status_query(const std::vector<std::string>& emails) {
  if (emails.empty()) return "{}";
  try {
    ojson j = ojson::object();
    j["emails"] = emails;
    return dump(j);
  } catch (...) {
    return "{}";
  }
}

}  // namespace pe
