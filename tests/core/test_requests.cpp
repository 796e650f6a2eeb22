// Requests (src/core/requests.hpp): the batches and their bodies, the batch key, the status query,
// and the addresses they go to (constants.hpp). Stored ledgers in users' browsers recognise a batch
// already sent by its key, so the exact key strings are pinned here: a change would make every
// stored ledger forget what it sent.
#include "requests.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "constants.hpp"
#include "session.hpp"

namespace {

using namespace pe;

// The keys of a file's batches, as the page gets them with the batch plan.
std::vector<std::string> keys_of(const std::string& csv, int batch_size) {
  Session s;
  s.load(csv, "auto", "auto", batch_size);
  std::vector<std::string> keys;
  for (const PlannedBatch& b : s.batch_plan(true)) keys.push_back(b.key);
  return keys;
}

TEST(BatchKey, PinnedForStoredLedgers) {
  EXPECT_EQ(batch_key({"A@example.com", "b@example.com"}), "4c8be06df7d22aec-2");
  EXPECT_EQ(batch_key({"c@example.com"}), "facb4dc7c2d6b2e5-1");
  EXPECT_EQ(batch_key({"ada@acme.com", "bob@gmial.com"}), "9b2c453d338a77ec-2");
  EXPECT_EQ(batch_key({"dee@delta.com", "eve@xn--psilon-9ua.com"}), "82d4c61d63048c02-2");
  EXPECT_EQ(batch_key({"x@y.co"}), "5a153d913801cec8-1");
}

TEST(ProspectHash, PinnedForStoredRunsAndReadBack) {
  EXPECT_EQ(prospect_hash_hex(prospect_hash("ada@acme.com")), "21b7ade15b2550ec");
  EXPECT_EQ(prospect_hash_hex(prospect_hash("eve@xn--psilon-9ua.com")), "eb5adc79eec7225b");
  EXPECT_EQ(prospect_hash_hex(prospect_hash("")), "552d3fb62b3c344f");
  EXPECT_NE(prospect_hash("ada@acme.com"), prospect_hash("ada@acme.co"));
  std::uint64_t h = 0;
  ASSERT_TRUE(parse_prospect_hash("21b7ade15b2550ec", h));
  EXPECT_EQ(h, prospect_hash("ada@acme.com"));
  for (const char* bad : {"", "21b7ade15b2550e", "21b7ade15b2550ec0", "21B7ADE15B2550EC", "21b7ade15b2550eg", "21b7ade1 b2550ec"})
    EXPECT_FALSE(parse_prospect_hash(bad, h)) << bad;
}

// The same keys through a loaded file: the normalised emails (case kept, the domain converted) of
// the valid rows, in batches.
TEST(BatchKey, OfTheBatchesOfAFile) {
  EXPECT_EQ(keys_of("email\nA@Example.com\nb@example.com\nc@example.com\n", 2),
            (std::vector<std::string>{"4c8be06df7d22aec-2", "facb4dc7c2d6b2e5-1"}));
  EXPECT_EQ(keys_of("email\nada@acme.com\nbob@gmial.com\n", 50), (std::vector<std::string>{"9b2c453d338a77ec-2"}));
  EXPECT_EQ(keys_of("email\ndee@delta.com\neve@\xC3\xA9psilon.com\n", 50),
            (std::vector<std::string>{"82d4c61d63048c02-2"}));
  // Invalid rows are in no batch, so not in any key.
  EXPECT_EQ(keys_of("email\nj\xC3\xBCrgen@m\xC3\xBCnchen.de\nx@y.co\n", 50), (std::vector<std::string>{"5a153d913801cec8-1"}));
}

TEST(BatchRows, ValidRowsInOrderBatchSizeEach) {
  Document d;
  ASSERT_TRUE(d.load("email\na@x.co\nbad\nb@x.co\na@x.co\nc@x.co\n", {}));
  EXPECT_EQ(batch_rows(d, 2), (std::vector<std::vector<std::size_t>>{{0, 2}, {4}}));
  EXPECT_EQ(batch_rows(d, 0), (std::vector<std::vector<std::size_t>>{{0, 2, 4}}));  // 0: the default
  EXPECT_EQ(batch_body(d, {0, 4}), R"({"prospects":[{"email":"a@x.co"},{"email":"c@x.co"}]})");
}

// ---- constants ----------------------------------------------------------------------------------
TEST(ApiConstants, EndpointsAndBatchSizes) {
  EXPECT_STREQ(kDefaultBaseUrl, "https://api.woodpecker.co");
  EXPECT_STREQ(kQueuePath, "/rest/v2/lead_finder/prospects/enrichments");
  EXPECT_STREQ(kStatusQueryPath, "/rest/v2/lead_finder/prospects/enrichments/statuses/query");
  EXPECT_EQ(kCreditsPerProspect, 1.5);
  EXPECT_EQ(kDefaultBatchSize, 50u);
  EXPECT_EQ(kMaxBatchSize, 1000u);
}

// ---- build_status_query ---------------------------------------------------------------------------
TEST(BuildStatusQuery, CompactAndEscaped) {
  EXPECT_EQ(build_status_query({}), "{}");
  EXPECT_EQ(build_status_query({"a@b.com"}), R"({"emails":["a@b.com"]})");
  EXPECT_EQ(build_status_query({"a@b.com", "q\"uote@x.com", "back\\slash@x.com"}),
            R"({"emails":["a@b.com","q\"uote@x.com","back\\slash@x.com"]})");
  EXPECT_EQ(build_status_query({"tab\t@x.com"}), R"({"emails":["tab\t@x.com"]})");
  EXPECT_EQ(build_status_query({"\xC3\xA9@x.com"}), "{\"emails\":[\"\xC3\xA9@x.com\"]}");
  EXPECT_EQ(build_status_query({"bad\xFF@x.com"}), "{\"emails\":[\"bad\xEF\xBF\xBD@x.com\"]}");
}

