// HTTP for the page on emscripten_fetch (see fetch_client.hpp): one request, its answer handed to a callback.
#include "fetch_client.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/fetch.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <vector>

namespace pe {

namespace {

struct Pending {
  HttpRequest req;
  std::function<void(const HttpResult&)> done;
  std::vector<const char*> headers;  // name, value, ..., nullptr: must outlive the fetch call
  double started_ms = 0;
};

std::string header_value(const std::string& all, const char* name) {
  // all: "Name: value\r\n..." as returned by getAllResponseHeaders (names lower-cased by browsers).
  const std::size_t n = std::strlen(name);
  std::size_t pos = 0;
  while (pos < all.size()) {
    std::size_t end = all.find('\n', pos);
    if (end == std::string::npos) end = all.size();
    std::string line = all.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > n && line[n] == ':') {
      bool same = true;
      for (std::size_t i = 0; i < n && same; ++i)
        same = std::tolower(static_cast<unsigned char>(line[i])) == std::tolower(static_cast<unsigned char>(name[i]));
      if (same) {
        std::size_t v = n + 1;
        while (v < line.size() && line[v] == ' ') ++v;
        return line.substr(v);
      }
    }
    pos = end + 1;
  }
  return {};
}

void finish(emscripten_fetch_t* fetch) {
  std::unique_ptr<Pending> p(static_cast<Pending*>(fetch->userData));
  HttpResult r;
  r.status = fetch->status;
  if (fetch->data && fetch->numBytes > 0) r.body.assign(fetch->data, static_cast<std::size_t>(fetch->numBytes));
  if (r.status != 0) {
    std::size_t len = emscripten_fetch_get_response_headers_length(fetch);
    if (len > 0) {
      std::string all(len + 1, '\0');
      emscripten_fetch_get_response_headers(fetch, all.data(), all.size());
      all.resize(len);
      r.retry_after = header_value(all, "retry-after");
    }
  } else if (p->req.timeout_ms > 0 && emscripten_get_now() - p->started_ms >= p->req.timeout_ms - 5) {
    r.timed_out = true;
  }
  emscripten_fetch_close(fetch);
  p->done(r);
}

}  // namespace

void http_request(const HttpRequest& req, std::function<void(const HttpResult&)> done) {
  auto p = std::make_unique<Pending>();
  p->req = req;
  p->done = std::move(done);
  p->headers = {"x-api-key", p->req.api_key.c_str(), "Accept", "application/json"};
  if (req.method == "POST" || !req.body.empty()) {
    p->headers.push_back("Content-Type");
    p->headers.push_back("application/json");
  }
  p->headers.push_back(nullptr);

  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, p->req.method.c_str(), sizeof(attr.requestMethod) - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.requestHeaders = p->headers.data();
  if (!p->req.body.empty()) {
    attr.requestData = p->req.body.data();
    attr.requestDataSize = p->req.body.size();
  }
  attr.timeoutMSecs = p->req.timeout_ms;
  attr.onsuccess = finish;
  attr.onerror = finish;
  p->started_ms = emscripten_get_now();
  attr.userData = p.get();
  Pending* raw = p.release();  // owned by the fetch until finish()
  emscripten_fetch(&attr, raw->req.url.c_str());
}

}  // namespace pe
