// Woodpecker prospect-enrichment API: response parsing and the send/retry policy (see api.hpp).
#include "api.hpp"

#include "text.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace pe {
namespace {

using nlohmann::json;

constexpr int kMaxWalkDepth = 64;
constexpr std::size_t kSnippetChars = 200;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
  return true;
}

// A value from the server quoted into a message: at most max_chars characters, made safe to show
// (text.hpp: invalid UTF-8 -> U+FFFD, controls and bidi controls never pass through).
std::string snippet(std::string_view s, std::size_t max_chars = kSnippetChars) { return safe_snippet(s, max_chars); }

// A JSON scalar as text: strings as they are, numbers and booleans in JSON notation, anything
// else (null, objects, arrays) as "".
std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get_ref<const std::string&>();
  if (v.is_number_integer() || v.is_number_unsigned() || v.is_number_float() || v.is_boolean())
    return v.dump();
  return {};
}

// The first key of `keys` present in object o with a non-null value, as text.
std::string first_text(const json& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = o.find(k);
    if (it != o.end() && !it->is_null()) return scalar_text(*it);
  }
  return {};
}

long clamp_to_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= static_cast<double>(std::numeric_limits<long>::max())) return std::numeric_limits<long>::max();
  if (d <= static_cast<double>(std::numeric_limits<long>::min())) return std::numeric_limits<long>::min();
  return static_cast<long>(d);
}

// Lenient count: integers, floats (truncated), numeric strings; anything else is 0.
long count_value(const json& v) {
  if (v.is_number_integer()) {
    auto x = v.get<std::int64_t>();
    if (x > std::numeric_limits<long>::max()) return std::numeric_limits<long>::max();
    if (x < std::numeric_limits<long>::min()) return std::numeric_limits<long>::min();
    return static_cast<long>(x);
  }
  if (v.is_number_unsigned()) {
    auto x = v.get<std::uint64_t>();
    if (x > static_cast<std::uint64_t>(std::numeric_limits<long>::max())) return std::numeric_limits<long>::max();
    return static_cast<long>(x);
  }
  if (v.is_number_float()) return clamp_to_long(v.get<double>());
  if (v.is_string()) {
    std::string_view s = trim(v.get_ref<const std::string&>());
    bool neg = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
      neg = s.front() == '-';
      s.remove_prefix(1);
    }
    if (s.empty() || s.front() < '0' || s.front() > '9') return 0;
    long r = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      int d = s[i] - '0';
      if (r > (std::numeric_limits<long>::max() - d) / 10) {
        r = std::numeric_limits<long>::max();
      } else {
        r = r * 10 + d;
      }
    }
    if (i < s.size() && s[i] == '.') {  // "3.0": accept, truncate
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    if (i != s.size()) return 0;
    return neg ? -r : r;
  }
  return 0;
}

json parse_json(std::string_view body) {
  try {
    return json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  } catch (...) {
    return json(json::value_t::discarded);
  }
}

QueueResponse parse_queue_response_for(std::string_view body, int http_status) {
  QueueResponse q;
  const std::string prefix = "The API answered " + std::to_string(http_status) + " but the body ";
  try {
    if (trim(body).empty()) {
      q.error = prefix + "is empty.";
      return q;
    }
    json j = parse_json(body);
    if (j.is_discarded()) {
      q.error = prefix + "is not JSON: " + snippet(body);
      return q;
    }
    if (!j.is_object()) {
      q.error = prefix + "is not a JSON object: " + snippet(body);
      return q;
    }
    auto st = j.find("status");
    if (st == j.end() || !st->is_string() || trim(st->get_ref<const std::string&>()).empty()) {
      q.error = prefix + "has no queue status: " + snippet(body);
      return q;
    }
    q.status = st->get_ref<const std::string&>();
    auto u = j.find("uuid");
    if (u != j.end() && !u->is_null()) {
      std::string t = scalar_text(*u);
      if (!t.empty()) q.uuid = std::move(t);
    }
    if (auto c = j.find("prospects_count"); c != j.end()) q.prospects_count = count_value(*c);
    if (auto c = j.find("total_prospects_count"); c != j.end()) q.total_prospects_count = count_value(*c);
    q.ok = true;
  } catch (const std::exception& e) {
    q = QueueResponse{};
    q.error = prefix + "could not be read: " + snippet(e.what());
  } catch (...) {
    q = QueueResponse{};
    q.error = prefix + "could not be read.";
  }
  return q;
}

