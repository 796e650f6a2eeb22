// Failures in words (src/core/failure.hpp) and what a failed load leaves behind (Document,
// Session). Allocation failures are injected: this executable replaces the global operator new
// with one that can be told to fail after N allocations.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

#include "document.hpp"
#include "failure.hpp"
#include "json_forms.hpp"
#include "requests.hpp"
#include "session.hpp"

// ---- allocation failure injection --------------------------------------------------------------

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // malloc/free behind operator new/delete
#endif

namespace {
long g_allocations_left = -1;  // < 0: never fail; otherwise the allocation when it reaches 0 fails
long g_failures = 0;
}  // namespace

void* operator new(std::size_t n) {
  if (g_allocations_left >= 0) {
    if (g_allocations_left == 0) {
      // One allocation fails, as when a large block cannot be had; later (small) ones succeed
      // again, as they do once unwinding frees memory. (nlohmann::json allocates while it destroys
      // nested values, so "every allocation fails from now on" cannot be survived by any program
      // that builds JSON.)
      ++g_failures;
      g_allocations_left = -1;
      throw std::bad_alloc();
    }
    --g_allocations_left;
  }
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

// Arms the injection for one scope: the allocation after `after` successful ones fails.
constexpr long kCountAll = 1L << 30;  // "never fail", while counting (long is 32 bits in wasm)

struct FailAfter {
  explicit FailAfter(long after) { g_allocations_left = after; }
  ~FailAfter() { g_allocations_left = -1; }
};

// A file where every row has a warning (the typo), some errors and duplicates: many allocations.
std::string big_file(int rows) {
  std::string s = "email,first_name,last_name,company_website\n";
  for (int i = 0; i < rows; ++i)
    s += "person" + std::to_string(i % (rows - 3)) + "@gmial.com,Ada,Lovelace,https://acme.com/about\n";
  s += "not-an-email,Bad,Row,acme.com\n";
  return s;
}

// The session's answers as the page reads them (json_forms.hpp; the module hands them on as they are).
std::string load_json(pe::Session& s, const std::string& bytes, const std::string& encoding, int batch_size) {
  return pe::to_json(s.load(bytes, encoding, "auto", batch_size));
}
std::string rows_json(pe::Session& s, int start, int count) {
  return pe::to_json(s.rows(pe::RowFilter::All, start, count));
}
std::string plan_json(const pe::Session& s, bool with_emails) {
  return pe::to_json(s.batch_plan(with_emails), with_emails);
}

const char* const kGood = "email,first_name\na@acme.com,Ada\nb@acme.com,Bo\nc@acme.com,Cy\n";

void expect_empty(const pe::Document& d, const std::string& when) {
  EXPECT_EQ(d.row_count(), 0u) << when;
  const pe::Summary s = d.summary(50);
  EXPECT_EQ(s.rows, 0u) << when;
  EXPECT_EQ(s.valid, 0u) << when;
  EXPECT_EQ(s.batches, 0u) << when;
  EXPECT_EQ(s.warnings, 0u) << when;
  EXPECT_TRUE(pe::batch_rows(d, 50).empty()) << when;
  EXPECT_TRUE(d.all_findings().empty() || d.row_count() == 0) << when;
}

void expect_empty(pe::Session& s, const std::string& when) {
  EXPECT_FALSE(s.loaded()) << when;
  EXPECT_EQ(rows_json(s, 0, 10), R"({"total":0,"rows":[]})") << when;
  EXPECT_EQ(plan_json(s, false), "[]") << when;
  EXPECT_EQ(plan_json(s, true), "[]") << when;
  EXPECT_EQ(pe::to_json(s.problems()), "[]") << when;
  EXPECT_EQ(s.batch_body(0), "") << when;
  EXPECT_EQ(s.cleaned_csv(), "") << when;
  const std::string state = pe::to_json(s.state());
  EXPECT_NE(state.find(R"("summary":{"rows":0,"valid":0,"invalid":0,"duplicates":0,"rows_with_warnings":0,)"),
            std::string::npos)
      << when << ": " << state;
  EXPECT_NE(state.find(R"("batches":0,)"), std::string::npos) << when << ": " << state;
}

}  // namespace

// ---- describe_failure ---------------------------------------------------------------------------

