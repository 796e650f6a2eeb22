// Requests: the batch key. Stored ledgers in users' browsers recognise a batch already sent by its
// key, so the exact key strings are pinned here: a change would make every stored ledger forget
// what it sent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "session.hpp"

namespace {

// The keys of a file's batches, as the page reads them from the batch plan.
std::vector<std::string> keys_of(const std::string& csv, int batch_size) {
  pe::Session s;
  s.load(csv, "auto", "auto", batch_size);
  std::vector<std::string> keys;
  for (const auto& b : nlohmann::json::parse(s.batch_plan(true))) keys.push_back(b["key"].get<std::string>());
  return keys;
}

}  // namespace

TEST(BatchKey, PinnedForStoredLedgers) {
  EXPECT_EQ(keys_of("email\nA@Example.com\nb@example.com\nc@example.com\n", 2),
            (std::vector<std::string>{"4c8be06df7d22aec-2", "facb4dc7c2d6b2e5-1"}));
  EXPECT_EQ(keys_of("email\nada@acme.com\nbob@gmial.com\n", 50), (std::vector<std::string>{"9b2c453d338a77ec-2"}));
  EXPECT_EQ(keys_of("email\ndee@delta.com\neve@\xC3\xA9psilon.com\n", 50),
            (std::vector<std::string>{"82d4c61d63048c02-2"}));
  // Invalid rows are in no batch, so not in any key.
  EXPECT_EQ(keys_of("email\nj\xC3\xBCrgen@m\xC3\xBCnchen.de\nx@y.co\n", 50), (std::vector<std::string>{"5a153d913801cec8-1"}));
}
