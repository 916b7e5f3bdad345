#pragma once
// The "astra-sim" adapter.
//
// Claim usage:
//   "tool": "astra-sim",
//   "hardware": {"spec": {"network": "net.yml", "system": "sys.json", "remote_memory": "mem.json"}},
//   "workload": {"spec": "workload/wl"}        (ET prefix, 1.x text layer list, or JSON collective)
//   "options": {"backend": "congestion-unaware" | "congestion-aware", "npu": 3,
//               "comm_group": "groups.json", "real_tool": true}
// Metrics (ns; ASTRA-sim cycles, 1 cycle = 1 ns): finish_time, exposed_comm, comm_time,
// compute_time, collective_time; each the maximum over NPUs unless options.npu names one.
// mode "run": the native model. mode "reread": the real tool's stdout or log.log in `artifact`.
// options.real_tool: run AstraSim_Analytical_Congestion_{Unaware,Aware} from PATH instead (needs
// --allow-commands); the native model's value is shown beside it as a cross-check.

#include <memory>

#include "adapter/adapter.hpp"

namespace claimcheck {

std::unique_ptr<Adapter> make_astrasim_adapter();

}  // namespace claimcheck
