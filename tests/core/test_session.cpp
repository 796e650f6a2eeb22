// The page's session (session.hpp) and the JSON the page reads of it: the core's one snake_case
// form (json_forms.hpp), which the module hands to the page as it is. The expected strings below
// are the exact answers the page reads (one export taken through load, the row filters, the problem
// groups, the batch plan, an edit, a remap, the report and the cleaned CSV, two loads that fail, and
// decide() and parseStatus() for a set of HTTP results): any change to a key, a value or an order
// here is a change the page sees (web/js/*.js and web/worker.js read these keys).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <string>

#include "json_forms.hpp"
#include "requests.hpp"
#include "session.hpp"

namespace {

// Valid rows, a warning per kind of field, an invalid email, a duplicate (by case), a quoted value,
// a blank line, a ragged row and an international domain; batches of 2.
const char* const kExport =
    "Work Email,First Name,Last Name,Company,Website,LinkedIn,Email Status,Notes\n"
    "ada@acme.com,Ada,Lovelace,Acme,acme.com/about,linkedin.com/in/ada,valid,x\n"
    "bob@gmial.com,Bob,,Beta,https://beta.io,,valid,\n"
    "not-an-email,Cy,Z,Gamma,gamma.com,,invalid,\n"
    "ADA@acme.com,Ada,L,Acme,acme.com,,valid,\n"
    "\"Dee <dee@delta.com>\",Dee,D,Delta,delta.com,linkedin.com/company/delta,valid,\"a \"\"quoted\"\" value\"\n"
    "\n"
    "eve@\xC3\xA9psilon.com,Eve,E,Eps,\xC3\xA9psilon.com,,valid,extra,field\n";

const char* const kRemap =
    R"([{"header":"Nope","field":"email"},{"header":"Website","field":"ignore"},{"header":"#8","field":"company_name"}])";
const char* const kOutcomes =
    R"([{"index":0,"state":"sent","uuid":"u-1","queue_status":"ENQUEUED","message":"m0"},)"
    R"({"index":1,"state":"partial","uuid":"u-2","queue_status":"PARTIALLY_ENQUEUED","message":"m1"},)"
    R"({"index":2,"state":"unconfirmed","message":"m2"}])";
const char* const kOutcomes2 =
    R"([{"index":0,"state":"failed","message":"boom"},{"index":1,"state":"not_sent","message":"x"},{"index":2,"state":"waiting"}])";

// The first records of kExport as a state shows them (the header's choice; Document::previews).
#define K_PREVIEWS \
    R"J(,"title_records":0,"previews":[{"line":1,"text":"Work Email, First Name, Last Name, Company, Website, LinkedIn, Email Status, Notes"},)J" \
    R"J({"line":2,"text":"ada@acme.com, Ada, Lovelace, Acme, acme.com/about, linkedin.com/in/ada, valid, x"},)J" \
    R"J({"line":3,"text":"bob@gmial.com, Bob, , Beta, https://beta.io, , valid, "},{"line":4,"text":"not-an-email, Cy, Z, Gamma, gamma.com, , invalid, "},)J" \
    R"J({"line":5,"text":"ADA@acme.com, Ada, L, Acme, acme.com, , valid, "},)J" \
    R"J({"line":6,"text":"Dee <dee@delta.com>, Dee, D, Delta, delta.com, linkedin.com/company/delta, valid, a \"quoted\" value"},)J" \
    R"J({"line":8,"text":"eve@épsilon.com, Eve, E, Eps, épsilon.com, , valid, extra, field"}]})J"

const char* const k_load =
    R"J({"ok":true,"error":"","encoding":"utf-8","delimiter":",","delimiter_name":"comma","delimiter_detected":true,)J"
    R"J("columns":[{"header":"Work Email","field":"email"},{"header":"First Name","field":"first_name"},)J"
    R"J({"header":"Last Name","field":"last_name"},{"header":"Company","field":"company_name"},{"header":"Website",)J"
    R"J("field":"company_website"},{"header":"LinkedIn","field":"linkedin_url"},{"header":"Email Status","field":null,)J"
    R"J("note":"a status column, not an address"},{"header":"Notes","field":null,"note":"not a field the API uses"}],)J"
    R"J("file_findings":[],"summary":{"rows":6,"valid":4,"invalid":1,"duplicates":1,"rows_with_warnings":4,)J"
    R"J("blank_lines":1,"errors":2,"warnings":7,"batches":2,"batch_size":2,"credits_max":6.0},"fingerprint":"78fd2bc9370b501d87e2ac71c534ea69")J"
    K_PREVIEWS;

const char* const k_rows_all =
    R"J({"total":6,"rows":[{"index":0,"row":1,"line":2,"status":"valid","cells":["ada@acme.com","Ada","Lovelace","Acme",)J"
    R"J("acme.com/about","linkedin.com/in/ada","valid","x"],"findings":[{"row":1,"line":2,"field":"company_website",)J"
    R"J("severity":"warning","code":"website_path_dropped","message":"The path “/about” was dropped; the API takes the)J"
    R"J( site's address only: https://acme.com."}],"sent":[{"col":4,"field":"company_website",)J"
    R"J("value":"https://acme.com"}]},{"index":1,"row":2,"line":3,"status":"valid",)J"
    R"J("cells":["bob@gmial.com","Bob","","Beta","https://beta.io","","valid",""],"findings":[{"row":2,"line":3,)J"
    R"J("field":"email","severity":"warning","code":"email_domain_typo",)J"
    R"J("message":"“bob@gmial.com”: did you mean “bob@gmail.com”? The address is kept as written; correct it if it is a)J"
    R"J( typo."},{"row":2,"line":3,"field":null,"severity":"warning","code":"enrichment_signals_missing",)J"
    R"J("message":"No LinkedIn profile and no last_name: enrichment usually needs linkedin_url,)J"
    R"J( or first_name and last_name with company_website. The row is sent, but may not be enriched."}]},{"index":2,)J"
    R"J("row":3,"line":4,"status":"invalid","cells":["not-an-email","Cy","Z","Gamma","gamma.com","","invalid",""],)J"
    R"J("findings":[{"row":3,"line":4,"field":"email","severity":"error","code":"email_invalid",)J"
    R"J("message":"“not-an-email” has no @ sign; an email looks like name@company.com."}]},{"index":3,"row":4,"line":5,)J"
    R"J("status":"duplicate","duplicate_of":1,"cells":["ADA@acme.com","Ada","L","Acme","acme.com","","valid",""],)J"
    R"J("findings":[{"row":4,"line":5,"field":"email","severity":"error","code":"duplicate_email",)J"
    R"J("message":"Duplicate of row 1 (line 2), same email ada@acme.com. Only the first is sent."}]},{"index":4,"row":5,)J"
    R"J("line":6,"status":"valid","cells":["Dee <dee@delta.com>","Dee","D","Delta","delta.com",)J"
    R"J("linkedin.com/company/delta","valid","a \"quoted\" value"],"findings":[{"row":5,"line":6,"field":"email",)J"
    R"J("severity":"warning","code":"email_unwrapped","message":"“Dee <dee@delta.com>” was reduced to the address)J"
    R"J( “dee@delta.com”."},{"row":5,"line":6,"field":"linkedin_url","severity":"warning",)J"
    R"J("code":"linkedin_company_page","message":"“linkedin.com/company/delta” is a company page,)J"
    R"J( not a person's profile; use the prospect's own profile (linkedin.com/in/…). The field is left out."}],)J"
    R"J("sent":[{"col":0,"field":"email","value":"dee@delta.com"},{"col":5,"field":"linkedin_url","value":""}]},)J"
    R"J({"index":5,"row":6,"line":8,"status":"valid","cells":["eve@épsilon.com","Eve","E","Eps","épsilon.com","",)J"
    R"J("valid","extra"],"findings":[{"row":6,"line":8,"field":null,"severity":"warning","code":"csv_ragged_row",)J"
    R"J("message":"Expected 8 fields (the header has 8 columns), got 9. Values in this row may be in the wrong columns:)J"
    R"J( check for a value that contains the delimiter but is not in quotes."},{"row":6,"line":8,"field":"email",)J"
    R"J("severity":"warning","code":"email_idn_converted","message":"The international domain in “eve@épsilon.com” was)J"
    R"J( converted for sending: “eve@xn--psilon-9ua.com”."}],"sent":[{"col":0,"field":"email",)J"
    R"J("value":"eve@xn--psilon-9ua.com"},{"col":4,"field":"company_website","value":"https://xn--psilon-9ua.com"}]}]})J";

const char* const k_rows_errors =
    R"J({"total":2,"rows":[{"index":2,"row":3,"line":4,"status":"invalid","cells":["not-an-email","Cy","Z","Gamma",)J"
    R"J("gamma.com","","invalid",""],"findings":[{"row":3,"line":4,"field":"email","severity":"error",)J"
    R"J("code":"email_invalid","message":"“not-an-email” has no @ sign; an email looks like name@company.com."}]},)J"
    R"J({"index":3,"row":4,"line":5,"status":"duplicate","duplicate_of":1,"cells":["ADA@acme.com","Ada","L","Acme",)J"
    R"J("acme.com","","valid",""],"findings":[{"row":4,"line":5,"field":"email","severity":"error",)J"
    R"J("code":"duplicate_email","message":"Duplicate of row 1 (line 2),)J"
    R"J( same email ada@acme.com. Only the first is sent."}]}]})J";

const char* const k_rows_warnings_1_1 =
    R"J({"total":4,"rows":[{"index":1,"row":2,"line":3,"status":"valid","cells":["bob@gmial.com","Bob","","Beta",)J"
    R"J("https://beta.io","","valid",""],"findings":[{"row":2,"line":3,"field":"email","severity":"warning",)J"
    R"J("code":"email_domain_typo","message":"“bob@gmial.com”: did you mean “bob@gmail.com”? The address is kept as)J"
    R"J( written; correct it if it is a typo."},{"row":2,"line":3,"field":null,"severity":"warning",)J"
    R"J("code":"enrichment_signals_missing","message":"No LinkedIn profile and no last_name: enrichment usually needs)J"
    R"J( linkedin_url, or first_name and last_name with company_website. The row is sent, but may not be enriched."}]}]})J";

