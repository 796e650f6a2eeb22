// `enrich queue` and `enrich track` (see run_commands.hpp and docs/cli.md).
//
// queue FILE: reads FILE three times, never whole: (1) its fingerprint and encoding, (2) the check
// (which emails are valid), then — once the plan is confirmed — (3) the prospects themselves, each
// batch sent as soon as its rows are read. The ledger is written atomically before every request and
// after every answer, so a run killed at any point resumes where it stopped.
// track: polls the run's enrichments, settles the rest with the statuses query, prints the totals,
// and with --results joins FILE's rows to the runs by email, row by row.
#include "run_commands.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "constants.hpp"
#include "csv.hpp"
#include "digest.hpp"
#include "encoding.hpp"
#include "xlsx_file.hpp"
#include "endpoint.hpp"
#include "http_curl.hpp"
#include "json_forms.hpp"
#include "requests.hpp"
#include "results_csv.hpp"
#include "run_ledger.hpp"
#include "run_send.hpp"
#include "stream_check.hpp"
#include "text.hpp"

namespace enrich_cli {

const char* const kRunUsage =
    "  enrich queue FILE [--api URL] [--ledger run.json] [--batch-size N] [--timeout S] [--yes]\n"
    "             queue the valid prospects of FILE, one batch at a time; a rerun with the same\n"
    "             --ledger sends only what is not confirmed (the key: WOODPECKER_API_KEY); an .xlsx\n"
    "             FILE is read from its first sheet, or the one named by --sheet NAME\n"
    "  enrich track --ledger run.json [--api URL] [--pace S] [--timeout S] [--results OUT.csv FILE]\n"
    "             track the runs of the ledger: totals by enrichment outcome, credits used; with\n"
    "             --results, every row of FILE with its outcome\n";

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitIncomplete = 3;
constexpr int kExitAuth = 4;
constexpr int kExitInterrupted = 130;
constexpr const char* kKeyVariable = "WOODPECKER_API_KEY";
constexpr std::size_t kChunk = 1u << 20;

int fail(const std::string& msg) {
  std::fflush(stdout);
  std::fprintf(stderr, "enrich: %s\n", msg.c_str());
  return kExitError;
}

void say(const std::string& msg) { std::fprintf(stderr, "enrich: %s\n", msg.c_str()); }

// ---- stopping: SIGINT / SIGTERM ask for a stop after the request in flight; a second one ends the
// process at once (the ledger then marks the batch in flight unconfirmed, and a rerun settles it).
volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int sig) { g_stop = sig; }

void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESETHAND;  // the second signal has its default effect
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stopping() { return g_stop != 0; }

// Waits ms milliseconds, or less when a stop is asked for.
void pause_ms(double ms) {
  using clock = std::chrono::steady_clock;
  const clock::time_point end = clock::now() + std::chrono::duration_cast<clock::duration>(
                                                    std::chrono::duration<double, std::milli>(ms > 0 ? ms : 0));
  while (!stopping()) {
    const clock::duration left = end - clock::now();
    if (left <= clock::duration::zero()) return;
    const long long ns = std::min<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(left).count(), 50000000LL);
    timespec ts{static_cast<time_t>(ns / 1000000000LL), static_cast<long>(ns % 1000000000LL)};
    nanosleep(&ts, nullptr);
  }
}

// ---- numbers in words --------------------------------------------------------------------------

std::string num(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string duration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
  const long long s = static_cast<long long>(std::ceil(seconds));
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
}

// ---- options -------------------------------------------------------------------------------------

struct Options {
  std::string file;
  std::string api;          // as given ("" = not given)
  std::string ledger;
  std::string results;      // track: the results CSV to write
  std::size_t batch_size = 0;
  double timeout_s = 30;
  double pace_s = 0.2;
  bool yes = false;
  pe::LoadOptions load;
  std::string read_options;  // the options that change which prospects FILE gives, as text
  std::string sheet;         // --sheet: the sheet of an .xlsx FILE ("" = the first)
};

// FILE when it is an .xlsx workbook: its sheet converted to CSV text once, then read from memory
// by read_chunks (every pass over FILE sees the same text).
std::unordered_map<std::string, std::string> g_workbook_csv;

// An .xlsx FILE is converted (its sheet as CSV text, UTF-8, commas); "" when fine, else the message.
std::string open_workbook(Options& o) {
  if (o.file.empty() || !pe::native::starts_as_zip(o.file)) {
    if (!o.sheet.empty() && !o.file.empty()) return "--sheet applies to an Excel workbook (.xlsx) only; " + o.file + " is not one";
    return {};
  }
  pe::native::WorkbookCsv wb;
  std::string err;
  if (!pe::native::read_workbook(o.file, o.sheet, wb, err)) return err;
  if (wb.sheets.size() > 1)
    std::fprintf(stderr, "enrich: %s: reading the sheet \xE2\x80\x9C%s\xE2\x80\x9D (%zu sheets; --sheet NAME reads another)\n",
                 o.file.c_str(), wb.sheet.c_str(), wb.sheets.size());
  o.load.encoding = pe::Encoding::Utf8;
  o.load.delimiter = ',';
  o.read_options += "sheet=" + wb.sheet + "\n";
  g_workbook_csv[o.file] = std::move(wb.csv);
  return {};
}

