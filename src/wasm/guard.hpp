// Guards for the Embind entry points (src/wasm/bindings.cpp): no C++ exception may cross into
// JavaScript, where it arrives as a bare number ("The file could not be read: 2147482880").
// Entry points that answer JSON answer the page's usual {ok: false, error: "..."} instead; the
// others (text, nothing) throw a JavaScript Error carrying the same sentence, which the worker
// already turns into {ok: false, error}. The wording is the core's (src/core/failure.hpp).
#pragma once

#include <emscripten/heap.h>
#include <emscripten/val.h>

#include <exception>
#include <string>

#include "failure.hpp"
#include "json_forms.hpp"
#include "session.hpp"

namespace pe::wasm {

// The module's memory when it failed (it only grows): the "about N MB were in use" of the sentence.
inline std::size_t heap_bytes() { return emscripten_get_heap_size(); }

// The emergency reserve of operator new (memory_reserve.cpp): given back when an allocation fails,
// put back by the guards below once the failure is answered.
void restore_reserve() noexcept;
bool reserve_in_place() noexcept;

// heap_bytes(), and the reserve put back: called once per failure, while its answer is built.
inline std::size_t heap_bytes_after_failure() {
  const std::size_t bytes = heap_bytes();
  restore_reserve();
  return bytes;
}

inline constexpr const char* kOutOfMemoryJson =
    R"({"ok":false,"error":"This file needs more memory than the page can use. Validate it with the enrich command-line tool (`enrich validate FILE`), or split it into smaller files."})";

// work() returns JSON; on failure {"ok":false,"error":sentence}.
template <class Work>
std::string json_or_error(Work&& work) {
  return guarded(work, [](const std::string& m) { return error_json(m); }, heap_bytes_after_failure, kOutOfMemoryJson);
}

// work() returns JSON; on failure on_error(sentence) (e.g. the session's state with the error).
template <class Work, class OnError>
std::string json_or(Work&& work, OnError&& on_error) {
  return guarded(work, on_error, heap_bytes_after_failure, kOutOfMemoryJson);
}

// Throws a JavaScript Error with the sentence for `failure` (released first, so that only the
// small Error handle is left behind when the JavaScript exception unwinds the C++ frames).
[[noreturn]] inline void throw_js_error(std::exception_ptr& failure) {
  emscripten::val error = emscripten::val::undefined();
  {
    std::string message;
    try {
      message = describe_failure(failure, heap_bytes_after_failure());
    } catch (...) {
      message.clear();
    }
    error = emscripten::val::global("Error").new_(
        emscripten::val(message.empty() ? std::string("Out of memory.") : message));
  }
  failure = nullptr;
  error.throw_();
}

// work() returns text or nothing; on failure a JavaScript Error with the sentence.
template <class Work>
auto value_or_js_error(Work&& work) -> decltype(work()) {
  std::exception_ptr failure;
  try {
    return work();
  } catch (...) {
    failure = std::current_exception();
  }
  throw_js_error(failure);
}

// work() returns JSON for the page; on failure the session is cleared (the previous and any
// half-built document are gone) and the answer is its empty state with the sentence as its error.
template <class Work>
std::string json_or_cleared_state(Session& s, Work&& work) {
  return json_or(work, [&](const std::string& message) {
    s.clear();
    return to_json(s.state_with_error(message));
  });
}

// Session::load as the page calls it.
inline std::string load_or_explain(Session& s, std::string_view bytes, const std::string& encoding,
                                   const std::string& delimiter, int batch_size) {
  return json_or_cleared_state(s, [&] { return to_json(s.load(bytes, encoding, delimiter, batch_size)); });
}

// The same for the page's input buffer, freed as soon as it is read (Session::load_owned).
inline std::string load_owned_or_explain(Session& s, std::string&& bytes, const std::string& encoding,
                                         const std::string& delimiter, int batch_size) {
  return json_or_cleared_state(
      s, [&] { return to_json(s.load_owned(std::move(bytes), encoding, delimiter, batch_size)); });
}

}  // namespace pe::wasm