const char* const k_problems =
    R"J([{"code":"email_invalid","severity":"error","field":"email","count":1,"rows":[3],"message":"“not-an-)J"
    R"J(email” has no @ sign; an email looks like name@company.com.","meaning":"The email is not a valid add)J"
    R"J(ress (the message says what is wrong).","examples":["“not-an-email” has no @ sign; an email looks li)J"
    R"J(ke name@company.com."]},{"code":"duplicate_email","severity":"error","field":"email","count":1,"rows)J"
    R"J(":[4],"message":"Duplicate of row 1 (line 2), same email ada@acme.com. Only the first is sent.","mea)J"
    R"J(ning":"The email repeats that of an earlier row; only the first is sent.","examples":["Duplicate of )J"
    R"J(row 1 (line 2), same email ada@acme.com. Only the first is sent."]},{"code":"website_path_dropped",")J"
    R"J(severity":"warning","field":"company_website","count":1,"rows":[1],"message":"The path “/about” was )J"
    R"J(dropped; the API takes the site's address only: https://acme.com.","meaning":"The website's path was)J"
    R"J( dropped; the API takes the site's address only.","examples":["The path “/about” was dropped; the AP)J"
    R"J(I takes the site's address only: https://acme.com."]},{"code":"email_domain_typo","severity":"warnin)J"
    R"J(g","field":"email","count":1,"rows":[2],"message":"“bob@gmial.com”: did you mean “bob@gmail.com”? Th)J"
    R"J(e address is kept as written; correct it if it is a typo.","meaning":"The email's domain looks like )J"
    R"J(a misspelling (gmial.com, .con); it is kept as written.","examples":["“bob@gmial.com”: did you mean )J"
    R"J(“bob@gmail.com”? The address is kept as written; correct it if it is a typo."]},{"code":"enrichment_)J"
    R"J(signals_missing","severity":"warning","field":null,"count":1,"rows":[2],"message":"No LinkedIn profi)J"
    R"J(le and no last_name: enrichment usually needs linkedin_url, or first_name and last_name with company)J"
    R"J(_website. The row is sent, but may not be enriched.","meaning":"A row has no LinkedIn profile and la)J"
    R"J(cks a first name, last name or company website; it may not be enriched.","examples":["No LinkedIn pr)J"
    R"J(ofile and no last_name: enrichment usually needs linkedin_url, or first_name and last_name with comp)J"
    R"J(any_website. The row is sent, but may not be enriched."]},{"code":"email_unwrapped","severity":"warn)J"
    R"J(ing","field":"email","count":1,"rows":[5],"message":"“Dee <dee@delta.com>” was reduced to the addres)J"
    R"J(s “dee@delta.com”.","meaning":"\"Name <address>\" or \"mailto:\" was reduced to the address.","examp)J"
    R"J(les":["“Dee <dee@delta.com>” was reduced to the address “dee@delta.com”."]},{"code":"linkedin_compan)J"
    R"J(y_page","severity":"warning","field":"linkedin_url","count":1,"rows":[5],"message":"“linkedin.com/co)J"
    R"J(mpany/delta” is a company page, not a person's profile; use the prospect's own profile (linkedin.com)J"
    R"J(/in/…). The field is left out.","meaning":"The LinkedIn value is a company or school page; the field)J"
    R"J( is left out.","examples":["“linkedin.com/company/delta” is a company page, not a person's profile; )J"
    R"J(use the prospect's own profile (linkedin.com/in/…). The field is left out."]},{"code":"csv_ragged_ro)J"
    R"J(w","severity":"warning","field":null,"count":1,"rows":[6],"message":"Expected 8 fields (the header h)J"
    R"J(as 8 columns), got 9. Values in this row may be in the wrong columns: check for a value that contain)J"
    R"J(s the delimiter but is not in quotes.","meaning":"A row has more or fewer fields than the header.",")J"
    R"J(examples":["Expected 8 fields (the header has 8 columns), got 9. Values in this row may be in the wr)J"
    R"J(ong columns: check for a value that contains the delimiter but is not in quotes."]},{"code":"email_i)J"
    R"J(dn_converted","severity":"warning","field":"email","count":1,"rows":[6],"message":"The international)J"
    R"J( domain in “eve@épsilon.com” was converted for sending: “eve@xn--psilon-9ua.com”.","meaning":"An int)J"
    R"J(ernational domain (or variant characters) was converted to its ASCII form for sending.","examples":[)J"
    R"J("The international domain in “eve@épsilon.com” was converted for sending: “eve@xn--psilon-9ua.com”.")J"
    R"J(]}])J";

const char* const k_plan =
    R"J([{"index":0,"count":2,"first_row":1,"last_row":2},{"index":1,"count":2,"first_row":5,"last_row":6}])J";

const char* const k_plan_emails =
    R"J([{"index":0,"count":2,"first_row":1,"last_row":2,"key":"9b2c453d338a77ec-2","emails":["ada@acme.com",)J"
    R"J("bob@gmial.com"],"hashes":"21b7ade15b2550eceb5722469ed750f9"},{"index":1,"count":2,"first_row":5,"last_row":6,)J"
    R"J("key":"82d4c61d63048c02-2","emails":["dee@delta.com","eve@xn--psilon-9ua.com"],)J"
    R"J("hashes":"ba20be09ae15e89feb5adc79eec7225b"}])J";

const char* const k_batch_rows_1 =
    R"J([{"row":5,"line":6},{"row":6,"line":8}])J";

const char* const k_body_0 =
    R"J({"prospects":[{"email":"ada@acme.com","first_name":"Ada","last_name":"Lovelace",)J"
    R"J("linkedin_url":"https://www.linkedin.com/in/ada","company_name":"Acme","company_website":"https://acme.com"},)J"
    R"J({"email":"bob@gmial.com","first_name":"Bob","company_name":"Beta","company_website":"https://beta.io"}]})J";

const char* const k_set_cell =
    R"J({"row":{"index":2,"row":3,"line":4,"status":"valid","cells":["cy@gamma.com","Cy","Z","Gamma","gamma.com","",)J"
    R"J("invalid",""],"findings":[]},"summary":{"rows":6,"valid":5,"invalid":0,"duplicates":1,"rows_with_warnings":4,)J"
    R"J("blank_lines":1,"errors":1,"warnings":7,"batches":3,"batch_size":2,"credits_max":7.5}})J";

const char* const k_bad_cell =
    R"J({"ok":false,"error":"That cell does not exist."})J";

const char* const k_remap =
    R"J({"ok":true,"error":"","encoding":"utf-8","delimiter":",","delimiter_name":"comma","delimiter_detected":true,)J"
    R"J("columns":[{"header":"Work Email","field":"email"},{"header":"First Name","field":"first_name"},)J"
    R"J({"header":"Last Name","field":"last_name"},{"header":"Company","field":null,)J"
    R"J("note":"you chose column 8 (“Notes”) for company name"},{"header":"Website","field":null,"overridden":true,)J"
    R"J("note":"ignored by your choice"},{"header":"LinkedIn","field":"linkedin_url"},{"header":"Email Status",)J"
    R"J("field":null,"note":"a status column, not an address"},{"header":"Notes","field":"company_name",)J"
    R"J("overridden":true}],"file_findings":[{"row":null,"line":null,"field":null,"severity":"warning",)J"
    R"J("code":"mapping_unknown_column","message":"No column matches “Nope” (mapped to email),)J"
    R"J( so that choice was not applied. Headers seen: “Work Email”, “First Name”, “Last Name”, “Company”, “Website”,)J"
    R"J( “LinkedIn”, “Email Status”, “Notes”. Use one of these header names exactly,)J"
    R"J( or #N for the N-th column (1 to 8)."}],"summary":{"rows":6,"valid":5,"invalid":0,"duplicates":1,)J"
    R"J("rows_with_warnings":5,"blank_lines":1,"errors":1,"warnings":10,"batches":3,"batch_size":2,"credits_max":7.5},"fingerprint":"78fd2bc9370b501d87e2ac71c534ea69")J"
    K_PREVIEWS;

const char* const k_report =
      "row,line,email,status,outcome,details\r\n"
      "1,2,ada@acme.com,valid,sent in batch u-1 (ENQUEUED),\r\n"
      "2,3,bob@gmial.com,valid,sent in batch u-1 (ENQUEUED),\"warning email: “bob@gmial.com”: did you mean “bob@gmail.com”? The address is kept as written; correct it if it is a typo.; warning No LinkedIn profile and no last_name,"
      " company_website: enrichment usually needs linkedin_url, or first_name and last_name with company_website. The row is sent,"
      " but may not be enriched.\"\r\n"
      "3,4,cy@gamma.com,valid,partly queued: m1,\"warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.\"\r\n"
      "4,5,ADA@acme.com,duplicate,duplicate of row 1,\"warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.; error email: Duplicate of row 1 (line 2),"
      " same email ada@acme.com. Only the first is sent.\"\r\n"
      "5,6,dee@delta.com,valid,partly queued: m1,\"warning email: “Dee <dee@delta.com>” was reduced to the address “dee@delta.com”.; warning linkedin_url: “linkedin.com/company/delta” is a company page,"
      " not a person's profile; use the prospect's own profile (linkedin.com/in/…). The field is left out.; warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.\"\r\n"
      ",7,,blank,\"blank line, skipped\",\r\n"  // the blank line, in file order
      "6,8,eve@xn--psilon-9ua.com,valid,unconfirmed: m2,\"warning Expected 8 fields (the header has 8 columns),"
      " got 9. Values in this row may be in the wrong columns: check for a value that contains the delimiter but is not in quotes.; warning email: The international domain in “eve@épsilon.com” was converted for sending: “eve@xn--psilon-9ua.com”.; warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.\"\r\n";