bool number_arg(const std::string& v, double lo, double hi, double& out) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || !end || *end || !(d >= lo && d <= hi)) return false;
  out = d;
  return true;
}

// Parses the options of `cmd`; "" when fine, else the message.
std::string parse_options(const std::string& cmd, const std::vector<std::string>& args, Options& o) {
  const bool queue = cmd == "queue";
  std::string delimiter = "auto", encoding = "auto", maps;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    auto value = [&]() {
      if (i + 1 >= args.size()) return false;
      v = args[++i];
      return true;
    };
    if (a == "--api") {
      if (!value()) return "--api takes the API's base URL, such as https://api.woodpecker.co";
      o.api = v;
    } else if (a == "--ledger") {
      if (!value() || v.empty()) return "--ledger takes the path of the run ledger (a JSON file)";
      o.ledger = v;
    } else if (a == "--batch-size" && queue) {
      double n = 0;
      if (!value() || !number_arg(v, 1, static_cast<double>(pe::kMaxBatchSize), n) || n != std::floor(n))
        return "--batch-size takes a whole number from 1 to " + std::to_string(pe::kMaxBatchSize);
      o.batch_size = static_cast<std::size_t>(n);
    } else if (a == "--timeout") {
      if (!value() || !number_arg(v, 1, 3600, o.timeout_s)) return "--timeout takes seconds, from 1 to 3600";
    } else if (a == "--pace" && !queue) {
      if (!value() || !number_arg(v, 0, 60, o.pace_s)) return "--pace takes seconds between requests, from 0 to 60";
    } else if (a == "--yes" && queue) {
      o.yes = true;
    } else if (a == "--results" && !queue) {
      if (!value() || v.empty()) return "--results takes the path of the CSV to write, and FILE (the input) after it";
      o.results = v;
    } else if (a == "--sheet") {
      if (!value() || v.empty()) return "--sheet takes the name of a sheet of the .xlsx FILE";
      o.sheet = v;
    } else if (a == "--delimiter") {
      if (!value() || !pe::parse_delimiter(v, o.load.delimiter)) return "--delimiter takes , ; tab or |";
      delimiter = v;
    } else if (a == "--encoding") {
      if (!value() || !pe::parse_encoding_name(v, o.load.encoding))
        return "--encoding takes utf-8, utf-16le, utf-16be or windows-1252";
      encoding = pe::encoding_name(o.load.encoding);
    } else if (a == "--map") {
      pe::Field f;
      std::size_t eq = std::string::npos;
      if (value()) eq = v.rfind('=');
      if (eq == std::string::npos || !pe::parse_field_name(v.substr(eq + 1), f))
        return "--map takes HEADER=FIELD, FIELD one of email, first_name, last_name, full_name, linkedin_url, "
               "company_name, company_website, ignore";
      o.load.overrides.emplace_back(v.substr(0, eq), f);
      maps += v + "\n";
    } else if (a == "--key" || a.rfind("--key=", 0) == 0 || a == "--api-key") {
      return "the API key is never taken as an argument (other users of this machine can read the arguments of "
             "a running program): set the environment variable " + std::string(kKeyVariable) + " instead";
    } else if (a == "-" ) {
      return cmd + " reads its input more than once: give a file, not standard input";
    } else if (a.rfind("--", 0) != 0) {
      positional.push_back(a);
    } else {
      return "unknown option '" + a + "' for " + cmd;
    }
  }
  if (positional.size() > 1) return "one input FILE only (got '" + positional[0] + "' and '" + positional[1] + "')";
  if (!positional.empty()) o.file = positional[0];
  if (queue && o.file.empty()) return "missing FILE: enrich queue FILE [--ledger run.json] ...";
  if (!queue && o.ledger.empty()) return "missing --ledger: enrich track --ledger run.json";
  if (!queue && !o.results.empty() && o.file.empty()) return "--results needs the input FILE too: --results OUT.csv FILE";
  if (!queue && o.results.empty() && !o.file.empty()) return "FILE is read only with --results OUT.csv";
  if (queue && o.ledger.empty()) o.ledger = o.file + ".run.json";
  o.read_options = "encoding=" + encoding + "\ndelimiter=" + delimiter + "\nmaps=\n" + maps;
  return {};
}

// ---- the key -----------------------------------------------------------------------------------

// The key from the environment, checked; "" in `key` with the message when it cannot be used.
std::string api_key(std::string& key) {
  const char* k = std::getenv(kKeyVariable);
  if (!k || !*k)
    return std::string(kKeyVariable) + " is not set: export " + kKeyVariable +
           "=<your Woodpecker API key> (for the sandbox: sandbox-key). The key is read from the environment only, "
           "never from an argument, and is never printed or stored.";
  const std::string problem = pe::key_problem(k);
  if (!problem.empty()) return std::string(kKeyVariable) + ": " + problem;
  key = std::string(pe::trimmed_key(k));
  return {};
}

