// HTTP for the native `enrich` command, through libcurl (Debian's libcurl4-openssl-dev): one
// request at a time to one API endpoint, the key in the x-api-key header only. TLS is verified
// (peer and host name); redirects are not followed (the key would go with them); http:// is used
// only for this machine (endpoint.hpp refuses it elsewhere) and never through a proxy. What comes
// back is the core's AttemptResult (run_ledger.hpp), which the core's send loop reads with decide().
#pragma once

#include <string>

#include "run_ledger.hpp"

namespace pe_native {

// Once per process, before any request; false with error when libcurl cannot start.
bool http_init(std::string& error);

class HttpClient {
 public:
  // base_url: a normalised endpoint (check_endpoint); api_key: sent as it is (check it first).
  HttpClient(std::string base_url, std::string api_key, double timeout_ms);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET base_url + path when body is null, else POST it as application/json.
  pe::AttemptResult request(const std::string& path, const std::string* body);

 private:
  std::string base_url_;
  std::string key_header_;
  double timeout_ms_;
  void* curl_ = nullptr;  // CURL*, reused so that a keep-alive connection is reused
};

}  // namespace pe_native
