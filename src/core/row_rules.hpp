// The rules of a header and of a row, shared by Document (the whole file in memory) and
// StreamChecker (stream_check.hpp: chunk by chunk, in bounded memory): one copy of each rule, so
// that both give the same findings, summary and batches for the same input.
//   header -> plan_columns (the mapping and its file findings)
//   row    -> check_row (the checks of each field, the prospect to send), row_status, and a
//             duplicate_finding when its email repeats an earlier row's
//   all    -> count_row / close_summary (the summary)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "encoding.hpp"
#include "findings.hpp"
#include "mapping.hpp"

namespace pe {

enum class RowStatus : std::uint8_t { Valid, Invalid, Duplicate };
const char* row_status_name(RowStatus s);  // "valid", "invalid", "duplicate"

// The request fields of one row after normalisation (empty = left out of the request).
struct Prospect {
  std::string email, first_name, last_name, linkedin_url, company_name, company_website;
};

struct Summary {
  std::size_t rows = 0, valid = 0, invalid = 0, duplicates = 0;
  // Rows the user excluded (Document::set_excluded): in rows, and in none of the other counts, so
  // that rows = valid + invalid + duplicates + excluded.
  std::size_t excluded = 0;
  std::size_t rows_with_warnings = 0, blank_lines = 0, errors = 0, warnings = 0;
  std::size_t batches = 0;
  std::size_t batch_size = 0;  // prospects per batch the batches were counted with
  double credits_max = 0;      // kCreditsPerProspect x valid prospects: the most a run can cost
};

// What the mapping of a header row decides: the column of each field, and what to tell the user.
struct ColumnPlan {
  std::vector<ColumnMap> columns;
  std::array<int, kFieldCount> col;  // Field -> 0-based column; -1 = not mapped
  bool signals_by_row = true;  // false: the file lacks the signal columns (one file finding instead)
  // File findings of the mapping: mapping_unknown_column for each override key that names no
  // column, then enrichment_columns_missing when the file lacks the enrichment signal columns.
  std::vector<Finding> findings;
  std::string error;  // set when no column is mapped to email (names the headers seen)
  ColumnPlan() { col.fill(-1); }
  int column(Field f) const { return col[static_cast<std::size_t>(f)]; }
};
ColumnPlan plan_columns(const std::vector<std::string>& headers,
                        const std::vector<std::pair<std::string, Field>>& overrides);

// ---- empty columns at the end (spreadsheet leftovers: `email,name,,,` over rows `a@b.co,Ann,,,`)
//
// One past the last column that holds a non-blank value (is_blank, text.hpp) in some data row:
// fed each data row's fields as it is read (start from 0).
void note_values_end(std::size_t& values_end, const std::vector<std::string_view>& fields);
// Columns at the end of the header that have no header (blank), no value in any row (they start at
// or after values_end) and that no override names (override_column): left out of plan.columns, with
// one file finding, empty_columns_ignored (info), added to plan.findings. They are never mapped (a
// blank header maps to nothing), so plan.col does not change and the columns before them keep their
// numbers. Returns how many were left out (0: the plan is unchanged). A header-less column that holds
// a value, or sits before a column with a header, keeps its "the column has no header" note.
std::size_t drop_empty_columns(ColumnPlan& plan, const std::vector<std::string>& headers,
                               const std::vector<std::pair<std::string, Field>>& overrides, std::size_t values_end);

// Normalised email -> the first row that has it, without keeping the emails. An email is keyed by
// two independent hashes: a 64-bit one (MurmurHash64A; also picks the slot) and a 32-bit one
// (MurmurHash3_x86_32: 32-bit arithmetic, other constants). Two emails count as the same only when both hashes agree, so a false
// duplicate needs a 96-bit collision: for n distinct emails its probability is below n^2 / 2^97
// (about 1e-15 for ten million emails). The emails' hashes and first rows are kept in insertion
// order (20 bytes each, appended: memory written in sequence); the table that finds them is flat
// open addressing with linear probing, at most 70% full, of 8-byte slots: the entry's place and the
// high half of its 64-bit hash, so that a probe compares in the slot and reads the entry only on a
// likely match. The table is what is read at random, once per row: 8 bytes a slot keep it 2.5
// times smaller than whole entries would (16 MB for a million emails, within a server's L3
// cache). 31 to 63 bytes per distinct email (the entries' vector grows by doubling).
// Memory for a large table read at random (DupIndex's slots): on Linux, in 2 MB pages where the
// system gives them on request (transparent huge pages in "madvise" mode), so that a lookup does not
// also miss the TLB (a 16 MB table is 4,096 pages of 4 kB); elsewhere, and for small tables, as
// std::allocator gives it.
template <class T>
struct LargeTableAllocator {
  using value_type = T;
  LargeTableAllocator() = default;
  template <class U>
  LargeTableAllocator(const LargeTableAllocator<U>&) {}
  T* allocate(std::size_t n);
  void deallocate(T* p, std::size_t n);
  template <class U>
  bool operator==(const LargeTableAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const LargeTableAllocator<U>&) const { return false; }
};
void* large_table_allocate(std::size_t bytes);
void large_table_free(void* p, std::size_t bytes);
template <class T>
T* LargeTableAllocator<T>::allocate(std::size_t n) {
  return static_cast<T*>(large_table_allocate(n * sizeof(T)));
}
template <class T>
void LargeTableAllocator<T>::deallocate(T* p, std::size_t n) {
  large_table_free(p, n * sizeof(T));
}

class DupIndex {
 public:
  static std::uint64_t hash64(std::string_view key);
  static std::uint32_t hash32(std::string_view key);

