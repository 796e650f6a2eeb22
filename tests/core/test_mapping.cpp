// Column mapping: header normalisation, aliases from real exports, conflict rules, overrides.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "mapping.hpp"

using pe::ColumnMap;
using pe::Field;

namespace {

using Headers = std::vector<std::string>;
using Overrides = std::vector<std::pair<std::string, Field>>;

// The mapped field name of every column, in order.
std::vector<std::string> fields(const std::vector<ColumnMap>& m) {
  std::vector<std::string> out;
  for (const ColumnMap& c : m) out.push_back(pe::field_name(c.field));
  return out;
}

std::vector<std::string> mapped(const Headers& h, const Overrides& o = {}) { return fields(pe::map_columns(h, o)); }

Field field_of(const std::string& header) { return pe::map_columns({header})[0].field; }

const std::string kNotUsed = "not a field the API uses";
const std::string kStatus = "a status column, not an address";

}  // namespace

// ------------------------------------------------------------------ names of fields

TEST(FieldName, NamesAllFields) {
  EXPECT_STREQ(pe::field_name(Field::Ignore), "ignore");
  EXPECT_STREQ(pe::field_name(Field::Email), "email");
  EXPECT_STREQ(pe::field_name(Field::FirstName), "first_name");
  EXPECT_STREQ(pe::field_name(Field::LastName), "last_name");
  EXPECT_STREQ(pe::field_name(Field::FullName), "full_name");
  EXPECT_STREQ(pe::field_name(Field::LinkedinUrl), "linkedin_url");
  EXPECT_STREQ(pe::field_name(Field::CompanyName), "company_name");
  EXPECT_STREQ(pe::field_name(Field::CompanyWebsite), "company_website");
}

TEST(FieldName, ParsesNamesCaseInsensitively) {
  Field f = Field::Ignore;
  ASSERT_TRUE(pe::parse_field_name("email", f));
  EXPECT_EQ(f, Field::Email);
  ASSERT_TRUE(pe::parse_field_name("First_Name", f));
  EXPECT_EQ(f, Field::FirstName);
  ASSERT_TRUE(pe::parse_field_name("LINKEDIN_URL", f));
  EXPECT_EQ(f, Field::LinkedinUrl);
  ASSERT_TRUE(pe::parse_field_name("company website", f));
  EXPECT_EQ(f, Field::CompanyWebsite);
  ASSERT_TRUE(pe::parse_field_name(" full-name ", f));
  EXPECT_EQ(f, Field::FullName);
  for (const char* s : {"ignore", "Ignored", "NONE", ""}) {
    f = Field::Email;
    ASSERT_TRUE(pe::parse_field_name(s, f)) << s;
    EXPECT_EQ(f, Field::Ignore) << s;
  }
}

TEST(FieldName, RejectsUnknownNames) {
  Field f = Field::Email;
  EXPECT_FALSE(pe::parse_field_name("phone", f));
  EXPECT_FALSE(pe::parse_field_name("emails", f));
  EXPECT_FALSE(pe::parse_field_name("first", f));
  EXPECT_FALSE(pe::parse_field_name(std::string(1000, 'e'), f));
  EXPECT_EQ(f, Field::Email);  // untouched
}

TEST(FieldName, RoundTrips) {
  for (Field f : {Field::Ignore, Field::Email, Field::FirstName, Field::LastName, Field::FullName, Field::LinkedinUrl,
                  Field::CompanyName, Field::CompanyWebsite}) {
    Field back = Field::Email;
    ASSERT_TRUE(pe::parse_field_name(pe::field_name(f), back));
    EXPECT_EQ(back, f);
  }
}

// ------------------------------------------------------------------ normalise_header

