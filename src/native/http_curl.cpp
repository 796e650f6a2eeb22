// HTTP through libcurl (see http_curl.hpp).
#include "http_curl.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

namespace pe_native {

namespace {

constexpr std::size_t kMaxBody = 64u << 20;  // an answer larger than this is cut (and then unreadable)

struct Received {
  std::string body;
  std::string retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<Received*>(user);
  const std::size_t len = size * n;
  if (r->body.size() < kMaxBody) r->body.append(data, std::min(len, kMaxBody - r->body.size()));
  return len;
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != name[i]) return false;
  }
  return true;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<Received*>(user);
  const std::size_t len = size * n;
  std::string_view line(data, len);
  if (line.rfind("HTTP/", 0) == 0) r->retry_after.clear();  // a new response (after a 100 Continue)
  if (header_is(line, "retry-after")) {
    std::string_view v = line.substr(std::strlen("retry-after:"));
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    r->retry_after = std::string(v);
  }
  return len;
}

// The request surely did not reach the API: no connection was made.
bool never_left(CURLcode rc, CURL* c) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return true;
    default:
      break;
  }
  // A timeout before any byte of the request was sent.
  curl_off_t sent = 0;
  return rc == CURLE_OPERATION_TIMEDOUT && curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &sent) == CURLE_OK &&
         sent == 0 && [&] {
           curl_off_t connect = 0;
           return curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect) == CURLE_OK && connect == 0;
         }();
}

}  // namespace

bool http_init(std::string& error) {
  const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) {
    error = std::string("libcurl could not start: ") + curl_easy_strerror(rc);
    return false;
  }
  return true;
}

HttpClient::HttpClient(std::string base_url, std::string api_key, double timeout_ms)
    : base_url_(std::move(base_url)), key_header_("x-api-key: " + api_key), timeout_ms_(timeout_ms) {
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
  // The key is in memory only as long as it must be.
  std::fill(key_header_.begin(), key_header_.end(), '\0');
}

pe::AttemptResult HttpClient::request(const std::string& path, const std::string* body) {
  pe::AttemptResult out;
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) {
    out.never_left = true;
    out.transport_error = "libcurl could not start";
    return out;
  }
  curl_easy_reset(c);
  Received got;
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string url = base_url_ + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, key_header_.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (body) headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "prospect-enricher-cli/1");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms_));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(timeout_ms_, 15000.0)));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &got);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    out.http.status = static_cast<int>(status);
    out.http.body = std::move(got.body);
    out.http.retry_after = std::move(got.retry_after);
    return out;
  }
  out.http.status = 0;
  out.http.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
  out.never_left = never_left(rc, c);
  out.transport_error = curl_easy_strerror(rc);
  if (errbuf[0]) out.transport_error += std::string(": ") + errbuf;
  return out;
}

}  // namespace pe_native