const char* const k_report2 =
      "row,line,email,status,outcome,details\r\n"
      "1,2,ada@acme.com,valid,failed: boom,\r\n"
      "2,3,bob@gmial.com,valid,failed: boom,\"warning email: “bob@gmial.com”: did you mean “bob@gmail.com”? The address is kept as written; correct it if it is a typo.; warning No LinkedIn profile and no last_name,"
      " company_website: enrichment usually needs linkedin_url, or first_name and last_name with company_website. The row is sent,"
      " but may not be enriched.\"\r\n"
      "3,4,cy@gamma.com,valid,not sent,\"warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.\"\r\n"
      "4,5,ADA@acme.com,duplicate,duplicate of row 1,\"warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.; error email: Duplicate of row 1 (line 2),"
      " same email ada@acme.com. Only the first is sent.\"\r\n"
      "5,6,dee@delta.com,valid,not sent,\"warning email: “Dee <dee@delta.com>” was reduced to the address “dee@delta.com”.; warning linkedin_url: “linkedin.com/company/delta” is a company page,"
      " not a person's profile; use the prospect's own profile (linkedin.com/in/…). The field is left out.; warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.\"\r\n"
      ",7,,blank,\"blank line, skipped\",\r\n"  // the blank line, in file order
      "6,8,eve@xn--psilon-9ua.com,valid,not sent,\"warning Expected 8 fields (the header has 8 columns), got 9. Values in this row may be in the wrong columns: check for a value that contains the delimiter but is not in quotes.; warning email: The international domain in “eve@épsilon.com” was converted for sending: “eve@xn--psilon-9ua.com”.; warning No LinkedIn profile and no company_website: enrichment usually needs linkedin_url,"
      " or first_name and last_name with company_website. The row is sent, but may not be enriched.\"\r\n";

const char* const k_cleaned =
      "email,first_name,last_name,linkedin_url,company_name,company_website\r\n"
      "ada@acme.com,Ada,Lovelace,https://www.linkedin.com/in/ada,x,\r\n"
      "bob@gmial.com,Bob,,,,\r\n"
      "cy@gamma.com,Cy,Z,,,\r\n"
      "dee@delta.com,Dee,D,,\"a \"\"quoted\"\" value\",\r\n"
      "eve@xn--psilon-9ua.com,Eve,E,,extra,\r\n";

const char* const k_state_with_error =
    R"J({"ok":false,"error":"Oops.","encoding":"utf-8","delimiter":",","delimiter_name":"comma",)J"
    R"J("delimiter_detected":true,"columns":[{"header":"Work Email","field":"email"},{"header":"First Name",)J"
    R"J("field":"first_name"},{"header":"Last Name","field":"last_name"},{"header":"Company","field":null,)J"
    R"J("note":"you chose column 8 (“Notes”) for company name"},{"header":"Website","field":null,"overridden":true,)J"
    R"J("note":"ignored by your choice"},{"header":"LinkedIn","field":"linkedin_url"},{"header":"Email Status",)J"
    R"J("field":null,"note":"a status column, not an address"},{"header":"Notes","field":"company_name",)J"
    R"J("overridden":true}],"file_findings":[{"row":null,"line":null,"field":null,"severity":"warning",)J"
    R"J("code":"mapping_unknown_column","message":"No column matches “Nope” (mapped to email),)J"
    R"J( so that choice was not applied. Headers seen: “Work Email”, “First Name”, “Last Name”, “Company”, “Website”,)J"
    R"J( “LinkedIn”, “Email Status”, “Notes”. Use one of these header names exactly,)J"
    R"J( or #N for the N-th column (1 to 8)."}],"summary":{"rows":6,"valid":5,"invalid":0,"duplicates":1,)J"
    R"J("rows_with_warnings":5,"blank_lines":1,"errors":1,"warnings":10,"batches":3,"batch_size":2,"credits_max":7.5},"fingerprint":"78fd2bc9370b501d87e2ac71c534ea69")J"
    K_PREVIEWS;

const char* const k_no_email =
    R"J({"ok":false,"error":"No email column was found. Headers seen: “name,company”. Name the column “email”,)J"
    R"J( or map one of these columns to email.","encoding":"utf-8","delimiter":";","delimiter_name":"semicolon",)J"
    R"J("delimiter_detected":false,"columns":[{"header":"name,company","field":"company_name"}],"file_findings":[],)J"
    R"J("summary":{"rows":1,"valid":0,"invalid":1,"duplicates":0,"rows_with_warnings":0,"blank_lines":0,"errors":0,)J"
    R"J("warnings":0,"batches":0,"batch_size":50,"credits_max":0.0},"fingerprint":"",)J"
    R"J("title_records":0,"previews":[{"line":1,"text":"name,company"},{"line":2,"text":"Ada,X"}]})J";

const char* const k_no_email_rows =
    R"J({"total":0,"rows":[]})J";

const char* const k_klingon =
    R"J({"ok":false,"error":"Unknown encoding “klingon”."})J";

const char* const k_d_sent =
    R"J({"outcome":"sent","delay_ms":0.0,"message":"All eligible prospects in this batch were queued for enrichment. 2)J"
    R"J( of 3 prospects queued. Track the batch; credits are charged only for prospects enrichment finds data for.",)J"
    R"J("stop_sending":false,"response":{"ok":true,"uuid":"u-1","prospects_count":2,"total_prospects_count":3,)J"
    R"J("queue_status":"ENQUEUED","error":"","headline":"All eligible prospects in this batch were queued for)J"
    R"J( enrichment.","next_step":"Track the batch; credits are charged only for prospects enrichment finds data for.",)J"
    R"J("known":true}})J";

const char* const k_d_partial =
    R"J({"outcome":"sent","delay_ms":0.0,"message":"Only some prospects in this batch were queued,)J"
    R"J( usually because the account's credits do not cover all of them. 0 of 2 prospects queued. Add credits in)J"
    R"J( Woodpecker's billing section (an account admin can do this), then send the remaining batches.",)J"
    R"J("stop_sending":true,"response":{"ok":true,"uuid":null,"prospects_count":0,"total_prospects_count":2,)J"
    R"J("queue_status":"PARTIALLY_ENQUEUED","error":"","headline":"Only some prospects in this batch were queued,)J"
    R"J( usually because the account's credits do not cover all of them.",)J"
    R"J("next_step":"Add credits in Woodpecker's billing section (an account admin can do this),)J"
    R"J( then send the remaining batches.","known":true}})J";

const char* const k_d_bad2xx =
    R"J({"outcome":"failed","delay_ms":0.0,"message":"The API answered 200 but the body is not JSON: nope. The batch)J"
    R"J( may have been queued anyway: check the enrichment status before sending it again.","stop_sending":false,)J"
    R"J("response":{"ok":false,"uuid":null,"prospects_count":0,"total_prospects_count":0,"queue_status":"",)J"
    R"J("error":"The API answered 200 but the body is not JSON: nope","headline":"The API answered with status “”,)J"
    R"J( which this tool does not know.","next_step":"Check the batch in Woodpecker before sending again.",)J"
    R"J("known":false}})J";

const char* const k_d_429 =
    R"J({"outcome":"retry","delay_ms":7000.0,"message":"Rate limited by the API (429); waiting 7s before retrying.",)J"
    R"J("stop_sending":false,"response":{"ok":false,"uuid":null,"prospects_count":0,"total_prospects_count":0,)J"
    R"J("queue_status":"","error":"","headline":"The API answered with status “”, which this tool does not know.",)J"
    R"J("next_step":"Check the batch in Woodpecker before sending again.","known":false}})J";

const char* const k_d_503 =
    R"J({"outcome":"retry","delay_ms":3333.2,"message":"The API had a server error (503: maintenance); waiting 3.3s)J"
    R"J( before retrying.","stop_sending":false,"response":{"ok":false,"uuid":null,"prospects_count":0,)J"
    R"J("total_prospects_count":0,"queue_status":"","error":"","headline":"The API answered with status “”,)J"
    R"J( which this tool does not know.","next_step":"Check the batch in Woodpecker before sending again.",)J"
    R"J("known":false}})J";

const char* const k_d_401 =
    R"J({"outcome":"stop_auth","delay_ms":0.0,"message":"The API key was refused (401). Check the key in Settings;)J"
    R"J( nothing more will be sent.","stop_sending":false,"response":{"ok":false,"uuid":null,"prospects_count":0,)J"
    R"J("total_prospects_count":0,"queue_status":"","error":"","headline":"The API answered with status “”,)J"
    R"J( which this tool does not know.","next_step":"Check the batch in Woodpecker before sending again.",)J"
    R"J("known":false}})J";

const char* const k_d_0 =
    R"J({"outcome":"stop_blocked","delay_ms":0.0,"message":"No response from the API: the browser blocked the request)J"
    R"J( or the network is down. If the page is opened from disk or another site,)J"
    R"J( the API may refuse browser calls (CORS): open the page through the bundled web server (scripts/run.sh) which)J"
    R"J( proxies the API, or use the curl command from the dry run.","stop_sending":false,"response":{"ok":false,)J"
    R"J("uuid":null,"prospects_count":0,"total_prospects_count":0,"queue_status":"","error":"",)J"
    R"J("headline":"The API answered with status “”, which this tool does not know.",)J"
    R"J("next_step":"Check the batch in Woodpecker before sending again.","known":false}})J";

const char* const k_d_413 =
    R"J({"outcome":"failed","delay_ms":0.0,"message":"The request was too large for the API (413). Every later batch)J"
    R"J( has the same size, so nothing more is sent: lower the batch size in Settings (or --batch-size in the)J"
    R"J( command-line tool) and send this batch and the rest again.","stop_sending":true,"response":{"ok":false,)J"
    R"J("uuid":null,"prospects_count":0,"total_prospects_count":0,"queue_status":"","error":"",)J"
    R"J("headline":"The API answered with status “”, which this tool does not know.",)J"
    R"J("next_step":"Check the batch in Woodpecker before sending again.","known":false}})J";

const char* const k_d_timeout =
    R"J({"outcome":"failed","delay_ms":0.0,"message":"Gave up after 6 attempts: the request timed out. The batch was)J"
    R"J( not confirmed; send it again later (already-queued emails are not charged twice).","stop_sending":false,)J"
    R"J("response":{"ok":false,"uuid":null,"prospects_count":0,"total_prospects_count":0,"queue_status":"","error":"",)J"
    R"J("headline":"The API answered with status “”, which this tool does not know.",)J"
    R"J("next_step":"Check the batch in Woodpecker before sending again.","known":false}})J";

const char* const k_status =
    R"J({"ok":true,"error":"","batches":[{"uuid":"u-1","created":"2026-01-02","status":"DONE","all_final":false,)J"
    R"J("prospects":[{"email":"a@b.co","status":"PROCESSED","processing_result":"ENRICHED","final":true},)J"
    R"J({"email":"c@d.co","status":"PENDING","processing_result":"","final":false}]},{"uuid":"u-2","created":"",)J"
    R"J("status":"QUEUED","all_final":false,"prospects":[]}]})J";

