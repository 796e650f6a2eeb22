// enrich: the native command over the same core as the page. It streams: the input is read in
// chunks, and what is found is written as it is found, so memory does not grow with the input
// (apart from the duplicate index of `validate` and `batches`).
//   enrich parse FILE|-                      records as a JSON array of objects keyed by header
//   enrich validate FILE|- [--format F]      JSON report (encoding, delimiter, columns, issues, summary),
//                                            or JSON Lines (one line per issue, then a summary line)
//   enrich batches FILE|- [--batch-size N]   one request body per line (JSON Lines)
//   enrich queue FILE / enrich track --ledger L   runs against the API (run_commands.hpp)
// Options: --delimiter D, --encoding E, --map HEADER=FIELD (repeatable), --batch-size N, --format F,
// --sheet NAME. An Excel workbook (.xlsx) is read from its first sheet (or the one --sheet names),
// converted to CSV text by the core (src/core/xlsx.hpp; zlib inflates its parts).
// Exit codes: 0 all rows valid, 2 some rows have errors, 1 the input could not be read (or reading
// stopped part way: the output then covers only what was read before).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "constants.hpp"
#include "csv_stream.hpp"
#include "encoding.hpp"
#include "json_forms.hpp"
#include "run_commands.hpp"
#include "stream_check.hpp"
#include "xlsx.hpp"
#include "xlsx_file.hpp"

