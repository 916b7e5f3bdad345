#pragma once
// Loads a workload given as an ET prefix (PREFIX.<npu>.et for every NPU), a 1.x text layer list,
// or a one-collective JSON file.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "adapters/astrasim/workload.hpp"

namespace claimcheck::astrasim {

// Reads a whole file; throws when it cannot. exists() tells whether a path is a regular file.
struct FileAccess {
  std::function<std::string(const std::filesystem::path&)> read;
  std::function<bool(const std::filesystem::path&)> exists;
};

// Plain file-system access (the model command).
FileAccess local_files();

struct LoadedWorkload {
  Workload workload;
  std::vector<std::string> warnings;
  std::vector<std::filesystem::path> files;  // every file read
};

// Throws InputError when a file is malformed or an ET file of some NPU is missing.
LoadedWorkload load_workload(const std::filesystem::path& spec, int total_npus, const FileAccess& files);

}  // namespace claimcheck::astrasim
