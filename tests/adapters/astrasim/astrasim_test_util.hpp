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

}  // namespace claimcheck::astrasim::test
