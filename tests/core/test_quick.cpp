// The quick answers (checks.hpp: quick_email, quick_linkedin, quick_website, quick_name) against
// the checks they stand in for: whenever a quick answer is given, the check gives no note and the
// value the answer describes. Over every cell of the fixtures and over values mutated at random
// from the forms exports hold (fixed seed), so a rule the quick path forgets shows up here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "checks.hpp"
#include "document.hpp"

namespace {

using pe::FieldResult;
using pe::Quick;

// The value a quick answer describes, from the cell.
std::string value_of(Quick q, std::string_view cell) {
  switch (q) {
    case Quick::Empty: return "";
    case Quick::Same: return std::string(cell);
    case Quick::Https: return "https://" + std::string(cell);
    case Quick::HttpToHttps: return "https://" + std::string(cell.substr(7));
    case Quick::Unknown: break;
  }
  return "(unknown)";
}

struct Pair {
  const char* name;
  Quick (*quick)(std::string_view);
  FieldResult (*check)(std::string_view);
};
const Pair kPairs[] = {
    {"email", pe::quick_email, pe::check_email},
    {"linkedin", pe::quick_linkedin, pe::check_linkedin},
    {"website", pe::quick_website, pe::check_website},
    {"name", pe::quick_name, pe::check_name},
};

// Checks one value with every pair; returns how many quick answers were given.
int expect_agree(std::string_view v) {
  int given = 0;
  for (const Pair& p : kPairs) {
    const Quick q = p.quick(v);
    if (q == Quick::Unknown) continue;
    ++given;
    const FieldResult r = p.check(v);
    EXPECT_TRUE(r.valid) << p.name << " of '" << v << "'";
    EXPECT_TRUE(r.notes.empty()) << p.name << " of '" << v << "': " << (r.notes.empty() ? "" : r.notes[0].message);
    EXPECT_EQ(value_of(q, v), r.value) << p.name << " of '" << v << "'";
  }
  return given;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Quick, AnswersThePlainFormsOfEachField) {
  EXPECT_EQ(Quick::Same, pe::quick_email("user1@company1.com"));
  EXPECT_EQ(Quick::Same, pe::quick_email("Jane.Doe+crm@sub.acme-corp.co.uk"));
  EXPECT_EQ(Quick::Same, pe::quick_linkedin("https://www.linkedin.com/in/jane-doe"));
  EXPECT_EQ(Quick::HttpToHttps, pe::quick_linkedin("http://www.linkedin.com/in/user-0"));
  EXPECT_EQ(Quick::Empty, pe::quick_linkedin(""));
  EXPECT_EQ(Quick::Https, pe::quick_website("company0.com"));
  EXPECT_EQ(Quick::Https, pe::quick_website("www.acme.com"));
  EXPECT_EQ(Quick::Same, pe::quick_website("https://acme.com"));
  EXPECT_EQ(Quick::HttpToHttps, pe::quick_website("http://acme.com"));
  EXPECT_EQ(Quick::Same, pe::quick_name("Head of Sales, EMEA"));
  EXPECT_EQ(Quick::Empty, pe::quick_name(""));
  for (const char* v : {"user1@company1.com", "http://www.linkedin.com/in/user-0", "company0.com", "First0"})
    EXPECT_GE(expect_agree(v), 1) << v;
}

TEST(Quick, LeavesToTheCheckWhatHasANoteOrNeedsWork) {
  for (const char* v : {"", " a@b.com", "a@B.com", "a@gmial.com", "a@acme.con", "a@xn--bcher-kva.de", "a@1.2.3.4",
                        "a@acme.123", "a..b@acme.com", ".a@acme.com", "a@acme", "a@-acme.com", "a@ac--me.com",
                        "Jane <a@acme.com>", "mailto:a@acme.com", "a@acme.com.", "a@acme..com", "a b@acme.com",
                        "a@b@acme.com", "j\xC3\xB6rg@acme.com"})
    EXPECT_EQ(Quick::Unknown, pe::quick_email(v)) << v;
  for (const char* v : {"https://www.linkedin.com/in/", "https://www.linkedin.com/in/jane/", "https://linkedin.com/in/jane",
                        "HTTPS://www.linkedin.com/in/jane", "https://www.linkedin.com/in/jane?x=1",
                        "https://www.linkedin.com/company/acme", "https://www.linkedin.com/in/ja ne", " "})
    EXPECT_EQ(Quick::Unknown, pe::quick_linkedin(v)) << v;
  for (const char* v : {"gmail.com", "www.gmail.com", "linkedin.com", "www.facebook.com", "acme.com/", "acme.com/about",
                        "Acme.com", "acme", "acme.com:8080", "HTTP://acme.com", "1.2.3.4", "a@acme.com", " acme.com",
                        "b\xC3\xBC" "cher.de"})
    EXPECT_EQ(Quick::Unknown, pe::quick_website(v)) << v;
  const std::string too_long(101, 'a');
  for (const char* v : {" Ada", "Ada ", "Ada  Lovelace", "ada@acme", "www.acme.com", "http://x", "Jos\xC3\xA9", "A\tB",
                        too_long.c_str()})
    EXPECT_EQ(Quick::Unknown, pe::quick_name(v)) << v;
}

TEST(Quick, AgreesWithTheChecksOnEveryCellOfTheFixtures) {
  int cells = 0, given = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(PE_FIXTURES_DIR)) {
    if (!e.is_regular_file()) continue;
    pe::Document d;
    if (!d.load(read_file(e.path()), pe::LoadOptions{})) continue;
    for (std::size_t r = 0; r < d.row_count(); ++r)
      for (std::size_t c = 0; c < d.column_count(); ++c) {
        ++cells;
        given += expect_agree(d.cell(r, c));
      }
  }
  EXPECT_GT(cells, 100);
  EXPECT_GT(given, 50);
}

TEST(Quick, AgreesWithTheChecksOnMutatedValues) {
  const std::vector<std::string> seeds = {
      "user1@company1.com", "Jane.Doe+crm@sub.acme-corp.co.uk", "a_b-c@x.io", "http://www.linkedin.com/in/user-0",
      "https://www.linkedin.com/in/jane-doe%C3%A9", "company0.com", "https://www.acme.com", "http://acme.de",
      "First0", "Head of Sales, EMEA", "www.gmail.com", "a@gmail.co", "acme.co.uk", "x.com", "fb.com"};
  const std::string alphabet = std::string("abcxyzAZ09.-_@:/%+ ?#<>,;") + '\t' + "\xC3\xA9\xE2\x80\x8B";
  std::mt19937 rng(20261129);
  int given = 0;
  for (int round = 0; round < 60000; ++round) {
    std::string v = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = v.empty() ? 0 : rng() % (v.size() + 1);
      const char ch = alphabet[rng() % alphabet.size()];
      switch (rng() % 4) {
        case 0: v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), ch); break;
        case 1: if (at < v.size()) v[at] = ch; break;
        case 2: if (at < v.size()) v.erase(at, 1); break;
        case 3: if (at < v.size()) v = v.substr(0, at) + v.substr(at, 1) + v.substr(at); break;  // doubled
      }
    }
    given += expect_agree(v);
    if (::testing::Test::HasFailure()) break;  // one value is enough to see a wrong rule
  }
  EXPECT_GT(given, 10000);
}

}  // namespace