TEST(NormaliseHeader, KeepsLowerCaseAsciiLettersAndDigits) {
  EXPECT_EQ(pe::normalise_header("E-mail Address"), "emailaddress");
  EXPECT_EQ(pe::normalise_header("  First_Name* "), "firstname");
  EXPECT_EQ(pe::normalise_header("E-mail 1 - Value"), "email1value");
  EXPECT_EQ(pe::normalise_header("# Employees"), "employees");
  EXPECT_EQ(pe::normalise_header("linkedInProfileUrl"), "linkedinprofileurl");
  EXPECT_EQ(pe::normalise_header(""), "");
  EXPECT_EQ(pe::normalise_header("---"), "");
}

TEST(NormaliseHeader, DropsNonAsciiBytes) {
  EXPECT_EQ(pe::normalise_header("Prénom"), "prnom");
  EXPECT_EQ(pe::normalise_header("Correo electrónico"), "correoelectrnico");
  EXPECT_EQ(pe::normalise_header("Société"), "socit");
  EXPECT_EQ(pe::normalise_header("\xEF\xBB\xBF" "Email"), "email");
  EXPECT_EQ(pe::normalise_header("\xFF\xFE" "E\x80mail"), "email");
}

// ------------------------------------------------------------------ single aliases

TEST(Aliases, EmailVariants) {
  for (const char* h : {"Email", "email", "EMAIL", "E-mail", "E-Mail", "e_mail", "Email Address", "E-mail Address",
                        "Email address*", "Work Email", "Business Email", "Mail", "Emails", "Contact Email",
                        "Primary Email", "Email (Work)", "E-mail 1 - Value", "Correo", "Correo electrónico",
                        "Courriel", "Adresse e-mail", "E-Mail-Adresse", "emailAddress"})
    EXPECT_EQ(field_of(h), Field::Email) << h;
}

TEST(Aliases, NameVariants) {
  for (const char* h : {"First Name", "first_name", "firstName", "FIRSTNAME", "First", "Given Name", "Forename",
                        "Vorname", "Prénom", "Nombre", "fname"})
    EXPECT_EQ(field_of(h), Field::FirstName) << h;
  for (const char* h : {"Last Name", "last_name", "lastName", "Surname", "Family Name", "Nachname", "Nom",
                        "Apellido", "Apellidos", "lname"})
    EXPECT_EQ(field_of(h), Field::LastName) << h;
  for (const char* h : {"Full Name", "fullName", "Name", "Contact Name", "Contact", "Nom complet"})
    EXPECT_EQ(field_of(h), Field::FullName) << h;
}

TEST(Aliases, LinkedinVariants) {
  for (const char* h : {"LinkedIn", "LinkedIn URL", "Linkedin Url", "LinkedIn Profile", "LinkedIn Profile URL",
                        "Person Linkedin Url", "linkedinProfileUrl", "linkedInProfileUrl", "profileUrl",
                        "defaultProfileUrl", "linkedin_url", "Profile"})
    EXPECT_EQ(field_of(h), Field::LinkedinUrl) << h;
}

TEST(Aliases, CompanyVariants) {
  for (const char* h : {"Company", "Company Name", "companyName", "Organization", "Organisation", "Employer",
                        "Account", "Account Name", "Firma", "Société", "Empresa", "Unternehmen", "Entreprise",
                        "Company Name for Emails", "Associated Company"})
    EXPECT_EQ(field_of(h), Field::CompanyName) << h;
  for (const char* h : {"Website", "Website URL", "Company Website", "companyWebsite", "Company Domain", "Domain",
                        "Company URL", "companyUrl", "Web Page", "Homepage", "Webseite", "Site web", "Sitio web",
                        "Website 1 - Value"})
    EXPECT_EQ(field_of(h), Field::CompanyWebsite) << h;
}

TEST(Aliases, UnknownHeadersAreIgnoredWithNote) {
  auto m = pe::map_columns({"Title", "Phone", "City", "Industry", "Apollo Contact Id"});
  for (const ColumnMap& c : m) {
    EXPECT_EQ(c.field, Field::Ignore) << c.header;
    EXPECT_EQ(c.note, kNotUsed) << c.header;
    EXPECT_FALSE(c.overridden);
  }
}

