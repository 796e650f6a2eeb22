// What the API answers, read leniently (see responses.hpp).
#include "responses.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "text.hpp"

namespace pe {
namespace {

using nlohmann::json;

constexpr int kMaxWalkDepth = 64;
constexpr std::size_t kSnippetChars = 200;

std::string_view trim(std::string_view s) { return trim_ascii_space(s); }

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

std::string normalise_status(std::string_view s) {
  s = trim(s);
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += (c == ' ' || c == '-') ? '_' : ascii_upper(c);
  return out;
}

bool looks_like_prospect(const json& v) {
  if (!v.is_object()) return false;
  auto e = v.find("email");
  return e != v.end() && e->is_string() && !trim(e->get_ref<const std::string&>()).empty();
}

void walk(const json& node, int depth, std::vector<TrackedBatch>& out);

void walk_children(const json& node, int depth, std::vector<TrackedBatch>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it)
      if (it->is_structured()) walk(*it, depth + 1, out);
  } else if (node.is_array()) {
    for (const auto& v : node)
      if (v.is_structured()) walk(v, depth + 1, out);
  }
}

void walk(const json& node, int depth, std::vector<TrackedBatch>& out) {
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
  TrackedBatch b;
  b.uuid = std::move(uuid);
  b.created = first_text(node, {"created", "created_at", "createdAt"});
  b.status = first_text(node, {"status", "state"});
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->is_array()) continue;
    for (const auto& v : *it) {
      if (!looks_like_prospect(v)) continue;
      TrackedProspect ps;
      ps.email = std::string(trim(v.find("email")->get_ref<const std::string&>()));
      ps.status = first_text(v, {"status", "state"});
      ps.processing_result = first_text(v, {"processing_result", "result", "enrichment_status"});
      ps.final_state = !ps.status.empty() && !is_pending_status(ps.status);
      b.prospects.push_back(std::move(ps));
    }
  }
  if (!b.prospects.empty()) {
    b.all_final = std::all_of(b.prospects.begin(), b.prospects.end(),
                              [](const TrackedProspect& p) { return p.final_state; });
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

QueueResponse parse_queue_response(std::string_view body, int http_status) {
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
    q.queue_status = st->get_ref<const std::string&>();
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


StatusMeaning explain_queue_status(std::string_view queue_status) {
  StatusMeaning m;
  std::string_view s = trim(queue_status);
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

std::string error_detail(std::string_view body) {
  auto e = parse_error_body(body);
  if (!e) return {};
  std::string_view d = trim(e->detail);
  if (d.empty()) d = trim(e->title);
  std::string s = snippet(d, 300);
  while (!s.empty() && (s.back() == '.' || is_ascii_space(s.back()))) s.pop_back();
  return s;
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

}  // namespace pe