namespace {

// The usage text; the batch sizes are the core's (constants.hpp).
const std::string kUsage = std::string() +
    "usage: enrich parse|validate|batches FILE|- [options]\n"
    "  parse      print the records as a JSON array of objects keyed by header\n"
    "  validate   print a JSON report: encoding, delimiter, columns, issues, summary\n"
    "  batches    print each request body, one per line (JSON Lines)\n"
    "options:\n"
    "  --delimiter D       , ; tab | (default: detected)\n"
    "  --encoding E        utf-8, utf-16le, utf-16be, windows-1252 (default: detected)\n"
    "  --map HEADER=FIELD  map a column (by header text or #N) to email, first_name, last_name,\n"
    "                      full_name, linkedin_url, company_name, company_website or ignore\n"
    "  --title-lines N     lines before the header that are not rows (a report's title; default:\n"
    "                      detected, and said on stderr)\n"
    "  --batch-size N      prospects per request, 1 to " + std::to_string(pe::kMaxBatchSize) + " (default " +
    std::to_string(pe::kDefaultBatchSize) + ")\n"
    "  --format F          validate only: json (default; one report) or jsonl (one line per issue,\n"
    "                      then one line with encoding, delimiter, columns and summary)\n"
    "  --sheet NAME        an Excel workbook (.xlsx) FILE: the sheet to read (default: the first)\n"
    "exit codes: 0 all rows valid, 2 some rows have errors, 1 the input could not be read\n"
    "runs against the API (docs/cli.md; the key from the environment variable WOODPECKER_API_KEY):\n" +
    enrich_cli::kRunUsage;

constexpr std::size_t kChunk = 1u << 20;  // bytes read at a time
constexpr std::size_t kFlushAt = 1u << 20;  // output buffered before it is written

std::atomic<std::size_t> g_bytes_read{0};  // for the out-of-memory message

int fail(const std::string& msg) {
  std::fflush(stdout);
  std::fprintf(stderr, "enrich: %s\n", msg.c_str());
  return 1;
}

// A file or standard input, read with read(2): a chunk is handed on as soon as it arrives, so a pipe
// is checked while it is being written.
class Input {
 public:
  ~Input() {
    if (fd_ > 0) ::close(fd_);
  }
  bool open(const std::string& path, std::string& err) {
    path_ = path;
    if (path == "-") {
      fd_ = 0;
      path_ = "standard input";
    } else {
      fd_ = ::open(path.c_str(), O_RDONLY);
      if (fd_ < 0) {
        err = "cannot open " + path + ": " + std::strerror(errno) + "; check the path and that the file is readable";
        return false;
      }
    }
    struct stat st;
    regular_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
    size_ = regular_ ? static_cast<std::uint64_t>(st.st_size) : 0;
    return true;
  }
  // Bytes read into buf (0 at the end of the input); -1 with err set on a read error.
  long read(char* buf, std::size_t n, std::string& err) {
    if (head_at_ < head_.size()) {  // the bytes starts_as_zip() looked at first
      const std::size_t k = std::min(n, head_.size() - head_at_);
      std::memcpy(buf, head_.data() + head_at_, k);
      head_at_ += k;
      return static_cast<long>(k);
    }
    if (text_) {
      const std::size_t k = std::min(n, text_->size() - text_at_);
      std::memcpy(buf, text_->data() + text_at_, k);
      text_at_ += k;
      return static_cast<long>(k);
    }
    for (;;) {
      const ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) {
        g_bytes_read += static_cast<std::size_t>(r);
        return static_cast<long>(r);
      }
      if (errno == EINTR) continue;
      err = "cannot read " + path_ + ": " + std::strerror(errno);
      return -1;
    }
  }
  // True when the input starts as a zip archive (an .xlsx workbook). A pipe's first bytes are kept
  // for read(); a regular file's are read where they are. False with err set on a read error.
  bool starts_as_zip(std::string& err) {
    char b[4];
    std::size_t got = 0;
    if (regular_) {
      const long r = read_at(b, sizeof b, 0, err);
      if (r < 0) return false;
      got = static_cast<std::size_t>(r);
    } else {
      while (got < sizeof b) {
        const long r = read(b + got, sizeof b - got, err);
        if (r < 0) return false;
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
      }
      head_.assign(b, got);
      head_at_ = 0;
    }
    return pe::xlsx::is_zip(std::string_view(b, got));
  }
  // All of the input from where it is (a workbook on standard input: a zip is read from its end).
  bool read_all(std::string& out, std::string& err) {
    char buf[1 << 16];
    for (;;) {
      const long r = read(buf, sizeof buf, err);
      if (r < 0) return false;
      if (r == 0) return true;
      out.append(buf, static_cast<std::size_t>(r));
    }
  }
  // A regular file can be read twice: once to detect the encoding on all of it, then to check it.
  bool regular() const { return regular_; }
  std::uint64_t size() const { return text_ ? text_->size() : size_; }  // a regular file's size when opened; else 0
  bool rewind() {
    if (text_) return (text_at_ = 0, true);
    return ::lseek(fd_, 0, SEEK_SET) == 0;
  }
  // Reads `text` instead of the file from now on (an .xlsx workbook's sheet, converted).
  void use_text(std::string text) {
    text_.emplace(std::move(text));
    text_at_ = 0;
  }
  // Bytes at `offset` of a regular file, without moving the read position (another thread may read
  // meanwhile); as read() otherwise. Not for text given by use_text.
  long read_at(char* buf, std::size_t n, std::uint64_t offset, std::string& err) const {
    for (;;) {
      const ssize_t r = ::pread(fd_, buf, n, static_cast<off_t>(offset));
      if (r >= 0) return static_cast<long>(r);
      if (errno == EINTR) continue;
      err = "cannot read " + path_ + ": " + std::strerror(errno);
      return -1;
    }
  }

 private:
  int fd_ = -1;
  bool regular_ = false;
  std::uint64_t size_ = 0;
  std::string path_;
  std::optional<std::string> text_;
  std::size_t text_at_ = 0;
  std::string head_;  // a pipe's first bytes, read by starts_as_zip()
  std::size_t head_at_ = 0;
};