// The body is written directly; it must be the bytes nlohmann's ordered_json wrote before (what the
// sandbox, the golden tests and users' stored dry runs saw): same key order, same escapes, empty
// optional fields left out.
std::string body_by_nlohmann(const std::vector<Prospect>& prospects) {
  using ojson = nlohmann::ordered_json;
  ojson list = ojson::array();
  for (const Prospect& p : prospects) {
    ojson o = ojson::object();
    o["email"] = p.email;
    auto put = [&](const char* k, const std::string& v) {
      if (!v.empty()) o[k] = v;
    };
    put("first_name", p.first_name);
    put("last_name", p.last_name);
    put("linkedin_url", p.linkedin_url);
    put("company_name", p.company_name);
    put("company_website", p.company_website);
    list.push_back(std::move(o));
  }
  ojson body = ojson::object();
  body["prospects"] = std::move(list);
  return body.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

TEST(BatchBody, SameBytesAsNlohmann) {
  std::vector<Prospect> ps;
  Prospect a;
  a.email = "ada@example.com";
  ps.push_back(a);  // only the email
  Prospect b;
  b.email = "o'brien+tag@example.co.uk";
  b.first_name = "Zoë \"Z\" \\ Ånström";
  b.last_name = std::string("tab\there, nl\nthere, cr\r, bell\x07, esc\x1b, del\x7f, ") + "\xF0\x9F\x98\x80 \xE2\x80\xAE";
  b.linkedin_url = "https://www.linkedin.com/in/zo%C3%AB-1/";
  b.company_name = "Ünïcode & <Co> / 株式会社";
  b.company_website = "https://例え.jp/path?q=1";
  ps.push_back(b);
  Prospect c;
  c.email = "c@x.io";
  c.company_name = "Only Co";
  ps.push_back(c);
  for (std::size_t n = 0; n <= ps.size(); ++n) {
    const std::vector<Prospect> some(ps.begin(), ps.begin() + static_cast<long>(n));
    EXPECT_EQ(batch_body_json(some), body_by_nlohmann(some)) << n << " prospects";
  }
  // A whole batch of a generated file, through the document, as the page and the CLI build it.
  std::string csv = "email,first_name,last_name,linkedin_url,company_name,company_website\n";
  for (int i = 0; i < 300; ++i)
    csv += "p" + std::to_string(i) + "@firm" + std::to_string(i % 7) + ".com,Fïrst" + std::to_string(i) + ",\"O\"\"Last\"," +
           (i % 3 ? "linkedin.com/in/p" + std::to_string(i) : std::string()) + ",\"Firm, " + std::to_string(i % 7) +
           "\"," + (i % 2 ? "firm" + std::to_string(i % 7) + ".com" : std::string()) + "\n";
  Document d;
  ASSERT_TRUE(d.load(csv, {}));
  for (const auto& rows : batch_rows(d, 100)) {
    std::vector<Prospect> list;
    for (std::size_t r : rows) list.push_back(d.prospect(r));
    EXPECT_EQ(batch_body(d, rows), body_by_nlohmann(list));
  }
}

}  // namespace

