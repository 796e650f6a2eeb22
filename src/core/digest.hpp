// SHA-256 (FIPS 180-4), fed in pieces: the fingerprint of a file that never is in memory whole, and
// the short fingerprint of an API key that a run ledger keeps instead of the key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pe {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The digest as 64 lower-case hex digits. Ends the hash: call it once.
  std::string hex();

 private:
  void block(const unsigned char* p);
  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_;
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;  // bytes fed
};

// SHA-256 of s as 64 lower-case hex digits.
std::string sha256_hex(std::string_view s);

}  // namespace pe
