// JSON text written piece by piece: no document tree is built, so output that streams (the `enrich`
// reports, parse records) does not grow memory, and every struct's one JSON form (json_forms.hpp)
// is written the same way for the CLI and the page. Strings are written exactly as nlohmann::json's
// dump() writes them (UTF-8 kept, control characters escaped; invalid UTF-8, which decoded input
// never contains, becomes U+FFFD), numbers as dump() writes them too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pe {

// Appends s as a JSON string literal (with the quotes).
void append_json_string(std::string& out, std::string_view s);

// Writes values, objects and arrays into `out`, with the commas between them. Inside an object,
// key() comes before each value.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::size_t n);
  JsonWriter& value(long n);
  JsonWriter& value(int n) { return value(static_cast<long>(n)); }
  JsonWriter& value(double d);  // as nlohmann::json writes it: 1.5, 6.0, 3333.2
  JsonWriter& null();
  // A string, or null when it is empty.
  JsonWriter& string_or_null(std::string_view s) { return s.empty() ? null() : value(s); }
  // A number, or null when it is 0.
  JsonWriter& number_or_null(std::size_t n) { return n == 0 ? null() : value(n); }

  // key(k).value(v) in one call.
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  JsonWriter& raw(std::string_view json);  // a value already written as JSON
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void separate();  // the comma before a value or key that is not the first of its container

  std::string& out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace pe
