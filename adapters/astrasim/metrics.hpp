#pragma once
// The astra-sim adapter's metrics over one run's per-NPU results and node timings (ns):
//
//   finish_time, exposed_comm, comm_time, compute_time   one NPU (options.npu) or the maximum
//   <any of those>.max | .min | .mean                    over every NPU
//   collective_time                                      first collective start to last end
//   collective.start | collective.end | collective.duration   the collective node options.node
//                                                        (ET id or name): one NPU, or the earliest
//                                                        start / latest end / longest duration
//   send_time                                            a send or recv node (options.node): issue
//                                                        to completion, the message's network time

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "adapters/astrasim/simulator.hpp"

namespace claimcheck::astrasim {

const std::vector<std::string>& metric_names();
bool is_metric(const std::string& name);
// Metrics that need options.node.
bool metric_needs_node(const std::string& name);
// Metrics a re-read log has (per-NPU finish, exposed communication, compute, comm time).
bool metric_in_log(const std::string& name);

// A workload node named in a claim: by ET id or by name.
using NodeRef = std::variant<std::uint64_t, std::string>;

struct MetricValue {
  double value = 0;   // ns
  std::string error;  // non-empty: why there is no value (e.g. no such node)
};

MetricValue evaluate_metric(const std::string& metric, const std::map<int, NpuResult>& npus,
                            const std::vector<NodeTiming>& nodes, std::optional<int> npu,
                            const std::optional<NodeRef>& node);

}  // namespace claimcheck::astrasim