TEST(Aliases, MappedColumnsHaveNoNoteAndKeepHeaderText) {
  auto m = pe::map_columns({" E-mail Address ", "Vorname"});
  EXPECT_EQ(m[0].header, " E-mail Address ");
  EXPECT_EQ(m[0].field, Field::Email);
  EXPECT_EQ(m[0].note, "");
  EXPECT_EQ(m[1].header, "Vorname");
  EXPECT_EQ(m[1].note, "");
}

TEST(Aliases, EmptyHeaders) {
  auto m = pe::map_columns({"", "Email", "  "});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_EQ(m[0].note, "the column has no header");
  EXPECT_EQ(m[1].field, Field::Email);
  EXPECT_EQ(m[2].field, Field::Ignore);
  EXPECT_TRUE(pe::map_columns({}).empty());
}

// ------------------------------------------------------------------ status columns are never email

TEST(StatusColumns, AreNeverEmail) {
  for (const char* h : {"Email Status", "Email Confidence", "Email Verified", "Email Bounced", "Email Opt Out",
                        "Email Verification Status", "Primary Email Source", "Primary Email Catch-all Status",
                        "Primary Email Last Verified At", "Email Sent", "Email Open", "Email Domain",
                        "Marketing emails opened", "Unsubscribed from all email", "E-mail 1 - Type",
                        "Email Bounced Reason", "Email Validity", "Email Score"}) {
    auto m = pe::map_columns({h});
    EXPECT_EQ(m[0].field, Field::Ignore) << h;
    EXPECT_EQ(m[0].note, kStatus) << h;
  }
}

TEST(StatusColumns, DoNotStealFromTheRealEmailColumn) {
  EXPECT_EQ(mapped({"Email Status", "Email", "Email Verified"}),
            (std::vector<std::string>{"ignore", "email", "ignore"}));
}

TEST(StatusColumns, MailingAddressIsNotEmail) {
  auto m = pe::map_columns({"Mailing Street", "Mailing City", "Mailchimp Tags"});
  for (const ColumnMap& c : m) {
    EXPECT_EQ(c.field, Field::Ignore) << c.header;
    EXPECT_EQ(c.note, kNotUsed) << c.header;
  }
}

TEST(StatusColumns, OwnerOrSenderAddressIsNotTheProspect) {
  auto m = pe::map_columns({"Owner Email", "Sender email", "Contact Owner Email"});
  for (const ColumnMap& c : m) {
    EXPECT_EQ(c.field, Field::Ignore) << c.header;
    EXPECT_EQ(c.note, "the owner's or sender's address, not the prospect's") << c.header;
  }
}

// ------------------------------------------------------------------ fallback

TEST(Fallback, LooseEmailHeaderWhenNoAlias) {
  EXPECT_EQ(mapped({"Name", "Contact e-mail (work)", "Company"}),
            (std::vector<std::string>{"full_name", "email", "company_name"}));
  EXPECT_EQ(mapped({"Prospect's E-Mail Addr."}), (std::vector<std::string>{"email"}));
  EXPECT_EQ(mapped({"Email of the lead"}), (std::vector<std::string>{"email"}));
}

TEST(Fallback, LooseEmailLosesToAnAlias) {
  auto m = pe::map_columns({"Email of the lead", "Email"});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_EQ(m[0].note, "another possible email column; column 2 (“Email”) is used");
  EXPECT_EQ(m[1].field, Field::Email);
}

TEST(Fallback, StatusLikeHeadersAreNotFallbacks) {
  EXPECT_EQ(mapped({"Name", "Email Status", "Email Verification Result"}),
            (std::vector<std::string>{"full_name", "ignore", "ignore"}));
}

