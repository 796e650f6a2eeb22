// JSON written piece by piece (json_writer.hpp) and the one JSON form of each struct (json_forms.hpp):
// strings as nlohmann::json writes them, commas in the right places, the documented shapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "document.hpp"
#include "json_forms.hpp"
#include "json_writer.hpp"

using namespace pe;

namespace {

TEST(JsonWriter, CommasKeysAndNumbersAsNlohmannWritesThem) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("a", std::size_t{1}).key("b").begin_array().value(true).null().value(-3L);
  w.begin_object().end_object().begin_array().end_array().end_array();
  w.field("c", 1.5).field("d", 6.0).field("e", 3333.2).key("f").string_or_null("").key("g").number_or_null(0);
  w.end_object();
  EXPECT_EQ(out, R"({"a":1,"b":[true,null,-3,{},[]],"c":1.5,"d":6.0,"e":3333.2,"f":null,"g":null})");
  EXPECT_EQ(nlohmann::ordered_json::parse(out).dump(), out);
}

// ---- JSON written piece by piece ------------------------------------------------------------------

TEST(JsonForms, StringsAreWrittenAsNlohmannWritesThem) {
  auto nl = [](const std::string& s) {
    return nlohmann::ordered_json(s).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  };
  for (int c = 0; c < 128; ++c) {
    const std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
    std::string out;
    append_json_string(out, s);
    EXPECT_EQ(out, nl(s)) << c;
  }
  std::mt19937 rng(7);
  static const char* const kPieces[] = {"a", "\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x82\xAC",
                                        "\xF0\x9F\x98\x80", " ", "/", "\t", "\r"};
  for (int k = 0; k < 2000; ++k) {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s += kPieces[rng() % std::size(kPieces)];
    std::string out;
    append_json_string(out, s);
    ASSERT_EQ(out, nl(s)) << s;
  }
  std::string out;
  append_json_string(out, "bad \xFF byte");  // never in decoded text; still valid JSON
  EXPECT_EQ(out, "\"bad \xEF\xBF\xBD byte\"");
}

TEST(JsonForms, FindingsAndTheReportMatchTheDocumentedShape) {
  std::string out;
  JsonWriter w(out);
  write_json(w, Finding{0, 0, "", Code::EnrichmentColumnsMissing, "say \"what\""});
  EXPECT_EQ(out, R"({"row":null,"line":null,"field":null,"severity":"warning","code":"enrichment_columns_missing","message":"say \"what\""})");
  out.clear();
  JsonWriter w2(out);
  write_json(w2, Finding{3, 7, "email", Code::EmailInvalid, "x"});
  EXPECT_EQ(out, R"({"row":3,"line":7,"field":"email","severity":"error","code":"email_invalid","message":"x"})");

  Document d;
  ASSERT_TRUE(d.load("Email,Email Status\na@example.com,verified\nbad,unknown\n", {}));
  const std::string report = validation_report_json(d, 50);
  auto j = nlohmann::ordered_json::parse(report);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"encoding", "delimiter", "columns", "issues", "summary"}));
  EXPECT_EQ(j["columns"][1].dump(), R"({"header":"Email Status","field":null,"note":"a status column, not an address"})");
  EXPECT_EQ(j["summary"].dump(),
            R"({"rows":2,"valid":1,"invalid":1,"duplicates":0,"rows_with_warnings":0,"blank_lines":0,"errors":1,"warnings":0,)"
            R"("batches":1,"batch_size":50,"credits_max":1.5})");
}

// `enrich parse`: one key per distinct header, the last column's value, built from a plan made once.
TEST(RecordJson, OneKeyPerHeaderAtItsFirstPlaceWithItsLastValue) {
  RecordJson rj({"a", "b", "a", "b", "a", "c"});
  ASSERT_EQ(rj.plan().size(), 3u);
  EXPECT_EQ(rj.plan()[0].json, "\"a\":");
  EXPECT_EQ(rj.plan()[0].column, 4u);
  EXPECT_EQ(rj.plan()[1].column, 3u);
  EXPECT_EQ(rj.plan()[2].column, 5u);
  std::string out;
  const std::vector<std::string_view> rec = {"1", "2", "3", "4", "5", "6"};
  rj.append(out, rec);
  EXPECT_EQ(out, R"({"a":"5","b":"4","c":"6"})");
  out.clear();
  const std::vector<std::string_view> short_rec = {"1", "2", "3", "4"};
  rj.append(out, short_rec);  // the last "a" column is missing in this record: ""
  EXPECT_EQ(out, R"({"a":"","b":"4","c":""})");
}

