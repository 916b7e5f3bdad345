#pragma once
// The input files of a Timeloop case folder (tests/data/timeloop/NAME), in the order the real
// tool's command line takes them; ERT.yaml only when the case has one.

#include <filesystem>
#include <string>
#include <vector>

namespace claimcheck::timeloop {

inline std::vector<std::string> case_inputs(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const char* f : {"arch.yaml", "problem.yaml", "mapping.yaml", "ERT.yaml"}) {
    if (std::filesystem::exists(dir / f)) files.push_back((dir / f).string());
  }
  return files;
}

}  // namespace claimcheck::timeloop
