#pragma once
// Reads what the real ASTRA-sim 2.x prints (stdout or log/log.log): the per-NPU finish lines and
// statistics, after stripping the "[time] [logger] [level]" prefixes.

#include <filesystem>
#include <map>
#include <string>

#include "adapters/astrasim/simulator.hpp"

namespace claimcheck::astrasim {

struct RunLog {
  std::map<int, NpuResult> npus;  // NPUs that reported "sys[i] finished"; compute = finish - exposed
  bool exited = false;            // the "Exiting" line was seen
};

// Throws InputError when no "sys[i] finished" line is present.
RunLog parse_run_log(const std::filesystem::path& file, const std::string& text);

}  // namespace claimcheck::astrasim