const char* const k_status_bad =
    R"J({"ok":false,"error":"The status answer is not JSON: <html>","batches":[]})J";

}  // namespace

TEST(SessionPageJson, LoadRowsProblemsAndBatchPlan) {
  pe::Session s;
  EXPECT_EQ(pe::to_json(s.load(kExport, "auto", "auto", 2)), k_load);
  EXPECT_EQ(pe::to_json(s.rows(pe::row_filter("all"), 0, 10)), k_rows_all);
  EXPECT_EQ(pe::to_json(s.rows(pe::row_filter("errors"), 0, 10)), k_rows_errors);
  EXPECT_EQ(pe::to_json(s.rows(pe::row_filter("warnings"), 1, 1)), k_rows_warnings_1_1);
  EXPECT_EQ(pe::to_json(s.problems()), k_problems);
  EXPECT_EQ(pe::to_json(s.batch_plan(false), false), k_plan);
  EXPECT_EQ(pe::to_json(s.batch_plan(true), true), k_plan_emails);
  EXPECT_EQ(pe::to_json(s.batch_rows(1)), k_batch_rows_1);
  EXPECT_EQ(s.batch_body(0), k_body_0);
}

TEST(SessionPageJson, EditRemapAndExports) {
  pe::Session s;
  s.load(kExport, "auto", "auto", 2);
  EXPECT_EQ(pe::to_json(s.set_cell(2, 0, "cy@gamma.com")), k_set_cell);
  EXPECT_EQ(pe::to_json(s.set_cell(99, 0, "x")), k_bad_cell);
  EXPECT_EQ(pe::to_json(s.remap(pe::overrides_from_json(kRemap))), k_remap);
  EXPECT_EQ(s.report_csv(pe::outcomes_from_json(kOutcomes)), k_report);
  EXPECT_EQ(s.report_csv(pe::outcomes_from_json(kOutcomes2)), k_report2);
  EXPECT_EQ(s.cleaned_csv(), k_cleaned);
  EXPECT_EQ(pe::to_json(s.state_with_error("Oops.")), k_state_with_error);
}

TEST(SessionPageJson, FailedLoads) {
  pe::Session s;
  EXPECT_EQ(pe::to_json(s.load("name,company\nAda,X\n", "auto", "semicolon", 0)), k_no_email);
  EXPECT_EQ(pe::to_json(s.rows(pe::row_filter("all"), 0, 5)), k_no_email_rows);
  EXPECT_EQ(pe::to_json(s.load("email\na@b.co\n", "klingon", "auto", 50)), k_klingon);
}

TEST(SessionPageJson, DecideAndParseStatus) {
  auto decide = [](int status, const std::string& body, const std::string& retry_after, bool reached_before,
                   int attempt, double jitter, bool timed_out = false) {
    pe::HttpResult r;
    r.status = status;
    r.timed_out = timed_out;
    r.body = body;
    r.retry_after = retry_after;
    r.reached_before = reached_before;
    return pe::to_json(pe::decide(r, attempt, pe::RetryPolicy{}, jitter, 1700000000));
  };
  EXPECT_EQ(decide(200, R"({"uuid":"u-1","prospects_count":2,"total_prospects_count":3,"status":"ENQUEUED"})", "", true, 1, 0.5), k_d_sent);
  EXPECT_EQ(decide(201, R"({"uuid":null,"prospects_count":"0","total_prospects_count":2,"status":"PARTIALLY_ENQUEUED"})", "", true, 1, 0.5), k_d_partial);
  EXPECT_EQ(decide(200, "nope", "", true, 1, 0.5), k_d_bad2xx);
  EXPECT_EQ(decide(429, "", "7", true, 2, 0.25), k_d_429);
  EXPECT_EQ(decide(503, R"({"title":"Down","detail":"maintenance."})", "", true, 3, 0.3333), k_d_503);
  EXPECT_EQ(decide(401, "", "", true, 1, 0.5), k_d_401);
  EXPECT_EQ(decide(0, "", "", false, 2, 0.5), k_d_0);
  EXPECT_EQ(decide(413, "", "", true, 1, 0.5), k_d_413);
  EXPECT_EQ(decide(0, "", "", true, 6, 0.5, true), k_d_timeout);
  EXPECT_EQ(pe::to_json(pe::parse_status_response(
                R"({"prospect_enrichments":[{"uuid":"u-1","created_at":"2026-01-02","status":"DONE","prospects":[{"email":"a@b.co","status":"PROCESSED","processing_result":"ENRICHED"},{"email":"c@d.co","state":"PENDING"}]},{"uuid":"u-2","status":"QUEUED"}]})")),
            k_status);
  EXPECT_EQ(pe::to_json(pe::parse_status_response("<html>")), k_status_bad);
}

// The core's own form, which the CLI writes too: snake_case, null where a value is not there.
TEST(SessionJson, OneSnakeCaseForm) {
  pe::Session s;
  const std::string state = pe::to_json(s.load("email,Notes\na@b.co,x\nnope,y\n", "auto", "auto", 0));
  EXPECT_EQ(state,
            R"({"ok":true,"error":"","encoding":"utf-8","delimiter":",","delimiter_name":"comma","delimiter_detected":true,)"
            R"("columns":[{"header":"email","field":"email"},{"header":"Notes","field":null,"note":"not a field the API uses"}],)"
            R"("file_findings":[{"row":null,"line":null,"field":null,"severity":"warning","code":"enrichment_columns_missing",)"
            R"("message":"The file has no LinkedIn column and no first_name, last_name, company_website column: enrichment usually )"
            R"(needs linkedin_url, or first_name and last_name with company_website. Valid rows are sent, but many may not be )"
            R"(enriched. Add those columns if your CRM exports them, or map an existing column to them."}],)"
            R"("summary":{"rows":2,"valid":1,"invalid":1,"duplicates":0,"rows_with_warnings":0,"blank_lines":0,"errors":1,)"
            R"("warnings":0,"batches":1,"batch_size":50,"credits_max":1.5},"fingerprint":"19d3049a2d45ea2cc44824d4aa4e6701",)"
            R"("title_records":0,"previews":[{"line":1,"text":"email, Notes"},{"line":2,"text":"a@b.co, x"},)"
            R"({"line":3,"text":"nope, y"}]})");
  const std::string remapped = pe::to_json(s.remap({{"Notes", pe::Field::CompanyName}}));
  EXPECT_NE(remapped.find(R"({"header":"Notes","field":"company_name","overridden":true})"), std::string::npos) << remapped;
  EXPECT_EQ(pe::to_json(s.batch_plan(true), true),
            R"([{"index":0,"count":1,"first_row":1,"last_row":1,"key":")" + pe::batch_key({"a@b.co"}) +
                R"(","emails":["a@b.co"],"hashes":"f9ca8e019cb85a40"}])");
}

TEST(SessionJson, WhatThePageSendsIsReadLeniently) {
  EXPECT_TRUE(pe::overrides_from_json("not json").empty());
  const auto ov = pe::overrides_from_json(R"([{"header":"A","field":"email"},{"header":"B","field":"nonsense"},7,{"field":"email"}])");
  ASSERT_EQ(ov.size(), 1u);
  EXPECT_EQ(ov[0].first, "A");
  EXPECT_EQ(ov[0].second, pe::Field::Email);
  // An outcome with a state that is none of the batch states is skipped, as is one without an index.
  const auto out = pe::outcomes_from_json(
      R"([{"index":0,"state":"partial","queue_status":"PARTIALLY_ENQUEUED"},{"index":1,"state":"lost"},{"state":"sent"}])");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].state, pe::BatchState::Partial);
  EXPECT_EQ(out[0].queue_status, "PARTIALLY_ENQUEUED");
  EXPECT_EQ(pe::emails_from_json(R"(["a@b.co",3,null,"c@d.co"])"), (std::vector<std::string>{"a@b.co", "c@d.co"}));
}

// Issue 12: a problem group is described by its code's meaning, which holds for every row in it
// (not by its first row's message, which may not: "has 2 @ signs" headed rows with no @ at all),
// with the messages of its first rows as examples; "Show" lists the rows of that group only.
TEST(SessionProblems, AGroupIsDescribedByItsCodeWithExamplesAndCanBeListedAlone) {
  pe::Session s;
  const std::string csv = "email,first_name\nann@@raviga.com,Ann\nmary@,Mary\nok@acme.com,Ok\nn/a,Nobody\n"
                          "bob@gmial.com,Bob\nok@acme.com,Dup\n";
  ASSERT_TRUE(s.load(csv, "auto", "auto", 50).ok);
  const std::vector<pe::ProblemGroup> groups = s.problems();
  ASSERT_GE(groups.size(), 3u);
  const pe::ProblemGroup& invalid = groups[0];
  EXPECT_EQ(invalid.code, pe::Code::EmailInvalid);
  EXPECT_EQ(invalid.count, 3u);
  EXPECT_EQ(invalid.rows, (std::vector<std::size_t>{1, 2, 4}));
  ASSERT_EQ(invalid.examples.size(), 2u);
  EXPECT_NE(invalid.examples[0].find("2 @ signs"), std::string::npos) << invalid.examples[0];
  EXPECT_NE(invalid.examples[1].find("nothing after the @"), std::string::npos) << invalid.examples[1];
  EXPECT_NE(pe::to_json(groups).find(R"("meaning":"The email is not a valid address (the message says what is wrong).")"),
            std::string::npos);

  pe::Code code = pe::Code::NameTooLong;
  EXPECT_EQ(pe::row_filter("code:email_invalid", &code), pe::RowFilter::Code);
  EXPECT_EQ(code, pe::Code::EmailInvalid);
  EXPECT_EQ(pe::row_filter("code:no_such_code", &code), pe::RowFilter::Unknown);
  EXPECT_EQ(pe::row_filter("errors", &code), pe::RowFilter::Errors);

  pe::RowPage page = s.rows(pe::RowFilter::Code, 0, 10, pe::Code::EmailInvalid);
  EXPECT_EQ(page.total, 3u);
  ASSERT_EQ(page.rows.size(), 3u);
  EXPECT_EQ(page.rows[2].index, 3u);
  // The errors are more than that group: the duplicate too.
  EXPECT_EQ(s.rows(pe::RowFilter::Errors, 0, 0).total, 4u);
  page = s.rows(pe::RowFilter::Code, 0, 10, pe::Code::DuplicateEmail);
  ASSERT_EQ(page.total, 1u);
  EXPECT_EQ(page.rows[0].index, 5u);
  page = s.rows(pe::RowFilter::Code, 0, 10, pe::Code::EmailDomainTypo);
  ASSERT_EQ(page.total, 1u);
  EXPECT_EQ(page.rows[0].index, 4u);
}

