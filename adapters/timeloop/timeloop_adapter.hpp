#pragma once
// The `timeloop` adapter: measures Timeloop figures (cycles, energy, utilization, per-level
// accesses) with the native model (mode run), by re-reading the real tool's stats.txt or
// map+stats.xml (mode reread), or by running the real timeloop-model (options.engine = "real",
// only with --allow-commands).

#include <memory>

#include "adapter/adapter.hpp"
#include "adapters/timeloop/stats_reader.hpp"

namespace claimcheck {

std::unique_ptr<Adapter> make_timeloop_adapter();

namespace timeloop {

// The value of `metric` in `stats`, with its unit; nullopt plus a reason when absent.
struct MetricValue {
  double value = 0.0;
  std::string unit;  // unit symbol, e.g. "cycles", "pJ"
};
std::optional<MetricValue> metric_value(const ReportedStats& stats, const std::string& metric, std::string& why_not);

}  // namespace timeloop
}  // namespace claimcheck
