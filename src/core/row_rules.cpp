// The rules of a header and of a row (see row_rules.hpp).
#include "row_rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>  // madvise: huge pages for the duplicate index (large_table_allocate)
#endif

#include "checks.hpp"
#include "constants.hpp"
#include "text.hpp"

namespace pe {

namespace {

void add_notes(std::vector<Finding>& out, std::size_t row, std::size_t line, const char* field,
               const FieldResult& r) {
  for (const Note& n : r.notes) out.push_back(Finding{row, line, field, n.code, n.message});
}

}  // namespace

const char* row_status_name(RowStatus s) {
  switch (s) {
    case RowStatus::Valid: return "valid";
    case RowStatus::Invalid: return "invalid";
    case RowStatus::Duplicate: return "duplicate";
  }
  return "invalid";
}

const char* const kEmptyInputError =
    "The file is empty. Export the prospects again, or paste CSV text with a header row.";
const char* const kNoHeaderError =
    "No header row was found. The first line must name the columns, e.g. email,first_name,last_name.";

std::string fatal_read_error(const std::vector<Finding>& file_findings) {
  std::string error;
  for (const Finding& f : file_findings)
    if (f.severity() == Severity::Error) error = f.message;
  if (error.empty()) error = "The file could not be read as CSV.";
  return error;
}

std::string header_read_error(const std::vector<Finding>& file_findings) {
  // A reader error in the header record (an unclosed quote) means the column names, and usually
  // every line after them, are wrong: mapping them would only report a confusing "no email column"
  // or load a file without rows.
  for (const Finding& f : file_findings) {
    if (f.row != 0 || f.severity() != Severity::Error || code_info(f.code).source != Source::Reader) continue;
    std::string error = "The header row (line " + std::to_string(f.line) + ") cannot be read: " + f.message;
    if (f.code == Code::CsvUnclosedQuote)
      error += " In a header a quote is usually a stray character: if so, remove the stray quote "
               "character instead of closing it.";
    return error;
  }
  return std::string();
}

Finding invalid_bytes_finding(Encoding e, std::size_t invalid_sequences, std::size_t first_invalid_offset) {
  return Finding{0, 0, "", Code::EncodingInvalidBytes,
                 std::to_string(invalid_sequences) + " byte sequence(s) are not valid " + encoding_name(e) +
                     " (first at byte " + std::to_string(first_invalid_offset) +
                     ") and were replaced by \xEF\xBF\xBD. If names look garbled, "
                     "choose the file's encoding by hand."};
}

ColumnPlan plan_columns(const std::vector<std::string>& headers,
                        const std::vector<std::pair<std::string, Field>>& overrides) {
  ColumnPlan plan;
  std::string seen;  // “a”, “b”, ...
  for (const std::string& h : headers) seen += (seen.empty() ? "" : ", ") + quoted(h, 80);
  // Overrides that name no column: one warning each.
  for (const auto& ov : overrides) {
    if (override_column(headers, ov.first) >= 0) continue;
    plan.findings.push_back(Finding{
        0, 0, "", Code::MappingUnknownColumn,
        "No column matches " + quoted(ov.first, 80) + " (mapped to " + field_name(ov.second) +
            "), so that choice was not applied. Headers seen: " + seen +
            ". Use one of these header names exactly, or #N for the N-th column (1 to " +
            std::to_string(headers.size()) + ")."});
  }
  plan.columns = map_columns(headers, overrides);
  for (std::size_t c = 0; c < plan.columns.size(); ++c) {
    const std::size_t f = static_cast<std::size_t>(plan.columns[c].field);
    if (plan.columns[c].field != Field::Ignore && plan.col[f] < 0) plan.col[f] = static_cast<int>(c);
  }
  // Enrichment signals: when the file lacks the columns altogether, say it once for the file instead
  // of on every row; when the columns exist, rows whose values are empty are warned one by one.
  const bool li = plan.column(Field::LinkedinUrl) >= 0;
  const bool first = plan.column(Field::FirstName) >= 0 || plan.column(Field::FullName) >= 0;
  const bool last = plan.column(Field::LastName) >= 0 || plan.column(Field::FullName) >= 0;
  const bool site = plan.column(Field::CompanyWebsite) >= 0;
  plan.signals_by_row = li || (first && last && site);
  if (!plan.signals_by_row && plan.column(Field::Email) >= 0) {
    std::string missing;
    for (auto [have, name] : {std::pair<bool, const char*>{first, "first_name"}, {last, "last_name"}, {site, "company_website"}})
      if (!have) missing += (missing.empty() ? "" : ", ") + std::string(name);
    plan.findings.push_back(Finding{
        0, 0, "", Code::EnrichmentColumnsMissing,
        "The file has no LinkedIn column and no " + missing +
            " column: enrichment usually needs linkedin_url, or first_name and last_name with company_website. "
            "Valid rows are sent, but many may not be enriched. Add those columns if your CRM exports them, or "
            "map an existing column to them."});
  }
  if (plan.column(Field::Email) < 0)
    plan.error = "No email column was found. Headers seen: " + seen +
                 ". Name the column “email”, or map one of these columns to email.";
  return plan;
}

void note_values_end(std::size_t& values_end, const std::vector<std::string_view>& fields) {
  // From the last field down to the current end: usually nothing to look at once a row with a value
  // in its last column has been seen.
  for (std::size_t c = fields.size(); c > values_end; --c)
    if (!is_blank(fields[c - 1])) {
      values_end = c;
      return;
    }
}

std::size_t drop_empty_columns(ColumnPlan& plan, const std::vector<std::string>& headers,
                               const std::vector<std::pair<std::string, Field>>& overrides, std::size_t values_end) {
  std::size_t keep = std::min(plan.columns.size(), headers.size());
  std::size_t floor = values_end;  // columns before this one are kept whatever their header
  for (const auto& ov : overrides) {
    const int c = override_column(headers, ov.first);
    if (c >= 0) floor = std::max(floor, static_cast<std::size_t>(c) + 1);
  }
  for (int c : plan.col)
    if (c >= 0) floor = std::max(floor, static_cast<std::size_t>(c) + 1);  // never expected: a mapped column
  while (keep > floor && is_blank(headers[keep - 1])) --keep;
  const std::size_t dropped = plan.columns.size() - keep;
  if (dropped == 0) return 0;
  plan.columns.resize(keep);
  const std::string first = std::to_string(keep + 1), last = std::to_string(keep + dropped);
  plan.findings.push_back(Finding{
      0, 0, "", Code::EmptyColumnsIgnored,
      dropped == 1 ? "1 empty column at the end was ignored (column " + first +
                         " has no header and no value in any row)."
                   : std::to_string(dropped) + " empty columns at the end were ignored (columns " + first + " to " +
                         last + " have no header and no value in any row)."});
  return dropped;
}

namespace {

std::uint32_t derive_one(std::string_view cell, const std::string& value) {
  if (value.empty()) return kDeriveEmpty;
  if (value == cell) return kDeriveSame;
  constexpr std::string_view kHttps = "https://", kHttp = "http://";
  if (value.size() > kHttps.size() && value.compare(0, kHttps.size(), kHttps) == 0) {
    const std::string_view rest = std::string_view(value).substr(kHttps.size());
    if (rest == cell) return kDeriveHttps;
    if (cell.size() > kHttp.size() && cell.substr(0, kHttp.size()) == kHttp && cell.substr(kHttp.size()) == rest)
      return kDeriveHttpToHttps;
  }
  return kDeriveOther;
}

bool derive_value(std::string_view cell, std::uint32_t code, std::string& out) {
  switch (code) {
    case kDeriveEmpty: out.clear(); return true;
    case kDeriveSame: out.assign(cell.data(), cell.size()); return true;
    case kDeriveHttps: out.reserve(8 + cell.size()); out.assign("https://").append(cell); return true;
    case kDeriveHttpToHttps: out.reserve(1 + cell.size()); out.assign("https://").append(cell.substr(7)); return true;
    default: return false;
  }
}

}  // namespace

bool derive_prospect(const FieldCells& cells, std::uint32_t derive, Prospect& p) {
  auto get = [&](Field f) { return cells[static_cast<std::size_t>(f)]; };
  constexpr std::uint32_t kMask = (1u << kDeriveBits) - 1;
  auto code = [&](int i) { return (derive >> (kDeriveBits * static_cast<std::uint32_t>(i))) & kMask; };
  return derive_value(get(Field::Email), code(0), p.email) && derive_value(get(Field::FirstName), code(1), p.first_name) &&
         derive_value(get(Field::LastName), code(2), p.last_name) &&
         derive_value(get(Field::LinkedinUrl), code(3), p.linkedin_url) &&
         derive_value(get(Field::CompanyName), code(4), p.company_name) &&
         derive_value(get(Field::CompanyWebsite), code(5), p.company_website);
}

namespace {

std::uint32_t derive_of(Quick q) {
  switch (q) {
    case Quick::Empty: return kDeriveEmpty;
    case Quick::Same: return kDeriveSame;
    case Quick::Https: return kDeriveHttps;
    case Quick::HttpToHttps: return kDeriveHttpToHttps;
    case Quick::Unknown: break;
  }
  return kDeriveOther;
}

}  // namespace

void check_row_into(const ColumnPlan& plan, const FieldCells& cells, std::size_t row, std::size_t line,
                    std::vector<Finding>* findings, RowCheck& rc, bool with_prospect, const DupIndex* index) {
  Prospect& p = rc.prospect;
  auto get = [&](Field f) { return cells[static_cast<std::size_t>(f)]; };
  auto notes = [&](const char* field, const FieldResult& r) {
    if (findings) add_notes(*findings, row, line, field, r);
  };
  // One field: the quick answer when there is one (no notes; the value written only when asked
  // for), otherwise its check, its notes recorded and its value kept. Returns its Derive.
  auto take = [&](Quick (*quick)(std::string_view), FieldResult (*check)(std::string_view), Field f,
                  const char* field, std::string& value) {
    const std::string_view cell = get(f);
    const Quick q = quick(cell);
    if (q != Quick::Unknown) {
      const std::uint32_t d = derive_of(q);
      if (with_prospect) derive_value(cell, d, value);
      return d;
    }
    FieldResult r = check(cell);
    notes(field, r);
    value = std::move(r.value);
    return derive_one(cell, value);
  };

  std::uint32_t codes[6];
  {
    const std::string_view cell = get(Field::Email);
    if (quick_email(cell) == Quick::Same) {
      rc.email_valid = true;
      rc.email_key.assign(cell.data(), cell.size());
      for (char& c : rc.email_key) c = ascii_lower(c);
      if (with_prospect) p.email.assign(cell.data(), cell.size());
      codes[0] = kDeriveSame;
    } else {
      FieldResult email = check_email(cell);
      notes("email", email);
      rc.email_valid = email.valid;
      if (email.valid) {
        rc.email_key.assign(email.value);
        for (char& c : rc.email_key) c = ascii_lower(c);
      } else {
        rc.email_key.clear();
      }
      p.email = std::move(email.value);
      codes[0] = derive_one(cell, p.email);
    }
    rc.email_h64 = DupIndex::hash64(rc.email_key);
    if (index && rc.email_valid) index->prefetch(rc.email_h64);
  }

  const bool split = plan.column(Field::FirstName) < 0 && plan.column(Field::LastName) < 0 &&
                     plan.column(Field::FullName) >= 0;
  if (!split) {
    codes[1] = take(quick_name, check_name, Field::FirstName, "first_name", p.first_name);
    codes[2] = take(quick_name, check_name, Field::LastName, "last_name", p.last_name);
  } else {
    std::string_view full = get(Field::FullName);
    if (!split_full_name(full, p.first_name, p.last_name)) {
      FieldResult r = check_name(full);
      notes("first_name", r);
      p.first_name = std::move(r.value);
      p.last_name.clear();
      if (findings && !p.first_name.empty())
        findings->push_back(Finding{row, line, "first_name", Code::NameNotSplit,
                                    quoted(p.first_name, 80) + " could not be split into first and last name; it is "
                                    "sent as first_name only. Add a last name if you know it."});
    }
    codes[1] = p.first_name.empty() ? kDeriveEmpty : kDeriveOther;
    codes[2] = p.last_name.empty() ? kDeriveEmpty : kDeriveOther;
  }
  codes[3] = take(quick_linkedin, check_linkedin, Field::LinkedinUrl, "linkedin_url", p.linkedin_url);
  codes[4] = take(quick_name, check_name, Field::CompanyName, "company_name", p.company_name);
  codes[5] = take(quick_website, check_website, Field::CompanyWebsite, "company_website", p.company_website);

  rc.derive = 0;
  for (int i = 5; i >= 0; --i) rc.derive = (rc.derive << kDeriveBits) | codes[i];

  const bool no_linkedin = codes[3] == kDeriveEmpty, no_first = codes[1] == kDeriveEmpty,
             no_last = codes[2] == kDeriveEmpty, no_site = codes[5] == kDeriveEmpty;
  if (findings && plan.signals_by_row && rc.email_valid && no_linkedin && (no_first || no_last || no_site)) {
    std::string missing;
    auto need = [&](bool empty, const char* name) {
      if (empty) missing += (missing.empty() ? "" : ", ") + std::string(name);
    };
    need(no_first, "first_name");
    need(no_last, "last_name");
    need(no_site, "company_website");
    findings->push_back(Finding{row, line, "", Code::EnrichmentSignalsMissing,
                                "No LinkedIn profile and no " + missing +
                                    ": enrichment usually needs linkedin_url, or first_name and last_name with "
                                    "company_website. The row is sent, but may not be enriched."});
  }
}

RowCheck check_row(const ColumnPlan& plan, const FieldCells& cells, std::size_t row, std::size_t line,
                   std::vector<Finding>* findings) {
  RowCheck rc;
  check_row_into(plan, cells, row, line, findings, rc, true);
  return rc;
}

RowStatus row_status(bool email_valid, const std::vector<Finding>& csv_findings) {
  bool error = !email_valid;
  for (const Finding& f : csv_findings)
    if (f.severity() == Severity::Error) error = true;
  return error ? RowStatus::Invalid : RowStatus::Valid;
}

Finding duplicate_finding(std::size_t row, std::size_t line, std::size_t first_row, std::size_t first_line,
                          const std::string& email_key) {
  return Finding{row, line, "email", Code::DuplicateEmail,
                 "Duplicate of row " + std::to_string(first_row) + " (line " + std::to_string(first_line) +
                     "), same email " + email_key + ". Only the first is sent."};
}

void count_row(Summary& s, RowStatus status, const std::vector<Finding>& csv_findings,
               const std::vector<Finding>& check_findings) {
  ++s.rows;
  switch (status) {
    case RowStatus::Valid: ++s.valid; break;
    case RowStatus::Invalid: ++s.invalid; break;
    case RowStatus::Duplicate: ++s.duplicates; break;
  }
  bool warned = false;
  for (const auto* list : {&csv_findings, &check_findings})
    for (const Finding& f : *list) {
      if (f.severity() == Severity::Warning) {
        ++s.warnings;
        warned = true;
      } else {
        ++s.errors;
      }
    }
  if (status == RowStatus::Duplicate) ++s.errors;
  if (warned) ++s.rows_with_warnings;
}

void close_summary(Summary& s, std::size_t batch_size) {
  if (batch_size == 0) batch_size = kDefaultBatchSize;
  s.batch_size = batch_size;
  s.batches = (s.valid + batch_size - 1) / batch_size;
  s.credits_max = kCreditsPerProspect * static_cast<double>(s.valid);
}

// ---- DupIndex -------------------------------------------------------------------------------

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}  // namespace