TEST(Fallback, OtherLooseMatches) {
  EXPECT_EQ(mapped({"Prospect LinkedIn Profile Link", "Contact First Name (required)", "Lead Last Name*",
                    "Current Company Name (2024)", "Company Website Address"}),
            (std::vector<std::string>{"linkedin_url", "first_name", "last_name", "company_name", "company_website"}));
  EXPECT_EQ(mapped({"LinkedIn Connections", "LinkedIn Bio", "LinkedIn Headline"}),
            (std::vector<std::string>{"ignore", "ignore", "ignore"}));
  EXPECT_EQ(mapped({"Account Owner First Name"}), (std::vector<std::string>{"ignore"}));
}

// ------------------------------------------------------------------ LinkedIn rules

TEST(LinkedinRules, CompanyLinkedinIsIgnoredWithNote) {
  auto m = pe::map_columns({"Company Linkedin Url", "Person Linkedin Url"});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_EQ(m[0].note, "the company's LinkedIn page; the API takes the person's profile");
  EXPECT_EQ(m[1].field, Field::LinkedinUrl);
}

TEST(LinkedinRules, CompanyLinkedinAloneIsStillIgnored) {
  for (const char* h : {"Company Linkedin Url", "LinkedIn Company Page", "Organization LinkedIn", "Account LinkedIn URL"}) {
    auto m = pe::map_columns({"Email", h});
    EXPECT_EQ(m[1].field, Field::Ignore) << h;
    EXPECT_EQ(m[1].note, "the company's LinkedIn page; the API takes the person's profile") << h;
  }
}

TEST(LinkedinRules, SalesNavigatorColumnsAreIgnored) {
  auto m = pe::map_columns({"Sales Navigator URL", "salesNavigatorProfileUrl"});
  for (const ColumnMap& c : m) {
    EXPECT_EQ(c.field, Field::Ignore);
    EXPECT_EQ(c.note, "a Sales Navigator link; the API needs the public profile URL (linkedin.com/in/…)");
  }
}

TEST(LinkedinRules, PublicProfileBeatsGenericProfileUrl) {
  auto m = pe::map_columns({"profileUrl", "linkedInProfileUrl"});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_EQ(m[0].note, "a second LinkedIn profile column; column 2 (“linkedInProfileUrl”) is used");
  EXPECT_EQ(m[1].field, Field::LinkedinUrl);
  EXPECT_EQ(mapped({"profileUrl"}), (std::vector<std::string>{"linkedin_url"}));
}

// ------------------------------------------------------------------ duplicates and ranks

TEST(Duplicates, FirstColumnWinsAndLaterOnesNameIt) {
  auto m = pe::map_columns({"First Name", "Email", "E-mail", "Work Email"});
  EXPECT_EQ(m[1].field, Field::Email);
  EXPECT_EQ(m[2].field, Field::Ignore);
  EXPECT_EQ(m[2].note, "a second email column; column 2 (“Email”) is used");
  EXPECT_EQ(m[3].field, Field::Ignore);
  EXPECT_EQ(m[3].note, "a second email column; column 2 (“Email”) is used");
}

TEST(Duplicates, SameHeaderTwice) {
  auto m = pe::map_columns({"Company", "Company"});
  EXPECT_EQ(m[0].field, Field::CompanyName);
  EXPECT_EQ(m[1].field, Field::Ignore);
  EXPECT_EQ(m[1].note, "a second company name column; column 1 (“Company”) is used");
}

TEST(Duplicates, SecondaryEmailUsedOnlyWithoutPrimary) {
  auto m = pe::map_columns({"Personal Email", "Email", "Secondary Email"});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_EQ(m[0].note, "a secondary address; column 2 (“Email”) is used");
  EXPECT_EQ(m[1].field, Field::Email);
  EXPECT_EQ(m[2].field, Field::Ignore);
  EXPECT_EQ(m[2].note, "a secondary address; column 2 (“Email”) is used");

  EXPECT_EQ(mapped({"Name", "Personal Email"}), (std::vector<std::string>{"full_name", "email"}));
  EXPECT_EQ(mapped({"Tertiary Email", "Secondary Email"}), (std::vector<std::string>{"ignore", "email"}));
}