// Results per input row from the page's run: the original columns (with the user's edits), the
// validation, and per prospect its queue outcome and enrichment as tracked, joined by email.
TEST(SessionResults, EveryRowWithItsColumnsAndWhatTheRunSaysOfIt) {
  pe::Session s;
  const std::string csv =
      "Email,First Name,Notes\n"
      "Ada@Example.com,Ada,=1+1\n"
      "broken,Bob,\n"
      "grace@example.com,Grace,x\n"
      "ada@example.com,Ada again,\n"
      "linus@example.com,Linus,\n";
  ASSERT_TRUE(s.load(csv, "auto", "auto", 2).ok);
  pe::Run run;
  std::string error;
  ASSERT_TRUE(pe::run_from_json(R"({"id":"r1","endpoint":"http://127.0.0.1:9","key_fingerprint":"fp","file_fingerprint":"",
    "file_name":"f.csv","created":"2026-11-29T08:00:00Z","batch_size":2,"credits_ceiling":4.5,"tracked_at":"",
    "batches":[
      {"index":0,"state":"sent","attempts":1,"uuid":"u-1","queue_status":"ENQUEUED","prospects_count":2,"total_prospects_count":2,
       "queued":2,"message":"ENQUEUED","emails":["ada@example.com","grace@example.com"],
       "tracks":[{"uuid":"u-1","status":"PROCESSED","result":"ENRICHED","asked":false},{"uuid":"u-1","status":"PROCESSING","result":"","asked":false}]},
      {"index":1,"state":"failed","attempts":1,"uuid":"","queue_status":"","prospects_count":0,"total_prospects_count":0,
       "queued":0,"message":"The API refused the batch (400).","emails":["linus@example.com"]}]})", run, error)) << error;
  const std::string out = s.results_csv(run);
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; at < out.size(); at = end + 2) {
    end = out.find("\r\n", at);
    lines.push_back(out.substr(at, end - at));
  }
  ASSERT_EQ(6u, lines.size()) << out;  // the header and every input row
  EXPECT_EQ("Email,First Name,Notes,validation,validation_details,batch_uuid,queue_outcome,queue_details,enrichment_status,enrichment_result", lines[0]);
  EXPECT_EQ("Ada@Example.com,Ada,'=1+1,valid,,u-1,queued,\"run r1, batch 1\",PROCESSED,ENRICHED", lines[1]);  // formula-safe
  EXPECT_EQ(0u, lines[2].find("broken,Bob,,invalid,error email:")) << lines[2];
  EXPECT_EQ("grace@example.com,Grace,x,valid,,u-1,queued,\"run r1, batch 1\",PROCESSING,", lines[3]);
  EXPECT_EQ(0u, lines[4].find("ada@example.com,Ada again,,duplicate,")) << lines[4];
  EXPECT_EQ("linus@example.com,Linus,,valid,,,failed,\"run r1, batch 2: The API refused the batch (400).\",,", lines[5]);
  // An edit is in the results: the file the user takes back has the fix.
  ASSERT_TRUE(s.set_cell(1, 0, "bob@example.com").ok);
  EXPECT_NE(std::string::npos, s.results_csv(run).find("bob@example.com,Bob,,valid,,,not_sent,in no run"));
  // An excluded row is still a row of the results, marked; what the run did with its email stays.
  s.set_excluded({2, 4}, true);
  const std::string excluded = s.results_csv(run);
  EXPECT_NE(std::string::npos, excluded.find("grace@example.com,Grace,x,excluded,,u-1,queued,")) << excluded;
  EXPECT_NE(std::string::npos, excluded.find("linus@example.com,Linus,,excluded,,,failed,")) << excluded;
}

// Edits offered back for the same file, bulk fixes and their undo: many cells at once, each only
// where the cell still holds what it held when the edit was made.
TEST(SessionCells, ManyCellsAtOnceOnlyWhereTheyStillHoldTheirValue) {
  pe::Session s;
  ASSERT_TRUE(s.load("email,first_name\nbroken,Ada\nb@x.com,Bob\nb@x.com,Bob again\n", "auto", "auto", 50).ok);
  EXPECT_EQ(1u, s.state().summary.invalid);
  EXPECT_EQ(1u, s.state().summary.duplicates);
  const pe::CellsEdit e = s.set_cells({{0, 0, "broken", "ada@x.com"},   // made
                                       {2, 0, "b@x.com", "c@x.com"},    // made: no duplicate left
                                       {1, 1, "Robert", "Rob"},         // the cell holds Bob: left
                                       {9, 0, "", "x@x.com"}});         // no such row: left
  EXPECT_EQ(2u, e.made);
  EXPECT_EQ(2u, e.skipped);
  EXPECT_EQ((std::vector<std::size_t>{0, 1}), e.made_at);
  EXPECT_EQ(3u, e.summary.valid);
  EXPECT_EQ(0u, e.summary.invalid);
  EXPECT_EQ(0u, e.summary.duplicates);
  // Undone by the reverse changes.
  EXPECT_EQ(2u, s.set_cells({{0, 0, "ada@x.com", "broken"}, {2, 0, "c@x.com", "b@x.com"}}).made);
  EXPECT_EQ(1u, s.state().summary.invalid);
  EXPECT_EQ(1u, s.state().summary.duplicates);
  // The JSON forms.
  const auto changes = pe::changes_from_json(R"([{"row":0,"col":0,"from":"broken","to":"a@x.com"},{"row":-1},"x"])");
  ASSERT_EQ(1u, changes.size());
  EXPECT_EQ(R"({"made":1,"skipped":0,"made_at":[0],"summary":)", pe::to_json(s.set_cells(changes)).substr(0, 46));
}

TEST(SessionCells, TheFingerprintIsTheContentsNotTheNameOrTheLoad) {
  pe::Session a, b;
  const std::string csv = "email\nada@x.com\n";
  EXPECT_EQ(a.load(csv, "auto", "auto", 50).fingerprint, b.load(csv, "utf-8", "auto", 10).fingerprint);
  EXPECT_EQ(32u, a.fingerprint().size());
  EXPECT_NE(a.fingerprint(), pe::content_fingerprint("email\nada@x.co\n"));
  // A large file: its size and its two ends, so a change at either end or in the size shows.
  std::string big(3 << 20, 'a');
  const std::string f = pe::content_fingerprint(big);
  std::string end = big;
  end.back() = 'b';
  EXPECT_NE(f, pe::content_fingerprint(end));
  EXPECT_NE(f, pe::content_fingerprint(big + "a"));
  EXPECT_EQ("", (a.clear(), a.fingerprint()));
  EXPECT_EQ("", a.load("", "auto", "auto", 50).fingerprint) << "nothing read: no fingerprint";
}

// Bulk fixes: what each would change, counted for the preview, then made (and undone) as changes.
TEST(SessionFixes, WebsiteFromEmailAndTrimmedCells) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,Website,First Name\n"
                     "ada@acme.com,,  Ada \n"           // filled: acme.com; first name trimmed
                     "bob@gmail.com,,Bob\n"             // a webmail: not a company's site
                     "broken,,Cy\n"                     // no valid email
                     "dee@beta.io,beta.io,Dee  Dee\n"   // has a website; first name collapsed
                     "eve@Gamma.COM, ,Eve\n",           // blank website: filled with the normalised domain
                     "auto", "auto", 50).ok);
  EXPECT_EQ(R"([{"fix":"website_from_email","count":2},{"fix":"lower_email_domain","count":1},{"fix":"trim:1","count":1},)"
            R"({"fix":"trim:2","count":2},{"fix":"exclude_invalid","count":1}])",
            pe::to_json(s.fixes()));  // trim:1: the blank website " "; Gamma.COM lower-cased; "broken" excluded
  EXPECT_EQ(R"([{"row":0,"col":1,"from":"","to":"acme.com"},{"row":4,"col":1,"from":" ","to":"gamma.com"}])",
            pe::to_json(s.fix_changes("website_from_email")));
  EXPECT_EQ(R"([{"row":0,"col":2,"from":"  Ada ","to":"Ada"},{"row":3,"col":2,"from":"Dee  Dee","to":"Dee Dee"}])",
            pe::to_json(s.fix_changes("trim:2")));
  EXPECT_EQ("[]", pe::to_json(s.fix_changes("trim:9")));
  EXPECT_EQ("[]", pe::to_json(s.fix_changes("trim:x")));
  EXPECT_EQ("[]", pe::to_json(s.fix_changes("nonsense")));
  EXPECT_EQ(2u, s.set_cells(s.fix_changes("website_from_email")).made);
  EXPECT_EQ(R"([{"fix":"lower_email_domain","count":1},{"fix":"trim:2","count":2},{"fix":"exclude_invalid","count":1}])",
            pe::to_json(s.fixes()));
}

TEST(SessionFixes, ValuesTheChecksLeaveOutAreCleared) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,LinkedIn,Website\n"
                     "a@acme.com,https://www.linkedin.com/company/acme,acme.com\n"   // a company page: cleared
                     "b@acme.com,https://www.linkedin.com/in/bee,facebook.com/acme\n" // a profile: kept; a social site: cleared
                     "c@acme.com,,https://1.2.3.4\n",                                 // empty: nothing; an IP: cleared
                     "auto", "auto", 50).ok);
  EXPECT_EQ(R"([{"row":0,"col":1,"from":"https://www.linkedin.com/company/acme","to":""}])", pe::to_json(s.fix_changes("clear_linkedin")));
  EXPECT_EQ(R"([{"row":1,"col":2,"from":"facebook.com/acme","to":""},{"row":2,"col":2,"from":"https://1.2.3.4","to":""}])",
            pe::to_json(s.fix_changes("clear_website")));
  EXPECT_EQ(R"([{"fix":"clear_linkedin","count":1},{"fix":"clear_website","count":2}])", pe::to_json(s.fixes()));
  const std::size_t warnings = s.state().summary.warnings;
  EXPECT_EQ(3u, s.set_cells(s.fix_changes("clear_linkedin")).made + s.set_cells(s.fix_changes("clear_website")).made);
  EXPECT_LT(s.state().summary.warnings, warnings);
  // Emptied, the two websites can now be filled from the emails' company domain.
  EXPECT_EQ(R"([{"fix":"website_from_email","count":2}])", pe::to_json(s.fixes()));
}

