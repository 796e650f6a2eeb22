// Column mapping: which header feeds which API field.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pe {

enum class Field { Ignore, Email, FirstName, LastName, FullName, LinkedinUrl, CompanyName, CompanyWebsite };
inline constexpr std::size_t kFieldCount = 8;  // Field values, Ignore included

// "email", "first_name", "last_name", "full_name", "linkedin_url", "company_name",
// "company_website"; "ignore" for Field::Ignore.
const char* field_name(Field f);
// Accepts the names above (and "ignored", "none", ""), case-insensitive. False when unknown.
bool parse_field_name(std::string_view s, Field& out);

struct ColumnMap {
  std::string header;
  Field field = Field::Ignore;
  bool overridden = false;  // set by the user rather than detected
  std::string note;         // why it was ignored, e.g. "a status column, not an address",
                            // "a second email column; column 2 is used", "not a field the API uses"
};

// Maps each header by normalised name and aliases ("E-mail Address", "Work Email",
// "Given Name", "Person Linkedin Url", "Organization", "Website URL", ...).
// Rules: a person's LinkedIn profile column wins over a company LinkedIn column; status/verification
// columns ("Email Status") are not emails; the first column of a field wins, later ones are ignored
// with a note; a full-name column is used only when no first/last column exists.
// `overrides` (header -> field, matched on the exact header text, or "#N" for the 1-based column
// number) win over detection; overriding a column to a field takes that field away from the
// column that had it.
std::vector<ColumnMap> map_columns(const std::vector<std::string>& headers,
                                   const std::vector<std::pair<std::string, Field>>& overrides = {});

// The 0-based column an override key names, by the rules map_columns uses, in this order: "#N"
// (1-based column number, 1..headers.size()); the exact header text (the first such column);
// the header text with whitespace collapsed and trimmed on both sides (a blank key matches nothing
// this way). -1 when the key names no column (map_columns then skips it).
int override_column(const std::vector<std::string>& headers, std::string_view key);

// Whether map_columns detects this header as a full-name column ("Full Name", "Contact Name",
// "Name", ...), whether or not that column is used (it is not when first/last-name columns exist).
bool is_full_name_header(const std::string& header);

// Normalised header used for matching: lower-case ASCII, letters and digits only.
std::string normalise_header(std::string_view h);

}  // namespace pe
