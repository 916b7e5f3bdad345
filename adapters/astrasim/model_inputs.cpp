#include "adapters/astrasim/model_inputs.hpp"

#include "adapters/astrasim/comm_group.hpp"
#include "adapters/astrasim/network_config.hpp"
#include "adapters/astrasim/remote_memory.hpp"
#include "adapters/astrasim/system_config.hpp"

namespace claimcheck::astrasim {

LoadedInputs load_inputs(const ModelPaths& paths, Backend backend, const FileAccess& files) {
  LoadedInputs out;
  out.input.backend = backend;
  out.input.network = parse_network_config(paths.network, files.read(paths.network));
  out.files.push_back(paths.network);
  out.input.system = parse_system_config(paths.system, files.read(paths.system));
  out.files.push_back(paths.system);
  out.warnings = out.input.system.warnings;
  if (paths.remote_memory) {
    out.input.remote_memory = parse_remote_memory(*paths.remote_memory, files.read(*paths.remote_memory));
    out.files.push_back(*paths.remote_memory);
  }
  const int total = out.input.network.total_npus();
  const SystemConfig& sys = out.input.system;
  if (!sys.custom_impl.empty() || !sys.per_node_custom_impl.empty()) {
    out.input.custom = load_custom_collectives(paths.system, sys.custom_impl, sys.per_node_custom_impl, total,
                                               CustomSearch{paths.search_dirs}, files, out.files);
  }
  LoadedWorkload w = load_workload(paths.workload, total, files);
  out.input.workload = std::move(w.workload);
  out.warnings.insert(out.warnings.end(), w.warnings.begin(), w.warnings.end());
  out.files.insert(out.files.end(), w.files.begin(), w.files.end());
  if (paths.comm_group) {
    out.input.comm_groups = parse_comm_groups(*paths.comm_group, files.read(*paths.comm_group), total);
    out.files.push_back(*paths.comm_group);
  }
  return out;
}

}  // namespace claimcheck::astrasim