// Standard output through one buffer, written out when it is large and whenever the input is
// waited for (flush()), so that what was found so far is never held back.
// While held (hold()), nothing is written: the output may still be thrown away (EncodingCheck).
class Output {
 public:
  std::string& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= kFlushAt) flush();
  }
  void hold(bool on) { held_ = on; }
  void flush() {
    if (held_) return;
    if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), stdout);
    buf_.clear();
    std::fflush(stdout);
    if (!err_.empty()) std::fwrite(err_.data(), 1, err_.size(), stderr);
    err_.clear();
  }
  std::string& err() { return err_; }  // standard error, flushed with standard output

 private:
  std::string buf_, err_;
  bool held_ = false;
};

// The input read ahead on a thread of its own, a chunk at a time, while the previous chunk is
// checked: the kernel's copy of the next chunk (a tenth of `validate`'s time when it took turns
// with the check) then runs on the machine's other core. At most kAhead chunks wait, so memory
// stays flat. next() hands out one chunk at a time; the one it handed out before is then reused.
class ReadAhead {
 public:
  // Reads ahead only from a regular file: from a pipe, the thread could wait in read() for bytes
  // that never come after the check has stopped (a refused input), and hold the exit. Otherwise,
  // or with no thread to be had (a process or memory limit), each chunk is read when asked for.
  explicit ReadAhead(Input& in) : in_(in) {
    bufs_[0].resize(kChunk);
    if (!in.regular()) return;
    for (std::vector<char>& b : bufs_) b.resize(kChunk);
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
    }
  }
  ~ReadAhead() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next chunk in `out` (valid until the next call): its size, 0 at the end of the input, -1
  // with err set on a read error.
  long next(std::string_view& out, std::string& err) {
    if (!thread_.joinable()) {
      const long n = in_.read(bufs_[0].data(), kChunk, err);
      if (n > 0) out = std::string_view(bufs_[0].data(), static_cast<std::size_t>(n));
      return n;
    }
    std::unique_lock<std::mutex> lock(m_);
    if (lent_) {  // the chunk handed out last time is free again
      lent_ = false;
      ++taken_;
      cv_.notify_all();
    }
    cv_.wait(lock, [this] { return read_ > taken_; });
    const std::size_t slot = taken_ % kAhead;
    const long n = len_[slot];
    if (n < 0) {
      err = err_;
      return -1;
    }
    if (n > 0) {
      lent_ = true;
      out = std::string_view(bufs_[slot].data(), static_cast<std::size_t>(n));
    }
    return n;
  }

 private:
  static constexpr std::size_t kAhead = 3;
  void run() {
    for (;;) {
      std::size_t slot;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [this] { return stop_ || read_ - taken_ < kAhead; });
        if (stop_) return;
        slot = read_ % kAhead;
      }
      std::string err;
      const long n = in_.read(bufs_[slot].data(), kChunk, err);
      {
        std::lock_guard<std::mutex> lock(m_);
        len_[slot] = n;
        if (n < 0) err_ = err;
        ++read_;
      }
      cv_.notify_all();
      if (n <= 0) return;
    }
  }
  Input& in_;
  std::vector<char> bufs_[kAhead];
  long len_[kAhead] = {};
  std::size_t read_ = 0, taken_ = 0;  // chunks read, chunks handed back
  bool lent_ = false, stop_ = false;
  std::string err_;
  std::mutex m_;
  std::condition_variable cv_;
  std::thread thread_;  // last: started once everything above exists
};

