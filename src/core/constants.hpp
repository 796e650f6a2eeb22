// The numbers and addresses of the API contract, in one place: where requests go, what a prospect
// may cost, and how many prospects one request carries. The CLI and the core read them from here;
// the page from its constants.js, which scripts/bundle_web.js writes at build time from the module's
// constants() (constants_json() in json_forms.hpp).
#pragma once

#include <cstddef>

namespace pe {

// Woodpecker's API: https://api.woodpecker.co, key in the x-api-key header.
inline constexpr const char* kDefaultBaseUrl = "https://api.woodpecker.co";
// POST: queue a batch of prospects for enrichment (GET kQueuePath + "/<uuid>": the batch's status).
inline constexpr const char* kQueuePath = "/rest/v2/lead_finder/prospects/enrichments";
// POST {"emails":[...]}: the enrichment status of prospects by email.
inline constexpr const char* kStatusQueryPath = "/rest/v2/lead_finder/prospects/enrichments/statuses/query";

// The most one prospect can cost: the credit ceiling of a run is this times the valid prospects.
inline constexpr double kCreditsPerProspect = 1.5;
// Prospects per request: the default, and the most the page and the CLI accept.
inline constexpr std::size_t kDefaultBatchSize = 50;
inline constexpr std::size_t kMaxBatchSize = 1000;

}  // namespace pe