TEST(Duplicates, CompanyNameForEmailsIsWeakerThanCompany) {
  EXPECT_EQ(mapped({"Company Name for Emails", "Company"}), (std::vector<std::string>{"ignore", "company_name"}));
  EXPECT_EQ(mapped({"Company Name for Emails"}), (std::vector<std::string>{"company_name"}));
}

// ------------------------------------------------------------------ full name rule

TEST(FullNameRule, UsedWhenNoFirstOrLast) {
  EXPECT_EQ(mapped({"Full Name", "Email"}), (std::vector<std::string>{"full_name", "email"}));
  EXPECT_EQ(mapped({"Name", "Email"}), (std::vector<std::string>{"full_name", "email"}));
}

TEST(FullNameRule, IgnoredWhenFirstAndLastExist) {
  auto m = pe::map_columns({"Full Name", "First Name", "Last Name"});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_EQ(m[0].note,
            "a full name is not needed: first and last name come from column 2 (“First Name”) and column 3 (“Last "
            "Name”)");
}

TEST(FullNameRule, IgnoredWhenOnlyOneOfFirstOrLastExists) {
  auto m = pe::map_columns({"Name", "First Name"});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_EQ(m[0].note, "a full name is not needed: first and last name come from column 2 (“First Name”)");
  EXPECT_EQ(mapped({"Surname", "Name"}), (std::vector<std::string>{"last_name", "ignore"}));
}

TEST(FullNameRule, SecondFullNameColumnIsDuplicate) {
  auto m = pe::map_columns({"Name", "Full Name"});
  EXPECT_EQ(m[0].field, Field::FullName);
  EXPECT_EQ(m[1].note, "a second full name column; column 1 (“Name”) is used");
}

// ------------------------------------------------------------------ whole header rows from real tools

TEST(RealExports, Apollo) {
  const Headers h = {"First Name", "Last Name", "Title", "Company", "Company Name for Emails", "Email",
                     "Email Status", "Primary Email Source", "Email Confidence", "Primary Email Catch-all Status",
                     "Primary Email Last Verified At", "Seniority", "Departments", "Contact Owner", "First Phone",
                     "Work Direct Phone", "Mobile Phone", "Stage", "Lists", "Last Contacted", "Account Owner",
                     "# Employees", "Industry", "Keywords", "Person Linkedin Url", "Website", "Company Linkedin Url",
                     "Facebook Url", "Twitter Url", "City", "State", "Country", "Company Address", "Company Phone",
                     "Technologies", "Annual Revenue", "Email Sent", "Email Open", "Email Bounced", "Replied",
                     "Apollo Contact Id", "Apollo Account Id", "Secondary Email", "Secondary Email Source",
                     "Tertiary Email", "Tertiary Email Source"};
  auto m = pe::map_columns(h);
  ASSERT_EQ(m.size(), h.size());
  std::vector<std::string> expected(h.size(), "ignore");
  expected[0] = "first_name";
  expected[1] = "last_name";
  expected[3] = "company_name";
  expected[5] = "email";
  expected[24] = "linkedin_url";
  expected[25] = "company_website";
  EXPECT_EQ(fields(m), expected);
  EXPECT_EQ(m[4].note, "a second company name column; column 4 (“Company”) is used");
  EXPECT_EQ(m[6].note, kStatus);
  EXPECT_EQ(m[8].note, kStatus);
  EXPECT_EQ(m[10].note, kStatus);
  EXPECT_EQ(m[13].note, kNotUsed);
  EXPECT_EQ(m[26].note, "the company's LinkedIn page; the API takes the person's profile");
  EXPECT_EQ(m[36].note, kStatus);
  EXPECT_EQ(m[42].note, "a secondary address; column 6 (“Email”) is used");
  EXPECT_EQ(m[43].note, kStatus);
}

