// The one catalogue of finding codes: every code the reader, the encoding, the mapping and the
// checks can raise, with its severity, one line of meaning and what to do. A Finding carries a Code
// from here; code_name() is the stable snake_case name the CLI writes and the page shows.
// docs/findings.md lists the same table for users and integrators; tests/core/test_findings.cpp
// checks that it matches and that every code here is raised by some input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pe {

// Error: the row is invalid (for the reader: reading stopped or the row is spoilt). Warning: the row
// is valid, but something was changed or left out. Info: nothing is wrong; what the tool did with
// the file (file findings only, never a row's).
enum class Severity : std::uint8_t { Error, Warning, Info };
inline const char* severity_name(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "info";
}

// Where a finding comes from: code and meaning depend on it (e.g. only Reader findings make a header
// unreadable, only Mapping findings are replaced by a remap).
enum class Source : std::uint8_t { Reader, Encoding, Mapping, Row, Email, Linkedin, Website, Name };

enum class Code : std::uint8_t {
  CsvRaggedRow, CsvStrayQuote, CsvTextAfterQuote, CsvUnclosedQuote, CsvFieldTooLarge, CsvTooManyColumns,
  EncodingInvalidBytes,
  MappingUnknownColumn, EnrichmentColumnsMissing, EmptyColumnsIgnored,
  EnrichmentSignalsMissing, NameNotSplit, DuplicateEmail,
  EmailMissing, EmailInvalid, EmailTooLong, EmailUnwrapped, EmailInvisibleRemoved, EmailIdnConverted,
  EmailDomainTypo,
  LinkedinNotLinkedin, LinkedinNotProfile, LinkedinCompanyPage, LinkedinSalesNavigator,
  WebsiteInvalid, WebsiteWebmail, WebsiteInvisibleRemoved, WebsitePathDropped,
  NameTooLong, NameLooksLikeEmail, NameLooksLikeUrl,
};

struct CodeInfo {
  Code code;
  const char* name;      // stable identifier, snake_case
  Severity severity;     // an error makes the row invalid (or, for the reader, stops or spoils it)
  Source source;
  bool stops_reading;    // the reader stopped at this point: only the rows before it were read
  const char* meaning;   // one line: what it says
  const char* what_to_do;
};

