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

SystemConfig system_with(ImplKind kind, int dims, int splits, int active, int endpoint) {
  SystemConfig s;
  s.scheduling_policy = SchedulingPolicy::lifo;
  s.collective_optimization = CollectiveOptimization::local_bw_aware;
  s.endpoint_delay_ns = endpoint;
  s.endpoint_delay_set = true;
  s.preferred_dataset_splits = splits;
  s.active_chunks_per_dimension = active;
  s.local_mem_bw_gbps = 1600;
  const std::vector<CollectiveImpl> impls(static_cast<std::size_t>(dims), CollectiveImpl{kind, -1});
  s.all_reduce = s.all_gather = s.reduce_scatter = s.all_to_all = impls;
  return s;
}

SimulationInput one_collective(NetworkConfig net, SystemConfig sys, CommType type, std::uint64_t size) {
  SimulationInput in;
  in.network = std::move(net);
  in.system = std::move(sys);
  auto g = std::make_shared<NpuGraph>();
  WorkloadNode n;
  n.id = 0;
  n.name = "coll";
  n.type = NodeType::coll;
  n.comm_type = type;
  n.comm_size = size;
  g->nodes.push_back(n);
  in.workload.graphs.assign(static_cast<std::size_t>(in.network.total_npus()), g);
  return in;
}

}  // namespace claimcheck::astrasim::test