// The encoding of Auto for a regular file is detected on the whole file, as the page does on a
// whole file (a stream detects on its first bytes). The check does not wait for it: it starts with
// the encoding its first bytes show, while this thread reads the whole file (with pread, so the
// check's reads are not disturbed) through an EncodingSniffer. The output is held until the answer
// is known; if it differs (bytes of another encoding only later in the file), the output is thrown
// away and the check starts again with it. The answer takes a fraction of the check's time, so
// little output is ever held.
class EncodingCheck {
 public:
  EncodingCheck(const Input& in, pe::Encoding guess) : in_(in), guess_(guess) {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
      run();  // no thread to be had (a process or memory limit): the answer first, as a stream would wait
    }
  }
  ~EncodingCheck() {
    if (thread_.joinable()) thread_.join();
  }
  EncodingCheck(const EncodingCheck&) = delete;
  EncodingCheck& operator=(const EncodingCheck&) = delete;

  bool done() const { return done_.load(std::memory_order_acquire); }
  // Waits for the answer: true when the whole file agrees with the guess (or could not be read
  // here: the check's own reads then say why).
  bool agrees() {
    if (!done()) {
      std::unique_lock<std::mutex> lock(m_);
      cv_.wait(lock, [this] { return done(); });
    }
    return failed_ || result_ == guess_;
  }
  pe::Encoding result() const { return result_; }

 private:
  void run() {
    pe::EncodingSniffer sniffer;
    std::vector<char> buf(kChunk);
    std::uint64_t at = 0;
    std::string err;
    for (;;) {
      const long n = in_.read_at(buf.data(), buf.size(), at, err);
      if (n < 0) failed_ = true;
      if (n <= 0) break;
      sniffer.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
      at += static_cast<std::uint64_t>(n);
    }
    result_ = sniffer.result();
    {
      std::lock_guard<std::mutex> lock(m_);
      done_.store(true, std::memory_order_release);
    }
    cv_.notify_all();
  }
  const Input& in_;
  const pe::Encoding guess_;
  pe::Encoding result_ = pe::Encoding::Utf8;
  bool failed_ = false;
  std::atomic<bool> done_{false};
  std::mutex m_;
  std::condition_variable cv_;
  std::thread thread_;
};

// Reads the whole input through feed(bytes) until it ends, feed returns false or an error.
// With an EncodingCheck, the output is held until its answer agrees; on a different answer, pump
// stops and sets `again`: the caller throws the output away and starts over with that encoding.
template <typename Feed>
bool pump(Input& in, Output& out, EncodingCheck* enc, bool& again, std::string& err, Feed feed) {
  again = false;
  out.hold(enc != nullptr);
  bool ok = true;
  {
    ReadAhead ahead(in);
    for (;;) {
      std::string_view chunk;
      const long n = ahead.next(chunk, err);
      if (n < 0) ok = false;
      if (n <= 0) break;
      const bool more = feed(chunk);
      if (enc && enc->done()) {
        if (!enc->agrees()) break;
        out.hold(false);
        enc = nullptr;
      }
      out.flush();
      if (!more) break;
    }
  }
  if (enc && !enc->agrees()) {
    again = true;
    return false;
  }
  out.hold(false);
  return ok;
}

// The encoding the first bytes of a regular file show (the EncodingCheck's starting guess).
// It is what a stream (CsvStream) detects on: its first kEncodingSampleBytes.
pe::Encoding first_bytes_encoding(const Input& in) {
  std::vector<char> head(pe::kEncodingSampleBytes);
  std::string err;
  const long n = in.read_at(head.data(), head.size(), 0, err);
  return pe::detect_encoding(std::string_view(head.data(), n > 0 ? static_cast<std::size_t>(n) : 0));
}

// The JSON objects of `parse` are keyed by header, so columns that share a header name collapse into
// one key (the last value wins). Says so on stderr, once per duplicated header.
void warn_duplicate_headers(const std::vector<std::string>& headers, std::string& err) {
  std::vector<std::vector<std::size_t>> groups;  // 1-based columns per distinct header, in order
  std::unordered_map<std::string_view, std::size_t> group_of;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    auto [it, inserted] = group_of.emplace(headers[i], groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(i + 1);
  }
  for (const std::vector<std::size_t>& cols : groups) {
    if (cols.size() < 2) continue;
    std::string list;
    for (std::size_t k = 0; k < cols.size(); ++k)
      list += (k == 0 ? "" : k + 1 == cols.size() ? " and " : ", ") + std::to_string(cols[k]);
    err += "enrich: warning: header “" + headers[cols[0] - 1] + "” appears in columns " + list +
           "; parse output keeps the last value\n";
  }
}