  // The first row and line recorded for `key`: true and (first_row, first_line) when it is there;
  // otherwise records (row, line) for it and returns false. Rows and lines are 1-based and at most
  // UINT32_MAX (the caller checks).
  bool find_or_insert(std::string_view key, std::uint32_t row, std::uint32_t line, std::uint32_t& first_row,
                      std::uint32_t& first_line) {
    return find_or_insert_hashed(hash64(key), hash32(key), row, line, first_row, first_line);
  }
  // The same with the hashes given (tests use it to make collisions on purpose).
  bool find_or_insert_hashed(std::uint64_t h64, std::uint32_t h32, std::uint32_t row, std::uint32_t line,
                             std::uint32_t& first_row, std::uint32_t& first_line);

  // Asks the processor for the slot where a key of this hash is looked up first, to be used a little
  // later (the table is read at random, once per row: a cache miss that other work can hide).
  void prefetch(std::uint64_t h64) const {
#if defined(__GNUC__) && !defined(__wasm__)
    if (!slots_.empty()) __builtin_prefetch(&slots_[static_cast<std::size_t>(h64) & (slots_.size() - 1)]);
#else
    (void)h64;
#endif
  }
  // Room for n keys without growing (no old table left behind in memory while it grows).
  void reserve(std::size_t n);
  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return slots_.size(); }
  std::size_t bytes() const { return slots_.size() * sizeof(Slot) + entries_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    std::uint32_t h64_lo, h64_hi, h32;
    std::uint32_t row, line;
  };
  struct Slot {
    std::uint32_t h64_hi;  // the entry's, compared before the entry is read
    std::uint32_t entry;   // 1 + the entry's place in entries_; 0 = empty slot
  };
  void rehash(std::size_t capacity);
  std::vector<Slot, LargeTableAllocator<Slot>> slots_;
  std::vector<Entry> entries_;
};

// The cells of one row that feed a field, indexed by Field (empty when the field has no column).
using FieldCells = std::array<std::string_view, kFieldCount>;

// How each value of a prospect follows from its cell, so that a request body can be written from
// the cells without running the checks again: 3 bits per value of Prospect, in its order (email,
// first_name, last_name, linkedin_url, company_name, company_website). kDeriveOther: only the
// checks can tell (the body builder runs them).
enum Derive : std::uint32_t {
  kDeriveEmpty = 0,        // ""
  kDeriveSame = 1,         // the cell as it is
  kDeriveHttps = 2,        // "https://" + the cell
  kDeriveHttpToHttps = 3,  // the cell, with its "http://" replaced by "https://"
  kDeriveOther = 7,
};
inline constexpr std::uint32_t kDeriveBits = 3;

struct RowCheck {
  Prospect prospect;        // the normalised values (email empty when it is invalid)
  bool email_valid = false;
  std::string email_key;    // what duplicates are found by: the email, lower-cased; "" when invalid
  std::uint64_t email_h64 = 0;  // DupIndex::hash64(email_key), made once per row
  std::uint32_t derive = 0; // per value of prospect, a Derive (kDeriveBits each)
};
// The prospect written from the cells by `derive` (RowCheck::derive); false when some value needs
// the checks (kDeriveOther), and p is then unspecified. The same values as check_row's prospect.
bool derive_prospect(const FieldCells& cells, std::uint32_t derive, Prospect& p);
// Checks one data row (row: 1-based; line: where the record starts). Appends its validation
// findings, in field order, to *findings unless that is null.
RowCheck check_row(const ColumnPlan& plan, const FieldCells& cells, std::size_t row, std::size_t line,
                   std::vector<Finding>* findings);
// check_row into `rc`, whose strings keep their memory from row to row (a caller that checks many
// rows reuses one). with_prospect false: rc.prospect is not needed (rc.derive says how to write it)
// and its values are then unspecified. index (optional): the duplicate index the caller will look
// the email up in; its slot is asked for (DupIndex::prefetch) as soon as the email is checked, so
// that it comes while the other fields are.
void check_row_into(const ColumnPlan& plan, const FieldCells& cells, std::size_t row, std::size_t line,
                    std::vector<Finding>* findings, RowCheck& rc, bool with_prospect, const DupIndex* index = nullptr);
// Valid or Invalid (before duplicates): invalid when the email is, or a reader finding is an error.
RowStatus row_status(bool email_valid, const std::vector<Finding>& csv_findings);
// The error of a row that repeats the email of an earlier valid row (1-based rows).
Finding duplicate_finding(std::size_t row, std::size_t line, std::size_t first_row, std::size_t first_line,
                          const std::string& email_key);
// Adds one row to a summary: its status and the findings the reader and the checks gave it.
void count_row(Summary& s, RowStatus status, const std::vector<Finding>& csv_findings,
               const std::vector<Finding>& check_findings);
// Fills in batch_size (0 = the default), batches and credits_max from the valid count.
void close_summary(Summary& s, std::size_t batch_size);

// Why an export cannot be read, in words (what to do included).
extern const char* const kEmptyInputError;
extern const char* const kNoHeaderError;
// After the reader stopped on a fatal error: its message, from the file findings.
std::string fatal_read_error(const std::vector<Finding>& file_findings);
// A reader error in the header record (an unclosed quote) makes the column names unusable: the
// message for the first such finding among the file findings; "" when there is none.
std::string header_read_error(const std::vector<Finding>& file_findings);
// The warning for bytes that are not valid in the encoding (count and offset from the Decoder).
Finding invalid_bytes_finding(Encoding e, std::size_t invalid_sequences, std::size_t first_invalid_offset);

}  // namespace pe
