// Reads an .xlsx workbook from disk for the CLI (see xlsx_file.hpp).
#include "xlsx_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "text.hpp"
#include "xlsx.hpp"

namespace pe::native {

namespace {

// A file on disk, or bytes already read (a workbook on standard input: a zip is read from its end).
class File {
 public:
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  void use_bytes(const std::string& bytes, const std::string& name) {
    mem_ = &bytes;
    size_ = bytes.size();
    path_ = name;
  }
  bool open(const std::string& path, std::string& err) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
      err = "cannot open " + path + ": " + std::strerror(errno) + "; check the path and that the file is readable";
      return false;
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
    return true;
  }
  // n bytes at `at` (fewer only at the end of the file).
  bool read(std::uint64_t at, std::size_t n, std::string& out, std::string& err) const {
    if (mem_) {
      out = at < mem_->size() ? mem_->substr(static_cast<std::size_t>(at), n) : std::string();
      return true;
    }
    out.resize(n);
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(fd_, &out[got], n - got, static_cast<off_t>(at + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        err = "cannot read " + path_ + ": " + std::strerror(errno);
        return false;
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return true;
  }
  std::uint64_t size() const { return size_; }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string path_;
  const std::string* mem_ = nullptr;
};

// Raw deflate (no zlib header) of `in` into exactly `size` bytes; false when the data is damaged
// or inflates to another size.
bool inflate_raw(const std::string& in, std::uint64_t size, std::string& out) {
  out.assign(static_cast<std::size_t>(size), '\0');
  z_stream s;
  std::memset(&s, 0, sizeof s);
  if (inflateInit2(&s, -15) != Z_OK) return false;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  char spare = 0;  // one byte past the end: a part larger than declared is caught
  s.next_out = size ? reinterpret_cast<Bytef*>(&out[0]) : reinterpret_cast<Bytef*>(&spare);
  s.avail_out = size ? static_cast<uInt>(size) : 1;
  int rc = inflate(&s, Z_FINISH);
  if (rc == Z_BUF_ERROR && s.avail_out == 0 && size) {  // full: is there more?
    s.next_out = reinterpret_cast<Bytef*>(&spare);
    s.avail_out = 1;
    rc = inflate(&s, Z_FINISH);
    if (s.avail_out == 0) rc = Z_DATA_ERROR;
  }
  const bool ok = rc == Z_STREAM_END && s.total_out == size;
  inflateEnd(&s);
  return ok;
}

}  // namespace

bool starts_as_zip(const std::string& path) {
  File f;
  std::string err, head;
  return f.open(path, err) && f.read(0, 4, head, err) && xlsx::is_zip(head);
}

namespace {

bool read_book(const File& f, const std::string& path, const std::string& sheet, WorkbookCsv& out, std::string& err) {
  const std::uint64_t tail_size = std::min<std::uint64_t>(f.size(), xlsx::kTailBytes);
  std::string tail;
  if (!f.read(f.size() - tail_size, static_cast<std::size_t>(tail_size), tail, err)) return false;
  xlsx::Workbook book;
  const auto said = [&](const std::string& e) {
    err = path + ": " + e;
    return false;
  };
  if (!book.open(tail, f.size(), sheet)) return said(book.error());
  int round = 0;
  for (std::vector<xlsx::ZipEntry> want = book.wanted(); !want.empty() && round++ < xlsx::kMaxRounds; want = book.wanted()) {
    for (const xlsx::ZipEntry& e : want) {
      std::string header, data, bytes;
      std::uint64_t at = 0;
      std::string why;
      if (!f.read(e.header_offset, xlsx::kLocalHeaderBytes, header, err)) return false;
      if (!xlsx::data_offset(e, header, f.size(), at, why)) return said(why);
      if (!f.read(at, static_cast<std::size_t>(e.compressed_size), data, err)) return false;
      if (e.method == 8) {
        if (!inflate_raw(data, e.size, bytes))
          return said("This Excel workbook could not be read: its part " + pe::quoted(e.name) +
                      " does not unpack (damaged compressed data). " + xlsx::kWayOut);
      } else {
        bytes = std::move(data);  // stored, or a method the core refuses when it is given
      }
      if (!book.give(e.name, std::move(bytes))) return said(book.error());
    }
  }
  if (!book.to_csv(out.csv)) return said(book.error());
  out.sheet = book.sheet();
  out.sheets = book.sheets();
  return true;
}

}  // namespace

bool read_workbook(const std::string& path, const std::string& sheet, WorkbookCsv& out, std::string& err) {
  File f;
  if (!f.open(path, err)) return false;
  return read_book(f, path, sheet, out, err);
}

bool read_workbook_bytes(const std::string& bytes, const std::string& name, const std::string& sheet, WorkbookCsv& out,
                         std::string& err) {
  File f;
  f.use_bytes(bytes, name);
  return read_book(f, name, sheet, out, err);
}

}  // namespace pe::native
