// Findings: what the reader and the validator tell the user.
// Every finding says what is wrong, where (row, line, field) and what to do.
#pragma once

#include <cstddef>
#include <string>

namespace pe {

enum class Severity { Error, Warning };

inline const char* severity_name(Severity s) { return s == Severity::Error ? "error" : "warning"; }

struct Finding {
  std::size_t row = 0;    // 1-based data record number; 0 = the header record or the whole file
  std::size_t line = 0;   // 1-based physical line where that record starts; 0 = not tied to a line
  std::string field;      // "email", "first_name", ...; empty = the whole row / file
  Severity severity = Severity::Error;
  std::string code;       // stable identifier, snake_case, e.g. "email_invalid"
  std::string message;    // human sentence: what is wrong and what to do
};

// A note attached to one value by a field check (no position yet: the caller adds row/line/field).
struct Note {
  Severity severity = Severity::Warning;
  std::string code;
  std::string message;
};

}  // namespace pe
