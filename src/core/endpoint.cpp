// Endpoints and keys (see endpoint.hpp).
#include "endpoint.hpp"

#include "digest.hpp"
#include "text.hpp"

namespace pe {

namespace {

const char* const kAllowed =
    " Allowed are https:// addresses (such as https://api.woodpecker.co) and http:// on this machine with a "
    "port (http://127.0.0.1:8090 for the sandbox).";

EndpointCheck refused(std::string message) {
  EndpointCheck c;
  c.message = std::move(message) + kAllowed;
  return c;
}

bool path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
         c == '_' || c == '~' || c == '-';
}

bool loopback(std::string_view host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

}  // namespace

EndpointCheck check_endpoint(std::string_view text) {
  const std::string_view raw = trim_ascii_space(text);
  if (raw.empty()) return refused("No API address is given.");
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c <= 0x20 || c >= 0x7f || std::string_view("\"'`\\<>{}|^$;").find(static_cast<char>(c)) != std::string_view::npos)
      return refused("Character " + std::to_string(i + 1) + " of the API address " +
                     (c > 0x20 && c < 0x7f ? "is \xE2\x80\x9C" + std::string(1, static_cast<char>(c)) + "\xE2\x80\x9D"
                                           : std::string("is not a plain printable character")) +
                     ", which an address may not contain.");
  }
  if (raw.find('?') != std::string_view::npos) return refused("The API address may not contain a query (the part from \xE2\x80\x9C?\xE2\x80\x9D).");
  if (raw.find('#') != std::string_view::npos) return refused("The API address may not contain a fragment (the part from \xE2\x80\x9C#\xE2\x80\x9D).");
  const std::size_t sep = raw.find("://");
  if (sep == std::string_view::npos) return refused(quoted(raw) + " is not a complete address (it should look like https://api.woodpecker.co).");
  const std::string scheme = ascii_lower(raw.substr(0, sep));
  if (scheme != "https" && scheme != "http") return refused("The API address must start with https:// (or http:// for this machine).");
  std::string_view rest = raw.substr(sep + 3);
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return refused("The API address may not contain a user name or password (the part before \xE2\x80\x9C@\xE2\x80\x9D).");
  std::string host, port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return refused(quoted(raw) + " has an unclosed \xE2\x80\x9C[\xE2\x80\x9D in its host.");
    host = ascii_lower(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return refused(quoted(raw) + " has something after its host that is not a port.");
    if (!after.empty()) port = std::string(after.substr(1));
  } else {
    const std::size_t colon = authority.find(':');
    host = ascii_lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = std::string(authority.substr(colon + 1));
  }
  if (host.empty()) return refused(quoted(raw) + " has no host name.");
  if (authority.find(':') != std::string_view::npos && host.front() != '[' && port.empty())
    return refused(quoted(raw) + " has an empty port.");
  for (char c : port)
    if (c < '0' || c > '9') return refused("The port of the API address must be a number.");
  if (!port.empty() && (port.size() > 5 || std::stol(port) < 1 || std::stol(port) > 65535))
    return refused("The port of the API address must be a number from 1 to 65535.");
  if (scheme == "http") {
    if (!loopback(host))
      return refused("The key is not sent over plain http:// to " + host +
                     ": it would cross the network unencrypted. Use https://, or http:// to 127.0.0.1 or localhost.");
    if (port.empty()) return refused("An http:// address on this machine needs its port, such as http://127.0.0.1:8090.");
  }
  for (char c : path)
    if (!path_char(c)) return refused("The path of the API address may contain only letters, digits and / . _ ~ -.");
  if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) port.clear();
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  EndpointCheck c;
  c.ok = true;
  c.url = scheme + "://" + host + (port.empty() ? "" : ":" + std::to_string(std::stol(port))) + std::string(path);
  return c;
}

std::string_view trimmed_key(std::string_view key) { return trim_ascii_space(key); }

std::string key_problem(std::string_view key) {
  const std::string_view k = trimmed_key(key);
  if (k.empty()) return "The API key is empty.";
  std::size_t bad = 0, first_place = 0;
  char32_t first_cp = 0;
  std::size_t place = 0;
  for (std::size_t i = 0; i < k.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(k, i, cp);
    const bool invalid = len == 0;
    if (invalid) {
      len = 1;
      cp = 0xFFFD;
    }
    ++place;
    if (invalid || cp < 0x20 || cp > 0x7e) {
      if (bad++ == 0) {
        first_place = place;
        first_cp = cp;
      }
    }
    i += len;
  }
  if (bad == 0) return {};
  std::string what = first_cp == 0xFFFD ? std::string("a byte that is not UTF-8 text") : code_point_name(first_cp);
  return "Character " + std::to_string(first_place) + " of the API key is " + what +
         (bad > 1 ? " (and " + std::to_string(bad - 1) + " more character" + (bad > 2 ? "s" : "") + " like it)" : "") +
         ", which cannot be sent in an HTTP header: set the key again without it. An API key has only letters, digits "
         "and ASCII punctuation.";
}

std::string key_fingerprint(std::string_view key) { return sha256_hex(trimmed_key(key)).substr(0, 12); }

}  // namespace pe
