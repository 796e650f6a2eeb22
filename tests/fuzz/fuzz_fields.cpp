// Field checks. For every check: values and messages are valid UTF-8, whatever the bytes; and
// checking a normalised value again changes nothing (same value, still valid / still kept).
// Also collapse_whitespace, split_full_name and domain_to_ascii.
//
// Input: the last byte picks the check; the rest is the raw cell.
#include "checks.hpp"
#include "fuzz_util.hpp"

namespace {

using Check = pe::FieldResult (*)(std::string_view);

void check_result(const char* name, std::string_view raw, const pe::FieldResult& r) {
  const std::string where = std::string(name) + "(" + fuzz::show(raw) + ")";
  FUZZ_CHECK(fuzz::valid_utf8(r.value), where + ": value is not UTF-8: " + fuzz::show(r.value));
  for (const pe::Note& n : r.notes) {
    FUZZ_CHECK(!n.message.empty(), where + ": a note without a message");
    FUZZ_CHECK(fuzz::safe_message(n.message), where + ": message of " + std::string(pe::code_name(n.code)) + " is not safe text: " + fuzz::show(n.message));
  }
  if (!r.valid) FUZZ_CHECK(r.value.empty(), where + ": an invalid value is empty");
  if (!r.valid) {
    bool error = false;
    for (const pe::Note& n : r.notes) error |= n.severity() == pe::Severity::Error;
    FUZZ_CHECK(error, where + ": an invalid value says why (an error note)");
  }
}

void idempotent(const char* name, Check check, std::string_view raw) {
  const pe::FieldResult r = check(raw);
  check_result(name, raw, r);
  if (r.value.empty()) return;
  const pe::FieldResult again = check(r.value);
  check_result(name, r.value, again);
  const std::string where = std::string(name) + "(" + fuzz::show(raw) + ") -> " + fuzz::show(r.value);
  FUZZ_CHECK(again.value == r.value, where + " -> " + fuzz::show(again.value) + ": checking the normalised value changed it");
  FUZZ_CHECK(again.valid, where + ": the normalised value is no longer valid");
  // A normalised value needs no further normalisation: its notes may only repeat warnings that
  // concern the value itself (webmail domain, typo, long name), never an error.
  for (const pe::Note& n : again.notes)
    FUZZ_CHECK(n.severity() == pe::Severity::Warning, where + ": error " + std::string(pe::code_name(n.code)) + " on the normalised value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int which = fdp.ConsumeIntegralInRange<int>(0, 7);
  const std::string raw = fdp.ConsumeRemainingBytesAsString();

  switch (which) {
    case 0: idempotent("check_email", pe::check_email, raw); break;
    case 1: idempotent("check_linkedin", pe::check_linkedin, raw); break;
    case 2: idempotent("check_website", pe::check_website, raw); break;
    case 3: idempotent("check_name", pe::check_name, raw); break;
    case 4: {
      const std::string c = pe::collapse_whitespace(raw);
      FUZZ_CHECK(fuzz::valid_utf8(c), "collapse_whitespace(" + fuzz::show(raw) + ") is not UTF-8");
      FUZZ_CHECK(pe::collapse_whitespace(c) == c, "collapse_whitespace(" + fuzz::show(raw) + ") -> " + fuzz::show(c) +
                                                      " is not stable");
      FUZZ_CHECK(c.empty() || (c.front() != ' ' && c.back() != ' '), "collapse_whitespace trims");
      FUZZ_CHECK(c.find("  ") == std::string::npos, "collapse_whitespace leaves no double space");
      break;
    }
    case 5: {
      std::string first, last;
      const bool split = pe::split_full_name(raw, first, last);
      const std::string where = "split_full_name(" + fuzz::show(raw) + ") -> " + fuzz::show(first) + " / " + fuzz::show(last);
      FUZZ_CHECK(fuzz::valid_utf8(first) && fuzz::valid_utf8(last), where + ": not UTF-8");
      FUZZ_CHECK(!split || (!first.empty() && !last.empty()), where + ": a split gives two non-empty names");
      FUZZ_CHECK(split || last.empty(), where + ": no split leaves last empty");
      FUZZ_CHECK(pe::collapse_whitespace(first) == first && pe::collapse_whitespace(last) == last,
                 where + ": the names are trimmed");
      break;
    }
    case 6: {
      std::string out;
      if (pe::domain_to_ascii(raw, out)) {
        const std::string where = "domain_to_ascii(" + fuzz::show(raw) + ") -> " + fuzz::show(out);
        for (char ch : out) FUZZ_CHECK(static_cast<unsigned char>(ch) < 0x80, where + ": not ASCII");
        std::string again;
        FUZZ_CHECK(pe::domain_to_ascii(out, again) && again == out, where + ": converting again changes it");
      } else {
        FUZZ_CHECK(out.empty(), "domain_to_ascii leaves out empty on failure");
      }
      break;
    }
    case 7: {
      const std::string low = pe::ascii_lower(raw);
      FUZZ_CHECK(low.size() == raw.size() && pe::ascii_lower(low) == low, "ascii_lower");
      break;
    }
  }
  return 0;
}