// ---- dates ----------------------------------------------------------------------------------

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// Year of a Unix time (UTC).
long long year_of(long long t) {
  long long z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<long long>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

bool is_leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(long long y, unsigned m) {
  static const unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : kDays[m - 1];
}

int month_index(std::string_view s) {
  static const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (iequals(s, kMonths[i])) return i + 1;
  return 0;
}

bool is_weekday(std::string_view s) {
  static const char* kShort[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char* kLong[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  for (int i = 0; i < 7; ++i)
    if (iequals(s, kShort[i]) || iequals(s, kLong[i])) return true;
  return false;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

long long to_int(std::string_view s) {  // s is all digits, short
  long long r = 0;
  for (char c : s) r = r * 10 + (c - '0');
  return r;
}

bool parse_clock(std::string_view s, int& h, int& mi, int& se) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)) || !all_digits(s.substr(6, 2))) return false;
  h = static_cast<int>(to_int(s.substr(0, 2)));
  mi = static_cast<int>(to_int(s.substr(3, 2)));
  se = static_cast<int>(to_int(s.substr(6, 2)));
  return h <= 23 && mi <= 59 && se <= 60;
}

std::vector<std::string_view> split_tokens(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && seps.find(s[i]) != std::string_view::npos) ++i;
    std::size_t j = i;
    while (j < s.size() && seps.find(s[j]) == std::string_view::npos) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// IMF-fixdate, RFC 850 or asctime date -> Unix seconds (UTC).
std::optional<long long> parse_http_date(std::string_view s, std::time_t now) {
  if (s.size() > 64) return std::nullopt;
  std::size_t comma = s.find(',');
  long long year = 0;
  unsigned month = 0, day = 0;
  int h = 0, mi = 0, se = 0;
  if (comma != std::string_view::npos) {
    // "Sun, 06 Nov 1994 08:49:37 GMT" or "Sunday, 06-Nov-94 08:49:37 GMT"
    if (!is_weekday(trim(s.substr(0, comma)))) return std::nullopt;
    std::string_view rest = s.substr(comma + 1);
    auto t = split_tokens(rest, " \t");
    std::string_view d, mo, y, clock, zone;
    if (t.size() == 5) {  // IMF-fixdate
      d = t[0], mo = t[1], y = t[2], clock = t[3], zone = t[4];
      if (y.size() != 4) return std::nullopt;
    } else if (t.size() == 3) {  // RFC 850: date part "06-Nov-94"
      auto p = split_tokens(t[0], "-");
      if (p.size() != 3 || t[0].front() == '-' || t[0].back() == '-') return std::nullopt;
      d = p[0], mo = p[1], y = p[2], clock = t[1], zone = t[2];
      if (y.size() != 2 && y.size() != 4) return std::nullopt;
    } else {
      return std::nullopt;
    }
    if (!iequals(zone, "GMT") && !iequals(zone, "UTC")) return std::nullopt;
    if (d.size() < 1 || d.size() > 2 || !all_digits(d) || !all_digits(y)) return std::nullopt;
    month = static_cast<unsigned>(month_index(mo));
    day = static_cast<unsigned>(to_int(d));
    year = to_int(y);
    if (y.size() == 2) {  // RFC 7231: a two-digit year more than 50 years ahead is in the past
      long long now_year = year_of(static_cast<long long>(now));
      long long century = now_year - ((now_year % 100) + 100) % 100;
      year += century;
      if (year > now_year + 50) year -= 100;
    }
    if (!parse_clock(clock, h, mi, se)) return std::nullopt;
  } else {
    // asctime: "Sun Nov  6 08:49:37 1994"
    auto t = split_tokens(s, " \t");
    if (t.size() != 5 || !is_weekday(t[0])) return std::nullopt;
    month = static_cast<unsigned>(month_index(t[1]));
    if (t[2].size() < 1 || t[2].size() > 2 || !all_digits(t[2])) return std::nullopt;
    day = static_cast<unsigned>(to_int(t[2]));
    if (!parse_clock(t[3], h, mi, se)) return std::nullopt;
    if (t[4].size() != 4 || !all_digits(t[4])) return std::nullopt;
    year = to_int(t[4]);
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day) * 86400LL + h * 3600LL + mi * 60LL + se;
}

