#include "adapters/vidur/vidur_metrics.hpp"

namespace claimcheck::vidur {
namespace {

struct Alias {
  std::string_view alias;
  std::string_view name;
};

// Short names papers use, and the names docs/metrics.md gives (it differs from the files).
constexpr Alias k_aliases[] = {
    {"ttft", "prefill_e2e_time"},
    {"tpot", "decode_time_execution_plus_preemption_normalized"},
    {"tbt", "batch_execution_time"},
    {"e2e_latency", "request_e2e_time"},
    {"prefill_time_e2e", "prefill_e2e_time"},
    {"request_e2e_time_normalised", "request_e2e_time_normalized"},
    {"request_execution_plus_preemption_times", "request_execution_plus_preemption_time"},
    {"decode_token_execution_plus_preemption_times", "decode_token_execution_plus_preemption_time"},
    {"batch_sizes", "batch_size"},
};

std::vector<MetricDef> make_table() {
  using S = MetricSource;
  std::vector<MetricDef> t;
  auto request = [&](const char* name, const char* unit, const char* description) {
    t.push_back({name, unit, S::request_table, name, description});
  };
  request("request_e2e_time", "s", "completion minus arrival of each request");
  request("request_e2e_time_normalized", "s", "request_e2e_time / decode tokens");
  request("request_execution_time", "s", "time a request executed on GPUs (all attempts)");
  request("request_execution_time_normalized", "s", "request_execution_time / decode tokens");
  request("request_model_execution_time", "s", "model execution time of a request");
  request("request_model_execution_time_normalized", "s", "request_model_execution_time / decode tokens");
  request("request_preemption_time", "s", "time allocated but not executing (bubbles, preemption)");
  request("request_scheduling_delay", "s", "first schedule minus arrival");
  request("request_execution_plus_preemption_time", "s", "execution + preemption time");
  request("request_execution_plus_preemption_time_normalized", "s", "(execution + preemption) / decode tokens");
  request("prefill_e2e_time", "s", "time to first token: prefill completion minus arrival (alias ttft)");
  request("prefill_time_execution_plus_preemption", "s", "prefill completion minus first schedule");
  request("prefill_time_execution_plus_preemption_normalized", "s", "the same / prefill tokens");
  request("decode_time_execution_plus_preemption_normalized", "s",
          "(completion - prefill completion) / decode tokens (alias tpot)");
  request("request_inter_arrival_delay", "s", "arrival minus the previous request's arrival");
  request("request_num_tokens", "count", "prefill + decode tokens of a request");
  request("request_num_prefill_tokens", "count", "prompt tokens of a request");
  request("request_num_decode_tokens", "count", "output tokens of a request");
  request("request_pd_ratio", "ratio", "prefill tokens / decode tokens");
  request("request_num_restarts", "count", "times a request was restarted");
  t.push_back({"batch_execution_time", "s", S::batch_table, "batch_execution_time",
               "batch end minus batch schedule (VIDUR's TBT; alias tbt)"});
  t.push_back({"batch_size", "count", S::batch_table, "batch_size", "requests in a batch"});
  t.push_back({"batch_num_tokens", "count", S::batch_table, "batch_num_tokens", "tokens processed by a batch"});
  t.push_back({"batch_num_prefill_tokens", "count", S::batch_table, "batch_num_prefill_tokens", "prefill tokens of a batch"});
  t.push_back({"batch_num_decode_tokens", "count", S::batch_table, "batch_num_decode_tokens", "decode tokens of a batch"});
  t.push_back({"decode_token_execution_plus_preemption_time", "s", S::sketch,
               "decode_token_execution_plus_preemption_time",
               "inter-token delay seen by users (needs store_token_completion_metrics)"});
  t.push_back({"request_throughput", "req/s", S::throughput, "request_completion",
               "completed requests / simulated makespan (last completion time)"});
  t.push_back({"output_token_throughput", "tokens/s", S::throughput, "request_num_decode_tokens",
               "sum of decode tokens of completed requests / simulated makespan"});
  t.push_back({"mfu", "%", S::utilization, "mfu", "model FLOPs utilization, mean over replica stages"});
  t.push_back({"memory_usage", "%", S::utilization, "memory_usage", "KV-cache memory usage, mean over replicas"});
  t.push_back({"busy_time_percent", "%", S::utilization, "busy_time_percent", "share of time stages execute, mean"});
  t.push_back({"roofline_ratio", "x", S::roofline, "",
               "options.latency_metric (with options.statistic) / the roofline bound of options.roofline"});
  return t;
}

}  // namespace

const std::vector<MetricDef>& metric_table() {
  static const std::vector<MetricDef> table = make_table();
  return table;
}

const MetricDef* find_metric(std::string_view name) {
  for (const auto& alias : k_aliases) {
    if (alias.alias == name) {
      name = alias.name;
      break;
    }
  }
  for (const auto& metric : metric_table()) {
    if (metric.name == name) return &metric;
  }
  return nullptr;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (const auto& metric : metric_table()) names.push_back(metric.name);
  for (const auto& alias : k_aliases) names.emplace_back(alias.alias);
  return names;
}

bool needs_statistic(const MetricDef& metric) {
  return metric.source == MetricSource::request_table || metric.source == MetricSource::batch_table ||
         metric.source == MetricSource::sketch;
}

}  // namespace claimcheck::vidur