// The counts are kept row by row after the first (a pass over the rows), so that an edit costs its
// rows: after every edit, bulk fix, undo and remap they are what a fresh pass over the rows says
// (each fix's fix_changes, which looks at every row).
TEST(SessionFixes, CountsKeptRowByRowAreAFreshPasssCounts) {
  std::mt19937 rng(11);
  static const char* const kValues[] = {"", " ", "  Ada ", "Ada", "a@acme.com", "b@gmail.com", "broken", "acme.com",
                                        "facebook.com/x", "https://www.linkedin.com/company/acme",
                                        "https://www.linkedin.com/in/ada", "Dee  Dee", "c@Gamma.COM", "https://1.2.3.4",
                                        "Jared@PiedPiper.COM", "Jan van der Berg", "Lovelace, Ada", ","};
  auto value = [&] { return std::string(kValues[rng() % (sizeof kValues / sizeof *kValues)]); };
  // Full Name is not used (first and last name columns are): split_name reads it.
  std::string csv = "Email,LinkedIn,Website,First Name,Notes,Last Name,Full Name\n";
  for (int r = 0; r < 300; ++r)
    csv += value() + "," + value() + "," + value() + ",\"" + value() + "\"," + value() + ",\"" + value() + "\",\"" + value() + "\"\n";
  pe::Session s;
  ASSERT_TRUE(s.load(csv, "auto", "auto", 50).ok);
  auto fresh = [&] {
    std::vector<std::pair<std::string, std::size_t>> out;
    std::vector<std::string> names = {"website_from_email", "clear_linkedin", "clear_website", "lower_email_domain"};
    const std::vector<pe::ColumnMap> columns = s.state().columns;
    for (const std::string& n : names)
      if (const std::size_t k = s.fix_changes(n).size()) out.emplace_back(n, k);
    std::vector<std::size_t> split_rows;  // split_name is counted in rows
    for (const auto& c : s.fix_changes("split_name"))
      if (split_rows.empty() || split_rows.back() != c.row) split_rows.push_back(c.row);
    if (!split_rows.empty()) out.emplace_back("split_name", split_rows.size());
    for (std::size_t c = 0; c < columns.size(); ++c)  // trims are offered for the mapped columns
      if (columns[c].field != pe::Field::Ignore)
        if (const std::size_t k = s.fix_changes("trim:" + std::to_string(c)).size()) out.emplace_back("trim:" + std::to_string(c), k);
    if (const std::size_t k = s.exclude_rows("invalid").size()) out.emplace_back("exclude_invalid", k);
    return out;
  };
  ASSERT_EQ(fresh(), s.fixes());
  ASSERT_FALSE(s.fixes().empty());
  std::vector<std::string> kinds;
  for (const auto& f : s.fixes()) kinds.push_back(f.first.substr(0, 5));
  for (const char* k : {"lower", "split", "exclu"})
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << k << " is offered at the start";
  for (int step = 0; step < 300; ++step) {
    switch (rng() % 7) {
      case 0: case 1:
        s.set_cell(static_cast<int>(rng() % 300), static_cast<int>(rng() % 7), value());
        break;
      case 5: {  // rows excluded (the invalid ones, or a few at random), then maybe included again
        std::vector<std::size_t> rows = s.exclude_rows("invalid");
        if (rng() % 2) {
          rows.clear();
          for (int k = 0; k < 10; ++k) rows.push_back(rng() % 300);
        }
        s.set_excluded(rows, true);
        if (rng() % 3 == 0) s.set_excluded(rows, false);
        break;
      }
      case 6: {  // a find and replace in a column
        const int col = static_cast<int>(rng() % 7);
        const bool whole = rng() % 2, match = rng() % 2;
        const char* find = rng() % 2 ? "a" : "Ada";
        const auto changes = s.replace_changes(col, find, "X", whole, match);
        ASSERT_EQ(s.replace_count(col, find, "X", whole, match), changes.size());
        s.set_cells(changes);
        break;
      }
      case 2: {  // a bulk fix, then maybe its undo
        const auto offered = s.fixes();
        if (offered.empty()) break;
        const std::vector<pe::Document::CellChange> changes = s.fix_changes(offered[rng() % offered.size()].first);
        s.set_cells(changes);
        if (rng() % 2) {
          std::vector<pe::Document::CellChange> undo;
          for (const auto& c : changes) undo.push_back({c.row, c.col, c.to, c.from});
          s.set_cells(undo);
        }
        break;
      }
      case 3: {  // many cells at once, some of them no longer holding `from` (not made)
        std::vector<pe::Document::CellChange> changes;
        for (int k = 0; k < 20; ++k) {
          const std::size_t row = rng() % 300, col = rng() % 7;
          changes.push_back({row, col, rng() % 4 ? std::string(s.rows(pe::RowFilter::All, static_cast<int>(row), 1).rows[0].cells[col]) : "x", value()});
        }
        s.set_cells(changes);
        break;
      }
      default:  // another mapping: the Notes column as the first name, or back
        s.remap(rng() % 2 ? std::vector<std::pair<std::string, pe::Field>>{{"Notes", pe::Field::FirstName}, {"First Name", pe::Field::Ignore}}
                          : std::vector<std::pair<std::string, pe::Field>>{});
        break;
    }
    ASSERT_EQ(fresh(), s.fixes()) << "after step " << step;
  }
}

// Exclusion: the invalid rows, or the rows of one problem group, set aside at once: kept and
// counted (rows = valid + invalid + duplicates + excluded), never sent, out of the problem groups,
// the fixes and the cleaned CSV, listed by the "excluded" filter; including them again is exact.
TEST(SessionExclude, InvalidRowsAndAProblemGroupAreSetAsideAndTakenBackExactly) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,First Name,Website\n"
                     "ada@acme.com,Ada,acme.com\n"      // 0: valid, first of its email
                     "broken,Bo,bo.com\n"               // 1: invalid
                     "ADA@acme.com,Ada2,acme.com\n"     // 2: duplicate of row 1
                     "bob@gmial.com,Bob,beta.io\n"      // 3: valid, a domain typo warning
                     "cy@gamma.com,Cy,gamma.com\n",     // 4: valid
                     "auto", "auto", 2).ok);
  const std::string summary_before = pe::to_json(s.state());
  const std::string plan_before = pe::to_json(s.batch_plan(true), true);
  const pe::Summary before = s.state().summary;
  ASSERT_EQ(before.valid, 3u);
  ASSERT_EQ(before.invalid + before.duplicates, 2u);
  EXPECT_EQ(R"([{"fix":"exclude_invalid","count":2}])", pe::to_json(s.fixes()));
  const std::vector<std::size_t> invalid = s.exclude_rows("invalid");
  EXPECT_EQ(invalid, (std::vector<std::size_t>{1, 2}));
  EXPECT_TRUE(s.exclude_rows("errors").empty()) << "only the names it takes";
  EXPECT_TRUE(s.exclude_rows("code:nonsense").empty());

  const pe::CellsEdit e = s.set_excluded(invalid, true);
  EXPECT_EQ(e.made, 2u);
  EXPECT_EQ(e.summary.rows, 5u);
  EXPECT_EQ(e.summary.excluded, 2u);
  EXPECT_EQ(e.summary.valid, 3u);
  EXPECT_EQ(e.summary.invalid, 0u);
  EXPECT_EQ(e.summary.duplicates, 0u);
  EXPECT_EQ(e.summary.errors, 0u) << "an excluded row's errors are not counted";
  EXPECT_EQ(e.summary.rows, e.summary.valid + e.summary.invalid + e.summary.duplicates + e.summary.excluded);
  EXPECT_NE(pe::to_json(s.state()).find(R"("excluded":2)"), std::string::npos);
  EXPECT_EQ(s.set_excluded(invalid, true).made, 0u) << "already excluded";
  EXPECT_TRUE(s.exclude_rows("invalid").empty());
  EXPECT_EQ("[]", pe::to_json(s.fixes()));
  EXPECT_EQ(s.rows(pe::RowFilter::Excluded, 0, 10).total, 2u);
  EXPECT_EQ(s.rows(pe::RowFilter::Errors, 0, 10).total, 0u);
  const pe::RowPage all = s.rows(pe::RowFilter::All, 0, 10);
  ASSERT_EQ(all.total, 5u);
  EXPECT_TRUE(all.rows[1].excluded);
  EXPECT_FALSE(all.rows[0].excluded);
  EXPECT_NE(pe::to_json(all).find(R"("status":"invalid","excluded":true)"), std::string::npos);
  for (const pe::ProblemGroup& g : s.problems()) EXPECT_NE(g.code, pe::Code::EmailInvalid);
  // Nothing of them is sent: the plan has the three valid rows only.
  const std::vector<pe::PlannedBatch> plan = s.batch_plan(true);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(pe::to_json(s.batch_rows(0)), R"([{"row":1,"line":2},{"row":4,"line":5}])");
  EXPECT_EQ(pe::to_json(s.batch_rows(1)), R"([{"row":5,"line":6}])");

  // A problem group: the rows with a domain typo (a valid row) leave the plan and the cleaned CSV.
  const std::vector<std::size_t> typo = s.exclude_rows("code:email_domain_typo");
  EXPECT_EQ(typo, std::vector<std::size_t>{3});
  EXPECT_EQ(s.set_excluded(typo, true).summary.valid, 2u);
  EXPECT_EQ(s.batch_plan(false).size(), 1u);
  EXPECT_EQ(s.cleaned_csv().find("gmial"), std::string::npos);
  EXPECT_NE(s.report_csv({}).find("excluded by you"), std::string::npos);

  // Excluding the first row of an email makes its later duplicate the one sent (checked again).
  s.set_excluded(invalid, false);
  EXPECT_EQ(s.state().summary.duplicates, 1u);
  EXPECT_EQ(s.set_excluded({0}, true).summary.duplicates, 0u);
  EXPECT_EQ(s.rows(pe::RowFilter::All, 2, 1).rows[0].status, pe::RowStatus::Valid);
  EXPECT_NE(pe::to_json(s.batch_rows(0)).find(R"({"row":3,"line":4})"), std::string::npos);

  // Included again (the page's undo): everything as before, exactly.
  s.set_excluded({0}, false);
  s.set_excluded(typo, false);
  EXPECT_EQ(pe::to_json(s.state()), summary_before);
  EXPECT_EQ(pe::to_json(s.batch_plan(true), true), plan_before);
  EXPECT_EQ(s.rows(pe::RowFilter::Excluded, 0, 10).total, 0u);
  EXPECT_EQ(s.set_excluded({99}, true).made, 0u) << "no such row";
  // A remap keeps the exclusions; a load forgets them.
  s.set_excluded({1}, true);
  EXPECT_EQ(s.remap({}).summary.excluded, 1u);
  EXPECT_EQ(s.load("Email\na@b.co\n", "auto", "auto", 2).summary.excluded, 0u);
}