// ---- policy helpers -------------------------------------------------------------------------

double finite_or(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

double backoff_ms(int attempt, const RetryPolicy& p, double jitter01) {
  double base = std::max(0.0, finite_or(p.base_delay_ms, 0.0));
  double cap = std::max(0.0, finite_or(p.max_delay_ms, 0.0));
  double j = std::isfinite(jitter01) ? std::min(std::max(jitter01, 0.0), 1.0) : 0.5;
  int exp = std::max(0, attempt - 1);
  double d = exp >= 60 ? cap : std::min(base * std::ldexp(1.0, exp), cap);
  return std::min(d * (0.5 + j), cap);
}

// "2", "1.5" (seconds, at most one decimal).
std::string seconds_text(double ms) {
  double tenths = std::round(ms / 100.0);
  if (!std::isfinite(tenths) || tenths < 0) tenths = 0;
  if (tenths > 1e15) tenths = 1e15;
  long long t = static_cast<long long>(tenths);
  std::string s = std::to_string(t / 10);
  if (t % 10 != 0) s += "." + std::to_string(t % 10);
  return s;
}

std::string plural(long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// A wait in plain words, rounded up: "45 seconds", "20 minutes", "2 hours 5 minutes".
std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds > 1e12) return "a very long time";
  long long s = static_cast<long long>(std::ceil(std::max(0.0, seconds)));
  if (s < 60) return plural(s, "second", "seconds");
  long long minutes = (s + 59) / 60;
  if (minutes < 60) return plural(minutes, "minute", "minutes");
  long long hours = minutes / 60, rest = minutes % 60;
  std::string out = plural(hours, "hour", "hours");
  if (rest) out += " " + plural(rest, "minute", "minutes");
  return out;
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

// Server detail (or title) from an error body, cleaned for a sentence; "" when none.
std::string server_detail(std::string_view body) {
  auto e = parse_error_body(body);
  if (!e) return {};
  std::string_view d = trim(e->detail);
  if (d.empty()) d = trim(e->title);
  std::string s = snippet(d, 300);
  while (!s.empty() && (s.back() == '.' || is_space(s.back()))) s.pop_back();
  return s;
}

Decision retry_or_give_up(std::string problem, double delay_ms, int attempt, const RetryPolicy& p) {
  Decision d;
  int max_attempts = std::max(1, p.max_attempts);
  if (attempt >= max_attempts) {
    d.outcome = Outcome::FailBatch;
    d.message = "Gave up after " + plural(attempt, "attempt", "attempts") + ": " + lower_first(problem) +
                ". The batch was not confirmed; send it again later (already-queued emails are not charged twice).";
    return d;
  }
  d.outcome = Outcome::Retry;
  d.delay_ms = delay_ms;
  d.message = problem + "; waiting " + seconds_text(delay_ms) + "s before retrying.";
  return d;
}

// 429 / 503: honour Retry-After when it parses; otherwise back off.
Decision rate_limited(const HttpResult& r, std::string problem, int attempt, const RetryPolicy& p,
                      double jitter01, std::time_t now) {
  auto ra = parse_retry_after(r.retry_after, now);
  if (ra) {
    double ms = *ra * 1000.0;
    double limit = std::max(0.0, finite_or(p.max_retry_after_ms, 0.0));
    if (ms > limit) {
      Decision d;
      d.outcome = Outcome::FailBatch;
      d.message = problem + ": the API asks to wait " + duration_text(*ra) +
                  ", longer than this tool waits (" + duration_text(limit / 1000.0) +
                  "). The batch was not sent; send it again " +
                  (*ra > 1e12 ? std::string("much later") : "in " + duration_text(*ra) + " or later") + ".";
      return d;
    }
    return retry_or_give_up(std::move(problem), ms, attempt, p);
  }
  return retry_or_give_up(std::move(problem), backoff_ms(attempt, p, jitter01), attempt, p);
}

std::string normalise_status(std::string_view s) {
  s = trim(s);
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += (c == ' ' || c == '-') ? '_' : ascii_upper(c);
  return out;
}

// ---- status walk ----------------------------------------------------------------------------

bool looks_like_prospect(const json& v) {
  if (!v.is_object()) return false;
  auto e = v.find("email");
  return e != v.end() && e->is_string() && !trim(e->get_ref<const std::string&>()).empty();
}

void walk(const json& node, int depth, std::vector<BatchState>& out);

void walk_children(const json& node, int depth, std::vector<BatchState>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it)
      if (it->is_structured()) walk(*it, depth + 1, out);
  } else if (node.is_array()) {
    for (const auto& v : node)
      if (v.is_structured()) walk(v, depth + 1, out);
  }
}