TEST(RealExports, HubSpot) {
  const Headers h = {"Record ID", "First Name", "Last Name", "Email", "Phone Number", "Contact owner", "Lead Status",
                     "Create Date", "Associated Company", "Company Name", "Website URL", "Job Title", "LinkedIn URL",
                     "Marketing emails opened", "Email hard bounce reason"};
  EXPECT_EQ(mapped(h), (std::vector<std::string>{"ignore", "first_name", "last_name", "email", "ignore", "ignore",
                                                 "ignore", "ignore", "ignore", "company_name", "company_website",
                                                 "ignore", "linkedin_url", "ignore", "ignore"}));
  auto m = pe::map_columns(h);
  EXPECT_EQ(m[8].note, "a second company name column; column 10 (“Company Name”) is used");
}

TEST(RealExports, Salesforce) {
  const Headers h = {"Contact ID", "Salutation", "First Name", "Last Name", "Title", "Account Name", "Mailing Street",
                     "Mailing City", "Phone", "Email", "Email Opt Out", "Lead Source", "LinkedIn Profile", "Website"};
  EXPECT_EQ(mapped(h), (std::vector<std::string>{"ignore", "ignore", "first_name", "last_name", "ignore",
                                                 "company_name", "ignore", "ignore", "ignore", "email", "ignore",
                                                 "ignore", "linkedin_url", "company_website"}));
}

TEST(RealExports, PhantombusterSalesNavigatorSearch) {
  const Headers h = {"profileUrl", "fullName", "firstName", "lastName", "companyName", "title", "companyId",
                     "companyUrl", "regularCompanyUrl", "summary", "linkedInProfileUrl", "vmid", "defaultProfileUrl",
                     "timestamp"};
  EXPECT_EQ(mapped(h), (std::vector<std::string>{"ignore", "ignore", "first_name", "last_name", "company_name",
                                                 "ignore", "ignore", "company_website", "ignore", "ignore",
                                                 "linkedin_url", "ignore", "ignore", "ignore"}));
}

TEST(RealExports, PhantombusterProfileScraperWithEmail) {
  const Headers h = {"linkedinProfileUrl", "firstName", "lastName", "mail", "companyName", "companyWebsite",
                     "linkedinCompanyUrl"};
  EXPECT_EQ(mapped(h), (std::vector<std::string>{"linkedin_url", "first_name", "last_name", "email", "company_name",
                                                 "company_website", "ignore"}));
}

TEST(RealExports, Evaboot) {
  const Headers h = {"First Name", "Last Name", "Full Name", "Job Title", "Email", "Email Status", "LinkedIn URL",
                     "Sales Navigator URL", "Company Name", "Company Domain", "Company Website",
                     "Company LinkedIn URL"};
  EXPECT_EQ(mapped(h), (std::vector<std::string>{"first_name", "last_name", "ignore", "ignore", "email", "ignore",
                                                 "linkedin_url", "ignore", "company_name", "company_website",
                                                 "ignore", "ignore"}));
  EXPECT_EQ(pe::map_columns(h)[10].note, "a second company website column; column 10 (“Company Domain”) is used");
}

TEST(RealExports, GoogleContacts) {
  const Headers h = {"Name", "Given Name", "Additional Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value",
                     "E-mail 2 - Value", "Organization 1 - Name", "Website 1 - Value"};
  EXPECT_EQ(mapped(h), (std::vector<std::string>{"ignore", "first_name", "ignore", "last_name", "ignore", "email",
                                                 "ignore", "company_name", "company_website"}));
}

TEST(RealExports, OutlookContacts) {
  const Headers h = {"First Name", "Middle Name", "Last Name", "E-mail Address", "E-mail Display Name",
                     "E-mail 2 Address", "Company", "Web Page"};
  EXPECT_EQ(mapped(h), (std::vector<std::string>{"first_name", "ignore", "last_name", "email", "ignore", "ignore",
                                                 "company_name", "company_website"}));
}

