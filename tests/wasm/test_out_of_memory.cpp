// The page's out-of-memory path for real (wasm build only): this executable is linked with a small
// memory limit, the module's emergency reserve (src/wasm/memory_reserve.cpp) and the same guarded
// load the Embind binding calls (src/wasm/guard.hpp). A file that does not fit must come back as a
// sentence, leave nothing behind, and the next file must load.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "guard.hpp"
#include "json_forms.hpp"
#include "session.hpp"

namespace {

constexpr std::size_t kMaximumMemoryMb = 128;  // -sMAXIMUM_MEMORY of this executable (CMakeLists.txt)

// Every row gets two warnings (a domain typo, a dropped path): far more memory than the input.
std::string file_that_does_not_fit() {
  std::string s = "email,company_website\n";
  s.reserve(30u << 20);
  for (int i = 0; s.size() < (28u << 20); ++i) s += "person" + std::to_string(i) + "@gmial.com,https://acme.com/about\n";
  return s;
}

// Rows like a CRM export's (9 columns, ~150 bytes a row, all valid): about `mb` MB.
std::string plain_export(std::size_t mb) {
  std::string s = "email,first_name,last_name,title,company_name,company_website,linkedin_url,city,phone\n";
  s.reserve((mb + 1) << 20);
  for (int i = 0; s.size() < (mb << 20); ++i) {
    const std::string n = std::to_string(i);
    s += "firstname" + n + ".lastname@company" + std::to_string(i % 5000) + ".com,Firstname" + n + ",Lastname" + n +
         ",Head of Sales Operations,Company " + n + " Ltd,https://www.company" + std::to_string(i % 5000) +
         ".com,https://www.linkedin.com/in/firstname-lastname-" + n + ",Berlin,+49 30 1234567\n";
  }
  return s;
}

}  // namespace

// Memory is part of what a file costs: a 26 MB export, handed over as the page hands over its input
// buffer (Session.input, then load), loads within this executable's 128 MB, in under 2.5 times its
// size (issue 10's goal for the interactive view). The cells are read in place from the input
// (UTF-8: no copy of them), the rows' tables are allocated once at their size, and duplicates are
// found by hashes, not a string per row. With a copy of every cell and a key string per row it took
// 3.0 times the file; with the tables grown by doubling next to the input, 5.4 times (no fit).
TEST(Memory, AnExportLoadsInUnderTwoAndAHalfTimesItsSize) {
  pe::Session s;
  std::string file = plain_export(26);
  const std::size_t size = file.size();
  const std::string answer = pe::wasm::load_owned_or_explain(s, std::move(file), "auto", "auto", 50);
  ASSERT_NE(answer.find(R"("ok":true)"), std::string::npos) << answer.substr(0, 400);
  EXPECT_TRUE(s.loaded());
  EXPECT_EQ(pe::to_json(s.rows(pe::RowFilter::All, 0, 0)).find(R"({"total":1)"), 0u);
  // What the allocator claimed (the top of its sbrk region; it never gives memory back), not the
  // module's memory size: that is this figure rounded up by the geometric growth step (up to 20%
  // more), so one byte more of static data can move it by a step and the measure by 0.6x.
  const std::size_t claimed = reinterpret_cast<std::size_t>(sbrk(0));
  const double ratio = static_cast<double>(claimed) / static_cast<double>(size);
  std::printf("wasm memory after loading %zu MB: %zu MB claimed by the allocator (%.2fx), module memory %zu MB\n",
              size >> 20, claimed >> 20, ratio, pe::wasm::heap_bytes() >> 20);
  EXPECT_LT(ratio, 2.5);
}

TEST(OutOfMemory, AFileThatDoesNotFitIsAnsweredInWordsAndLeavesNothingBehind) {
  pe::Session s;
  const std::string first = pe::wasm::load_or_explain(s, "email\na@acme.com\nb@acme.com\n", "auto", "auto", 50);
  ASSERT_NE(first.find(R"("ok":true)"), std::string::npos) << first;

  std::string big = file_that_does_not_fit();
  const std::string answer = pe::wasm::load_or_explain(s, big, "auto", "auto", 50);
  big.clear();
  big.shrink_to_fit();

  std::printf("answer: %s\n", answer.substr(0, 260).c_str());
  const std::string prefix = R"({"ok":false,"error":"This file needs more memory than the page can use (about )";
  ASSERT_EQ(answer.rfind(prefix, 0), 0u) << answer.substr(0, 400);
  const std::size_t mb = std::strtoul(answer.c_str() + prefix.size(), nullptr, 10);
  EXPECT_GT(mb, kMaximumMemoryMb / 2) << answer.substr(0, 400);
  EXPECT_LE(mb, kMaximumMemoryMb) << answer.substr(0, 400);
  EXPECT_NE(answer.find(" MB were in use). Validate it with the enrich command-line tool (`enrich validate FILE`), or "
                        "split it into smaller files.\""),
            std::string::npos)
      << answer.substr(0, 400);
  // Nothing of the first file, nothing of the half-read one.
  EXPECT_NE(answer.find(R"("summary":{"rows":0,"valid":0,)"), std::string::npos) << answer;
  EXPECT_FALSE(s.loaded());
  EXPECT_EQ(pe::to_json(s.rows(pe::RowFilter::All, 0, 10)), R"({"total":0,"rows":[]})");
  EXPECT_EQ(pe::to_json(s.batch_plan(false), false), "[]");
  EXPECT_EQ(pe::to_json(s.problems()), "[]");
  EXPECT_TRUE(pe::wasm::reserve_in_place());

  // The memory came back: the next file loads.
  const std::string next = pe::wasm::load_or_explain(s, "email\nc@acme.com\n", "auto", "auto", 50);
  EXPECT_NE(next.find(R"("ok":true)"), std::string::npos) << next;
  EXPECT_EQ(pe::to_json(s.rows(pe::RowFilter::All, 0, 0)), R"({"total":1,"rows":[]})");
}
