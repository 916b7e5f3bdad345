#pragma once
// The `neusight` adapter (mode reread): NeuSight's predicted and measured latencies and their
// error, from its released result files (see neusight_results.hpp for the layouts).
//
//   "artifact": summary/summary.csv, a prediction .json (with options.label, the label .json),
//               or a per-operator prediction .csv
//   "metric":   predicted_latency (ms), measured_latency (ms), relative_error (%, NeuSight's
//               |measured - predicted| / measured, recomputed from the latencies), roofline_ratio (x)
//   "options":  {"predictor": "neusight", "ops": "all", "phase": "e2e",
//                "where": {"device": "NVIDIA_H100_80GB_HBM3", "model_name": ["gpt3_xl", "gpt3_27"], "option": ""},
//                "statistic": "mean"}          without statistic exactly one row must match
//               {"label": "label/NVIDIA_H100_80GB_HBM3/gpt3_27-inf-2048-2.json"}   for a prediction .json
//               {"op_names": ["Linear", "BMM"]}                                   for a per-operator .csv
//               {"roofline": {...}}                                               for roofline_ratio

#include <memory>

#include "adapter/adapter.hpp"

namespace claimcheck {

std::unique_ptr<Adapter> make_neusight_adapter();

}  // namespace claimcheck