TEST(RealExports, AdHocSpreadsheets) {
  EXPECT_EQ(mapped({"Name", "E-mail Address", "Organization", "Website URL"}),
            (std::vector<std::string>{"full_name", "email", "company_name", "company_website"}));
  EXPECT_EQ(mapped({"Contact", "Business Email", "Employer", "Domain"}),
            (std::vector<std::string>{"full_name", "email", "company_name", "company_website"}));
  EXPECT_EQ(mapped({"Forename", "Family Name", "Work Email", "Organisation", "Company URL", "LinkedIn"}),
            (std::vector<std::string>{"first_name", "last_name", "email", "company_name", "company_website",
                                      "linkedin_url"}));
  EXPECT_EQ(mapped({"email", "first_name", "last_name", "linkedin_url", "company_name", "company_website"}),
            (std::vector<std::string>{"email", "first_name", "last_name", "linkedin_url", "company_name",
                                      "company_website"}));
}

TEST(RealExports, Localised) {
  EXPECT_EQ(mapped({"Vorname", "Nachname", "Firma", "E-Mail-Adresse", "Webseite"}),
            (std::vector<std::string>{"first_name", "last_name", "company_name", "email", "company_website"}));
  EXPECT_EQ(mapped({"Prénom", "Nom", "Société", "Courriel", "Site web"}),
            (std::vector<std::string>{"first_name", "last_name", "company_name", "email", "company_website"}));
  EXPECT_EQ(mapped({"Nombre", "Apellido", "Empresa", "Correo electrónico", "Sitio web"}),
            (std::vector<std::string>{"first_name", "last_name", "company_name", "email", "company_website"}));
}

// ------------------------------------------------------------------ overrides

TEST(Overrides, ByHeaderTextWinOverDetection) {
  auto m = pe::map_columns({"Title", "Email"}, {{"Title", Field::CompanyName}});
  EXPECT_EQ(m[0].field, Field::CompanyName);
  EXPECT_TRUE(m[0].overridden);
  EXPECT_EQ(m[0].note, "");
  EXPECT_EQ(m[1].field, Field::Email);
  EXPECT_FALSE(m[1].overridden);
}

TEST(Overrides, TakeTheFieldAwayFromTheDetectedColumn) {
  auto m = pe::map_columns({"Email", "Personal Email"}, {{"Personal Email", Field::Email}});
  EXPECT_EQ(m[0].field, Field::Ignore);
  EXPECT_FALSE(m[0].overridden);
  EXPECT_EQ(m[0].note, "you chose column 2 (“Personal Email”) for email");
  EXPECT_EQ(m[1].field, Field::Email);
  EXPECT_TRUE(m[1].overridden);
}

TEST(Overrides, ByColumnNumberForDuplicateHeaders) {
  auto m = pe::map_columns({"Email", "Email", "Name"}, {{"#2", Field::Email}});
  EXPECT_EQ(fields(m), (std::vector<std::string>{"ignore", "email", "full_name"}));
  EXPECT_EQ(m[0].note, "you chose column 2 (“Email”) for email");
  EXPECT_TRUE(m[1].overridden);
}

TEST(Overrides, IgnoreLetsTheNextCandidateTakeTheField) {
  auto m = pe::map_columns({"Email", "Work Email", "Name"}, {{"Email", Field::Ignore}});
  EXPECT_EQ(fields(m), (std::vector<std::string>{"ignore", "email", "full_name"}));
  EXPECT_TRUE(m[0].overridden);
  EXPECT_EQ(m[0].note, "ignored by your choice");
  EXPECT_FALSE(m[1].overridden);
}

TEST(Overrides, FullNameChosenByUserOverFirstAndLast) {
  auto m = pe::map_columns({"Email", "Name", "First", "Last"}, {{"Name", Field::FullName}});
  EXPECT_EQ(fields(m), (std::vector<std::string>{"email", "full_name", "ignore", "ignore"}));
  EXPECT_EQ(m[2].note, "you chose column 2 (“Name”) for full name");
}