// clang-format off
inline constexpr CodeInfo kCodes[] = {
  {Code::CsvRaggedRow, "csv_ragged_row", Severity::Warning, Source::Reader, false,
   "A row has more or fewer fields than the header.",
   "Check the row for a missing delimiter, a line break inside an unquoted value, or a value with the delimiter that is not in quotes."},
  {Code::CsvStrayQuote, "csv_stray_quote", Severity::Warning, Source::Reader, false,
   "A quote inside an unquoted value was kept as a literal character.",
   "If the value was meant to be quoted, make the quote its first character and double the quotes inside it."},
  {Code::CsvTextAfterQuote, "csv_text_after_quote", Severity::Warning, Source::Reader, false,
   "Text follows the closing quote of a value; it was kept as part of the value.",
   "Double the quotes inside quoted values (\"\")."},
  {Code::CsvUnclosedQuote, "csv_unclosed_quote", Severity::Error, Source::Reader, false,
   "A quoted value is never closed, so the rest of the file went into it.",
   "Add the missing closing quote on the line named (or double a quote meant as text) and load the file again."},
  {Code::CsvFieldTooLarge, "csv_field_too_large", Severity::Error, Source::Reader, true,
   "A value is larger than 4 MB, so reading stopped (usually an unclosed quote, or the wrong delimiter).",
   "Close the quote opened on the line named, or choose the right delimiter; check that the file is a CSV export."},
  {Code::CsvTooManyColumns, "csv_too_many_columns", Severity::Error, Source::Reader, true,
   "A row has more than 4096 columns, so reading stopped.",
   "Check the delimiter, and that the file is a CSV export."},
  {Code::EncodingInvalidBytes, "encoding_invalid_bytes", Severity::Warning, Source::Encoding, false,
   "Some bytes are not valid in the file's encoding and were replaced by \xEF\xBF\xBD.",
   "If names look garbled, choose the file's encoding by hand."},
  {Code::MappingUnknownColumn, "mapping_unknown_column", Severity::Warning, Source::Mapping, false,
   "A column choice names no column of the file, so it was not applied.",
   "Use a header exactly as the file has it, or #N for the N-th column."},
  {Code::EnrichmentColumnsMissing, "enrichment_columns_missing", Severity::Warning, Source::Mapping, false,
   "The file has no LinkedIn column and lacks first name, last name or company website columns.",
   "Add linkedin_url, or first_name and last_name with company_website, or map existing columns to them."},
  {Code::EmptyColumnsIgnored, "empty_columns_ignored", Severity::Info, Source::Mapping, false,
   "Columns at the end have no header and no value in any row (spreadsheet leftovers); they are left out of the mapping and the rows.",
   "Nothing. If values were expected there, check the delimiter."},
  {Code::EnrichmentSignalsMissing, "enrichment_signals_missing", Severity::Warning, Source::Row, false,
   "A row has no LinkedIn profile and lacks a first name, last name or company website; it may not be enriched.",
   "Fill in the LinkedIn profile, or first and last name with the company website."},
  {Code::NameNotSplit, "name_not_split", Severity::Warning, Source::Row, false,
   "A full name could not be split into first and last name; it is sent as first_name only.",
   "Add the last name if you know it."},
  {Code::DuplicateEmail, "duplicate_email", Severity::Error, Source::Row, false,
   "The email repeats that of an earlier row; only the first is sent.",
   "Remove the repeated row, or correct its email."},
  {Code::EmailMissing, "email_missing", Severity::Error, Source::Email, false,
   "The email is empty.",
   "Fill in the address the prospect has in your Woodpecker account, or remove the row."},
  {Code::EmailInvalid, "email_invalid", Severity::Error, Source::Email, false,
   "The email is not a valid address (the message says what is wrong).",
   "Correct the address; an email looks like name@company.com."},
  {Code::EmailTooLong, "email_too_long", Severity::Error, Source::Email, false,
   "The email is longer than 254 characters, or its part before @ longer than 64.",
   "Correct the address; two columns may have run together."},
  {Code::EmailUnwrapped, "email_unwrapped", Severity::Warning, Source::Email, false,
   "\"Name <address>\" or \"mailto:\" was reduced to the address.",
   "Nothing, if the address is the one you meant."},
  {Code::EmailInvisibleRemoved, "email_invisible_removed", Severity::Warning, Source::Email, false,
   "The email's domain held invisible characters, which were removed.",
   "Check that the address sent is the one you meant."},
  {Code::EmailIdnConverted, "email_idn_converted", Severity::Warning, Source::Email, false,
   "An international domain (or variant characters) was converted to its ASCII form for sending.",
   "Nothing, if the address is the one you meant."},
  {Code::EmailDomainTypo, "email_domain_typo", Severity::Warning, Source::Email, false,
   "The email's domain looks like a misspelling (gmial.com, .con); it is kept as written.",
   "Correct it if it is a typo."},
  {Code::LinkedinNotLinkedin, "linkedin_not_linkedin", Severity::Warning, Source::Linkedin, false,
   "The LinkedIn value is not a LinkedIn address; the field is left out.",
   "Use the profile URL, like https://www.linkedin.com/in/jane-doe."},
  {Code::LinkedinNotProfile, "linkedin_not_profile", Severity::Warning, Source::Linkedin, false,
   "The LinkedIn value is a LinkedIn page but not a person's public profile; the field is left out.",
   "Use the profile URL, like https://www.linkedin.com/in/jane-doe."},
  {Code::LinkedinCompanyPage, "linkedin_company_page", Severity::Warning, Source::Linkedin, false,
   "The LinkedIn value is a company or school page; the field is left out.",
   "Use the prospect's own profile (linkedin.com/in/...)."},
  {Code::LinkedinSalesNavigator, "linkedin_sales_navigator", Severity::Warning, Source::Linkedin, false,
   "The LinkedIn value is a Sales Navigator link; the field is left out.",
   "Use the public profile URL (linkedin.com/in/...)."},
  {Code::WebsiteInvalid, "website_invalid", Severity::Warning, Source::Website, false,
   "The website is not a usable company domain (the message says why); the field is left out.",
   "Use the company's domain, like acme.com or https://acme.com."},
  {Code::WebsiteWebmail, "website_webmail", Severity::Warning, Source::Website, false,
   "The website is an email provider, not the company's site; enrichment may match the wrong company.",
   "Use the company's own domain if you know it."},
  {Code::WebsiteInvisibleRemoved, "website_invisible_removed", Severity::Warning, Source::Website, false,
   "The website's domain held invisible characters, which were removed.",
   "Check that the site sent is the one you meant."},
  {Code::WebsitePathDropped, "website_path_dropped", Severity::Warning, Source::Website, false,
   "The website's path was dropped; the API takes the site's address only.",
   "Nothing, if the site is the one you meant."},
  {Code::NameTooLong, "name_too_long", Severity::Warning, Source::Name, false,
   "A name is longer than 100 characters.",
   "Check that two columns did not run together."},
  {Code::NameLooksLikeEmail, "name_looks_like_email", Severity::Warning, Source::Name, false,
   "A name looks like an email address.",
   "Check the column mapping."},
  {Code::NameLooksLikeUrl, "name_looks_like_url", Severity::Warning, Source::Name, false,
   "A name looks like a web address.",
   "Check the column mapping."},
};
// clang-format on

inline constexpr std::size_t kCodeCount = sizeof(kCodes) / sizeof(kCodes[0]);

// The catalogue's entry of a code (kCodes is in the order of the enum: checked at compile time).
constexpr const CodeInfo& code_info(Code c) { return kCodes[static_cast<std::size_t>(c)]; }
inline const char* code_name(Code c) { return code_info(c).name; }
// The code of a name (code_name), or false.
inline bool code_of_name(std::string_view name, Code& out) {
  for (const CodeInfo& i : kCodes)
    if (name == i.name) {
      out = i.code;
      return true;
    }
  return false;
}
inline Severity severity_of(Code c) { return code_info(c).severity; }

namespace detail {
constexpr bool catalogue_in_enum_order() {
  for (std::size_t i = 0; i < kCodeCount; ++i)
    if (static_cast<std::size_t>(kCodes[i].code) != i) return false;
  return true;
}
}  // namespace detail
static_assert(detail::catalogue_in_enum_order(), "kCodes must list every Code once, in the order of the enum");
static_assert(kCodeCount == static_cast<std::size_t>(Code::NameLooksLikeUrl) + 1, "kCodes must list every Code");

// What the reader and the validator tell the user: what is wrong, where (row, line, field) and what
// to do. Its severity is its code's.
struct Finding {
  std::size_t row = 0;    // 1-based data record number; 0 = the header record or the whole file
  std::size_t line = 0;   // 1-based physical line where that record starts; 0 = not tied to a line
  std::string field;      // "email", "first_name", ...; empty = the whole row / file
  Code code = Code::EmailInvalid;
  std::string message;    // human sentence: what is wrong and what to do
  Severity severity() const { return severity_of(code); }
};

// A note attached to one value by a field check (no position yet: the caller adds row/line/field).
struct Note {
  Code code = Code::EmailInvalid;
  std::string message;
  Severity severity() const { return severity_of(code); }
};

}  // namespace pe
