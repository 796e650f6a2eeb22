// The native IDNA backend of src/core/idna.hpp: libidn2 (https://gitlab.com/libidn/libidn2),
// IDNA2008 with the UTS #46 (TR46) non-transitional mapping. Linked into every native output.
#include <idn2.h>

#include <cstdint>
#include <new>
#include <string>

#include "idna.hpp"

namespace pe {

IdnaStatus idna_label_to_ascii(std::string_view utf8_label, std::string& ascii) {
  ascii.clear();
  const std::string in(utf8_label);  // NUL-terminated (the core never passes a NUL)
  char* out = nullptr;
  const int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(in.c_str()),
                                reinterpret_cast<std::uint8_t**>(&out), IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  if (rc == IDN2_OK) {
    ascii = out ? out : "";
    idn2_free(out);
    return IdnaStatus::Ok;
  }
  switch (rc) {
    case IDN2_DISALLOWED:
    case IDN2_UNASSIGNED:
    case IDN2_CONTEXTO:
    case IDN2_CONTEXTO_NO_RULE:
    case IDN2_DOT_IN_LABEL:
    case IDN2_INVALID_TRANSITIONAL:
    case IDN2_INVALID_NONTRANSITIONAL:  // TR46 marks a code point as not allowed
      return IdnaStatus::Disallowed;
    case IDN2_BIDI:
      return IdnaStatus::Bidi;
    case IDN2_CONTEXTJ:
    case IDN2_CONTEXTJ_NO_RULE:
      return IdnaStatus::Joiner;
    case IDN2_LEADING_COMBINING:
      return IdnaStatus::LeadingMark;
    case IDN2_2HYPHEN:
    case IDN2_HYPHEN_STARTEND:
      return IdnaStatus::Hyphen;
    case IDN2_PUNYCODE_BAD_INPUT:
    case IDN2_PUNYCODE_OVERFLOW:
    case IDN2_INVALID_ALABEL:
    case IDN2_UALABEL_MISMATCH:
    case IDN2_ALABEL_ROUNDTRIP_FAILED:
      return IdnaStatus::Punycode;
    case IDN2_PUNYCODE_BIG_OUTPUT:  // the encoded label would not fit in 63 characters
    case IDN2_TOO_BIG_DOMAIN:
    case IDN2_TOO_BIG_LABEL:
      return IdnaStatus::TooLong;
    case IDN2_MALLOC:
      throw std::bad_alloc();
    default:
      return IdnaStatus::Invalid;
  }
}

std::string idna_backend_name() { return std::string("libidn2 ") + idn2_check_version(nullptr); }

}  // namespace pe