// ---- files ---------------------------------------------------------------------------------------

// Calls feed on each chunk of the file; false with err when it cannot be read (or feed returns false).
bool read_chunks(const std::string& path, std::string& err, const std::function<bool(std::string_view)>& feed) {
  if (const auto wb = g_workbook_csv.find(path); wb != g_workbook_csv.end()) {
    const std::string_view text = wb->second;
    for (std::size_t at = 0; at < text.size(); at += kChunk)
      if (!feed(text.substr(at, kChunk))) break;
    return true;
  }
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    err = "cannot open " + path + ": " + std::strerror(errno) + "; check the path and that the file is readable";
    return false;
  }
  std::vector<char> buf(kChunk);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = "cannot read " + path + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    if (!feed(std::string_view(buf.data(), static_cast<std::size_t>(n)))) break;
  }
  ::close(fd);
  return true;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Writes data to path so that a reader (or a crash at any point) sees the old file or the new one,
// never a part: a temporary file beside it, fsync, rename over it, fsync of the directory.
bool write_atomically(const std::string& path, std::string_view data, std::string& err) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    err = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = "cannot write " + tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    err = "cannot write " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = "cannot replace " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

// One process at a time per ledger: an exclusive lock on LEDGER.lock, released by the system when
// the process ends however it ends (SIGKILL included).
class LedgerLock {
 public:
  ~LedgerLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool take(const std::string& ledger, std::string& err) {
    const std::string path = ledger + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      err = "cannot create " + path + ": " + std::strerror(errno);
      return false;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      err = "another enrich queue or track is using " + ledger +
            " right now; wait until it ends (two at once could send the same prospects twice)";
      return false;
    }
    return true;
  }

 private:
  int fd_ = -1;
};

// The ledger at path: empty when the file does not exist yet.
bool load_ledger(const std::string& path, pe::Ledger& l, bool must_exist, std::string& err) {
  if (!file_exists(path)) {
    if (must_exist) {
      err = "there is no ledger " + path + ": give the --ledger of an `enrich queue` run";
      return false;
    }
    return true;
  }
  std::string text;
  std::string read_err;
  if (!read_chunks(path, read_err, [&](std::string_view b) {
        text.append(b.data(), b.size());
        return true;
      })) {
    err = read_err;
    return false;
  }
  std::string why;
  if (!pe::ledger_from_json(text, l, why)) {
    err = "the ledger " + path + " cannot be used: " + why +
          ". Nothing was sent. If it is not the right file, give another --ledger; keep this one (it records what was "
          "queued).";
    return false;
  }
  return true;
}

bool save_ledger(const std::string& path, const pe::Ledger& l, std::string& err) {
  return write_atomically(path, pe::to_json(l) + "\n", err);
}

// ---- reading FILE ----------------------------------------------------------------------------------

// Pass 1: the fingerprint of what is read (the bytes and the options that change its prospects) and,
// for --encoding auto, the encoding detected on the whole file.
bool fingerprint_file(Options& o, std::string& fingerprint, std::string& err) {
  pe::Sha256 sha;
  pe::EncodingSniffer sniffer;
  const bool sniff = o.load.encoding == pe::Encoding::Auto;
  if (!read_chunks(o.file, err, [&](std::string_view b) {
        sha.update(b);
        if (sniff) sniffer.feed(b);
        return true;
      }))
    return false;
  if (sniff) o.load.encoding = sniffer.result();
  fingerprint = pe::sha256_hex(sha.hex() + "\n" + o.read_options);
  return true;
}

// --map keys that name no column: a usage error.
std::string unknown_mapping(const std::vector<pe::Finding>& file_findings) {
  std::string unknown;
  for (const pe::Finding& f : file_findings)
    if (f.code == pe::Code::MappingUnknownColumn) unknown += (unknown.empty() ? "--map: " : "; ") + f.message;
  return unknown;
}

// Reads FILE through the streaming check; on_row gets every data row. False with err when it cannot
// be read to the end.
bool check_file(const Options& o, pe::StreamChecker::Callbacks cb, std::string& err, pe::Summary* summary) {
  pe::StreamChecker* self = nullptr;
  std::string usage;
  auto on_start = cb.on_start;
  cb.on_start = [&] {
    usage = unknown_mapping(self->file_findings());
    if (!usage.empty()) {
      self->stop();
      return;
    }
    if (on_start) on_start();
  };
  pe::StreamChecker check(o.load, o.batch_size, std::move(cb));
  self = &check;
  const bool read = read_chunks(o.file, err, [&](std::string_view b) {
    check.feed(b);
    return !check.failed();
  });
  if (!read) return false;
  const bool complete = check.finish();
  if (!usage.empty()) {
    err = usage;
    return false;
  }
  if (!complete) {
    err = o.file + ": " + check.error();
    return false;
  }
  if (summary) *summary = check.summary();
  return true;
}

// ---- the run's I/O ---------------------------------------------------------------------------------

struct Io {
  pe::RunIo io;
  std::unique_ptr<pe_native::HttpClient> http;
  std::mt19937_64 rng{std::random_device{}()};
  std::string save_error;
};

