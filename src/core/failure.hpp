// Failures in words: a caught exception turned into a sentence for the user (what happened and
// what to do), and a guard that every entry point of the page's module runs its work in, so that
// no C++ exception ever crosses into JavaScript (where it arrives as a bare number).
#pragma once

#include <cstddef>
#include <exception>
#include <string>

namespace pe {

// bytes_in_use: the memory the program had when it failed (0 = unknown).
//   std::bad_alloc, std::length_error -> "This file needs more memory than the page can use (about
//       N MB were in use). Validate it with the enrich command-line tool (`enrich validate FILE`),
//       or split it into smaller files."
//   other std::exception -> "Something went wrong: <what(), made safe>. ..." and what to do
//   anything else        -> a generic sentence and what to do
std::string describe_failure(std::exception_ptr e, std::size_t bytes_in_use);

// {"ok":false,"error":message}: the page's usual failure answer.
std::string error_json(const std::string& message);

// Runs work(); when it throws, returns on_error(describe_failure(..., memory_in_use())) instead.
// If building that answer fails too (no memory left even for a sentence), returns fallback.
template <class Work, class OnError, class Memory>
auto guarded(Work&& work, OnError&& on_error, Memory&& memory_in_use, const char* fallback) -> decltype(work()) {
  std::exception_ptr failure;
  try {
    return work();
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    return on_error(describe_failure(failure, memory_in_use()));
  } catch (...) {
    return fallback;
  }
}

}  // namespace pe