// Bulk fixes leave the excluded rows alone, and their counts follow exclusions.
TEST(SessionExclude, FixesLeaveExcludedRowsAlone) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,Name\nA@B.COM, x \nc@d.com, y \n", "auto", "auto", 50).ok);
  EXPECT_EQ(R"([{"fix":"lower_email_domain","count":1},{"fix":"trim:1","count":2}])", pe::to_json(s.fixes()));
  s.set_excluded({0}, true);
  EXPECT_EQ(R"([{"fix":"trim:1","count":1}])", pe::to_json(s.fixes()));
  EXPECT_EQ(1u, s.fix_changes("trim:1").size());
  EXPECT_TRUE(s.replace_changes(1, "x", "z", false, true).empty());
  s.set_excluded({0}, false);
  EXPECT_EQ(R"([{"fix":"lower_email_domain","count":1},{"fix":"trim:1","count":2}])", pe::to_json(s.fixes()));
}

TEST(SessionFixes, EmailDomainsLowerCasedLocalPartKept) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,First Name\n"
                     "Jared@PiedPiper.COM,Jared\n"
                     "ok@lower.com,Ok\n"
                     "\"Dee <Dee@Delta.Com>\",Dee\n"
                     "NoAt.COM,X\n",  // no @: not an email's domain
                     "auto", "auto", 50).ok);
  const std::string before = pe::to_json(s.rows(pe::RowFilter::All, 0, 10));
  EXPECT_EQ(R"([{"fix":"lower_email_domain","count":2},{"fix":"exclude_invalid","count":1}])", pe::to_json(s.fixes()));
  const std::vector<pe::Document::CellChange> changes = s.fix_changes("lower_email_domain");
  EXPECT_EQ(R"([{"row":0,"col":0,"from":"Jared@PiedPiper.COM","to":"Jared@piedpiper.com"},)"
            R"({"row":2,"col":0,"from":"Dee <Dee@Delta.Com>","to":"Dee <Dee@delta.com>"}])",
            pe::to_json(changes));
  EXPECT_EQ(s.set_cells(changes).made, 2u);
  EXPECT_EQ(R"([{"fix":"exclude_invalid","count":1}])", pe::to_json(s.fixes()));
  EXPECT_EQ(s.rows(pe::RowFilter::All, 0, 1).rows[0].cells[0], "Jared@piedpiper.com");
  EXPECT_EQ(s.batch_plan(true)[0].emails[0], "Jared@piedpiper.com") << "checked again: the local part as written";
  std::vector<pe::Document::CellChange> undo;
  for (const auto& c : changes) undo.push_back({c.row, c.col, c.to, c.from});
  EXPECT_EQ(s.set_cells(undo).made, 2u);
  EXPECT_EQ(pe::to_json(s.rows(pe::RowFilter::All, 0, 10)), before);
}

TEST(SessionFixes, FindAndReplaceInAColumnIsCheckedAgain) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,Company\n"
                     "ann(at)acme.com,Acme Inc.\n"
                     "bob(AT)acme.com,acme inc.\n"
                     "cy@other.com,Acme Inc. (Acme Inc.)\n"
                     "dee@other.com,\n",
                     "auto", "auto", 50).ok);
  // Plain text, every occurrence, case as asked.
  EXPECT_EQ(R"j([{"row":0,"col":1,"from":"Acme Inc.","to":"Acme"},{"row":2,"col":1,"from":"Acme Inc. (Acme Inc.)","to":"Acme (Acme)"}])j",
            pe::to_json(s.replace_changes(1, " Inc.", "", false, true)));
  EXPECT_EQ(3u, s.replace_changes(1, " inc.", "", false, false).size());
  // Whole cell only: the cells equal to it; an empty find fills the empty cells.
  EXPECT_EQ(R"([{"row":1,"col":1,"from":"acme inc.","to":"Acme"}])", pe::to_json(s.replace_changes(1, "acme inc.", "Acme", true, true)));
  EXPECT_EQ(2u, s.replace_changes(1, "acme inc.", "Acme", true, false).size());
  EXPECT_EQ(R"([{"row":3,"col":1,"from":"","to":"n/a"}])", pe::to_json(s.replace_changes(1, "", "n/a", true, true)));
  EXPECT_TRUE(s.replace_changes(1, "", "x", false, true).empty()) << "nothing to find";
  // A cell the replace would leave as it is does not count (case-blind, "inc." is already "inc." in row 2).
  EXPECT_EQ(R"j([{"row":0,"col":1,"from":"Acme Inc.","to":"Acme inc."},{"row":2,"col":1,"from":"Acme Inc. (Acme Inc.)","to":"Acme inc. (Acme inc.)"}])j",
            pe::to_json(s.replace_changes(1, "INC.", "inc.", false, false)));
  // The preview's count is the changes' number, made without them.
  for (const bool whole : {false, true})
    for (const bool match : {false, true})
      for (const char* find : {" Inc.", "INC.", "acme inc.", ""})
        EXPECT_EQ(s.replace_count(1, find, "inc.", whole, match), s.replace_changes(1, find, "inc.", whole, match).size()) << find;
  EXPECT_TRUE(s.replace_changes(7, "a", "b", false, true).empty()) << "no such column";
  EXPECT_TRUE(s.replace_changes(-1, "a", "b", false, true).empty());
  // A replace in the email column makes two invalid addresses valid: the rows are checked again.
  const std::string before = pe::to_json(s.state());
  ASSERT_EQ(s.state().summary.invalid, 2u);
  EXPECT_EQ(1u, s.replace_changes(0, "(at)", "@", false, true).size());
  const std::vector<pe::Document::CellChange> changes = s.replace_changes(0, "(at)", "@", false, false);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].to, "bob@acme.com");
  const pe::CellsEdit e = s.set_cells(changes);
  EXPECT_EQ(e.made, 2u);
  EXPECT_EQ(e.summary.invalid, 0u);
  EXPECT_EQ(e.summary.valid, 4u);
  std::vector<pe::Document::CellChange> undo;
  for (const auto& c : changes) undo.push_back({c.row, c.col, c.to, c.from});
  s.set_cells(undo);
  EXPECT_EQ(pe::to_json(s.state()), before);
}

TEST(SessionFixes, FullNameSplitIntoEmptyFirstAndLastNames) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,Full Name,First Name,Last Name,Website\n"
                     "a@acme.com,Ada Lovelace,,,acme.com\n"
                     "j@acme.com,Jan van der Berg,,,acme.com\n"
                     "l@acme.com,\"Lovelace, Ada\",,,acme.com\n"
                     "c@acme.com,Cher,,,acme.com\n"            // one word: the first name only
                     "d@acme.com,Dee Dee,Dee,,acme.com\n"      // a name given: left alone
                     "e@acme.com,,,,acme.com\n"                // no full name: nothing
                     "f@acme.com,Dr. Fay Wray,,,acme.com\n",   // a leading title dropped
                     "auto", "auto", 50).ok);
  EXPECT_EQ(s.full_name_column(), 1);
  EXPECT_EQ(R"([{"fix":"split_name","count":5}])", pe::to_json(s.fixes())) << "counted in rows";
  const std::vector<pe::Document::CellChange> changes = s.fix_changes("split_name");
  EXPECT_EQ(R"([{"row":0,"col":2,"from":"","to":"Ada"},{"row":0,"col":3,"from":"","to":"Lovelace"},)"
            R"({"row":1,"col":2,"from":"","to":"Jan"},{"row":1,"col":3,"from":"","to":"van der Berg"},)"
            R"({"row":2,"col":2,"from":"","to":"Ada"},{"row":2,"col":3,"from":"","to":"Lovelace"},)"
            R"({"row":3,"col":2,"from":"","to":"Cher"},)"
            R"({"row":6,"col":2,"from":"","to":"Fay"},{"row":6,"col":3,"from":"","to":"Wray"}])",
            pe::to_json(changes));
  // The checks run again: rows without names lacked enrichment signals (a warning each).
  const std::string before = pe::to_json(s.state());
  const std::size_t warned = s.state().summary.rows_with_warnings;
  const pe::CellsEdit e = s.set_cells(changes);
  EXPECT_EQ(e.made, 9u);
  EXPECT_EQ(e.summary.rows_with_warnings, warned - 4) << "Cher still has no last name";
  EXPECT_EQ("[]", pe::to_json(s.fixes()));
  EXPECT_NE(s.batch_body(0).find(R"("first_name":"Jan","last_name":"van der Berg")"), std::string::npos);
  std::vector<pe::Document::CellChange> undo;
  for (const auto& c : changes) undo.push_back({c.row, c.col, c.to, c.from});
  EXPECT_EQ(s.set_cells(undo).made, 9u);
  EXPECT_EQ(pe::to_json(s.state()), before);
  EXPECT_EQ(R"([{"fix":"split_name","count":5}])", pe::to_json(s.fixes()));
  // Without first- and last-name columns the full name is split when sent: nothing to offer.
  ASSERT_TRUE(s.load("Email,Full Name\na@acme.com,Ada Lovelace\n", "auto", "auto", 50).ok);
  EXPECT_EQ(s.full_name_column(), -1);
  EXPECT_TRUE(s.fix_changes("split_name").empty());
}