// The RunIo of a run: libcurl to its endpoint, the wall clock, waits that end early on a stop, and
// the ledger written atomically.
void wire_io(Io& x, const std::string& endpoint, const std::string& key, double timeout_s, const std::string& ledger_path,
             const pe::Ledger& ledger) {
  x.http = std::make_unique<pe_native::HttpClient>(endpoint, key, timeout_s * 1000.0);
  pe_native::HttpClient* http = x.http.get();
  x.io.request = [http](const std::string& path, const std::string* body) { return http->request(path, body); };
  x.io.sleep = pause_ms;
  x.io.cancelled = stopping;
  x.io.now = [] { return std::time(nullptr); };
  x.io.jitter = [&x] { return std::uniform_real_distribution<double>(0.0, 1.0)(x.rng); };
  x.io.save = [&x, &ledger, ledger_path] {
    std::string err;
    if (!save_ledger(ledger_path, ledger, err)) {
      x.save_error = err;
      throw std::runtime_error("the ledger could not be written: " + err);
    }
  };
}

// ---- words for a run -------------------------------------------------------------------------------

void print_totals(const pe::Run& r, const pe::RunTotals& t) {
  std::string line = "run " + r.id + " (" + (r.file_name.empty() ? std::string("?") : r.file_name) + ", created " +
                     r.created + ", to " + r.endpoint + ")";
  say(line);
  std::string states;
  for (const auto& [name, n] : t.batches_by_state)
    if (n) states += (states.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  std::fprintf(stderr, "  batches:    %zu (%s)\n", t.batches, states.empty() ? "none" : states.c_str());
  std::fprintf(stderr,
               "  prospects:  %zu: %zu queued, %zu already pending, %zu failed, %zu unconfirmed, %zu not sent "
               "(the API counted %ld queued by this run)\n",
               t.prospects, t.queued, t.already_pending, t.failed, t.unconfirmed, t.not_sent, t.api_queued);
  if (t.tracked > 0 || !r.tracked_at.empty()) {
    std::string results;
    for (const auto& [name, n] : t.by_result) results += (results.empty() ? "" : ", ") + std::to_string(n) + " " + name;
    std::fprintf(stderr, "  enrichment: %s; %zu still pending (tracked %s)\n", results.empty() ? "none final yet" : results.c_str(),
                 t.pending, r.tracked_at.empty() ? "never" : r.tracked_at.c_str());
    const std::size_t enriched = t.by_result.count("ENRICHED") ? t.by_result.at("ENRICHED") : 0;
    std::fprintf(stderr, "  credits:    %s used (%s x %zu enriched); ceiling shown before sending: %s\n",
                 num(t.credits_used).c_str(), num(pe::kCreditsPerProspect).c_str(), enriched,
                 num(t.credits_ceiling).c_str());
  } else {
    std::fprintf(stderr, "  credits:    at most %s (ceiling shown before sending); `enrich track` tells what was used\n",
                 num(t.credits_ceiling).c_str());
  }
}

void write_run_summary(pe::JsonWriter& w, const pe::Run& r) {
  w.begin_object().field("id", r.id).field("endpoint", r.endpoint).field("file_name", r.file_name);
  w.field("created", r.created).field("batch_size", r.batch_size).key("tracked_at").string_or_null(r.tracked_at);
  w.key("totals");
  pe::write_json(w, pe::run_totals(r));
  w.end_object();
}

std::string new_run_id(const std::string& created, const std::string& fingerprint) {
  std::string id;
  for (char c : created)
    if (c != '-' && c != ':') id.push_back(c);
  return id + "-" + fingerprint.substr(0, 6);
}

// Asks on the terminal; false without one (then --yes is needed).
bool confirm_on_terminal(std::string& err) {
  if (!::isatty(STDIN_FILENO)) {
    err = "not queued: nothing was sent. Queueing spends credits, and there is no terminal to ask: run it again with "
          "--yes to confirm.";
    return false;
  }
  std::fprintf(stderr, "Queue them? [y/N] ");
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) answer.clear();
  const std::string a = pe::ascii_lower(pe::trim_ascii_space(answer));
  if (a == "y" || a == "yes") return true;
  err = "not queued: nothing was sent.";
  return false;
}

// ---- queue -------------------------------------------------------------------------------------------

struct Progress {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::size_t batches_total = 0, batches_done = 0, prospects_total = 0, prospects_done = 0;
};

