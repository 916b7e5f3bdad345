#pragma once
// Shared helpers of the astra-sim tests: where the copied reference cases live and how to load one.

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/astrasim/model_inputs.hpp"

namespace claimcheck::astrasim::test {

inline std::filesystem::path data_dir() { return std::filesystem::path(CLAIMCHECK_TEST_DIR) / "data" / "astrasim"; }
inline std::filesystem::path refcase_dir(const std::string& name) { return data_dir() / "refcases" / name; }

// Every reference case folder name, sorted.
std::vector<std::string> refcase_names();

// The inputs of a reference case as its cmd.txt runs it (backend from the binary name).
LoadedInputs load_refcase(const std::string& name);

std::string read_text(const std::filesystem::path& path);

// A system configuration with `kind` in every dimension for every collective, endpoint-delay set.
SystemConfig system_with(ImplKind kind, int dims, int splits = 4, int active = 1, int endpoint = 10);

// Every NPU runs one collective of `size` bytes.
SimulationInput one_collective(NetworkConfig net, SystemConfig sys, CommType type, std::uint64_t size);

// The message of the first exception of type E that `run` throws, or "(no error)".
template <typename E = std::exception, typename F>
std::string thrown_by(F run) {
  try {
    run();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace claimcheck::astrasim::test
