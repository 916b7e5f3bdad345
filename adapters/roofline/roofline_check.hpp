#pragma once
// Cross-checking a latency another tool reports against the roofline bound (used by the VIDUR
// and NeuSight adapters for their "roofline_ratio" metric). The ratio latency / bound below 1
// means the tool reports something faster than the GPU's datasheet peaks allow; a claim states
//   "metric": "roofline_ratio", "expected": {"at_least": 1, "unit": "x"}
// and is discrepant exactly then, whatever the artifact says.

#include <string>

#include "adapter/adapter.hpp"
#include "adapters/roofline/roofline_spec.hpp"

namespace claimcheck::roofline {

// The measurement of latency_s / bound (unit "x"), with the latency, the bound and its terms in
// the details. `latency_label` names where the latency came from (e.g. "batch_execution_time p0").
Measurement roofline_ratio(double latency_s, const std::string& latency_label, const RooflineSpec& spec);

}  // namespace claimcheck::roofline