void on_send_event(const pe::Run& run, Progress& p, const pe::RunEvent& e) {
  using K = pe::RunEvent::Kind;
  if (e.kind == K::Retry) {
    std::fprintf(stderr, "enrich: batch %zu of the run, attempt %d: %s\n", e.batch + 1, e.attempt, e.message.c_str());
  } else if (e.kind == K::Batch) {
    ++p.batches_done;
    p.prospects_done += e.count;
    const pe::RunBatch& b = run.batches[e.batch];
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - p.start).count();
    const auto eta = pe::eta_seconds(p.prospects_done, p.prospects_total, elapsed);
    std::string state = pe::batch_state_name(b.state);
    if (!b.queue_status.empty() && (b.state == pe::BatchState::Sent || b.state == pe::BatchState::Partial))
      state += " (" + b.queue_status + ", " + std::to_string(b.prospects_count) + " of " +
               std::to_string(b.total_prospects_count) + " queued)";
    std::fprintf(stderr, "enrich: batch %zu/%zu [run batch %zu] %s | prospects %zu/%zu | %.1f batches/min | %s\n",
                 p.batches_done, p.batches_total, e.batch + 1, state.c_str(), p.prospects_done, p.prospects_total,
                 elapsed > 0 ? 60.0 * static_cast<double>(p.batches_done) / elapsed : 0.0,
                 eta ? ("about " + duration(*eta) + " left").c_str() : "");
    if (b.state != pe::BatchState::Sent) std::fprintf(stderr, "  %s\n", b.message.c_str());
  }
}

void on_track_event(const pe::RunEvent& e) {
  if (e.failed) say(e.message);
}

// Settles, before anything is sent again, the batches whose answer was lost or that were partly
// queued: the statuses query by email says which of their prospects the API holds.
bool settle_before_sending(pe::Run& run, Io& x, double pace_s) {
  const std::vector<std::size_t> open = pe::batches_to_settle(run);
  if (open.empty()) return true;
  const std::vector<pe::ProspectRef> refs = pe::prospects_to_query(run, open);
  if (refs.empty()) return true;
  say("checking with the API which prospects of " + std::to_string(open.size()) +
      " unconfirmed or partly queued batch(es) it already holds (" + std::to_string(refs.size()) + " emails)");
  pe::RunTracker tracker(run, x.io, pace_s * 1000.0);
  x.io.event = on_track_event;
  const bool ok = tracker.query(refs);
  x.io.save();
  if (!ok) say("could not check (" + tracker.stop_message() + "); they are sent again: the API does not queue a pending prospect twice");
  return tracker.stop() != pe::StopReason::Auth;
}

int finish_queue(const Options& o, const pe::Run& run, pe::StopReason stop, const std::string& message) {
  const pe::RunTotals t = pe::run_totals(run);
  print_totals(run, t);
  std::string out;
  pe::JsonWriter w(out);
  w.begin_object().field("ledger", o.ledger).key("run");
  write_run_summary(w, run);
  w.key("stop").string_or_null(pe::stop_reason_name(stop)).field("message", message).end_object();
  std::printf("%s\n", out.c_str());
  std::fflush(stdout);
  if (stop == pe::StopReason::Auth) return kExitAuth;
  if (stop == pe::StopReason::Cancelled) return kExitInterrupted;
  if (t.queued + t.already_pending == t.prospects) {
    say("done: every prospect of the run is confirmed queued. Track it with: enrich track --ledger " + o.ledger);
    return kExitOk;
  }
  say(std::to_string(t.prospects - t.queued - t.already_pending) +
      " prospect(s) are not confirmed. Run the same command again to send them (confirmed ones are never sent twice).");
  return kExitIncomplete;
}

}  // namespace

