// Shared helpers of the libFuzzer targets (tests/fuzz/fuzz_*.cpp).
//
// An invariant that does not hold is reported with FUZZ_CHECK: it prints what failed and aborts,
// so libFuzzer saves the input as a crash reproducer (build/fuzz/crashes/<target>/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "text.hpp"

#define FUZZ_CHECK(cond, what)                                                              \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "\nINVARIANT FAILED at %s:%d: %s\n  (%s)\n", __FILE__, __LINE__, \
                   std::string(what).c_str(), #cond);                                       \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace fuzz {

// True when s is well-formed UTF-8 (shortest form, no surrogates, <= U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80u) || b > (k == 1 ? hi : 0xBFu)) return false;
    }
    i += len;
  }
  return true;
}

// A printable, escaped form of s for failure messages (at most 200 bytes of it).
inline std::string show(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < 200; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (s.size() > 200) out += "...";
  return out + "\"";
}

// Cuts `s` into consecutive chunks whose sizes (0 included: empty feeds are legal) come from a
// generator seeded by the fuzz input, so the same input always gives the same chunking.
inline std::vector<std::string_view> chunks(std::string_view s, std::uint32_t seed, std::size_t max_chunk) {
  std::vector<std::string_view> out;
  std::minstd_rand rng(seed | 1u);
  if (max_chunk == 0) max_chunk = 1;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = std::min<std::size_t>(rng() % (max_chunk + 1), s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  out.push_back(s.substr(s.size()));  // a last empty feed
  return out;
}

// True when s can be shown to a user as it is: valid UTF-8 with no control character (newlines
// included) and no bidi control, which could reorder the text around it.
inline bool safe_message(std::string_view s) {
  if (!valid_utf8(s)) return false;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = pe::decode_utf8(s, i, cp);
    if (n == 0 || pe::is_control_cp(cp) || pe::is_bidi_control(cp)) return false;
    i += n;
  }
  return true;
}

}  // namespace fuzz