void walk(const json& node, int depth, std::vector<BatchState>& out) {
  if (depth > kMaxWalkDepth) return;
  if (node.is_array()) {
    walk_children(node, depth, out);
    return;
  }
  if (!node.is_object()) return;
  auto u = node.find("uuid");
  std::string uuid = (u != node.end()) ? std::string(trim(scalar_text(*u))) : std::string();
  if (uuid.empty()) {
    walk_children(node, depth, out);
    return;
  }
  BatchState b;
  b.uuid = std::move(uuid);
  b.created = first_text(node, {"created", "created_at", "createdAt"});
  b.status = first_text(node, {"status", "state"});
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->is_array()) continue;
    for (const auto& v : *it) {
      if (!looks_like_prospect(v)) continue;
      ProspectState ps;
      ps.email = std::string(trim(v.find("email")->get_ref<const std::string&>()));
      ps.status = first_text(v, {"status", "state"});
      ps.processing_result = first_text(v, {"processing_result", "result", "enrichment_status"});
      ps.final_state = !ps.status.empty() && !is_pending_status(ps.status);
      b.prospects.push_back(std::move(ps));
    }
  }
  if (!b.prospects.empty()) {
    b.all_final = std::all_of(b.prospects.begin(), b.prospects.end(),
                              [](const ProspectState& p) { return p.final_state; });
  } else {
    b.all_final = !trim(b.status).empty() && !is_pending_status(b.status);
  }
  out.push_back(std::move(b));
  // Batches nested inside this one (never the prospects themselves).
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->is_object()) {
      walk(*it, depth + 1, out);
    } else if (it->is_array()) {
      for (const auto& v : *it)
        if (v.is_structured() && !looks_like_prospect(v)) walk(v, depth + 2, out);
    }
  }
}

}  // namespace

// ---- public ---------------------------------------------------------------------------------

QueueResponse parse_queue_response(std::string_view body) { return parse_queue_response_for(body, 200); }

