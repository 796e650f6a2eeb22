// A zip archive of stored (method 0) parts, as any zip writer lays it out: for the xlsx tests and
// the xlsx fuzz target, which build workbooks without an inflater (the wasm build has no zlib).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "xlsx.hpp"  // crc32

namespace pe_test {

inline void put16(std::string& s, unsigned v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>((v >> 8) & 0xFF);
}
inline void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}

// flags and method are written as given (tests of what the reader refuses).
inline std::string zip_stored(const std::vector<std::pair<std::string, std::string>>& parts, unsigned flags = 0,
                              unsigned method = 0) {
  using pe::xlsx::crc32;
  std::string out, cd;
  for (const auto& [name, data] : parts) {
    const std::uint32_t at = static_cast<std::uint32_t>(out.size());
    out += "PK\x03\x04";
    put16(out, 20), put16(out, flags), put16(out, method), put16(out, 0), put16(out, 0);
    put32(out, crc32(data)), put32(out, static_cast<std::uint32_t>(data.size())), put32(out, static_cast<std::uint32_t>(data.size()));
    put16(out, static_cast<unsigned>(name.size())), put16(out, 0);
    out += name;
    out += data;
    cd += "PK\x01\x02";
    put16(cd, 20), put16(cd, 20), put16(cd, flags), put16(cd, method), put16(cd, 0), put16(cd, 0);
    put32(cd, crc32(data)), put32(cd, static_cast<std::uint32_t>(data.size())), put32(cd, static_cast<std::uint32_t>(data.size()));
    put16(cd, static_cast<unsigned>(name.size())), put16(cd, 0), put16(cd, 0), put16(cd, 0), put16(cd, 0);
    put32(cd, 0), put32(cd, at);
    cd += name;
  }
  const std::uint32_t cd_at = static_cast<std::uint32_t>(out.size());
  out += cd;
  out += "PK\x05\x06";
  put16(out, 0), put16(out, 0), put16(out, static_cast<unsigned>(parts.size())), put16(out, static_cast<unsigned>(parts.size()));
  put32(out, static_cast<std::uint32_t>(cd.size())), put32(out, cd_at), put16(out, 0);
  return out;
}

}  // namespace pe_test
