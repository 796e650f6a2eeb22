// The wasm IDNA backend of src/core/idna.hpp: the browser's WHATWG URL host parser, called through
// the JavaScript library src/wasm/idna_url.js (see there). Linked into the module and into every
// wasm test executable.
#include <string>

#include "idna.hpp"
#include "text.hpp"

extern "C" int pe_idna_url_label(const char* label, int label_len, char* out, int cap);

namespace pe {

namespace {

IdnaStatus url_label(std::string_view utf8_label, std::string& ascii) {
  char out[512];
  const int st = pe_idna_url_label(utf8_label.data(), static_cast<int>(utf8_label.size()), out, sizeof out);
  if (st < 0 || st > static_cast<int>(IdnaStatus::Invalid)) return IdnaStatus::Invalid;
  const IdnaStatus status = static_cast<IdnaStatus>(st);
  if (status == IdnaStatus::Ok) ascii = out;
  return status;
}

}  // namespace

IdnaStatus idna_label_to_ascii(std::string_view utf8_label, std::string& ascii) {
  ascii.clear();
  if (utf8_label.size() >= 4 && starts_with_ascii_ci(utf8_label, "xn--")) {
    // An A-label is valid when it decodes to a valid U-label that converts back to itself (UTS #46
    // section 4.1). The URL parser would accept any decodable A-label without the IDNA2008 code
    // point rules; checking the U-label applies them.
    bool ascii_only = true;
    for (char c : utf8_label)
      if (static_cast<unsigned char>(c) >= 0x80) ascii_only = false;
    std::u32string decoded;
    if (!ascii_only || !punycode_decode(utf8_label.substr(4), decoded) || decoded.empty()) return IdnaStatus::Punycode;
    std::string u_label;
    for (char32_t cp : decoded) append_utf8(u_label, cp);
    std::string back;
    if (url_label(u_label, back) != IdnaStatus::Ok || back != ascii_lower(utf8_label)) return IdnaStatus::Punycode;
    ascii = back;
    return IdnaStatus::Ok;
  }
  return url_label(utf8_label, ascii);
}

std::string idna_backend_name() { return "WHATWG URL host parser (JavaScript engine)"; }

}  // namespace pe
