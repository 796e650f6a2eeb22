// Column mapping: which header feeds which API field. See mapping.hpp.
//
// Detection works on the normalised header (ASCII letters and digits, lower-cased; accents and
// punctuation are dropped, so "Prénom" -> "prnom", "E-Mail-Adresse" -> "emailadresse"):
//   1. an exact alias (table below) gives a field and a rank (0 = primary, 1 = weaker, e.g.
//      "Secondary Email", "profileUrl", "Company Name for Emails"); the best rank wins, then the
//      first column;
//   2. otherwise known non-fields get a specific note: a company LinkedIn page, a Sales Navigator
//      link, an email status/verification column, the owner's/sender's address;
//   3. otherwise a loose match (rank kLoose: header contains "email", "firstname", "linkedin" + "url",
//      "website", ...) is used only when no column has that field;
//   4. everything else: "not a field the API uses".
// A full-name column is used only when no first-name or last-name column is used.
#include "mapping.hpp"

#include "text.hpp"

#include <array>
#include <cstddef>

#include "checks.hpp"

namespace pe {

namespace {

constexpr int kLoose = 9;  // rank of a loose (substring) match
constexpr int kNone = 100;

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

struct Alias {
  const char* key;  // normalised header
  Field field;
  int rank;
};

// clang-format off
const Alias kAliases[] = {
    // ---- email
    {"email", Field::Email, 0}, {"emails", Field::Email, 0}, {"emailaddress", Field::Email, 0},
    {"emailaddresses", Field::Email, 0}, {"mail", Field::Email, 0}, {"mailaddress", Field::Email, 0},
    {"workemail", Field::Email, 0}, {"workemailaddress", Field::Email, 0}, {"businessemail", Field::Email, 0},
    {"businessemailaddress", Field::Email, 0}, {"professionalemail", Field::Email, 0},
    {"companyemail", Field::Email, 0}, {"corporateemail", Field::Email, 0}, {"officeemail", Field::Email, 0},
    {"emailwork", Field::Email, 0}, {"primaryemail", Field::Email, 0}, {"primaryemailaddress", Field::Email, 0},
    {"contactemail", Field::Email, 0}, {"contactemailaddress", Field::Email, 0}, {"leademail", Field::Email, 0},
    {"prospectemail", Field::Email, 0}, {"personemail", Field::Email, 0}, {"emailid", Field::Email, 0},
    {"email1", Field::Email, 0}, {"email1value", Field::Email, 0}, {"emailaddress1", Field::Email, 0},
    {"verifiedemail", Field::Email, 0}, {"validatedemail", Field::Email, 0},
    {"correo", Field::Email, 0}, {"correoelectrnico", Field::Email, 0}, {"correoelectronico", Field::Email, 0},
    {"courriel", Field::Email, 0}, {"adresseemail", Field::Email, 0}, {"adressemail", Field::Email, 0},
    {"adresselectronique", Field::Email, 0}, {"emailadresse", Field::Email, 0}, {"mailadresse", Field::Email, 0},
    {"epost", Field::Email, 0}, {"endereodeemail", Field::Email, 0}, {"indirizzoemail", Field::Email, 0},
    // weaker addresses: used only when there is no primary one
    {"secondaryemail", Field::Email, 1}, {"personalemail", Field::Email, 1}, {"otheremail", Field::Email, 1},
    {"alternateemail", Field::Email, 1}, {"alternativeemail", Field::Email, 1}, {"additionalemail", Field::Email, 1},
    {"privateemail", Field::Email, 1}, {"homeemail", Field::Email, 1}, {"backupemail", Field::Email, 1},
    {"personalemailaddress", Field::Email, 1}, {"email2", Field::Email, 1}, {"email2value", Field::Email, 1},
    {"email2address", Field::Email, 1}, {"emailaddress2", Field::Email, 1}, {"tertiaryemail", Field::Email, 2},
    {"email3", Field::Email, 2}, {"email3value", Field::Email, 2}, {"email3address", Field::Email, 2},

    // ---- first name
    {"firstname", Field::FirstName, 0}, {"first", Field::FirstName, 0}, {"fname", Field::FirstName, 0},
    {"givenname", Field::FirstName, 0}, {"forename", Field::FirstName, 0}, {"firstnames", Field::FirstName, 0},
    {"contactfirstname", Field::FirstName, 0}, {"leadfirstname", Field::FirstName, 0},
    {"prospectfirstname", Field::FirstName, 0}, {"personfirstname", Field::FirstName, 0},
    {"prnom", Field::FirstName, 0}, {"prenom", Field::FirstName, 0}, {"vorname", Field::FirstName, 0},
    {"nombre", Field::FirstName, 0}, {"nome", Field::FirstName, 0}, {"voornaam", Field::FirstName, 0},
    {"imi", Field::FirstName, 0}, {"imie", Field::FirstName, 0}, {"fornavn", Field::FirstName, 0},
    {"frnamn", Field::FirstName, 0}, {"fornamn", Field::FirstName, 0}, {"etunimi", Field::FirstName, 0},

    // ---- last name
    {"lastname", Field::LastName, 0}, {"last", Field::LastName, 0}, {"lname", Field::LastName, 0},
    {"surname", Field::LastName, 0}, {"familyname", Field::LastName, 0}, {"contactlastname", Field::LastName, 0},
    {"leadlastname", Field::LastName, 0}, {"prospectlastname", Field::LastName, 0},
    {"personlastname", Field::LastName, 0}, {"nachname", Field::LastName, 0}, {"familienname", Field::LastName, 0},
    {"nom", Field::LastName, 0}, {"nomdefamille", Field::LastName, 0}, {"apellido", Field::LastName, 0},
    {"apellidos", Field::LastName, 0}, {"cognome", Field::LastName, 0}, {"sobrenome", Field::LastName, 0},
    {"achternaam", Field::LastName, 0}, {"nazwisko", Field::LastName, 0}, {"efternavn", Field::LastName, 0},
    {"efternamn", Field::LastName, 0}, {"sukunimi", Field::LastName, 0},

    // ---- full name
    {"fullname", Field::FullName, 0}, {"name", Field::FullName, 0}, {"contactname", Field::FullName, 0},
    {"contact", Field::FullName, 0}, {"contactfullname", Field::FullName, 0}, {"personname", Field::FullName, 0},
    {"prospectname", Field::FullName, 0}, {"leadname", Field::FullName, 0}, {"displayname", Field::FullName, 0},
    {"nomcomplet", Field::FullName, 0}, {"nometprnom", Field::FullName, 0}, {"prnometnom", Field::FullName, 0},
    {"nombrecompleto", Field::FullName, 0}, {"vollstndigername", Field::FullName, 0},
    {"nomecompleto", Field::FullName, 0}, {"volledigenaam", Field::FullName, 0},

    // ---- the person's LinkedIn profile
    {"linkedin", Field::LinkedinUrl, 0}, {"linkedinurl", Field::LinkedinUrl, 0},
    {"linkedinprofile", Field::LinkedinUrl, 0}, {"linkedinprofileurl", Field::LinkedinUrl, 0},
    {"linkedinprofilelink", Field::LinkedinUrl, 0}, {"linkedinlink", Field::LinkedinUrl, 0},
    {"personlinkedinurl", Field::LinkedinUrl, 0}, {"contactlinkedinurl", Field::LinkedinUrl, 0},
    {"linkedinpublicurl", Field::LinkedinUrl, 0}, {"publicprofileurl", Field::LinkedinUrl, 0},
    {"publiclinkedinurl", Field::LinkedinUrl, 0}, {"defaultprofileurl", Field::LinkedinUrl, 0},
    {"linkedinprofileurls", Field::LinkedinUrl, 0}, {"liurl", Field::LinkedinUrl, 0},
    {"liprofile", Field::LinkedinUrl, 0}, {"linkedinpersonalurl", Field::LinkedinUrl, 0},
    {"profileurl", Field::LinkedinUrl, 1}, {"profilelink", Field::LinkedinUrl, 1},
    {"profile", Field::LinkedinUrl, 2},

    // ---- company name
    {"company", Field::CompanyName, 0}, {"companyname", Field::CompanyName, 0},
    {"organization", Field::CompanyName, 0}, {"organisation", Field::CompanyName, 0},
    {"organizationname", Field::CompanyName, 0}, {"organisationname", Field::CompanyName, 0},
    {"organization1name", Field::CompanyName, 0}, {"employer", Field::CompanyName, 0},
    {"account", Field::CompanyName, 0}, {"accountname", Field::CompanyName, 0},
    {"businessname", Field::CompanyName, 0}, {"currentcompany", Field::CompanyName, 0},
    {"currentcompanyname", Field::CompanyName, 0}, {"employername", Field::CompanyName, 0},
    {"firm", Field::CompanyName, 0}, {"firma", Field::CompanyName, 0}, {"firmenname", Field::CompanyName, 0},
    {"unternehmen", Field::CompanyName, 0}, {"socit", Field::CompanyName, 0}, {"societe", Field::CompanyName, 0},
    {"entreprise", Field::CompanyName, 0}, {"nomdelentreprise", Field::CompanyName, 0},
    {"empresa", Field::CompanyName, 0}, {"nombredelaempresa", Field::CompanyName, 0},
    {"azienda", Field::CompanyName, 0}, {"bedrijf", Field::CompanyName, 0}, {"bedrijfsnaam", Field::CompanyName, 0},
    {"companynameforemails", Field::CompanyName, 1}, {"associatedcompany", Field::CompanyName, 1},

    // ---- company website
    {"website", Field::CompanyWebsite, 0}, {"websiteurl", Field::CompanyWebsite, 0},
    {"companywebsite", Field::CompanyWebsite, 0}, {"companywebsiteurl", Field::CompanyWebsite, 0},
    {"companydomain", Field::CompanyWebsite, 0}, {"domain", Field::CompanyWebsite, 0},
    {"companysite", Field::CompanyWebsite, 0}, {"web", Field::CompanyWebsite, 0}, {"site", Field::CompanyWebsite, 0},
    {"homepage", Field::CompanyWebsite, 0}, {"webpage", Field::CompanyWebsite, 0},
    {"websiteaddress", Field::CompanyWebsite, 0}, {"webaddress", Field::CompanyWebsite, 0},
    {"website1value", Field::CompanyWebsite, 0}, {"organizationwebsite", Field::CompanyWebsite, 0},
    {"accountwebsite", Field::CompanyWebsite, 0}, {"companydomainname", Field::CompanyWebsite, 0},
    {"domainname", Field::CompanyWebsite, 0}, {"webseite", Field::CompanyWebsite, 0},
    {"siteweb", Field::CompanyWebsite, 0}, {"siteinternet", Field::CompanyWebsite, 0},
    {"sitioweb", Field::CompanyWebsite, 0}, {"pginaweb", Field::CompanyWebsite, 0},
    {"sitoweb", Field::CompanyWebsite, 0}, {"companyurl", Field::CompanyWebsite, 1},
};
// clang-format on

struct Detected {
  Field field = Field::Ignore;
  int rank = kNone;
  std::string note;  // the note when the column ends up ignored and no better reason applies
};

const char* const kNotUsed = "not a field the API uses";

bool is_mailish(const std::string& n) {
  if (contains(n, "email") || contains(n, "courriel") || contains(n, "correo")) return true;
  // "mail" but not "Mailing Street", "Mailchimp ..."
  for (std::size_t p = n.find("mail"); p != std::string::npos; p = n.find("mail", p + 1))
    if (n.compare(p, 7, "mailing") != 0 && n.compare(p, 9, "mailchimp") != 0) return true;
  return false;
}

bool is_status_like(const std::string& n) {
  static const char* const kWords[] = {
      "status", "confidence", "verif", "valid", "bounce", "optout", "optedout", "optin", "unsub", "subscri",
      "sent", "open", "click", "repl", "source", "catchall", "acceptall", "last", "date", "time", "score",
      "quality", "result", "deliver", "type", "label", "format", "provider", "count", "domain", "consent",
      "permission", "marketing", "quarantin", "reason", "check", "grade", "flag", "risk", "campaign",
      "sequence", "template", "engage", "number", "total", "exists", "found", "accuracy", "state"};
  for (const char* w : kWords)
    if (contains(n, w)) return true;
  return false;
}

bool is_someone_else(const std::string& n) {
  static const char* const kWords[] = {"owner",    "sender",    "manager",    "assigned", "createdby",
                                       "modifiedby", "recruiter", "assistant", "referr"};
  for (const char* w : kWords)
    if (contains(n, w)) return true;
  return false;
}

bool is_company_word(const std::string& n) {
  return contains(n, "company") || contains(n, "organi") || contains(n, "account") || contains(n, "employer") ||
         contains(n, "business") || contains(n, "school");
}

Detected detect(const std::string& header) {
  Detected d;
  const std::string n = normalise_header(header);
  if (n.empty()) {
    d.note = header.empty() ? "the column has no header" : kNotUsed;
    return d;
  }
  for (const Alias& a : kAliases)
    if (n == a.key) {
      d.field = a.field;
      d.rank = a.rank;
      d.note = kNotUsed;
      return d;
    }

  const bool linkedin = contains(n, "linkedin");
  if (linkedin && is_company_word(n)) {
    d.note = "the company's LinkedIn page; the API takes the person's profile";
    return d;
  }
  if (contains(n, "salesnav") || contains(n, "navigator")) {
    d.note = "a Sales Navigator link; the API needs the public profile URL (linkedin.com/in/…)";
    return d;
  }
  if (is_mailish(n)) {
    if (is_someone_else(n)) {
      d.note = "the owner's or sender's address, not the prospect's";
    } else if (is_status_like(n)) {
      d.note = "a status column, not an address";
    } else if (contains(n, "name") || contains(n, "display")) {
      d.note = kNotUsed;  // "E-mail Display Name"
    } else {
      d.field = Field::Email;
      d.rank = kLoose;
      d.note = kNotUsed;
    }
    return d;
  }
  d.note = kNotUsed;
  if (is_someone_else(n)) return d;

  auto loose = [&](Field f) {
    d.field = f;
    d.rank = kLoose;
    return d;
  };
  if (linkedin) {
    std::string rest = n;
    rest.erase(rest.find("linkedin"), 8);
    static const char* const kNot[] = {"image", "photo", "picture", "avatar", "connection", "follower",
                                       "bio", "headline", "summary", "id", "skill", "post", "job", "title"};
    for (const char* w : kNot)
      if (contains(rest, w)) return d;
    if (contains(rest, "url") || contains(rest, "profile") || contains(rest, "link")) return loose(Field::LinkedinUrl);
    return d;
  }
  if (contains(n, "firstname") || contains(n, "givenname")) return loose(Field::FirstName);
  if (contains(n, "lastname") || contains(n, "surname") || contains(n, "familyname")) return loose(Field::LastName);
  if (contains(n, "fullname")) return loose(Field::FullName);
  if ((contains(n, "website") || contains(n, "webpage") || contains(n, "homepage")) && !contains(n, "personal"))
    return loose(Field::CompanyWebsite);
  if ((contains(n, "company") || contains(n, "organization") || contains(n, "organisation")) &&
      contains(n, "name"))
    return loose(Field::CompanyName);
  return d;
}

std::string field_label(Field f) {
  switch (f) {
    case Field::Email: return "email";
    case Field::FirstName: return "first name";
    case Field::LastName: return "last name";
    case Field::FullName: return "full name";
    case Field::LinkedinUrl: return "LinkedIn profile";
    case Field::CompanyName: return "company name";
    case Field::CompanyWebsite: return "company website";
    case Field::Ignore: break;
  }
  return "ignored";
}

std::string column_ref(const std::vector<std::string>& headers, int c) {
  return "column " + std::to_string(c + 1) + " (" + quoted(headers[static_cast<std::size_t>(c)], 80) + ")";
}

bool parse_column_number(std::string_view key, std::size_t count, std::size_t& index) {
  if (key.size() < 2 || key.size() > 10 || key[0] != '#') return false;
  std::size_t n = 0;
  for (std::size_t i = 1; i < key.size(); ++i) {
    if (key[i] < '0' || key[i] > '9') return false;
    n = n * 10 + static_cast<std::size_t>(key[i] - '0');
  }
  if (n == 0 || n > count) return false;
  index = n - 1;
  return true;
}

// The column an override key names (see override_column), or headers.size() for none.
// `collapsed` caches the headers with whitespace collapsed; it is filled on first need.
std::size_t match_override(const std::vector<std::string>& headers, std::string_view key,
                           std::vector<std::string>& collapsed) {
  std::size_t idx = headers.size();
  if (parse_column_number(key, headers.size(), idx)) return idx;
  for (std::size_t c = 0; c < headers.size(); ++c)
    if (headers[c] == key) return c;
  // forgiving second try: spacing differences
  const std::string k = collapse_whitespace(key);
  if (k.empty()) return headers.size();
  if (collapsed.size() != headers.size()) {
    collapsed.clear();
    for (const std::string& h : headers) collapsed.push_back(collapse_whitespace(h));
  }
  for (std::size_t c = 0; c < headers.size(); ++c)
    if (collapsed[c] == k) return c;
  return headers.size();
}

}  // namespace

int override_column(const std::vector<std::string>& headers, std::string_view key) {
  std::vector<std::string> collapsed;
  const std::size_t idx = match_override(headers, key, collapsed);
  return idx < headers.size() ? static_cast<int>(idx) : -1;
}

const char* field_name(Field f) {
  switch (f) {
    case Field::Email: return "email";
    case Field::FirstName: return "first_name";
    case Field::LastName: return "last_name";
    case Field::FullName: return "full_name";
    case Field::LinkedinUrl: return "linkedin_url";
    case Field::CompanyName: return "company_name";
    case Field::CompanyWebsite: return "company_website";
    case Field::Ignore: break;
  }
  return "ignore";
}

bool parse_field_name(std::string_view s, Field& out) {
  // Case-insensitive; surrounding spaces are trimmed and " " or "-" count as "_".
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  if (e - b > 32) return false;
  std::string key;
  for (std::size_t i = b; i < e; ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ' || c == '-') c = '_';
    key += c;
  }
  if (key.empty() || key == "ignore" || key == "ignored" || key == "none") {
    out = Field::Ignore;
    return true;
  }
  static const Field kAll[] = {Field::Email,    Field::FirstName,   Field::LastName,      Field::FullName,
                               Field::LinkedinUrl, Field::CompanyName, Field::CompanyWebsite};
  for (Field f : kAll)
    if (key == field_name(f)) {
      out = f;
      return true;
    }
  return false;
}

std::string normalise_header(std::string_view h) {
  std::string out;
  for (char c : h) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

namespace {

// The state of a mapping being made: the columns, what detection found in each, which the user set.
struct Mapping {
  const std::vector<std::string>& headers;
  std::vector<ColumnMap> out;
  std::vector<Detected> det;
  std::vector<bool> over;                 // the user chose this column's field
  std::array<int, kFieldCount> by_user;   // field -> the column the user chose for it, -1
  std::array<int, kFieldCount> winner;    // field -> the column that feeds it, -1
  bool user_full = false, user_first_last = false;

  explicit Mapping(const std::vector<std::string>& h) : headers(h), out(h.size()), det(h.size()), over(h.size(), false) {
    by_user.fill(-1);
    winner.fill(-1);
    for (std::size_t c = 0; c < h.size(); ++c) {
      out[c].header = h[c];
      det[c] = detect(h[c]);
    }
  }

  // The last override of a column wins; a field given twice goes to the later column.
  void apply(const std::vector<std::pair<std::string, Field>>& overrides) {
    std::vector<std::string> collapsed;  // headers with whitespace collapsed, built on demand
    for (const auto& [key, field] : overrides) {
      const std::size_t idx = match_override(headers, key, collapsed);
      if (idx >= headers.size()) continue;  // no such column: nothing to override
      ColumnMap& col = out[idx];
      const int ci = static_cast<int>(idx);
      if (over[idx] && col.field != Field::Ignore && by_user[static_cast<int>(col.field)] == ci)
        by_user[static_cast<int>(col.field)] = -1;
      over[idx] = true;
      col.overridden = true;
      col.field = field;
      col.note = field == Field::Ignore ? "ignored by your choice" : "";
      if (field == Field::Ignore) continue;
      const int f = static_cast<int>(field);
      const int prev = by_user[f];
      if (prev >= 0 && prev != ci) {
        ColumnMap& p = out[static_cast<std::size_t>(prev)];
        p.field = Field::Ignore;
        p.note = "you chose " + column_ref(headers, ci) + " for " + field_label(field);
      }
      by_user[f] = ci;
    }
    user_full = by_user[static_cast<int>(Field::FullName)] >= 0;
    user_first_last = by_user[static_cast<int>(Field::FirstName)] >= 0 || by_user[static_cast<int>(Field::LastName)] >= 0;
  }

  // Detection for the fields the user did not set: the best-ranked column, then the first.
  void detect_winners() {
    winner = by_user;
    const int n = static_cast<int>(headers.size());
    for (int f = 1; f < static_cast<int>(kFieldCount); ++f) {
      if (by_user[f] >= 0) continue;
      if (user_full && !user_first_last &&
          (f == static_cast<int>(Field::FirstName) || f == static_cast<int>(Field::LastName)))
        continue;  // the user chose a full-name column: detected first/last columns step aside
      int best = -1;
      for (int c = 0; c < n; ++c) {
        const Detected& d = det[static_cast<std::size_t>(c)];
        if (over[static_cast<std::size_t>(c)] || static_cast<int>(d.field) != f) continue;
        if (best < 0 || d.rank < det[static_cast<std::size_t>(best)].rank) best = c;
      }
      winner[f] = best;
    }
    // A full-name column only when no first- or last-name column is used.
    if (by_user[static_cast<int>(Field::FullName)] < 0 && (name_winner(Field::FirstName) || name_winner(Field::LastName)))
      winner[static_cast<int>(Field::FullName)] = -1;
  }

  bool name_winner(Field f) const { return winner[static_cast<int>(f)] >= 0; }

  // Why a detected column is not used.
  std::string ignored_note(const Detected& d) const {
    const int f = static_cast<int>(d.field);
    const int fi = static_cast<int>(Field::FirstName), li = static_cast<int>(Field::LastName);
    if (by_user[f] >= 0) return "you chose " + column_ref(headers, by_user[f]) + " for " + field_label(d.field);
    if (d.field == Field::FullName && (winner[fi] >= 0 || winner[li] >= 0)) {
      std::string from;
      if (winner[fi] >= 0) from = column_ref(headers, winner[fi]);
      if (winner[li] >= 0) from += (from.empty() ? "" : " and ") + column_ref(headers, winner[li]);
      return "a full name is not needed: first and last name come from " + from;
    }
    if ((d.field == Field::FirstName || d.field == Field::LastName) && user_full)
      return "you chose " + column_ref(headers, by_user[static_cast<int>(Field::FullName)]) + " for full name";
    if (winner[f] < 0) return d.note;
    if (d.rank == kLoose)
      return "another possible " + field_label(d.field) + " column; " + column_ref(headers, winner[f]) + " is used";
    if (d.field == Field::Email && d.rank > det[static_cast<std::size_t>(winner[f])].rank)
      return "a secondary address; " + column_ref(headers, winner[f]) + " is used";
    return "a second " + field_label(d.field) + " column; " + column_ref(headers, winner[f]) + " is used";
  }

  // Every column the user did not set: its field, or why it is ignored.
  void assign_detected() {
    for (std::size_t c = 0; c < headers.size(); ++c) {
      if (over[c]) continue;
      ColumnMap& col = out[c];
      const Detected& d = det[c];
      if (d.field == Field::Ignore) {
        col.note = d.note;
      } else if (winner[static_cast<int>(d.field)] == static_cast<int>(c)) {
        col.field = d.field;
        col.note.clear();
      } else {
        col.field = Field::Ignore;
        col.note = ignored_note(d);
      }
    }
  }
};

}  // namespace

std::vector<ColumnMap> map_columns(const std::vector<std::string>& headers,
                                   const std::vector<std::pair<std::string, Field>>& overrides) {
  Mapping m(headers);
  m.apply(overrides);
  m.detect_winners();
  m.assign_detected();
  return std::move(m.out);
}

bool is_full_name_header(const std::string& header) { return detect(header).field == Field::FullName; }

}  // namespace pe
