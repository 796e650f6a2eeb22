// Byte encodings of CSV exports: detection and incremental transcoding to UTF-8.
#include "encoding.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "text.hpp"

namespace pe {

namespace {

constexpr const char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Windows-1252 bytes 0x80..0x9F. The five bytes the code page leaves undefined (0x81, 0x8D, 0x8F,
// 0x90, 0x9D) map to the C1 control with the same number, as the WHATWG encoding standard does.
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 88-8F
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 98-9F
};

enum class Seq { Ok, Incomplete, Invalid };

// Classifies the UTF-8 sequence starting at p[0] (a byte >= 0x80), with n >= 1 bytes available.
// Ok: a valid sequence of `len` bytes. Incomplete: the n bytes are a valid prefix that needs more.
// Invalid: the first `len` bytes are a maximal ill-formed subpart, replaced by one U+FFFD
// (the Unicode "substitution of maximal subparts" practice, as browsers do).
Seq utf8_seq(const unsigned char* p, std::size_t n, std::size_t& len) {
  const unsigned c = p[0];
  std::size_t need;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;        // overlong
    else if (c == 0xED) hi = 0x9F;   // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;        // overlong
    else if (c == 0xF4) hi = 0x8F;   // above U+10FFFF
  } else {
    len = 1;  // continuation byte without a lead, C0/C1 overlong leads, F5..FF
    return Seq::Invalid;
  }
  for (std::size_t k = 1; k < need; ++k) {
    if (k >= n) {
      len = k;
      return Seq::Incomplete;
    }
    const unsigned b = p[k];
    const unsigned l = k == 1 ? lo : 0x80u, h = k == 1 ? hi : 0xBFu;
    if (b < l || b > h) {
      len = k;
      return Seq::Invalid;
    }
  }
  len = need;
  return Seq::Ok;
}

bool is_utf8_bom(const unsigned char* p) { return p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF; }

// Completes a UTF-8 sequence cut by the end of the previous chunk (`carry` holds its first bytes)
// with the bytes of this chunk from i on, one at a time. Incomplete: the chunk ended first (carry
// keeps the bytes). Ok or Invalid: `seq` gets the carried bytes and carry is emptied; for Invalid, i
// goes back so that the byte that broke the sequence is read again.
Seq complete_carry(std::string& carry, const unsigned char* p, std::size_t n, std::size_t& i, std::string& seq) {
  while (i < n) {
    carry.push_back(static_cast<char>(p[i++]));
    std::size_t len = 0;
    const Seq st = utf8_seq(reinterpret_cast<const unsigned char*>(carry.data()), carry.size(), len);
    if (st == Seq::Incomplete) continue;
    if (st == Seq::Invalid) i -= carry.size() - len;
    seq.swap(carry);
    carry.clear();
    return st;
  }
  return Seq::Incomplete;
}

// Index of the first byte >= 0x80 in [i, n), or n.
std::size_t skip_ascii(const unsigned char* p, std::size_t i, std::size_t n) {
  while (i + 8 <= n) {
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    if (v & 0x8080808080808080ULL) break;
    i += 8;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

std::string normalise_name(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (c == '-' || c == '_' || c == ' ' || c == '\t' || c == '.') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    s.push_back(c);
  }
  return s;
}

}  // namespace

const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::Auto: return "auto";
    case Encoding::Utf8: return "utf-8";
    case Encoding::Utf8Bom: return "utf-8-bom";
    case Encoding::Utf16LE: return "utf-16le";
    case Encoding::Utf16BE: return "utf-16be";
    case Encoding::Windows1252: return "windows-1252";
  }
  return "auto";
}

bool parse_encoding_name(std::string_view name, Encoding& out) {
  const std::string s = normalise_name(name);
  struct Alias {
    const char* name;
    Encoding enc;
  };
  static const Alias kAliases[] = {
      {"auto", Encoding::Auto},           {"detect", Encoding::Auto},
      {"utf8", Encoding::Utf8},           {"unicode11utf8", Encoding::Utf8},
      {"utf8bom", Encoding::Utf8Bom},     {"utf8sig", Encoding::Utf8Bom},
      {"utf8withbom", Encoding::Utf8Bom}, {"utf16le", Encoding::Utf16LE},
      {"utf16", Encoding::Utf16LE},       {"ucs2", Encoding::Utf16LE},
      {"unicode", Encoding::Utf16LE},     {"utf16be", Encoding::Utf16BE},
      {"windows1252", Encoding::Windows1252}, {"cp1252", Encoding::Windows1252},
      {"win1252", Encoding::Windows1252}, {"xcp1252", Encoding::Windows1252},
      {"latin1", Encoding::Windows1252},  {"iso88591", Encoding::Windows1252},
      {"l1", Encoding::Windows1252},      {"ansi", Encoding::Windows1252},
      {"ascii", Encoding::Windows1252},   {"usascii", Encoding::Windows1252},
  };
  for (const Alias& a : kAliases) {
    if (s == a.name) {
      out = a.enc;
      return true;
    }
  }
  return false;
}

