// Every message that quotes a value from the input file or from the server is safe to show: valid
// UTF-8, no control characters, no bidi controls that would reorder the text around them. Hostile
// values (found by fuzzing decide()) go through each path that builds such a message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "requests.hpp"
#include "send_policy.hpp"
#include "document.hpp"
#include "checks.hpp"
#include "mapping.hpp"

namespace {

// Strict UTF-8 decoding: shortest form, no surrogates, <= U+10FFFF. Returns false on any invalid
// sequence; the code points go to `out`.
bool decode(const std::string& s, std::vector<char32_t>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len;
    char32_t v;
    if (c < 0x80) { len = 1; v = c; }
    else if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned char ck = static_cast<unsigned char>(s[i + k]);
      if ((ck & 0xC0) != 0x80) return false;
      v = (v << 6) | (ck & 0x3F);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
      return false;
    out.push_back(v);
    i += len;
  }
  return true;
}

bool forbidden(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||            // C0, DEL, C1
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||  // embeddings, isolates
         cp == 0x200E || cp == 0x200F || cp == 0x061C;         // marks
}

// Empty when the message is safe to show, else what is wrong with it.
std::string unsafe(const std::string& msg) {
  std::vector<char32_t> cps;
  if (!decode(msg, cps)) return "not valid UTF-8";
  for (char32_t cp : cps)
    if (forbidden(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
      return std::string("contains ") + buf;
    }
  return {};
}

struct Hostile {
  const char* name;
  std::string bytes;
  const char* shown;  // what the message must show instead ("" = only check safety)
};

const char* const kReplacement = "\xEF\xBF\xBD";

const std::vector<Hostile>& hostile() {
  static const std::vector<Hostile> h = {
      {"overlong 2-byte '/'", "\xC0\xAF", kReplacement},
      {"overlong 3-byte '/'", "\xE0\x80\xAF", kReplacement},
      {"overlong 4-byte '/'", "\xF0\x80\x80\xAF", kReplacement},
      {"surrogate U+D800", "\xED\xA0\x80", kReplacement},
      {"above U+10FFFF", "\xF4\x90\x80\x80", kReplacement},
      {"5-byte form", "\xF8\x88\x80\x80\x80", kReplacement},
      {"lone continuation", "\x80", kReplacement},
      {"truncated 3-byte", "\xE2\x80", kReplacement},
      {"right-to-left override U+202E", "\xE2\x80\xAE", "U+202E"},
      {"left-to-right embedding U+202A", "\xE2\x80\xAA", "U+202A"},
      {"right-to-left isolate U+2067", "\xE2\x81\xA7", "U+2067"},
      {"pop directional isolate U+2069", "\xE2\x81\xA9", "U+2069"},
      {"right-to-left mark U+200F", "\xE2\x80\x8F", "U+200F"},
      {"left-to-right mark U+200E", "\xE2\x80\x8E", "U+200E"},
      {"Arabic letter mark U+061C", "\xD8\x9C", "U+061C"},
      {"escape sequence", "\x1B[31m", "U+001B"},
      {"NUL", std::string(1, '\0'), "U+0000"},
      {"DEL", "\x7F", "U+007F"},
      {"C1 CSI U+009B", "\xC2\x9B", "U+009B"},
      {"C1 NEL U+0085", "\xC2\x85", ""},
  };
  return h;
}

// JSON string escape for the valid code points (\u202e); invalid bytes cannot be in JSON text.
std::string json_escaped(const std::string& s) {
  std::vector<char32_t> cps;
  if (!decode(s, cps)) return {};
  std::string out;
  for (char32_t cp : cps) {
    char buf[16];
    if (cp < 0x80 && cp >= 0x20 && cp != '"' && cp != '\\') {
      out += static_cast<char>(cp);
    } else if (cp < 0x10000) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    }
  }
  return out;
}

void expect_safe(const std::string& msg, const Hostile& h, const std::string& where) {
  EXPECT_EQ(unsafe(msg), "") << h.name << " via " << where << ": " << msg;
  if (*h.shown) {
    EXPECT_NE(msg.find(h.shown), std::string::npos) << h.name << " via " << where << ": " << msg;
  }
}

}  // namespace