StatusMeaning explain_queue_status(std::string_view status) {
  StatusMeaning m;
  std::string_view s = trim(status);
  if (s == "ENQUEUED") {
    m.headline = "All eligible prospects in this batch were queued for enrichment.";
    m.next_step = "Track the batch; credits are charged only for prospects enrichment finds data for.";
  } else if (s == "PARTIALLY_ENQUEUED") {
    m.headline = "Only some prospects in this batch were queued, usually because the account's credits "
                 "do not cover all of them.";
    m.next_step = "Add credits in Woodpecker's billing section (an account admin can do this), then send "
                  "the remaining batches.";
    m.stop_sending = true;
  } else if (s == "NOT_ENQUEUED") {
    m.headline = "None of the prospects in this batch were queued: they are already pending enrichment.";
    m.next_step = "They are not charged again; track the earlier batch that queued them.";
  } else if (s == "CREDITS_EXHAUSTED") {
    m.headline = "Not enough credits: nothing in this batch was queued.";
    m.next_step = "An account admin can add credits in the billing section of Woodpecker; then send the "
                  "remaining batches.";
    m.stop_sending = true;
  } else {
    m.known = false;
    m.headline = "The API answered with status \xE2\x80\x9C" + snippet(s, 100) +
                 "\xE2\x80\x9D, which this tool does not know.";
    m.next_step = "Check the batch in Woodpecker before sending again.";
  }
  return m;
}

std::optional<ApiError> parse_error_body(std::string_view body) {
  try {
    json j = parse_json(body);
    if (!j.is_object()) return std::nullopt;
    auto has = [&](const char* k) {
      auto it = j.find(k);
      return it != j.end() && !it->is_null() && !it->is_structured();
    };
    if (!has("title") && !has("detail")) return std::nullopt;
    ApiError e;
    e.title = first_text(j, {"title"});
    e.detail = first_text(j, {"detail"});
    e.timestamp = first_text(j, {"timestamp"});
    if (auto st = j.find("status"); st != j.end()) {
      long v = count_value(*st);
      if (v >= 0 && v <= 999) e.status = static_cast<int>(v);
    }
    return e;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<double> parse_retry_after(std::string_view value, std::time_t now) {
  std::string_view s = trim(value);
  if (s.empty()) return std::nullopt;
  if ((s.front() >= '0' && s.front() <= '9') || s.front() == '.') {
    // delta-seconds; a fraction is tolerated
    std::size_t i = 0;
    double v = 0;
    bool digits = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      v = v * 10 + (s[i] - '0');
      digits = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      double scale = 0.1;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        v += (s[i] - '0') * scale;
        scale /= 10;
        digits = true;
      }
    }
    if (!digits || i != s.size()) return std::nullopt;
    return std::isfinite(v) ? v : std::numeric_limits<double>::max();  // absurdly long: still "too long"
  }
  // Keep "now" within +-3 million years so that date arithmetic cannot overflow.
  const long long kLimit = 100000000000000LL;
  long long n = std::min(std::max(static_cast<long long>(now), -kLimit), kLimit);
  auto t = parse_http_date(s, static_cast<std::time_t>(n));
  if (!t) return std::nullopt;
  long long diff = *t - n;
  return diff > 0 ? static_cast<double>(diff) : 0.0;
}

