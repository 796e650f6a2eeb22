// `enrich queue` and `enrich track`: a run of a whole file against the API, from the command line.
// The rules are the core's (run_ledger.hpp, run_send.hpp); this is arguments, files, the key from
// the environment, libcurl (src/native/http_curl.hpp), progress on stderr and exit codes.
#pragma once

#include <string>
#include <vector>

namespace enrich_cli {

// The usage lines of the two commands (main.cpp's usage text includes them).
extern const char* const kRunUsage;

// args: what follows the command name. Return the exit code (docs/cli.md lists them).
int cmd_queue(const std::vector<std::string>& args);
int cmd_track(const std::vector<std::string>& args);

}  // namespace enrich_cli