TEST(SafeMessages, ServerTextQuotedByDecide) {
  const std::time_t now = 1780000000;
  for (const Hostile& h : hostile()) {
    // A 2xx body that is not JSON is quoted as it came.
    pe::Decision d = pe::decide(pe::HttpResult{200, false, "oops " + h.bytes + " end", "", true}, 1, pe::RetryPolicy{}, 0.5, now);
    EXPECT_EQ(d.outcome, pe::Outcome::FailBatch);
    expect_safe(d.message, h, "2xx body");
    // A server error's detail and an unknown queue status are quoted from JSON.
    const std::string esc = json_escaped(h.bytes);
    if (esc.empty()) continue;
    pe::Decision e = pe::decide(pe::HttpResult{400, false, R"({"title":"Bad","detail":"x)" + esc + R"(y"})", "", true},
                                1, pe::RetryPolicy{}, 0.5, now);
    expect_safe(e.message, h, "400 detail");
    pe::Decision f = pe::decide(pe::HttpResult{503, false, R"({"detail":"down)" + esc + R"("})", "", true}, 1,
                                pe::RetryPolicy{}, 0.5, now);
    expect_safe(f.message, h, "503 detail");
    pe::Decision g = pe::decide(pe::HttpResult{200, false, R"({"status":"WEIRD)" + esc + R"(","uuid":null})", "", true},
                                1, pe::RetryPolicy{}, 0.5, now);
    EXPECT_EQ(g.outcome, pe::Outcome::Sent);
    expect_safe(g.message, h, "unknown status");
  }
}

TEST(SafeMessages, ServerTextQuotedByTheParsers) {
  for (const Hostile& h : hostile()) {
    expect_safe(pe::parse_queue_response("<" + h.bytes + ">").error, h, "queue response");
    expect_safe(pe::parse_status_response("<" + h.bytes + ">").error, h, "status response");
  }
}

TEST(SafeMessages, CellValuesQuotedByFieldChecks) {
  for (const Hostile& h : hostile()) {
    const std::string& b = h.bytes;
    const std::vector<std::pair<std::string, pe::FieldResult>> results = {
        {"email local part", pe::check_email("jo" + b + "hn@acme.com")},
        {"email domain", pe::check_email("john@ac" + b + "me.com")},
        {"email without @", pe::check_email("john" + b + "acme.com")},
        {"website", pe::check_website("ac" + b + "me.com")},
        {"website path", pe::check_website("acme.com/a" + b)},
        {"linkedin", pe::check_linkedin("https://acme.com/in/" + b)},
        {"linkedin slug", pe::check_linkedin("https://www.linkedin.com/in/j" + b + " x")},
        {"name", pe::check_name("ada" + b + "@acme.com")},
    };
    for (const auto& [where, r] : results) {
      EXPECT_FALSE(r.notes.empty()) << h.name << " via " << where;
      for (const pe::Note& n : r.notes) {
        EXPECT_EQ(unsafe(n.message), "") << h.name << " via " << where << ": " << n.message;
      }
    }
    // The shown form appears where the value is quoted in full.
    expect_safe(pe::check_email("john" + b + "acme.com").notes.at(0).message, h, "email without @");
  }
}

TEST(SafeMessages, HeadersQuotedByMappingAndLoadMessages) {
  for (const Hostile& hostile_value : hostile()) {
    // A file with invalid UTF-8 is decoded as Windows-1252 (or with U+FFFD): the header text that
    // reaches a message is then no longer invalid, so only its safety is checked.
    std::vector<char32_t> ignored;
    const bool valid = decode(hostile_value.bytes, ignored);
    // A NUL makes the file binary data, refused as a whole.
    const bool nul = hostile_value.bytes.find('\0') != std::string::npos;
    const Hostile h{hostile_value.name, hostile_value.bytes, valid && !nul ? hostile_value.shown : ""};
    // No email column: the message lists the headers seen.
    pe::Document d;
    EXPECT_FALSE(d.load("na" + h.bytes + "me,company\nAda,Acme\n", {}));
    expect_safe(d.error(), h, "no email column");
    if (nul) continue;  // the other loads below would be refused the same way
    // An override naming no column quotes the key and the headers.
    pe::Document e;
    pe::LoadOptions opt;
    opt.overrides = {{"x" + h.bytes, pe::Field::FirstName}};
    ASSERT_TRUE(e.load("email,fir" + h.bytes + "st\na@acme.com,Ada\n", opt));
    bool seen = false;
    for (const pe::Finding& f : e.file_findings())
      if (f.code == pe::Code::MappingUnknownColumn) {
        seen = true;
        expect_safe(f.message, h, "unknown override");
      }
    EXPECT_TRUE(seen) << h.name;
    // Column notes quote other headers ("another possible email column; column 1 (“…”) is used").
    for (const pe::ColumnMap& c : pe::map_columns({"Work Email" + h.bytes, "Email" + h.bytes, "Email 2" + h.bytes}))
      EXPECT_EQ(unsafe(c.note), "") << h.name << ": " << c.note;
    // A full name that cannot be split is quoted in its warning.
    pe::Document f;
    ASSERT_TRUE(f.load("email,full name\na@acme.com,Ada" + h.bytes + "\n", {}));
    for (const pe::Finding& x : f.row_findings(0)) EXPECT_EQ(unsafe(x.message), "") << h.name << ": " << x.message;
  }
}