namespace {
constexpr std::size_t kSniffHead = 4096;  // bytes looked at for a BOM and the UTF-16 NUL pattern
}  // namespace

void EncodingSniffer::feed(std::string_view chunk) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const std::size_t n = chunk.size();
  if (head_.size() < kSniffHead) head_.append(chunk.data(), std::min(n, kSniffHead - head_.size()));

  // Count valid multi-byte sequences and invalid ones (maximal subparts, as the decoder counts them).
  std::size_t i = 0;
  if (!carry_.empty()) {
    std::string seq;
    const Seq st = complete_carry(carry_, p, n, i, seq);
    if (st == Seq::Ok) ++valid_;
    else if (st == Seq::Invalid) ++invalid_;
  }
  while (i < n) {
    i = skip_ascii(p, i, n);
    if (i >= n) break;
    std::size_t len = 0;
    const Seq st = utf8_seq(p + i, n - i, len);
    if (st == Seq::Incomplete) {  // cut by the end of the chunk: decided by the next one
      carry_.assign(chunk.data() + i, n - i);
      break;
    }
    if (st == Seq::Ok) ++valid_;
    else ++invalid_;
    i += len;
  }
}

Encoding EncodingSniffer::result() const {
  const auto* p = reinterpret_cast<const unsigned char*>(head_.data());
  const std::size_t n = head_.size();
  if (n >= 3 && is_utf8_bom(p)) return Encoding::Utf8Bom;
  if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) return Encoding::Utf16LE;
  if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) return Encoding::Utf16BE;

  // Without a BOM, UTF-16 text of a CSV export (mostly ASCII) shows as a NUL in every other byte.
  // Valid UTF-8 CSV never contains NUL bytes, so this check cannot misfire on real UTF-8.
  {
    const std::size_t m = n - n % 2;
    std::size_t even_nul = 0, odd_nul = 0;
    for (std::size_t i = 0; i < m; i += 2) {
      even_nul += p[i] == 0;
      odd_nul += p[i + 1] == 0;
    }
    const std::size_t units = m / 2;
    if (units >= 2) {
      if (odd_nul * 2 >= units && even_nul == 0) return Encoding::Utf16LE;
      if (even_nul * 2 >= units && odd_nul == 0) return Encoding::Utf16BE;
    }
  }
  // A sequence cut at the very end (carry_) counts as neither valid nor invalid.
  // Ties go to UTF-8: reading Windows-1252 as UTF-8 shows U+FFFD and warns, while reading UTF-8 as
  // Windows-1252 silently garbles every correct name.
  return invalid_ == 0 || (valid_ > 0 && invalid_ <= valid_) ? Encoding::Utf8 : Encoding::Windows1252;
}

Encoding detect_encoding(std::string_view sample) {
  EncodingSniffer s;
  s.feed(sample);
  return s.result();
}

Decoder::Decoder(Encoding e) : enc_(e == Encoding::Auto ? Encoding::Utf8 : e) {}

void Decoder::invalid(std::size_t offset, std::string& out) {
  if (invalid_ == 0) first_invalid_ = offset;
  ++invalid_;
  out.append(kReplacement, 3);
}

void Decoder::feed(std::string_view chunk, std::string& out) {
  const std::size_t base = consumed_;  // input offset of chunk[0]
  consumed_ += chunk.size();
  if (chunk.empty()) return;
  switch (enc_) {
    case Encoding::Auto:  // not reachable: the constructor maps Auto to Utf8
    case Encoding::Utf8:
    case Encoding::Utf8Bom: feed_utf8(chunk, base, out); return;
    case Encoding::Utf16LE:
    case Encoding::Utf16BE: feed_utf16(chunk, base, out); return;
    case Encoding::Windows1252: feed_windows1252(chunk, out); return;
  }
}