// Title lines skipped before the header (detected, or --title-lines): said on stderr, with the way
// to choose otherwise, so that no line is dropped without a word.
void note_title_lines(std::size_t skipped, const std::vector<pe::RecordPreview>& previews, std::string& err) {
  if (skipped == 0 || previews.size() <= skipped) return;
  err += "enrich: note: " + std::string(skipped == 1 ? "line " : "lines ") + std::to_string(previews[0].line) +
         (skipped == 1 ? "" : " to " + std::to_string(previews[skipped - 1].line)) + " before the header on line " +
         std::to_string(previews[skipped].line) + " " + (skipped == 1 ? "was" : "were") +
         " read as title lines, not rows (--title-lines 0 reads the first line as the header)\n";
}

int cmd_parse(Input& in, const pe::LoadOptions& opt, EncodingCheck* enc, bool& again) {
  Output out;
  std::optional<pe::RecordJson> record_json;
  std::size_t records = 0;
  bool error = false;
  pe::CsvStream::Options sopt;
  sopt.encoding = opt.encoding;
  sopt.delimiter = opt.delimiter;
  sopt.skip_records = opt.header_skip;
  sopt.refuse_binary = false;
  pe::CsvStream stream(
      sopt,
      [&](const pe::CsvRecord& rec) {
        if (rec.row == 0) {
          note_title_lines(stream.title_records(), stream.previews(), out.err());
          std::vector<std::string> headers(rec.fields.begin(), rec.fields.end());
          warn_duplicate_headers(headers, out.err());
          record_json.emplace(headers);
          return;
        }
        out.buf() += records++ == 0 ? "[" : ",";
        record_json->append(out.buf(), rec.fields);
        out.maybe_flush();
      },
      [&](pe::Finding&& f) {
        if (f.severity() == pe::Severity::Error) error = true;
        out.err() += "line " + std::to_string(f.line) + ": " + pe::severity_name(f.severity()) + " " +
                     pe::code_name(f.code) + ": " + f.message + "\n";
      });
  std::string err;
  const bool read = pump(in, out, enc, again, err, [&](std::string_view bytes) {
    stream.feed(bytes);
    return !stream.fatal();
  });
  if (again) return 0;
  if (read) stream.finish();
  // Close the array, also when reading stopped part way: what was read is valid JSON.
  if (records > 0 || (read && !stream.fatal())) out.buf() += records == 0 ? "[]\n" : "]\n";
  out.flush();
  if (!read) return fail(err);
  if (stream.fatal()) return 1;  // the reader's message is on stderr
  return error ? 2 : 0;
}

// --map keys that name no column: a usage error, reported before anything they may have caused
// (such as "no email column"). "" when there are none.
std::string unknown_mapping(const std::vector<pe::Finding>& file_findings) {
  std::string unknown;
  for (const pe::Finding& f : file_findings)
    if (f.code == pe::Code::MappingUnknownColumn) unknown += (unknown.empty() ? "--map: " : "\nenrich: --map: ") + f.message;
  return unknown;
}

enum class Format { Json, Jsonl };