Decision decide(const HttpResult& r, int attempt, const RetryPolicy& p, double jitter01, std::time_t now) {
  if (attempt < 1) attempt = 1;
  const int code = r.status;
  const std::string code_text = std::to_string(code);

  if (r.timed_out) return retry_or_give_up("The request timed out", backoff_ms(attempt, p, jitter01), attempt, p);

  if (code == 0) {
    if (!r.reached_before && attempt == 1)
      return retry_or_give_up("No response from the API", backoff_ms(1, p, jitter01), attempt, p);
    if (!r.reached_before && attempt == 2) {
      Decision d;
      d.outcome = Outcome::StopBlocked;
      d.message =
          "No response from the API: the browser blocked the request or the network is down. If the page "
          "is opened from disk or another site, the API may refuse browser calls (CORS): open the page "
          "through the bundled web server (scripts/run.sh) which proxies the API, or use the curl command "
          "from the dry run.";
      return d;
    }
    return retry_or_give_up("No response from the API", backoff_ms(attempt, p, jitter01), attempt, p);
  }

  if (code >= 200 && code <= 299) {
    Decision d;
    QueueResponse q = parse_queue_response_for(r.body, code);
    if (!q.ok) {
      d.outcome = Outcome::FailBatch;
      std::string err = q.error;
      while (!err.empty() && (err.back() == '.' || is_space(err.back()))) err.pop_back();
      d.message = err + ". The batch may have been queued anyway: check the enrichment status before "
                        "sending it again.";
      d.response = std::move(q);
      return d;
    }
    StatusMeaning m = explain_queue_status(q.status);
    d.outcome = Outcome::Sent;
    d.stop_sending = m.stop_sending;
    d.message = m.headline + " " + std::to_string(q.prospects_count) + " of " +
                plural(q.total_prospects_count, "prospect", "prospects") + " queued. " + m.next_step;
    d.response = std::move(q);
    return d;
  }

  if (code == 401 || code == 403) {
    Decision d;
    d.outcome = Outcome::StopAuth;
    d.message = "The API key was refused (" + code_text + "). Check the key in Settings; nothing more will be sent.";
    return d;
  }

  if (code == 429) return rate_limited(r, "Rate limited by the API (429)", attempt, p, jitter01, now);

  if (code == 408) return retry_or_give_up("The API timed out waiting for the request (408)",
                                           backoff_ms(attempt, p, jitter01), attempt, p);

  if (code == 413) {
    // Payload too large: every later batch of the run has the same size, so sending them would
    // only fail the same way. This batch fails and the run stops.
    Decision d;
    d.outcome = Outcome::FailBatch;
    d.stop_sending = true;
    std::string detail = server_detail(r.body);
    d.message = "The request was too large for the API (413)" + (detail.empty() ? std::string() : ": " + detail) +
                ". Every later batch has the same size, so nothing more is sent: lower the batch size in Settings "
                "(or --batch-size in the command-line tool) and send this batch and the rest again.";
    return d;
  }

  if (code >= 400 && code <= 499) {
    Decision d;
    d.outcome = Outcome::FailBatch;
    std::string detail = server_detail(r.body);
    std::string what = "The API rejected this batch (" + code_text + ")";
    if (!detail.empty()) what += ": " + detail;
    std::string next;
    if (code == 404 || code == 405)
      next = "Check the API address in Settings, then send this batch again.";
    else
      next = "Fix the rows and send this batch again.";
    d.message = what + ". " + next;
    return d;
  }

  if (code >= 500 && code <= 599) {
    std::string problem = "The API had a server error (" + code_text + ")";
    std::string detail = server_detail(r.body);
    if (!detail.empty()) problem = "The API had a server error (" + code_text + ": " + detail + ")";
    if (code == 503) return rate_limited(r, std::move(problem), attempt, p, jitter01, now);
    return retry_or_give_up(std::move(problem), backoff_ms(attempt, p, jitter01), attempt, p);
  }

  Decision d;
  d.outcome = Outcome::FailBatch;
  d.message = "The API answered with an unexpected status (" + code_text +
              "). The batch was not confirmed: check the enrichment status before sending it again.";
  return d;
}

StatusReport parse_status_response(std::string_view body) {
  StatusReport rep;
  try {
    if (trim(body).empty()) {
      rep.error = "The status answer is empty.";
      return rep;
    }
    json j = parse_json(body);
    if (j.is_discarded()) {
      rep.error = "The status answer is not JSON: " + snippet(body);
      return rep;
    }
    rep.ok = true;
    walk(j, 0, rep.batches);
  } catch (const std::exception& e) {
    rep.ok = false;
    rep.batches.clear();
    rep.error = "The status answer could not be read: " + snippet(e.what());
  } catch (...) {
    rep.ok = false;
    rep.batches.clear();
    rep.error = "The status answer could not be read.";
  }
  return rep;
}

bool is_pending_status(std::string_view status) {
  static const char* kPending[] = {"PENDING", "QUEUED", "ENQUEUED", "IN_PROGRESS", "PROCESSING", "RUNNING", "NEW"};
  std::string s = normalise_status(status);
  for (const char* k : kPending)
    if (s == k) return true;
  return false;
}

std::string build_status_query(const std::vector<std::string>& emails) {
  if (emails.empty()) return "{}";
  try {
    json j = json::object();
    j["emails"] = emails;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (...) {
    return "{}";
  }
}

}  // namespace pe