void Decoder::feed_utf8(std::string_view chunk, std::size_t base, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const std::size_t n = chunk.size();
  std::size_t i = 0;
  if (!pending_.empty()) {
    const std::size_t start = base - pending_.size();  // input offset of the carried sequence
    std::string seq;
    const Seq st = complete_carry(pending_, p, n, i, seq);
    if (st == Seq::Ok && !(start == 0 && is_utf8_bom(reinterpret_cast<const unsigned char*>(seq.c_str()))))
      out.append(seq);
    else if (st == Seq::Invalid)
      invalid(start, out);
  }
  if (i >= n) return;
  if (base + i == 0 && n >= 3 && is_utf8_bom(p)) i = 3;
  std::size_t run = i;  // start of valid bytes not yet appended
  while (i < n) {
    i = skip_ascii(p, i, n);
    if (i >= n) break;
    std::size_t len = 0;
    const Seq st = utf8_seq(p + i, n - i, len);
    if (st == Seq::Ok) {
      i += len;
      continue;
    }
    out.append(chunk.data() + run, i - run);
    if (st == Seq::Incomplete) {
      pending_.assign(chunk.data() + i, n - i);
      return;
    }
    invalid(base + i, out);
    i += len;
    run = i;
  }
  out.append(chunk.data() + run, n - run);
}

void Decoder::feed_utf16(std::string_view chunk, std::size_t base, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const std::size_t n = chunk.size();
  const bool le = enc_ == Encoding::Utf16LE;
  std::size_t i = 0;
  for (;;) {
    unsigned u;
    std::size_t off;
    if (!pending_.empty()) {  // one byte left from the previous chunk
      const unsigned a = static_cast<unsigned char>(pending_[0]), b = p[0];
      u = le ? (a | (b << 8)) : ((a << 8) | b);
      off = base - 1;
      pending_.clear();
      i = 1;
    } else if (i + 1 < n) {
      u = le ? (p[i] | (unsigned(p[i + 1]) << 8)) : ((unsigned(p[i]) << 8) | p[i + 1]);
      off = base + i;
      i += 2;
    } else {
      if (i < n) pending_.assign(1, static_cast<char>(p[i]));
      return;
    }
    utf16_unit(u, off, out);
  }
}

void Decoder::utf16_unit(unsigned u, std::size_t off, std::string& out) {
  if (pending_high_ != 0) {
    if (u >= 0xDC00 && u <= 0xDFFF) {
      append_utf8(out, 0x10000 + ((pending_high_ - 0xD800) << 10) + (u - 0xDC00));
      pending_high_ = 0;
      return;
    }
    invalid(high_offset_, out);  // a high surrogate not followed by a low one
    pending_high_ = 0;
  }
  if (u < 0x80) {
    out.push_back(static_cast<char>(u));
  } else if (u >= 0xD800 && u <= 0xDBFF) {
    pending_high_ = u;
    high_offset_ = off;
  } else if (u >= 0xDC00 && u <= 0xDFFF) {
    invalid(off, out);  // a low surrogate without a high one
  } else if (!(u == 0xFEFF && off == 0)) {
    append_utf8(out, u);
  }
}

void Decoder::feed_windows1252(std::string_view chunk, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  const std::size_t n = chunk.size();
  std::size_t i = 0;
  while (i < n) {
    const std::size_t j = skip_ascii(p, i, n);
    out.append(chunk.data() + i, j - i);
    i = j;
    while (i < n && p[i] >= 0x80) {
      const unsigned c = p[i++];
      append_utf8(out, c < 0xA0 ? kCp1252High[c - 0x80] : c);
    }
  }
}

void Decoder::finish(std::string& out) {
  if (pending_high_ != 0) {
    invalid(high_offset_, out);
    pending_high_ = 0;
  }
  if (!pending_.empty()) {
    invalid(consumed_ - pending_.size(), out);
    pending_.clear();
  }
}

Decoded decode_all(std::string_view bytes, Encoding e) {
  Decoded d;
  d.encoding = e == Encoding::Auto ? detect_encoding(bytes) : e;
  Decoder dec(d.encoding);
  d.text.reserve(bytes.size() + bytes.size() / 8);
  dec.feed(bytes, d.text);
  dec.finish(d.text);
  d.invalid_sequences = dec.invalid_sequences();
  d.first_invalid_offset = dec.first_invalid_offset();
  return d;
}

}  // namespace pe