// validate and batches: the streaming check.
int cmd_check(Input& in, const std::string& cmd, const pe::LoadOptions& opt, std::size_t batch_size, Format format,
              EncodingCheck* enc, bool& again) {
  Output out;
  const bool validate = cmd == "validate";
  const bool json = format == Format::Json;
  std::string usage_error;
  pe::StreamChecker* checker = nullptr;
  // The report of `validate --format json`, written as it goes: {head, "issues":[...], "summary"}.
  pe::JsonWriter report(out.buf());
  pe::StreamChecker::Callbacks cb;
  cb.on_start = [&] {
    note_title_lines(checker->title_records(), checker->previews(), out.err());
    usage_error = unknown_mapping(checker->file_findings());
    if (!usage_error.empty()) {
      checker->stop();
      return;
    }
    if (validate && json) {
      report.begin_object();
      pe::write_report_head(report, checker->encoding(), checker->delimiter(), checker->columns());
      report.key("issues").begin_array();
    }
  };
  if (validate) {
    cb.on_finding = [&](const pe::Finding& f) {
      if (json) {
        pe::write_json(report, f);
      } else {
        pe::JsonWriter line(out.buf());
        pe::write_json(line, f);
        out.buf() += '\n';
      }
      out.maybe_flush();
    };
  } else {
    cb.on_batch = [&](const std::string& body) {
      out.buf() += body;
      out.buf() += '\n';
      out.maybe_flush();
    };
  }
  pe::StreamChecker check(opt, batch_size, std::move(cb));
  checker = &check;
  if (in.size() > 0) check.expect_bytes(in.size());

  std::string err;
  const bool read = pump(in, out, enc, again, err, [&](std::string_view bytes) {
    check.feed(bytes);
    return !check.failed();
  });
  if (again) return 0;
  const bool complete = read && check.finish();
  if (!usage_error.empty()) return fail(usage_error);  // nothing was written
  if (!check.started()) {
    if (!read) return fail(err);
    const std::string unknown = unknown_mapping(check.file_findings());
    return fail(unknown.empty() ? check.error() : unknown);
  }
  if (validate) {  // close the report, also when reading stopped part way
    if (json) {
      report.end_array();
    } else {
      report.begin_object();
      pe::write_report_head(report, check.encoding(), check.delimiter(), check.columns());
    }
    report.key("summary");
    pe::write_json(report, check.summary());
    report.end_object();
    out.buf() += '\n';
  }
  out.flush();
  if (!read) return fail(err);
  if (!complete) return fail(check.error() + " The output covers only the rows before that point.");
  const pe::Summary s = check.summary();
  return s.invalid + s.duplicates > 0 ? 2 : 0;
}