TEST(DescribeFailure, OutOfMemorySaysHowMuchAndWhatToDo) {
  EXPECT_EQ(pe::describe_failure(std::make_exception_ptr(std::bad_alloc()), 2147482880u),
            "This file needs more memory than the page can use (about 2048 MB were in use). Validate it with the "
            "enrich command-line tool (`enrich validate FILE`), or split it into smaller files.");
  EXPECT_EQ(pe::describe_failure(std::make_exception_ptr(std::bad_array_new_length()), 300u << 20),
            "This file needs more memory than the page can use (about 300 MB were in use). Validate it with the "
            "enrich command-line tool (`enrich validate FILE`), or split it into smaller files.");
  EXPECT_EQ(pe::describe_failure(std::make_exception_ptr(std::length_error("basic_string::_M_create")), 0),
            "This file needs more memory than the page can use. Validate it with the enrich command-line tool "
            "(`enrich validate FILE`), or split it into smaller files.");
}

TEST(DescribeFailure, OtherExceptionsGiveTheirTextMadeSafeAndWhatToDo) {
  const std::string s = pe::describe_failure(std::make_exception_ptr(std::runtime_error("bad \xE2\x80\xAE\xC0 thing.")), 0);
  EXPECT_EQ(s, "Something went wrong: bad [U+202E]\xEF\xBF\xBD thing. Reload the page and try again. If it happens "
               "again with this file, validate it with the enrich command-line tool (`enrich validate FILE`), or "
               "split it into smaller files.");
  const std::string u = pe::describe_failure(std::make_exception_ptr(42), 0);
  EXPECT_EQ(u.rfind("Something unexpected went wrong. Reload the page and try again.", 0), 0u) << u;
  EXPECT_EQ(pe::describe_failure(nullptr, 0).rfind("Something unexpected went wrong.", 0), 0u);
}

TEST(Guarded, ReturnsTheWorkOrTheSentence) {
  auto mem = [] { return std::size_t{64} << 20; };
  auto as_error = [](const std::string& m) { return pe::error_json(m); };
  EXPECT_EQ(pe::guarded([] { return std::string("fine"); }, as_error, mem, "x"), "fine");
  EXPECT_EQ(pe::guarded([]() -> std::string { throw std::bad_alloc(); }, as_error, mem, "x"),
            R"({"ok":false,"error":"This file needs more memory than the page can use (about 64 MB were in use). )"
            R"(Validate it with the enrich command-line tool (`enrich validate FILE`), or split it into smaller files."})");
  EXPECT_EQ(pe::guarded([]() -> std::string { throw 7; }, as_error, mem, "x").rfind(R"({"ok":false,"error":"Something unexpected)", 0), 0u);
  // Even building the answer fails: the fixed fallback.
  EXPECT_EQ(pe::guarded([]() -> std::string { throw std::bad_alloc(); },
                        [](const std::string&) -> std::string { throw std::bad_alloc(); }, mem, "fallback"),
            "fallback");
}

// ---- a failed load leaves nothing behind -------------------------------------------------------

TEST(FailedLoad, NormalFailuresAfterAGoodLoadLeaveNoRows) {
  // Two rows, then a field above the reader's limit (4 MB): a fatal error after rows were read.
  std::string huge_field = "email\na@acme.com\nb@acme.com\n\"" + std::string(5u << 20, 'x') + "\"\n";
  const std::pair<const char*, std::string> failures[] = {
      {"empty", ""},
      {"binary", std::string("PK\x03\x04", 4) + "zip"},
      {"header with an unclosed quote", "email,\"name\na@acme.com,Ada\nb@acme.com,Bo\n"},
      {"field too large (fatal reader error)", huge_field},
  };
  for (const auto& [what, bytes] : failures) {
    pe::Document d;
    ASSERT_TRUE(d.load(big_file(200), {}));
    ASSERT_EQ(d.row_count(), 201u);
    EXPECT_FALSE(d.load(bytes, {})) << what;
    EXPECT_FALSE(d.error().empty()) << what;
    expect_empty(d, what);
  }
}

TEST(FailedLoad, NoEmailColumnKeepsRowsForRemapButNoneCanBeSent) {
  pe::Document d;
  ASSERT_TRUE(d.load(big_file(200), {}));
  EXPECT_FALSE(d.load("name,company\nAda,Acme\nBo,Acme\n", {}));
  EXPECT_EQ(d.row_count(), 2u);
  const pe::Summary s = d.summary(50);
  EXPECT_EQ(s.rows, 2u);
  EXPECT_EQ(s.valid, 0u);
  EXPECT_EQ(s.invalid, 2u);
  EXPECT_EQ(s.batches, 0u);
  EXPECT_TRUE(pe::batch_rows(d, 50).empty());
  // Mapping a column to email then validates the rows.
  EXPECT_TRUE(d.remap({{"name", pe::Field::Email}}));
  EXPECT_EQ(d.summary(50).invalid, 2u);  // "Ada" is no email, but the rows are checked now
  EXPECT_FALSE(d.row_findings(0).empty());
}

