#pragma once
// The "astra-sim" adapter.
//
// Claim usage:
//   "tool": "astra-sim",
//   "hardware": {"spec": {"network": "net.yml", "system": "sys.json", "remote_memory": "mem.json"}},
//   "workload": {"spec": "workload/wl"}        (ET prefix, 1.x text layer list, or JSON collective)
//   "options": {"backend": "congestion-unaware" | "congestion-aware", "npu": 3 | "all",
//               "node": 12 | "AR_16MiB", "comm_group": "groups.json", "real_tool": true,
//               "injection_scale": 1, "num_queues_per_dim": 1, "rendezvous_protocol": false,
//               "comm_scale": 1, "compute_scale": 1}
// Metrics (ns; ASTRA-sim cycles, 1 cycle = 1 ns): see metrics.hpp. finish_time, exposed_comm,
// comm_time, compute_time are the maximum over NPUs unless options.npu names one; npu "all"
// expands the claim into one claim per NPU (expand()).
// mode "run": the native model. mode "reread": the real tool's stdout or log.log in `artifact`.
// options.real_tool: run AstraSim_Analytical_Congestion_{Unaware,Aware} from PATH instead (needs
// --allow-commands); the native model's value is shown beside it as a cross-check.

#include <memory>

#include "adapter/adapter.hpp"

namespace claimcheck {

std::unique_ptr<Adapter> make_astrasim_adapter();

}  // namespace claimcheck