// Beside each cell of a row that is sent, the value it is sent as where normalisation changed it:
// the grid shows both. An address merely written out in full is not a change worth a mark.
TEST(SessionRows, WhatARowIsSentAsWhereItDiffersFromTheCell) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,Full Name,Website,LinkedIn,Notes\n"
                     "  Jared@PiedPiper.COM ,Jared Dunn,piedpiper.com,linkedin.com/in/jared,x\n"
                     "ada@acme.com,Ada Lovelace,https://acme.com/about,linkedin.com/company/acme,y\n"
                     "not-an-email,Bob,bob.com,,z\n"
                     "cy@gamma.com,,gamma.com,,\n",
                     "auto", "auto", 50).ok);
  const pe::RowPage page = s.rows(pe::RowFilter::All, 0, 10);
  ASSERT_EQ(page.rows.size(), 4u);
  auto sent = [&](const pe::RowView& v) {
    std::string out;
    for (const auto& x : v.sent) out += std::to_string(x.col) + " " + pe::field_name(x.field) + "=" + x.value + ";";
    return out;
  };
  EXPECT_EQ(sent(page.rows[0]), "0 email=Jared@piedpiper.com;1 first_name=Jared;1 last_name=Dunn;")
      << "trimmed, domain lower-cased; the full name split; the bare website and profile are the same address";
  EXPECT_EQ(sent(page.rows[1]), "1 first_name=Ada;1 last_name=Lovelace;2 company_website=https://acme.com;"
                                "3 linkedin_url=;")
      << "the path dropped; a company page left out (sent empty)";
  EXPECT_EQ(sent(page.rows[2]), "") << "an invalid row sends nothing";
  EXPECT_EQ(sent(page.rows[3]), "") << "nothing changed";
  EXPECT_NE(pe::to_json(page).find(R"("sent":[{"col":0,"field":"email","value":"Jared@piedpiper.com"},)"),
            std::string::npos);
  // An edit shows what the new value is sent as; an excluded row sends nothing.
  EXPECT_EQ(sent(s.set_cell(3, 0, " Cy@Gamma.com").row), "0 email=Cy@gamma.com;");
  s.set_excluded({0}, true);
  EXPECT_EQ(sent(s.rows(pe::RowFilter::All, 0, 1).rows[0]), "");

  // Only a scheme (and LinkedIn's www.) added is the same address; http:// made https:// is a change.
  ASSERT_TRUE(s.load("Email,Website,LinkedIn\n"
                     "a@acme.com,www.acme.com/,https://linkedin.com/in/a\n"
                     "b@acme.com,http://acme.com,http://www.linkedin.com/in/b\n"
                     "c@acme.com,Acme.com,linkedin.com/in/c?trk=x\n",
                     "auto", "auto", 50).ok);
  const pe::RowPage urls = s.rows(pe::RowFilter::All, 0, 10);
  EXPECT_EQ(sent(urls.rows[0]), "");
  EXPECT_EQ(sent(urls.rows[1]), "1 company_website=https://acme.com;2 linkedin_url=https://www.linkedin.com/in/b;");
  EXPECT_EQ(sent(urls.rows[2]), "1 company_website=https://acme.com;2 linkedin_url=https://www.linkedin.com/in/c;")
      << "the host lower-cased; the tracking parameter dropped";
  // A row confirmed queued by an earlier run is not sent again: nothing is shown for it.
  s.set_skip({pe::prospect_hash("b@acme.com")});
  EXPECT_EQ(sent(s.rows(pe::RowFilter::All, 1, 1).rows[0]), "");

  // A full name chosen beside a first-name column is not split (the names come from that column).
  ASSERT_TRUE(s.load("Email,Full Name,First Name\na@acme.com,Ada Lovelace,Ada\n", "auto", "auto", 50).ok);
  s.remap(pe::overrides_from_json(R"([{"header":"Full Name","field":"full_name"},{"header":"First Name","field":"first_name"}])"));
  ASSERT_EQ(s.state().columns[1].field, pe::Field::FullName);
  ASSERT_EQ(s.state().columns[2].field, pe::Field::FirstName);
  EXPECT_EQ(sent(s.rows(pe::RowFilter::All, 0, 1).rows[0]), "");
}

// What helps decide the mapping: each column's fill count and first distinct values.
TEST(SessionColumns, FillCountsAndSamples) {
  pe::Session s;
  ASSERT_TRUE(s.load("Email,Notes,Phone\n"
                     "a@x.com,  first  note ,\n"
                     "b@x.com,first note,\n"
                     "c@x.com,,\n"
                     "d@x.com,another,555\n"
                     "e@x.com," + std::string(70, 'n') + ",\n",
                     "auto", "auto", 50).ok);
  EXPECT_EQ(R"([{"filled":5,"samples":["a@x.com","b@x.com","c@x.com"]},)"
            R"({"filled":4,"samples":["first note","another",")" + std::string(60, 'n') + "\xE2\x80\xA6" + R"("]},)"
            R"({"filled":1,"samples":["555"]}])",
            pe::to_json(s.column_stats()));
  pe::Session empty;
  EXPECT_EQ("[]", pe::to_json(empty.column_stats()));
}

// Prospects already queued from this browser (their hashes) are left out of the plan's counts,
// emails and bodies, also when they are in other batches than before; the batch keys stay those of
// all the batch's emails, so a run's batches are still found in the plan.
TEST(SessionSkip, ConfirmedProspectsAreNotSentAgainWhereverTheyAre) {
  pe::Session s;
  const std::string csv = "email,first_name\nA@one.com,A\nb@two.com,B\nc@three.com,C\nd@four.com,D\ne@five.com,E\n";
  s.load(csv, "auto", "auto", 2);
  const std::vector<pe::PlannedBatch> before = s.batch_plan(true);
  ASSERT_EQ(before.size(), 3u);
  const std::string body1 = s.batch_body(1);
  // The hash is of the email as the duplicate check compares it: lower-case.
  s.set_skip({pe::prospect_hash("a@one.com"), pe::prospect_hash("c@three.com"), pe::prospect_hash("d@four.com"),
              pe::prospect_hash("not@in-the-file.com"), pe::prospect_hash("c@three.com")});
  EXPECT_EQ(s.skip_size(), 4u);
  const std::vector<pe::PlannedBatch> plan = s.batch_plan(true);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].count, 1u);
  EXPECT_EQ(plan[0].skipped, 1u);
  EXPECT_EQ(plan[0].emails, std::vector<std::string>{"b@two.com"});
  EXPECT_EQ(plan[0].hashes, pe::prospect_hash_hex(pe::prospect_hash("b@two.com")));
  EXPECT_EQ(plan[1].count, 0u);
  EXPECT_EQ(plan[1].skipped, 2u);
  EXPECT_TRUE(plan[1].emails.empty());
  EXPECT_EQ(plan[2].count, 1u);
  EXPECT_EQ(plan[2].skipped, 0u);
  for (std::size_t i = 0; i < plan.size(); ++i) EXPECT_EQ(plan[i].key, before[i].key) << i;
  EXPECT_EQ(s.batch_plan(false)[1].skipped, 2u);
  EXPECT_EQ(s.batch_body(0), R"({"prospects":[{"email":"b@two.com","first_name":"B"}]})");
  EXPECT_EQ(s.batch_body(1), "") << "nothing of it is left to send";
  EXPECT_EQ(pe::to_json(s.batch_rows(0)), R"([{"row":2,"line":3}])");
  EXPECT_NE(pe::to_json(s.batch_plan(false), false).find(R"("index":1,"count":0,"first_row":3,"last_row":4,"skipped":2})"),
            std::string::npos);
  // An empty list sends everyone again; so does a new load.
  s.set_skip({});
  EXPECT_EQ(s.batch_body(1), body1);
  s.set_skip({pe::prospect_hash("c@three.com")});
  s.load(csv, "auto", "auto", 2);
  EXPECT_EQ(s.skip_size(), 0u);
  EXPECT_EQ(s.batch_plan(false)[1].count, 2u);
}

TEST(SessionHeader, TitleLinesAreSkippedAsDetectedOrAsChosenAndTheStateShowsTheRecordsToChooseFrom) {
  const std::string bytes = "Exported from Sales Navigator on Nov 12, 2026\nSearch: VP Sales\n"
                            "First Name,Email,Company\nJared,jared@piedpiper.com,Pied Piper\nMonica,monica@raviga.com,Raviga\n"
                            "Gavin,gavin@hooli.com,Hooli\n";
  pe::Session s;
  pe::SessionState st = s.load(bytes, "auto", "auto", 50);
  ASSERT_TRUE(st.ok) << st.error;
  EXPECT_EQ(st.title_records, 2u);
  EXPECT_EQ(st.summary.rows, 3u);
  ASSERT_EQ(st.previews.size(), 6u);
  EXPECT_EQ(st.previews[2].line, 3u);
  EXPECT_EQ(st.previews[2].text, "First Name, Email, Company");

  s.set_header_skip(0);  // the first line as the header: no email column, the records still there
  st = s.load(bytes, "auto", "auto", 50);
  EXPECT_FALSE(st.ok);
  EXPECT_EQ(st.title_records, 0u);
  EXPECT_EQ(st.previews.size(), 6u);
  EXPECT_NE(pe::to_json(st).find(R"("title_records":0,"previews":[{"line":1,"text":"Exported from Sales Navigator)"),
            std::string::npos);

  s.set_header_skip(3);  // a data row as the header: its values are the headers
  st = s.load(bytes, "auto", "auto", 50);
  EXPECT_FALSE(st.ok);
  EXPECT_EQ(st.title_records, 3u);
  EXPECT_NE(st.error.find("Headers seen: \xE2\x80\x9CJared\xE2\x80\x9D"), std::string::npos) << st.error;

  s.set_header_skip(-1);  // detected again
  std::string owned = bytes;
  st = s.load_owned(std::move(owned), "auto", "auto", 50);
  EXPECT_EQ(st.title_records, 2u);

  // The check of a file as it is read skips the same lines.
  pe::CheckOnly c;
  c.set_header_skip(-1);
  c.begin("auto", "auto", 50);
  c.feed(bytes);
  pe::CheckOnlyState cs = c.finish();
  EXPECT_TRUE(cs.state.ok) << cs.state.error;
  EXPECT_EQ(cs.state.title_records, 2u);
  EXPECT_EQ(cs.state.summary.rows, 3u);
  c.set_header_skip(0);
  c.begin("auto", "auto", 50);
  c.feed(bytes);
  cs = c.finish();
  EXPECT_FALSE(cs.state.ok);
  EXPECT_EQ(cs.state.previews.size(), 6u);
}
