// HTTP for the page, on emscripten_fetch (XHR underneath; runs inside the Web Worker).
#pragma once

#include <functional>
#include <string>

#include "send_policy.hpp"

namespace pe {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string api_key;   // sent only as the x-api-key header; never logged
  std::string body;      // sent with Content-Type: application/json when non-empty or method is POST
  unsigned timeout_ms = 30000;
};

// A request body kept in the module's memory: the page holds it as a handle and hands it back for
// each attempt of its batch, so its bytes never cross into JavaScript (Embind converts a string
// byte by byte each way: for the bodies of a 19,600-batch run that was most of their cost).
struct RequestBody {
  std::string bytes;
};

// Starts the request; `done` is called exactly once, later, from the event loop, with the status
// (0 when there was no response), the body, the Retry-After header and whether it timed out.
void http_request(const HttpRequest& req, std::function<void(const HttpResult&)> done);

}  // namespace pe
