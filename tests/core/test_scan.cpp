// The reader's 64-byte block scan (scan.hpp): the CPU's way and the portable way (the one the
// WebAssembly build uses) give the mask a byte-by-byte look gives.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "scan.hpp"

using namespace pe;

namespace {

std::uint64_t mask_by_bytes(const char* p, char a, char b, char c, char d) {
  std::uint64_t m = 0;
  for (int k = 0; k < 64; ++k)
    if (p[k] == a || p[k] == b || p[k] == c || p[k] == d) m |= std::uint64_t{1} << k;
  return m;
}

}  // namespace

TEST(ScanMask, EveryByteValueInEveryPlace) {
  // Each of the 256 byte values at each of the 64 places, among bytes that differ from it by one
  // (the neighbours a carry-based test confuses) and among zero and 0x80 bytes.
  for (const char delimiter : {',', ';', '\t', '|'}) {
    for (int v = 0; v < 256; ++v) {
      for (int fill : {v ^ 1, v + 1, v - 1, 0, 0x80, 0xFF}) {
        for (int place = 0; place < 64; ++place) {
          std::string block(64, static_cast<char>(fill));
          block[place] = static_cast<char>(v);
          const std::uint64_t want = mask_by_bytes(block.data(), delimiter, '\n', '\r', '"');
          ASSERT_EQ(scan::mask64_swar(block.data(), delimiter, '\n', '\r', '"'), want)
              << "byte " << v << " at " << place << " among " << fill;
          ASSERT_EQ(scan::mask64(block.data(), delimiter, '\n', '\r', '"'), want)
              << "byte " << v << " at " << place << " among " << fill;
        }
      }
    }
  }
}

TEST(ScanMask, RandomBlocksWithManyMatches) {
  std::mt19937 rng(20261130);
  const std::string alphabet = ",;\t|\n\r\"a\x01\x80\xFF\x2B\x2D";
  for (int t = 0; t < 20000; ++t) {
    std::string block(64, ' ');
    for (char& ch : block)
      ch = (rng() % 3 == 0) ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
    const char d = ",;\t|"[t % 4];
    const std::uint64_t want = mask_by_bytes(block.data(), d, '\n', '\r', '"');
    ASSERT_EQ(scan::mask64_swar(block.data(), d, '\n', '\r', '"'), want) << t;
    ASSERT_EQ(scan::mask64(block.data(), d, '\n', '\r', '"'), want) << t;
  }
}

TEST(ScanMask, LowestBit) {
  for (unsigned k = 0; k < 64; ++k) {
    EXPECT_EQ(scan::lowest_bit(std::uint64_t{1} << k), k);
    EXPECT_EQ(scan::lowest_bit((std::uint64_t{1} << k) | (k < 63 ? ~std::uint64_t{0} << (k + 1) : 0)), k);
  }
}