void* large_table_allocate(std::size_t bytes) {
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
  if (bytes >= 2 * kHugePage) {
    const std::size_t size = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, size);
    if (!p) throw std::bad_alloc();
    madvise(p, size, MADV_HUGEPAGE);  // a request: without huge pages the table works as before
    return p;
  }
#endif
  return ::operator new(bytes);
}

void large_table_free(void* p, std::size_t bytes) {
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
  if (bytes >= 2 * kHugePage) {
    std::free(p);
    return;
  }
#endif
  ::operator delete(p);
}

std::uint64_t DupIndex::hash64(std::string_view key) {
  // MurmurHash64A (Austin Appleby, public domain).
  constexpr std::uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const std::size_t len = key.size();
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (len * m);
  std::size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    std::uint64_t k;
    std::memcpy(&k, data + i, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const std::size_t rest = len - i;
  if (rest > 0) {
    for (std::size_t j = rest; j-- > 0;) h ^= static_cast<std::uint64_t>(data[i + j]) << (8 * j);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

std::uint32_t DupIndex::hash32(std::string_view key) {
  // MurmurHash3_x86_32 (Austin Appleby, public domain), four bytes a step (FNV-1a's byte a step
  // cost three times MurmurHash64A's time): 32-bit arithmetic with its own constants, unrelated
  // to hash64's (TheTwoHashesAreIndependentOfEachOther).
  constexpr std::uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
  const std::size_t len = key.size();
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  auto rotl = [](std::uint32_t x, int b) { return (x << b) | (x >> (32 - b)); };
  std::uint32_t h = 0x811c9dc5u;  // the seed
  std::size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    std::uint32_t k;
    std::memcpy(&k, data + i, 4);
    k *= c1;
    k = rotl(k, 15);
    k *= c2;
    h ^= k;
    h = rotl(h, 13);
    h = h * 5 + 0xe6546b64u;
  }
  std::uint32_t k = 0;
  switch (len - i) {
    case 3: k ^= static_cast<std::uint32_t>(data[i + 2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<std::uint32_t>(data[i + 1]) << 8; [[fallthrough]];
    case 1:
      k ^= data[i];
      k *= c1;
      k = rotl(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<std::uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

bool DupIndex::find_or_insert_hashed(std::uint64_t h64, std::uint32_t h32, std::uint32_t row, std::uint32_t line,
                                     std::uint32_t& first_row, std::uint32_t& first_line) {
  if ((entries_.size() + 1) * 10 > slots_.size() * 7) rehash(slots_.empty() ? 1024 : slots_.size() * 2);
  const std::uint32_t lo = static_cast<std::uint32_t>(h64), hi = static_cast<std::uint32_t>(h64 >> 32);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(h64) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.entry == 0) {
      entries_.push_back(Entry{lo, hi, h32, row, line});
      s = Slot{hi, static_cast<std::uint32_t>(entries_.size())};
      return false;
    }
    if (s.h64_hi == hi) {
      const Entry& e = entries_[s.entry - 1];
      if (e.h64_lo == lo && e.h32 == h32) {
        first_row = e.row;
        first_line = e.line;
        return true;
      }
    }
  }
}

void DupIndex::reserve(std::size_t n) {
  std::size_t cap = slots_.empty() ? 1024 : slots_.size();
  while (n * 10 > cap * 7) cap *= 2;
  entries_.reserve(n);
  if (cap != slots_.size()) rehash(cap);
}

// A table of `capacity` slots (a power of two) for the entries, built from them in order: the old
// table is freed first and never read.
void DupIndex::rehash(std::size_t capacity) {
  decltype(slots_)().swap(slots_);
  slots_.assign(capacity, Slot{0, 0});
  const std::size_t mask = capacity - 1;
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    const std::uint64_t h64 = (static_cast<std::uint64_t>(entries_[k].h64_hi) << 32) | entries_[k].h64_lo;
    std::size_t i = static_cast<std::size_t>(h64) & mask;
    while (slots_[i].entry != 0) i = (i + 1) & mask;
    slots_[i] = Slot{entries_[k].h64_hi, static_cast<std::uint32_t>(k + 1)};
  }
}

}  // namespace pe
