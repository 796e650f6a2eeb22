// Where a run goes and with which account, without the key: the API's base URL checked and
// normalised (so that "https://API.woodpecker.co/" and "https://api.woodpecker.co" are one
// endpoint in a run ledger), the check of an API key's characters, and the key's fingerprint (a
// short hash that tells two accounts apart and from which the key cannot be recovered).
#pragma once

#include <string>
#include <string_view>

namespace pe {

struct EndpointCheck {
  bool ok = false;
  std::string url;      // normalised: lower-case scheme and host, no default port, no trailing "/"
  std::string message;  // why it is refused, and what is allowed
};
// A base URL the key may be sent to: https://HOST[:PORT][/PATH], or http:// to this machine only
// (127.0.0.1, localhost or [::1]: a sandbox, a local proxy), so that the key never crosses a
// network in clear. No user name or password, query or fragment; the path of plain characters
// (letters, digits, / . _ ~ -).
EndpointCheck check_endpoint(std::string_view text);

// "" when the key can go into the x-api-key header as it is (after trimming spaces at its ends);
// otherwise which character (by its place, never the key itself) cannot, and what to do.
std::string key_problem(std::string_view key);
// The key with ASCII spaces at its ends removed (what is sent).
std::string_view trimmed_key(std::string_view key);
// The first 12 hex digits of the SHA-256 of the trimmed key: the sandbox's request log shows the
// same (api_key_sha256_prefix). Runs queued with different keys (accounts) are told apart by it.
std::string key_fingerprint(std::string_view key);

}  // namespace pe
