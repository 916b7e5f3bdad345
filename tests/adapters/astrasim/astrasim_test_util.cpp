#include "astrasim_test_util.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace claimcheck::astrasim::test {

std::vector<std::string> refcase_names() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() / "refcases")) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

LoadedInputs load_refcase(const std::string& name) {
  const auto dir = refcase_dir(name);
  ModelPaths paths;
  paths.network = dir / "network.yml";
  paths.system = dir / "system.json";
  paths.remote_memory = dir / "remote_memory.json";
  paths.workload = dir / "workload" / "wl";
  if (std::filesystem::exists(dir / "comm_groups.json")) paths.comm_group = dir / "comm_groups.json";
  const std::string cmd = read_text(dir / "cmd.txt");
  const Backend backend = cmd.find("Congestion_Aware") != std::string::npos ? Backend::congestion_aware
                                                                            : Backend::congestion_unaware;
  return load_inputs(paths, backend, local_files());
}

}  // namespace claimcheck::astrasim::test