// The writer gives what assigning each column to an ordered_json object gives (the old way, which
// searched the keys for every cell), on random headers with repeats and records of any length. The
// plan has one entry per distinct header, so writing a record is one pass over at most its columns.
TEST(RecordJson, MatchesAnOrderedObjectBuiltCellByCell) {
  std::mt19937 rng(11);
  for (int k = 0; k < 300; ++k) {
    const std::size_t ncols = k == 0 ? 4000 : 1 + rng() % 30;
    std::vector<std::string> headers;
    for (std::size_t c = 0; c < ncols; ++c)
      headers.push_back(k == 0 ? "col" + std::to_string(c) : "h" + std::to_string(rng() % (ncols / 2 + 1)) + (rng() % 5 ? "" : "\t\"x\""));
    RecordJson rj(headers);
    std::vector<std::string> distinct = headers;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    EXPECT_EQ(rj.plan().size(), distinct.size());
    for (int r = 0; r < 3; ++r) {
      const std::size_t n = static_cast<std::size_t>(std::max<long>(0, static_cast<long>(ncols) + 2 - static_cast<long>(rng() % 5)));
      std::vector<std::string> values;
      for (std::size_t c = 0; c < n; ++c) values.push_back("v" + std::to_string(rng() % 1000) + (rng() % 7 ? "" : "\n\xC3\xA9"));
      const std::vector<std::string_view> fields(values.begin(), values.end());
      nlohmann::ordered_json o = nlohmann::ordered_json::object();
      for (std::size_t i = 0; i < headers.size(); ++i) o[headers[i]] = i < values.size() ? values[i] : std::string();
      std::string out;
      rj.append(out, fields);
      ASSERT_EQ(out, o.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)) << k << " " << r;
    }
  }
}

}  // namespace

namespace {

// What the page reads through the module's constants(): the core's numbers and the batch states.
TEST(JsonForms, ConstantsForThePage) {
  EXPECT_EQ(constants_json(),
            R"({"queue_path":"/rest/v2/lead_finder/prospects/enrichments",)"
            R"("status_query_path":"/rest/v2/lead_finder/prospects/enrichments/statuses/query",)"
            R"("default_base_url":"https://api.woodpecker.co","credits_per_prospect":1.5,"default_batch_size":50,)"
            R"("max_batch_size":1000,"batch_states":[{"name":"waiting","words":"waiting","final":false,"resendable":false},)"
            R"({"name":"sending","words":"sending…","final":false,"resendable":false},)"
            R"({"name":"sent","words":"sent","final":true,"resendable":false},)"
            R"({"name":"partial","words":"partly queued","final":true,"resendable":true},)"
            R"({"name":"failed","words":"failed","final":true,"resendable":true},)"
            R"({"name":"unconfirmed","words":"unconfirmed","final":true,"resendable":true},)"
            R"({"name":"not_sent","words":"not sent","final":true,"resendable":true}],)"
            R"("decision_outcomes":["sent","retry","failed","stop_auth","stop_blocked"],)"
            R"("xlsx_tail_bytes":1048576,"xlsx_local_header_bytes":30,"xlsx_max_rounds":3})");
}

// The page takes every name, word and flag of a batch state from constants() (scripts/bundle_web.js
// writes it into constants.js): each BatchState is there, in the enum's order, as kBatchStates says,
// with words of its own.
TEST(JsonForms, ConstantsListEveryBatchStateWithItsWordsAndEveryOutcome) {
  const nlohmann::json c = nlohmann::json::parse(constants_json());
  const nlohmann::json& states = c.at("batch_states");
  const auto last = static_cast<std::size_t>(BatchState::NotSent);
  ASSERT_EQ(states.size(), last + 1);
  std::vector<std::string> words;
  for (std::size_t i = 0; i <= last; ++i) {
    const BatchState s = static_cast<BatchState>(i);
    const BatchStateInfo& info = batch_state_info(s);
    ASSERT_EQ(info.state, s) << "no row in kBatchStates for state " << i;
    const nlohmann::json& j = states.at(i);
    EXPECT_EQ(j.size(), 4u) << j;
    EXPECT_EQ(j.at("name"), info.name);
    EXPECT_EQ(j.at("words"), info.words);
    EXPECT_EQ(j.at("final"), info.final);
    EXPECT_EQ(j.at("resendable"), info.resendable);
    EXPECT_FALSE(j.at("words").get<std::string>().empty()) << info.name;
    EXPECT_TRUE(info.final || !info.resendable) << info.name << ": only a final state may be sent again";
    words.push_back(j.at("words"));
  }
  std::sort(words.begin(), words.end());
  EXPECT_EQ(std::adjacent_find(words.begin(), words.end()), words.end()) << "two states share their words";
  // The names of decide()'s outcomes, which the worker compares a decision's "outcome" with.
  const nlohmann::json& outcomes = c.at("decision_outcomes");
  ASSERT_EQ(outcomes.size(), std::size(kOutcomes));
  for (std::size_t i = 0; i < std::size(kOutcomes); ++i) EXPECT_EQ(outcomes.at(i), outcome_name(kOutcomes[i]));
}

}  // namespace
