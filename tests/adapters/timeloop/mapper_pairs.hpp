#pragma once
// The reference pairs of the real timeloop-mapper (tests/data/timeloop-mapper/PAIR): their
// expected.json and input files in timeloop-mapper's order (arch, problem, constraints, settings,
// ERT; arch, problem and ERT from the reference case tests/data/timeloop/<inputs_case>).

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace claimcheck::timeloop::mapper::test_pairs {

inline const std::filesystem::path k_pairs = std::filesystem::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop-mapper";
inline const std::filesystem::path k_cases = std::filesystem::path(CLAIMCHECK_TEST_DIR) / "data" / "timeloop";

inline std::string read(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

inline nlohmann::json expected(const std::string& pair) { return nlohmann::json::parse(read(k_pairs / pair / "expected.json")); }

inline std::vector<std::string> pair_files(const std::string& pair, const std::string& run) {
  const std::filesystem::path inputs = k_cases / expected(pair)["inputs_case"].get<std::string>();
  return {(inputs / "arch.yaml").string(), (inputs / "problem.yaml").string(),
          (k_pairs / pair / "constraints.yaml").string(), (k_pairs / pair / "runs" / run / "mapper.yaml").string(),
          (inputs / "ERT.yaml").string()};
}

}  // namespace claimcheck::timeloop::mapper::test_pairs
