#pragma once
// What VIDUR (github.com/microsoft/vidur, vidur/metrics/metrics_store.py) writes for one
// simulation run, in its output folder simulator_output/<timestamp>/:
//
//   request_metrics.csv   "Request Id", then one column per request metric (the names of
//                         RequestMetricsTimeDistributions and RequestMetricsHistogram in
//                         vidur/metrics/constants.py), outer-joined on the id, so a cell is empty
//                         when a request has no value (the first request's inter-arrival delay;
//                         requests still running when the simulation stopped).
//   batch_metrics.csv     "Batch Id", batch_num_tokens, batch_num_prefill_tokens,
//                         batch_num_decode_tokens, batch_size, batch_execution_time; only with
//                         keep_individual_batch_metrics.
//   plots/<metric>.csv    for batch and token metrics a DDSketch CDF (relative accuracy 0.1%):
//                         an index column, "cdf" at 0.00, 0.01, ... 1.00, and the metric.
//   plots/request_completion_time_series.csv   index, "Time (sec)", request_completion (cumulative).
//   plots/replica_<r>_memory_usage.json, replica_<r>_stage_<s>_{busy_time_percent,mfu}.json
//                         {"<name>_min", "<name>_max", "<name>_weighted_mean"} in percent.
//
// Units: the simulator clock is in seconds (ExecutionTime.model_time converts its profiled
// milliseconds with 1e-3, and the time-series columns are "Time (sec)"), so every request,
// batch and token time in these files is in seconds. VIDUR's own dashboard multiplies TBT by
// 1000 and labels it ms, and docs/metrics.md names the metrics differently from the files
// (prefill_time_e2e_cdf for prefill_e2e_time, request_e2e_time_normalised for ..._normalized,
// decode_token_execution_plus_preemption_times for ..._time). claimcheck follows the code: values
// are read in seconds, and the docs' names are accepted as aliases.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck::vidur {

enum class MetricSource {
  request_table,  // a column of request_metrics.csv
  batch_table,    // a column of batch_metrics.csv, else the plots/<metric>.csv sketch
  sketch,         // only the plots/<metric>.csv sketch exists
  throughput,     // completions per second of simulated time
  utilization,    // mean over replicas (and stages) of the weighted means in plots/replica_*.json
  roofline,       // a latency metric over the roofline bound of options.roofline
};

struct MetricDef {
  std::string name;         // as claims write it (VIDUR's column name where there is one)
  std::string unit;         // the unit of the value in VIDUR's files
  MetricSource source = MetricSource::request_table;
  std::string column;       // column / file stem / utilization name
  std::string description;  // one line
};

const std::vector<MetricDef>& metric_table();

// The metric `name` names, following aliases (ttft, tpot, tbt, e2e_latency and the docs' names).
const MetricDef* find_metric(std::string_view name);

// Every accepted name (metrics and aliases), for "did you mean".
std::vector<std::string> metric_names();

// Whether the metric is a distribution (and so needs options.statistic).
bool needs_statistic(const MetricDef& metric);

}  // namespace claimcheck::vidur
