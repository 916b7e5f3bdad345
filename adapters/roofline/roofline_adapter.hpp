#pragma once
// The `roofline` adapter (mode run): the lower bound on the latency of GEMM and attention
// operators on a named GPU (see roofline_model.hpp and roofline_spec.hpp for the inputs).
//
// A claim that a tool's or a paper's latency is physically possible is written as
//   "metric": "min_latency", "expected": {"at_most": <the reported latency>, "unit": "ms"}
// and is discrepant when the bound exceeds the reported number.

#include <memory>

#include "adapter/adapter.hpp"

namespace claimcheck {

std::unique_ptr<Adapter> make_roofline_adapter();

}  // namespace claimcheck
