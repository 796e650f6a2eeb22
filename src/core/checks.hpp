// The checks: one value of each API field checked and normalised (email, LinkedIn profile, company
// website, names), each with the notes (findings.hpp codes) that say what was changed or is wrong.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "findings.hpp"
#include "idna.hpp"  // domain_to_ascii, check_domain (declared there)
#include "text.hpp"  // collapse_whitespace, ascii_lower (declared there)

namespace pe {

struct FieldResult {
  std::string value;        // normalised value to send; empty = leave the field out of the request
  bool valid = true;        // false only for a required field (email) that cannot be used
  std::vector<Note> notes;  // what was changed or is wrong (code, message)
};

// Email (required, the enrichment identity). Trims; unwraps "Name <a@b.co>" and "mailto:"
// (warning email_unwrapped); valid when it matches the WHATWG "valid email address" grammar
// (ASCII) and local part <= 64, whole <= 254, domain has a dot, local part has no leading, trailing
// or doubled dot. The domain goes through check_domain (idna.hpp): an internationalised domain is
// converted to punycode (UTS #46, as browsers do) with warning email_idn_converted (also when
// full-width or other variant characters were mapped to plain ones); invisible characters that
// UTS #46 removes (soft hyphen, zero-width space, ...) give warning email_invisible_removed; IP
// addresses ("a@1.2.3.4", "a@[1.2.3.4]") and numeric top-level labels ("a@123.456") are invalid.
// The domain is lower-cased. Error codes: email_missing, email_invalid (message says what exactly:
// "no @", "space inside", "domain has no dot", ...), email_too_long. An invalid email has value "".
// Extra warning (value kept): email_domain_typo ("gmial.com", ".con").
FieldResult check_email(std::string_view raw);

// LinkedIn profile URL -> "https://www.linkedin.com/in/<slug>". Accepts with or without scheme,
// www. or a country subdomain (de.linkedin.com); strips query and fragment and a trailing slash.
// Warnings (value left out): linkedin_company_page, linkedin_sales_navigator, linkedin_not_profile,
// linkedin_not_linkedin. The slug is kept as given (case, percent-encoding). Legacy /pub/<name>/a/b/c
// profiles are accepted as "https://www.linkedin.com/pub/<name>/a/b/c".
FieldResult check_linkedin(std::string_view raw);

// Company website: bare domain or URL -> "https://host" (lower-case host as given, "www." kept;
// port, path, query and fragment dropped; the host goes through check_domain, so an IDN host ->
// punycode). Social sites (linkedin.com, facebook.com, ...), IP addresses, numeric top-level labels
// and email addresses are website_invalid.
// Warnings: website_invalid (left out), website_webmail (kept, warned: gmail.com etc.),
// website_path_dropped (kept), website_invisible_removed (kept, the removed character named).
FieldResult check_website(std::string_view raw);

// first_name, last_name, company_name: trimmed, inner whitespace collapsed.
// Warnings (value kept): name_too_long (> 100 chars), name_looks_like_email, name_looks_like_url.
FieldResult check_name(std::string_view raw);

// Quick answers for the plain forms most exports hold, without building a value or a note: how
// the value that check_X gives is made from the cell, when that value comes with no note at all;
// Unknown when it does not apply (then ask check_X). Never a different answer from check_X: a form
// is recognised only when every rule of the check plainly holds for it (tests compare the two on
// every fixture and on generated values).
enum class Quick : unsigned char {
  Unknown,      // ask the check
  Empty,        // "" (the field is left out)
  Same,         // the cell as it is
  Https,        // "https://" + the cell
  HttpToHttps,  // the cell with its "http://" replaced by "https://"
};
// name@domain: ASCII letters, digits and . _ + - before the @, a lower-case domain that needs no
// conversion, no typo warning -> Same.
Quick quick_email(std::string_view raw);
// http(s)://www.linkedin.com/in/<slug>, nothing after the slug -> Same or HttpToHttps; "" -> Empty.
Quick quick_linkedin(std::string_view raw);
// A lower-case domain (or https://, http:// + one), no path, not webmail or a social site ->
// Https, Same or HttpToHttps; "" -> Empty.
Quick quick_website(std::string_view raw);
// Printable ASCII, single spaces inside, at most 100 characters, no @, not a URL -> Same; "" -> Empty.
Quick quick_name(std::string_view raw);

// An email provider's domain (gmail.com, outlook.com, ...: the website_webmail list), lower case.
bool is_webmail_domain(std::string_view domain);

// Splits "Ada Lovelace" / "Lovelace, Ada" into first and last name (first = first word,
// last = the rest; "Last, First" order recognised; a leading "Dr."/"Mr" before two more words is
// dropped). Returns false when it cannot (single word; `first` then holds that word).
bool split_full_name(std::string_view full, std::string& first, std::string& last);

}  // namespace pe
