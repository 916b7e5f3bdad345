#pragma once
// Loads every input of one model run from the real tool's own files.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "adapters/astrasim/simulator.hpp"
#include "adapters/astrasim/workload_loader.hpp"

namespace claimcheck::astrasim {

struct ModelPaths {
  std::filesystem::path network;                       // network YAML
  std::filesystem::path system;                        // system JSON
  std::filesystem::path workload;                      // ET prefix, text layer list or JSON collective
  std::optional<std::filesystem::path> remote_memory;  // remote memory JSON
  std::optional<std::filesystem::path> comm_group;     // comm-group JSON
  // Where the system configuration's relative custom-collective paths are looked up, in order
  // (the real tool: its working directory).
  std::vector<std::filesystem::path> search_dirs;
};

struct LoadedInputs {
  SimulationInput input;
  std::vector<std::string> warnings;
  std::vector<std::filesystem::path> files;  // every file read
};

// Throws InputError (with file and line) on the first malformed input.
LoadedInputs load_inputs(const ModelPaths& paths, Backend backend, const FileAccess& files);

}  // namespace claimcheck::astrasim