TEST(Overrides, LaterOverrideOfTheSameFieldWins) {
  auto m = pe::map_columns({"A", "B", "C"}, {{"A", Field::Email}, {"B", Field::Email}});
  EXPECT_EQ(fields(m), (std::vector<std::string>{"ignore", "email", "ignore"}));
  EXPECT_TRUE(m[0].overridden);
  EXPECT_EQ(m[0].note, "you chose column 2 (“B”) for email");
  EXPECT_EQ(m[2].note, kNotUsed);
}

TEST(Overrides, LaterOverrideOfTheSameColumnWins) {
  auto m = pe::map_columns({"A", "Email"}, {{"A", Field::Email}, {"A", Field::CompanyName}});
  EXPECT_EQ(fields(m), (std::vector<std::string>{"company_name", "email"}));
}

TEST(Overrides, UnknownKeysAndBadNumbersAreSkipped) {
  const Headers h = {"Email", "Name"};
  for (const char* key : {"Nope", "#0", "#3", "#", "#x", "#99999999999999999999", ""}) {
    auto m = pe::map_columns(h, {{key, Field::LastName}});
    EXPECT_EQ(fields(m), (std::vector<std::string>{"email", "full_name"})) << key;
    EXPECT_FALSE(m[0].overridden || m[1].overridden) << key;
  }
}

TEST(Overrides, HeaderMatchIsExactFirstThenSpacingTolerant) {
  auto m = pe::map_columns({"Work  Email ", "Work Email"}, {{"Work Email", Field::Ignore}});
  EXPECT_EQ(fields(m), (std::vector<std::string>{"email", "ignore"}));
  EXPECT_TRUE(m[1].overridden);
  auto n = pe::map_columns({"Col  A", "Email"}, {{"Col A", Field::CompanyName}});
  EXPECT_EQ(fields(n), (std::vector<std::string>{"company_name", "email"}));
}

TEST(Overrides, MakeAnEmaillessFileUsable) {
  auto m = pe::map_columns({"Contact", "Addr"}, {{"#2", Field::Email}});
  EXPECT_EQ(fields(m), (std::vector<std::string>{"full_name", "email"}));
}

// ------------------------------------------------------------------ robustness

TEST(MappingRobustness, ManyColumnsAndJunkHeaders) {
  Headers h;
  for (int i = 0; i < 4096; ++i) h.push_back(i % 7 == 0 ? "Email" : "col\xFF" + std::to_string(i));
  h.push_back(std::string(1 << 20, 'e'));
  auto m = pe::map_columns(h);
  ASSERT_EQ(m.size(), h.size());
  EXPECT_EQ(m[0].field, Field::Email);
  int emails = 0;
  for (const ColumnMap& c : m) emails += c.field == Field::Email;
  EXPECT_EQ(emails, 1);
  EXPECT_EQ(m[7].note, "a second email column; column 1 (“Email”) is used");
}

TEST(Overrides, OverrideColumnTellsWhichColumnAKeyMatches) {
  const Headers h = {"Work  Email ", "Work Email", "Col  A", ""};
  EXPECT_EQ(pe::override_column(h, "Work Email"), 1);   // exact text first
  EXPECT_EQ(pe::override_column(h, "Work  Email "), 0);
  EXPECT_EQ(pe::override_column(h, "Col A"), 2);        // then spacing-tolerant
  EXPECT_EQ(pe::override_column(h, " Col   A"), 2);
  EXPECT_EQ(pe::override_column(h, "#4"), 3);           // then the 1-based column number
  EXPECT_EQ(pe::override_column(h, ""), 3);             // an empty header has an empty name
  for (const char* key : {"Nope", "work email", "#0", "#5", "#", "#x", "#99999999999999999999"})
    EXPECT_EQ(pe::override_column(h, key), -1) << key;
  EXPECT_EQ(pe::override_column({}, "#1"), -1);
  EXPECT_EQ(pe::override_column({"Email", "Name"}, ""), -1);
}