int run(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kUsage.c_str(), stdout);
    return args.empty() ? 1 : 0;
  }
  const std::string cmd = args[0];
  if (cmd == "queue") return enrich_cli::cmd_queue(std::vector<std::string>(args.begin() + 1, args.end()));
  if (cmd == "track") return enrich_cli::cmd_track(std::vector<std::string>(args.begin() + 1, args.end()));
  if (cmd != "parse" && cmd != "validate" && cmd != "batches") return fail("unknown command '" + cmd + "'\n" + kUsage);

  std::string path;
  pe::LoadOptions opt;
  std::size_t batch_size = pe::kDefaultBatchSize;
  Format format = Format::Json;
  std::string sheet;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& v) {
      if (i + 1 >= args.size()) return false;
      v = args[++i];
      return true;
    };
    std::string v;
    if (a == "--delimiter") {
      if (!value(v) || !pe::parse_delimiter(v, opt.delimiter)) return fail("--delimiter takes , ; tab or |");
    } else if (a == "--encoding") {
      if (!value(v) || !pe::parse_encoding_name(v, opt.encoding))
        return fail("--encoding takes utf-8, utf-16le, utf-16be or windows-1252");
    } else if (a == "--map") {
      pe::Field f;
      std::size_t eq = std::string::npos;
      if (value(v)) eq = v.rfind('=');
      if (eq == std::string::npos || !pe::parse_field_name(v.substr(eq + 1), f))
        return fail("--map takes HEADER=FIELD, FIELD one of email, first_name, last_name, full_name, "
                    "linkedin_url, company_name, company_website, ignore");
      opt.overrides.emplace_back(v.substr(0, eq), f);
    } else if (a == "--title-lines") {
      char* end = nullptr;
      long n = value(v) ? std::strtol(v.c_str(), &end, 10) : -1;
      if (n < 0 || n > 1000 || !end || *end)
        return fail("--title-lines takes how many lines come before the header, 0 to 1000 (default: detected)");
      opt.header_skip = n;
    } else if (a == "--batch-size") {
      char* end = nullptr;
      long n = value(v) ? std::strtol(v.c_str(), &end, 10) : 0;
      if (n < 1 || static_cast<unsigned long>(n) > pe::kMaxBatchSize || !end || *end)
        return fail("--batch-size takes a whole number from 1 to " + std::to_string(pe::kMaxBatchSize));
      batch_size = static_cast<std::size_t>(n);
    } else if (a == "--sheet") {
      if (!value(v) || v.empty()) return fail("--sheet takes the name of a sheet of the .xlsx FILE");
      sheet = v;
    } else if (a == "--format") {
      if (!value(v) || (v != "json" && v != "jsonl")) return fail("--format takes json or jsonl");
      if (cmd != "validate") return fail("--format applies to validate only (batches always prints JSON Lines)");
      format = v == "json" ? Format::Json : Format::Jsonl;
    } else if (path.empty() && (a == "-" || a.rfind("--", 0) != 0)) {
      path = a;
    } else {
      return fail("unknown option '" + a + "'\n" + kUsage);
    }
  }
  if (path.empty()) return fail("missing FILE (use - for standard input)\n" + kUsage);

  Input in;
  std::string err;
  if (!in.open(path, err)) return fail(err);
  const bool zip = in.starts_as_zip(err);
  if (!err.empty()) return fail(err);
  const std::string name = path == "-" ? "standard input" : path;
  if (zip) {
    // An Excel workbook: its sheet as CSV text (UTF-8, commas), read like any CSV file. On standard
    // input it is read whole first (a zip's directory is at its end).
    pe::native::WorkbookCsv wb;
    if (path == "-") {
      std::string bytes;
      if (!in.read_all(bytes, err)) return fail(err);
      if (!pe::native::read_workbook_bytes(bytes, name, sheet, wb, err)) return fail(err);
    } else if (!pe::native::read_workbook(path, sheet, wb, err)) {
      return fail(err);
    }
    if (wb.sheets.size() > 1)
      std::fprintf(stderr, "enrich: %s: reading the sheet \xE2\x80\x9C%s\xE2\x80\x9D (%zu sheets; --sheet NAME reads another)\n",
                   name.c_str(), wb.sheet.c_str(), wb.sheets.size());
    opt.encoding = pe::Encoding::Utf8;
    opt.delimiter = ',';
    in.use_text(std::move(wb.csv));
  } else if (!sheet.empty()) {
    return fail("--sheet applies to an Excel workbook (.xlsx) only; " + name + " is not one");
  }
  auto command = [&](const pe::LoadOptions& o, EncodingCheck* enc, bool& again) {
    if (cmd == "parse") return cmd_parse(in, o, enc, again);
    return cmd_check(in, cmd, o, batch_size, format, enc, again);
  };
  bool again = false;
  if (opt.encoding == pe::Encoding::Auto && in.regular()) {
    // Detected on the whole file, as the page does on a whole file (a stream detects on its first
    // bytes), while the check runs (EncodingCheck).
    pe::LoadOptions first = opt;
    first.encoding = first_bytes_encoding(in);
    int rc;
    {
      EncodingCheck enc(in, first.encoding);
      rc = command(first, &enc, again);
      if (again) opt.encoding = enc.result();
    }
    if (!again) return rc;
    if (!in.rewind()) return fail(std::string("cannot read the input again: ") + std::strerror(errno));
    g_bytes_read = 0;
  }
  return command(opt, nullptr, again);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::bad_alloc&) {
    // No allocation from here on: the message is formatted on the stack.
    std::fflush(stdout);
    char msg[512];
    std::snprintf(msg, sizeof msg,
                  "enrich: out of memory after reading %zu bytes of the input. The check keeps about 30 to 65 "
                  "bytes per distinct email (to find duplicates); everything else is read and written as it "
                  "goes. Free some memory, or split the file into smaller files and check each. Any output "
                  "written so far is incomplete.\n",
                  g_bytes_read.load());
    std::fputs(msg, stderr);
    return 1;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "enrich: internal error: %s. Any output written so far is incomplete; please report "
                         "this with the command line used.\n", e.what());
    return 1;
  }
}