int cmd_queue(const std::vector<std::string>& args) {
  Options o;
  if (const std::string e = parse_options("queue", args, o); !e.empty()) return fail(e);
  if (const std::string e = open_workbook(o); !e.empty()) return fail(e);
  std::string key;
  if (const std::string e = api_key(key); !e.empty()) return fail(e);
  const pe::EndpointCheck endpoint = pe::check_endpoint(o.api.empty() ? pe::kDefaultBaseUrl : o.api);
  if (!endpoint.ok) return fail("--api: " + endpoint.message);
  const std::string key_fp = pe::key_fingerprint(key);

  LedgerLock lock;
  std::string err;
  if (!lock.take(o.ledger, err)) return fail(err);
  pe::Ledger ledger;
  if (!load_ledger(o.ledger, ledger, false, err)) return fail(err);
  for (pe::Run& r : ledger.runs) pe::settle_interrupted(r);

  // Pass 1 and 2: what is read, and which emails are valid.
  std::string fingerprint;
  if (!fingerprint_file(o, fingerprint, err)) return fail(err);
  std::vector<std::string> emails;
  pe::Summary summary;
  pe::StreamChecker::Callbacks cb;
  cb.on_row = [&](const pe::StreamRow& r) {
    if (r.status == pe::RowStatus::Valid) emails.push_back(pe::ascii_lower(r.prospect->email));
  };
  if (!check_file(o, std::move(cb), err, &summary)) return fail(err);
  say(o.file + ": " + std::to_string(summary.rows) + " rows, " + std::to_string(summary.valid) + " valid, " +
      std::to_string(summary.invalid) + " invalid, " + std::to_string(summary.duplicates) +
      " duplicates (only valid rows are sent; `enrich validate` lists the problems)");

  Io x;
  std::string init_err;
  if (!pe_native::http_init(init_err)) return fail(init_err);
  wire_io(x, endpoint.url, key, o.timeout_s, o.ledger, ledger);
  catch_stop_signals();

  // What earlier runs to this endpoint with this key left open (an answer lost, a batch partly
  // queued) is settled first, by email: whatever file or batch size comes now, nothing the API
  // may hold is sent again unasked.
  try {
    for (pe::Run& r : ledger.runs)
      if (r.endpoint == endpoint.url && r.key_fingerprint == key_fp && !settle_before_sending(r, x, o.pace_s))
        return finish_queue(o, r, pe::StopReason::Auth, "The API key was refused.");
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  // The run: the one this file, endpoint, key and batch size already have, or a new one.
  const std::size_t batch_size = o.batch_size ? o.batch_size : pe::kDefaultBatchSize;
  const std::unordered_set<std::string> elsewhere = pe::confirmed_emails(ledger, endpoint.url, key_fp);
  pe::Run* run = pe::find_run(ledger, endpoint.url, key_fp, fingerprint, batch_size);
  if (run) {
    say("resuming run " + run->id + " of " + o.ledger + " (created " + run->created + ")");
  } else {
    pe::RunInfo info;
    info.created = pe::iso8601_utc(std::time(nullptr));
    info.id = new_run_id(info.created, fingerprint);
    info.endpoint = endpoint.url;
    info.key_fingerprint = key_fp;
    info.file_fingerprint = fingerprint;
    const std::size_t slash = o.file.rfind('/');
    info.file_name = slash == std::string::npos ? o.file : o.file.substr(slash + 1);
    info.batch_size = batch_size;
    pe::Run planned = pe::plan_run(info, emails, elsewhere);
    const std::size_t skipped = std::unordered_set<std::string>(emails.begin(), emails.end()).size() - planned.prospect_count();
    if (planned.batches.empty()) {
      say("nothing to send: " + (emails.empty() ? std::string("the file has no valid prospect")
                                                  : "all " + std::to_string(emails.size()) + " valid prospects are already "
                                                    "confirmed queued to " + endpoint.url + " with this key (" + o.ledger + ")"));
      std::printf("{\"ledger\":");
      std::string s;
      pe::append_json_string(s, o.ledger);
      std::printf("%s,\"run\":null,\"stop\":null,\"message\":\"nothing to send\"}\n", s.c_str());
      return kExitOk;
    }
    if (skipped > 0)
      say(std::to_string(skipped) + " valid prospects are left out: already confirmed queued to " + endpoint.url +
          " with this key by an earlier run of " + o.ledger);
    ledger.runs.push_back(std::move(planned));
    run = &ledger.runs.back();
  }

  // A new run is not written to the ledger before the user confirms it.
  const std::vector<std::size_t> send_list = pe::batches_to_send(*run, elsewhere);
  std::size_t to_send_count = 0;
  for (std::size_t b : send_list) to_send_count += pe::to_send(run->batches[b], elsewhere).size();
  if (send_list.empty()) {
    say("nothing left to send in run " + run->id + ": every prospect is confirmed");
    return finish_queue(o, *run, pe::StopReason::None, "");
  }
  say("about to queue " + std::to_string(to_send_count) + " prospects in " + std::to_string(send_list.size()) +
      " batches of at most " + std::to_string(run->batch_size) + " to " + endpoint.url + " (key fingerprint " + key_fp +
      "), ledger " + o.ledger);
  say("credit ceiling: " + num(pe::kCreditsPerProspect * static_cast<double>(to_send_count)) + " credits (" +
      num(pe::kCreditsPerProspect) + " per prospect; only prospects enrichment finds data for are charged)");
  if (!o.yes && !confirm_on_terminal(err)) return fail(err);

  Progress progress;
  progress.batches_total = send_list.size();
  progress.prospects_total = to_send_count;
  x.io.event = [&](const pe::RunEvent& e) { on_send_event(*run, progress, e); };
  pe::RunSender sender(*run, x.io);
  pe::StopReason stop = pe::StopReason::None;
  std::string stop_message;
  try {
    pe::begin_send(*run, send_list);
    x.io.save();

    // Pass 3: the prospects, joined to the run's batches by email; each batch is sent as soon as its
    // rows are read (a batch's rows all come before the next batch's: the plan follows the file).
    std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>> where;
    for (std::size_t b : send_list)
      for (std::size_t i = 0; i < run->batches[b].emails.size(); ++i) where[run->batches[b].emails[i]] = {b, i};
    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    std::size_t current = kNone;
    std::unordered_map<std::size_t, pe::Prospect> rows;  // place -> prospect, of the current batch
    bool stopped = false;
    pe::StreamChecker* checker = nullptr;
    auto flush = [&] {
      if (current == kNone || stopped) return;
      const std::vector<std::size_t> places = pe::to_send(run->batches[current], elsewhere);
      std::vector<pe::Prospect> list;
      list.reserve(places.size());
      for (std::size_t p : places) {
        auto it = rows.find(p);
        if (it == rows.end()) {
          stop = pe::StopReason::Failed;
          stop_message = o.file + " changed while it was being sent (" + run->batches[current].emails[p] +
                         " is no longer in it): nothing more is sent. Run the command again.";
          stopped = true;
          return;
        }
        list.push_back(std::move(it->second));
      }
      rows.clear();
      const std::size_t b = current;
      current = kNone;
      if (!places.empty() && !sender.send(b, places, pe::batch_body_json(list))) {
        stopped = true;
        stop = sender.stop();
        stop_message = sender.stop_message();
      }
    };
    pe::StreamChecker::Callbacks send_cb;
    send_cb.on_row = [&](const pe::StreamRow& r) {
      if (stopped || r.status != pe::RowStatus::Valid) return;
      const std::string email = pe::ascii_lower(r.prospect->email);
      auto it = where.find(email);
      if (it == where.end()) return;
      if (it->second.first != current) {
        flush();
        if (stopped) {
          checker->stop();
          return;
        }
        current = it->second.first;
      }
      rows[it->second.second] = *r.prospect;
    };
    pe::StreamChecker check(o.load, o.batch_size, std::move(send_cb));
    checker = &check;
    const bool read = read_chunks(o.file, err, [&](std::string_view b) {
      check.feed(b);
      return !check.failed() && !stopped;
    });
    if (read && !stopped) {
      if (check.finish()) {
        flush();
      } else if (!stopped) {
        stop = pe::StopReason::Failed;
        stop_message = o.file + ": " + check.error();
      }
    } else if (!read) {
      stop = pe::StopReason::Failed;
      stop_message = err;
    }
    if (stop == pe::StopReason::None && stopping()) stop = pe::StopReason::Cancelled;
    pe::end_send(*run, stop, stop_message);
    x.io.save();
  } catch (const std::exception& e) {
    // The ledger could not be written (or memory ran out): what is on disk is the last good state,
    // with the batch in flight marked as sending; a rerun settles it.
    std::fflush(stdout);
    std::fprintf(stderr, "enrich: stopped: %s. Run the same command again once this is fixed: the ledger on disk is "
                         "consistent and nothing confirmed is sent twice.\n", e.what());
    return kExitError;
  }
  if (!stop_message.empty()) say("stopped: " + stop_message);
  return finish_queue(o, *run, stop, stop_message);
}

// ---- track -------------------------------------------------------------------------------------------

namespace {

// Writes the results CSV of FILE's rows against the runs of this endpoint and account.
bool write_results(const Options& o, const pe::Ledger& ledger, const std::string& endpoint, const std::string& key_fp,
                   std::size_t& rows_written, std::string& err) {
  const pe::RunIndex index(ledger, endpoint, key_fp);
  pe::ResultsCsv csv(index);
  const std::string tmp = o.results + ".tmp-" + std::to_string(::getpid());
  std::FILE* out = std::fopen(tmp.c_str(), "wb");
  if (!out) {
    err = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  std::string buf;
  bool write_ok = true;
  auto drain = [&](bool force) {
    if (!force && buf.size() < kChunk) return;
    if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) write_ok = false;
    buf.clear();
  };
  std::vector<pe::Finding> findings;
  pe::StreamChecker* self = nullptr;
  pe::StreamChecker::Callbacks cb;
  cb.on_start = [&] { csv.header(buf, self->headers()); };
  cb.on_finding = [&](const pe::Finding& f) {
    if (f.row > 0) findings.push_back(f);
  };
  cb.on_row = [&](const pe::StreamRow& r) {
    std::vector<pe::Finding> mine;
    for (pe::Finding& f : findings)
      if (f.row == r.row) mine.push_back(std::move(f));
    findings.clear();
    const std::string email = r.status == pe::RowStatus::Invalid ? std::string() : pe::ascii_lower(r.prospect->email);
    csv.row(buf, r.fields ? *r.fields : std::vector<std::string_view>{}, r.status, mine, email);
    ++rows_written;
    drain(false);
  };
  pe::StreamChecker check(o.load, 0, std::move(cb));
  self = &check;
  const bool read = read_chunks(o.file, err, [&](std::string_view b) {
    check.feed(b);
    return !check.failed();
  });
  const bool complete = read && check.finish();
  drain(true);
  const bool closed = std::fclose(out) == 0;
  if (!read || !complete || !write_ok || !closed) {
    ::unlink(tmp.c_str());
    if (read && !complete) err = o.file + ": " + check.error();
    if (read && complete) err = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  if (::rename(tmp.c_str(), o.results.c_str()) != 0) {
    err = "cannot write " + o.results + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

void print_pending(const pe::Run& r) {
  std::vector<std::string> pending;
  std::size_t n = 0;
  for (const pe::RunBatch& b : r.batches)
    for (std::size_t i = 0; i < b.emails.size(); ++i) {
      const pe::ProspectState s = pe::prospect_state(b, i);
      if (!pe::confirmed(s)) continue;
      const bool final = i < b.tracks.size() && b.tracks[i].found() && b.tracks[i].final();
      if (final) continue;
      if (++n <= 10) pending.push_back(b.emails[i]);
    }
  if (n == 0) return;
  std::string list;
  for (const std::string& e : pending) list += (list.empty() ? "" : ", ") + e;
  std::fprintf(stderr, "  still pending: %s%s\n", list.c_str(),
               n > pending.size() ? (" and " + std::to_string(n - pending.size()) + " more (the --results CSV lists every row)").c_str() : "");
}

}  // namespace

int cmd_track(const std::vector<std::string>& args) {
  Options o;
  if (const std::string e = parse_options("track", args, o); !e.empty()) return fail(e);
  if (const std::string e = open_workbook(o); !e.empty()) return fail(e);
  std::string key;
  if (const std::string e = api_key(key); !e.empty()) return fail(e);
  const std::string key_fp = pe::key_fingerprint(key);
  std::string err;
  if (!file_exists(o.ledger)) return fail("there is no ledger " + o.ledger + ": give the --ledger of an `enrich queue` run");
  LedgerLock lock;
  if (!lock.take(o.ledger, err)) return fail(err);
  pe::Ledger ledger;
  if (!load_ledger(o.ledger, ledger, true, err)) return fail(err);

  std::string endpoint;
  if (!o.api.empty()) {
    const pe::EndpointCheck c = pe::check_endpoint(o.api);
    if (!c.ok) return fail("--api: " + c.message);
    endpoint = c.url;
  } else {
    for (auto it = ledger.runs.rbegin(); it != ledger.runs.rend() && endpoint.empty(); ++it)
      if (it->key_fingerprint == key_fp) endpoint = it->endpoint;
  }
  std::vector<pe::Run*> runs;
  for (pe::Run& r : ledger.runs)
    if (r.key_fingerprint == key_fp && r.endpoint == endpoint) runs.push_back(&r);
  if (runs.empty()) {
    std::string seen;
    for (const pe::Run& r : ledger.runs)
      seen += (seen.empty() ? "" : "; ") + r.id + " to " + r.endpoint + " (key fingerprint " + r.key_fingerprint + ")";
    return fail("no run of " + o.ledger + " was queued" + (endpoint.empty() ? "" : " to " + endpoint) +
                " with this key (fingerprint " + key_fp + "). Set " + kKeyVariable +
                " to the key the run was queued with" + (seen.empty() ? "." : ". Runs in the ledger: " + seen));
  }
  for (const pe::Run& r : ledger.runs)
    if (r.key_fingerprint != key_fp || r.endpoint != endpoint)
      say("run " + r.id + " (to " + r.endpoint + ", key fingerprint " + r.key_fingerprint + ") is not tracked: " +
          (r.key_fingerprint != key_fp ? "it was queued with another key" : "it went to another endpoint (--api)"));

  Io x;
  std::string init_err;
  if (!pe_native::http_init(init_err)) return fail(init_err);
  wire_io(x, endpoint, key, o.timeout_s, o.ledger, ledger);
  x.io.event = on_track_event;
  catch_stop_signals();
  pe::StopReason stop = pe::StopReason::None;
  std::string stop_message;
  try {
    for (pe::Run* r : runs) {
      pe::settle_interrupted(*r);
      say("tracking run " + r->id + ": " + std::to_string(pe::batches_to_poll(*r).size()) + " enrichments to poll");
      pe::RunTracker tracker(*r, x.io, o.pace_s * 1000.0);
      tracker.track();
      if (tracker.failures() > 0)
        say(std::to_string(tracker.failures()) + " tracking request(s) failed (above); run track again to retry them");
      if (tracker.stop() != pe::StopReason::None) {
        stop = tracker.stop();
        stop_message = tracker.stop_message();
        break;
      }
    }
  } catch (const std::exception& e) {
    return fail(std::string("stopped: ") + e.what());
  }
  if (!stop_message.empty()) say("stopped: " + stop_message);

  std::size_t pending = 0, unconfirmed = 0;
  std::string out;
  pe::JsonWriter w(out);
  w.begin_object().field("ledger", o.ledger).field("endpoint", endpoint).key("runs").begin_array();
  for (const pe::Run* r : runs) {
    const pe::RunTotals t = pe::run_totals(*r);
    pending += t.pending;
    unconfirmed += t.unconfirmed;
    print_totals(*r, t);
    print_pending(*r);
    write_run_summary(w, *r);
  }
  w.end_array();
  std::size_t rows = 0;
  if (!o.results.empty()) {
    if (!write_results(o, ledger, endpoint, key_fp, rows, err)) return fail(err);
    say("results: " + o.results + " (" + std::to_string(rows) + " rows)");
    w.key("results").begin_object().field("path", o.results).field("rows", rows).end_object();
  } else {
    w.key("results").null();
  }
  w.key("stop").string_or_null(pe::stop_reason_name(stop)).field("message", stop_message).end_object();
  std::printf("%s\n", out.c_str());
  std::fflush(stdout);
  if (stop == pe::StopReason::Auth) return kExitAuth;
  if (stop == pe::StopReason::Cancelled) return kExitInterrupted;
  if (stop == pe::StopReason::RateLimited) return kExitIncomplete;
  if (stop != pe::StopReason::None) return kExitError;
  return pending + unconfirmed > 0 ? kExitIncomplete : kExitOk;
}

}  // namespace enrich_cli
