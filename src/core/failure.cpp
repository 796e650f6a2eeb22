// Failures in words (see failure.hpp).
#include "failure.hpp"

#include <new>
#include <stdexcept>

#include "json_writer.hpp"
#include "text.hpp"

namespace pe {

namespace {

const char* const kWhatToDo =
    " Reload the page and try again. If it happens again with this file, validate it with the enrich "
    "command-line tool (`enrich validate FILE`), or split it into smaller files.";

std::string memory_sentence(std::size_t bytes_in_use) {
  std::string s = "This file needs more memory than the page can use";
  if (bytes_in_use > 0) {
    const std::size_t mb = (bytes_in_use + (1u << 19)) >> 20;  // rounded to the nearest MB
    s += " (about " + std::to_string(mb) + " MB were in use)";
  }
  return s + ". Validate it with the enrich command-line tool (`enrich validate FILE`), or split it into smaller files.";
}

}  // namespace

std::string describe_failure(std::exception_ptr e, std::size_t bytes_in_use) {
  if (!e) return std::string("Something unexpected went wrong.") + kWhatToDo;
  try {
    std::rethrow_exception(e);
  } catch (const std::bad_alloc&) {
    return memory_sentence(bytes_in_use);
  } catch (const std::length_error&) {  // a string or vector larger than the program can hold
    return memory_sentence(bytes_in_use);
  } catch (const std::exception& x) {
    std::string what = safe_snippet(x.what(), 200);
    while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
    if (what.empty()) return std::string("Something went wrong.") + kWhatToDo;
    return "Something went wrong: " + what + "." + kWhatToDo;
  } catch (...) {
    return std::string("Something unexpected went wrong.") + kWhatToDo;
  }
}

std::string error_json(const std::string& message) {
  std::string out;
  JsonWriter(out).begin_object().field("ok", false).field("error", message).end_object();
  return out;
}

}  // namespace pe
