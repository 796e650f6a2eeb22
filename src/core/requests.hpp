// What is sent: the batches of a document (its valid rows in input order, batch_size a batch), the
// exact request body of each, the batch key that recognises a batch again, and the body of a status
// query. The paths they go to are in constants.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "document.hpp"

namespace pe {

// Rows (0-based) of each batch: the valid rows not excluded (Document::excluded) in input order, batch_size per batch (0 = the default).
std::vector<std::vector<std::size_t>> batch_rows(const Document& d, std::size_t batch_size);
// The exact request body of a batch of the document's rows.
std::string batch_body(const Document& d, const std::vector<std::size_t>& rows);
// The exact request body of a batch: {"prospects":[...]} with empty optional fields omitted.
std::string batch_body_json(const std::vector<Prospect>& prospects);

// The key of a batch: FNV-1a 64 over its normalised emails, each followed by "\n", as 16 lower-case
// hex digits, then "-" and the number of emails ("4c8be06df7d22aec-2"). The page's run ledger
// recognises a batch already sent by it, also in a file loaded again, without storing the emails.
// Stored ledgers depend on these exact strings (tests/core/test_requests.cpp pins some).
std::string batch_key(const std::vector<std::string>& emails);

// What the page remembers of a prospect queued from it: a 64-bit hash of its email as the duplicate
// check compares it (Document::email_key: normalised, lower-case), so that a file loaded again,
// edited or cut into other batches, never sends a confirmed prospect twice, without the emails
// being stored. FNV-1a 64 then the splitmix64 finaliser (so that similar emails differ in every
// bit); stored hashes depend on these exact values (tests/core/test_requests.cpp pins some). Two
// of a million emails share a hash with a probability of about 3 in 100 million.
std::uint64_t prospect_hash(std::string_view email_key);
// As 16 lower-case hex digits; and back (false for anything else).
std::string prospect_hash_hex(std::uint64_t h);
bool parse_prospect_hash(std::string_view hex, std::uint64_t& out);

// The body of a status query, {"emails":[...]}; "{}" for no email.
std::string build_status_query(const std::vector<std::string>& emails);

}  // namespace pe
