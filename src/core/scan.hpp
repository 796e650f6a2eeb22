// The CSV reader's byte scan: where the next byte that matters (delimiter, quote, CR, LF) is.
//
// A block of 64 bytes is looked at once and summarised as a 64-bit mask, one bit per byte that
// matters; the reader then finds each field's end in the mask (a count of trailing zeros) instead of
// scanning the bytes again from every field's start. Prospect exports have fields of 10 to 30 bytes,
// so one block serves several fields.
//
// Natively on x86-64, SSE2 (part of every x86-64 CPU) compares 16 bytes at a time; elsewhere (the
// WebAssembly build, other CPUs) eight 64-bit words are compared with exact bit tricks (SWAR). Both
// give the same mask (tests/core/test_scan.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pe::scan {

// Bit 7 of each byte of x that is zero, and no other bit (exact, unlike the faster
// "(x - 0x01..) & ~x & 0x80.." test, which may also flag the byte after a zero byte).
inline std::uint64_t zero_bytes(std::uint64_t x) {
  constexpr std::uint64_t k7 = 0x7F7F7F7F7F7F7F7FULL;
  return ~(((x & k7) + k7) | x | k7);
}

// Bit k set when p[k] (k < 64) is one of a, b, c, d: the portable way.
inline std::uint64_t mask64_swar(const char* p, char a, char b, char c, char d) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  const std::uint64_t pa = kOnes * static_cast<unsigned char>(a), pb = kOnes * static_cast<unsigned char>(b),
                      pc = kOnes * static_cast<unsigned char>(c), pd = kOnes * static_cast<unsigned char>(d);
  std::uint64_t m = 0;
  for (int w = 0; w < 8; ++w) {
    std::uint64_t v;
    std::memcpy(&v, p + 8 * w, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    const std::uint64_t hits = zero_bytes(v ^ pa) | zero_bytes(v ^ pb) | zero_bytes(v ^ pc) | zero_bytes(v ^ pd);
    // Bit 7 of byte k -> bit 0 of byte k -> bit 56 + k of the product, for k = 0..7.
    m |= (((hits >> 7) * 0x0102040810204080ULL) >> 56) << (8 * w);
  }
  return m;
}

// The same mask, as fast as the CPU allows.
inline std::uint64_t mask64(const char* p, char a, char b, char c, char d) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
  std::uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i x = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
    m |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(x))) << (16 * k);
  }
  return m;
#else
  return mask64_swar(p, a, b, c, d);
#endif
}

// Index of the lowest set bit of m (m != 0).
inline unsigned lowest_bit(std::uint64_t m) {
#if defined(__GNUC__)
  return static_cast<unsigned>(__builtin_ctzll(m));
#else
  unsigned k = 0;
  while (!(m & 1)) {
    m >>= 1;
    ++k;
  }
  return k;
#endif
}

}  // namespace pe::scan