TEST(FailedLoad, AllocationFailureAtEveryPointLeavesAnEmptyDocument) {
  const std::string good = big_file(30);
  // How many allocations a successful load makes.
  long needed = 0;
  {
    pe::Document probe;
    FailAfter arm(kCountAll);
    ASSERT_TRUE(probe.load(good, {}));
    needed = (kCountAll) - g_allocations_left;
  }
  ASSERT_GT(needed, 50);
  long failures_seen = 0;
  for (long k = 0; k < needed; ++k) {
    pe::Document d;
    ASSERT_TRUE(d.load(kGood, {}));
    bool threw = false;
    {
      FailAfter arm(k);
      try {
        d.load(good, {});
      } catch (const std::bad_alloc&) {
        threw = true;
      }
    }
    if (!threw) continue;  // this allocation point was inside a catch of the reader (none expected)
    ++failures_seen;
    const std::string when = "allocation " + std::to_string(k) + " of " + std::to_string(needed) + " failed";
    expect_empty(d, when);
    EXPECT_TRUE(d.headers().empty()) << when;
    EXPECT_TRUE(d.file_findings().empty()) << when;
    // The document still works.
    ASSERT_TRUE(d.load(kGood, {})) << when;
    EXPECT_EQ(d.summary(50).valid, 3u) << when;
    if (HasFailure()) break;
  }
  EXPECT_GT(failures_seen, needed / 2);
}

// The failure is injected inside the document's load, where a file that does not fit runs out of
// memory. (Not while the session builds its JSON answer: nlohmann::json allocates while it destroys
// nested values, and a destructor cannot throw; the page's module keeps a memory reserve for that,
// src/wasm/memory_reserve.cpp, exercised by tests/wasm/test_out_of_memory.cpp.)
TEST(FailedLoad, SessionAfterAnAllocationFailureIsEmptyAndStillWorks) {
  const std::string good = big_file(30);
  long needed = 0;  // allocations of the document's load alone
  {
    pe::Document probe;
    FailAfter arm(kCountAll);
    ASSERT_TRUE(probe.load(good, {}));
    needed = (kCountAll) - g_allocations_left;
  }
  ASSERT_GT(needed, 50);
  for (long k = 0; k < needed; ++k) {
    pe::Session s;
    load_json(s, big_file(120), "auto", 2);
    ASSERT_EQ(plan_json(s, false).substr(0, 2), "[{");
    ASSERT_EQ(rows_json(s, 0, 0), R"({"total":121,"rows":[]})");
    std::string answer;
    bool threw = false;
    {
      FailAfter arm(k);
      try {
        answer = load_json(s, good, "auto", 2);
      } catch (const std::bad_alloc&) {
        threw = true;
      }
    }
    ASSERT_TRUE(threw) << "allocation " << k << " did not fail the load";
    const std::string when = "allocation " + std::to_string(k) + " failed";
    expect_empty(s, when);
    // What the bindings answer for it: the state with the sentence.
    const std::string failed = pe::to_json(s.state_with_error(pe::describe_failure(std::make_exception_ptr(std::bad_alloc()), 1u << 30)));
    EXPECT_NE(failed.find(R"("ok":false,"error":"This file needs more memory than the page can use (about 1024 MB were in use).)"),
              std::string::npos)
        << failed;
    // It still works.
    const std::string again = load_json(s, kGood, "auto", 2);
    EXPECT_NE(again.find(R"("ok":true)"), std::string::npos) << when;
    EXPECT_EQ(plan_json(s, false), R"([{"index":0,"count":2,"first_row":1,"last_row":2},{"index":1,"count":1,"first_row":3,"last_row":3}])");
    if (HasFailure()) break;
  }
}

TEST(FailedLoad, SessionNormalFailureAfterAGoodLoad) {
  pe::Session s;
  load_json(s, big_file(120), "auto", 2);
  ASSERT_TRUE(s.loaded());
  const std::string state = load_json(s, "", "auto", 2);
  EXPECT_NE(state.find(R"("ok":false,"error":"The file is empty.)"), std::string::npos) << state;
  expect_empty(s, "empty file after a good one");
  load_json(s, big_file(120), "auto", 2);
  const std::string unknown = load_json(s, kGood, "klingon", 2);
  EXPECT_EQ(unknown, R"({"ok":false,"error":"Unknown encoding “klingon”."})");
  expect_empty(s, "unknown encoding after a good one");
}
