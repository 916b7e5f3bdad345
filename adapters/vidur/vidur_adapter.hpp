#pragma once
// The `vidur` adapter (mode reread): metrics of one VIDUR simulation run, read from the files
// VIDUR writes (see vidur_metrics.hpp for the layout and the units it follows).
//
//   "artifact": the run's output folder (simulator_output/<timestamp>), or any file in it
//   "metric":   a VIDUR metric name or alias (ttft, tpot, tbt, e2e_latency, request_throughput, ...)
//   "options":  {"statistic": "mean" | "median" | "min" | "max" | "pNN"}   for distributions
//               {"latency_metric": ..., "statistic": ..., "roofline": {...}} for roofline_ratio

#include <memory>

#include "adapter/adapter.hpp"

namespace claimcheck {

std::unique_ptr<Adapter> make_vidur_adapter();

}  // namespace claimcheck
