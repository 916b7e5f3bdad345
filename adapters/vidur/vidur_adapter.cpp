#include "adapters/vidur/vidur_adapter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

#include "adapters/roofline/roofline_check.hpp"
#include "adapters/vidur/statistics.hpp"
#include "adapters/vidur/vidur_metrics.hpp"
#include "io/extract.hpp"
#include "io/json_limits.hpp"
#include "io/json_locator.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace vidur;

const std::vector<std::string> k_option_keys = {"statistic", "latency_metric", "roofline"};

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

// The run folder: the artifact itself, or the folder holding the named file (plots/ lifted).
fs::path run_folder(const Job& job) {
  fs::path path = job.sandbox.resolve(job.claim_dir, *job.claim.artifact);
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path;
  path = path.parent_path();
  if (path.filename() == "plots") path = path.parent_path();
  return path;
}

struct Table {
  fs::path path;
  std::string name;  // relative to the repository, for messages
  CsvTable csv;
};

Table read_table(const Job& job, const fs::path& run, const std::string& relative) {
  Table table;
  table.path = job.sandbox.resolve(run, relative);
  table.name = job.sandbox.relative(table.path);
  table.csv = parse_csv(job.sandbox.read(table.path), table.name);
  return table;
}

std::size_t column_index(const Table& table, const std::string& column) {
  const auto& header = table.csv.header;
  auto it = std::find(header.begin(), header.end(), column);
  if (it == header.end()) {
    const std::string close = closest_match(column, header);
    throw InputError(table.name, 1, 0, "no column \"" + column + "\" in the header",
                     close.empty() ? "VIDUR writes it only when the matching store_* option is on"
                                   : "did you mean \"" + close + "\"?");
  }
  return static_cast<std::size_t>(it - header.begin());
}

// The numbers of a column; empty cells (outer-join gaps) are skipped and counted.
std::vector<double> column_values(const Table& table, const std::string& column, std::size_t& empty_cells) {
  const std::size_t index = column_index(table, column);
  std::vector<double> values;
  empty_cells = 0;
  for (std::size_t r = 0; r < table.csv.rows.size(); ++r) {
    const std::string& cell = table.csv.rows[r][index];
    if (cell.empty()) {
      ++empty_cells;
      continue;
    }
    auto value = parse_number(cell);
    if (!value || !std::isfinite(*value)) {
      throw InputError(table.name, static_cast<int>(r + 2), 0,
                       "cell \"" + cell + "\" in column \"" + column + "\" is not a number");
    }
    values.push_back(*value);
  }
  if (values.empty()) throw InputError(table.name, 0, 0, "column \"" + column + "\" has no values");
  return values;
}

// A metric this run's files cannot give (becomes a blocked verdict of kind unsupported).
struct Unsupported {
  std::string reason;
  std::string unblock;
};

std::optional<Statistic> statistic_option(const json& options) {
  if (!options.is_object() || !options.contains("statistic") || !options.at("statistic").is_string()) return std::nullopt;
  return parse_statistic(options.at("statistic").get<std::string>());
}

class VidurAdapter final : public Adapter {
 public:
  std::string name() const override { return "vidur"; }
  std::string version() const override { return "1"; }
  std::vector<MetricInfo> metrics() const override {
    std::vector<MetricInfo> out;
    for (const auto& m : metric_table()) out.push_back({m.name, m.unit, m.description});
    for (const auto& name : metric_names()) {  // the aliases, so that their units are known too
      const MetricDef* m = find_metric(name);
      if (m && m->name != name) out.push_back({name, m->unit, "alias of " + m->name});
    }
    return out;
  }
  std::vector<Mode> modes() const override { return {Mode::reread}; }
  AdapterDoc doc() const override {
    return {"VIDUR simulation outputs (request and batch metrics CSVs, per-replica JSON): latency percentiles, TTFT, "
            "TBT/TPOT, throughput, utilization",
            "\"artifact\": VIDUR's output folder of the run (simulator_output/<timestamp>/), or a file in it. Values are "
            "read in\nseconds, as VIDUR's files hold them. A distribution needs options.statistic.",
            R"({
  "id": "vidur-ttft-p90",
  "title": "P90 time to first token is 0.35 s",
  "source": {"paper": "Our paper", "where": "Table 3"},
  "tool": "vidur",
  "mode": "reread",
  "metric": "ttft",
  "artifact": "runs/vidur/simulator_output/2024-06-01_12-00-00-000000",
  "options": {"statistic": "p90"},
  "expected": {"value": 0.35, "unit": "s"},
  "tolerance": {"absolute": 0.005}
})"};
  }
  std::vector<OptionInfo> options() const override {
    return {
        {"statistic", OptionType::string,
         "which statistic of a distribution metric the paper reports: mean, median, min, max or pNN", R"("p99")", {},
         {}, {}},
        {"latency_metric", OptionType::string, "roofline_ratio: the VIDUR time metric checked against the roofline",
         R"("tbt")", {}, {}, {}},
        {"roofline", OptionType::object,
         "roofline_ratio: {\"gpu\": ..., \"precision\": ..., \"operators\": [...]} (see `claimcheck adapters roofline`)",
         R"({"gpu": "A100-SXM4-80GB", "precision": "fp16", "operators": [{"op": "gemm", "m": 1, "n": 8192, "k": 8192}]})",
         {}, {}, {}},
    };
  }
  std::vector<ClaimPath> paths(const Claim& claim) const override {
    std::vector<ClaimPath> out = Adapter::paths(claim);
    for (auto& p : out) {
      if (p.pointer == "/artifact") p.kind = ClaimPath::Kind::file_or_directory;  // the run folder, or a file in it
    }
    return out;
  }

  void validate(const Claim& claim, Diagnostics& out) const override {
    if (claim.mode != Mode::reread) {
      out.add({}, "/mode", "the vidur adapter re-reads a VIDUR run: mode must be \"reread\"",
              "run VIDUR yourself (or with the command adapter) and point \"artifact\" at its output folder");
    }
    if (claim.extract.kind != Extract::Kind::none) {
      out.add({}, "/extract", "the vidur adapter knows VIDUR's files; remove \"extract\" and name the metric",
              "or use the artifact adapter to read an arbitrary cell");
    }
    const json& options = claim.options;
    if (!options.is_null() && !options.is_object()) return;
    if (options.is_object()) {
      for (const auto& [key, value] : options.items()) {
        if (std::find(k_option_keys.begin(), k_option_keys.end(), key) != k_option_keys.end()) continue;
        const std::string close = closest_match(key, k_option_keys);
        out.add({}, "/options/" + pointer_token(key), "unknown option \"" + key + "\" for the vidur adapter",
                close.empty() ? "options: statistic, latency_metric, roofline" : "did you mean \"" + close + "\"?");
      }
    }
    const MetricDef* metric = check_metric(claim.metric, "/metric", out);
    if (!metric) return;
    if (metric->source == MetricSource::roofline) {
      if (!options.is_object() || !options.contains("roofline")) {
        out.add({}, "/options", "roofline_ratio needs \"roofline\": {\"gpu\": ..., \"precision\": ..., \"operators\": [...]}");
      } else {
        roofline::parse_roofline_option(options.at("roofline"), "/options/roofline", out);
      }
      if (!options.is_object() || !options.contains("latency_metric") || !options.at("latency_metric").is_string()) {
        out.add({}, "/options", "roofline_ratio needs \"latency_metric\": the VIDUR time metric to check (e.g. \"tbt\")");
        return;
      }
      metric = check_metric(options.at("latency_metric").get<std::string>(), "/options/latency_metric", out);
      if (!metric) return;
      if (metric->unit != "s") {
        out.add({}, "/options/latency_metric", "\"" + metric->name + "\" is not a time; roofline_ratio needs a latency");
        return;
      }
    } else {
      for (const char* key : {"roofline", "latency_metric"}) {
        if (options.is_object() && options.contains(key)) {
          out.add({}, std::string("/options/") + key, std::string("\"") + key + "\" goes with metric \"roofline_ratio\"");
        }
      }
    }
    check_statistic(*metric, options, out);
  }

  Outcome measure(const Job& job) const override {
    const Claim& claim = job.claim;
    const MetricDef* metric = find_metric(claim.metric);
    if (!metric) return Blocked{BlockKind::unsupported, "unknown VIDUR metric \"" + claim.metric + "\"", "see `claimcheck adapters`", {}};
    const fs::path run = run_folder(job);
    try {
      return measure_in(job, run, metric);
    } catch (const Unsupported& e) {
      return Blocked{BlockKind::unsupported, e.reason, e.unblock, {}};
    }
  }

 private:
  static Outcome measure_in(const Job& job, const fs::path& run, const MetricDef* metric) {
    const Claim& claim = job.claim;
    if (metric->source != MetricSource::roofline) {
      Measurement m = measure_metric(job, run, *metric, statistic_option(claim.options));
      return m;
    }
    Diagnostics problems;
    const auto spec = roofline::parse_roofline_option(claim.options.at("roofline"), "/options/roofline", problems);
    if (!spec) throw InputError(problems);
    const MetricDef* latency = find_metric(claim.options.at("latency_metric").get<std::string>());
    const auto statistic = statistic_option(claim.options);
    Measurement base = measure_metric(job, run, *latency, statistic);
    Measurement m = roofline::roofline_ratio(base.value, latency->name + " " + (statistic ? statistic->text : ""), *spec);
    m.files = base.files;
    m.tool_version = base.tool_version;
    m.details.insert(m.details.begin(), base.details.begin(), base.details.end());
    m.warnings.insert(m.warnings.begin(), base.warnings.begin(), base.warnings.end());
    return m;
  }

  static const MetricDef* check_metric(const std::string& name, const std::string& pointer, Diagnostics& out) {
    if (const MetricDef* metric = find_metric(name)) return metric;
    const std::string close = closest_match(name, metric_names());
    out.add({}, pointer, "unknown VIDUR metric \"" + name + "\"",
            close.empty() ? "e.g. ttft, tpot, tbt, request_e2e_time, request_throughput" : "did you mean \"" + close + "\"?");
    return nullptr;
  }

  static void check_statistic(const MetricDef& metric, const json& options, Diagnostics& out) {
    const bool given = options.is_object() && options.contains("statistic");
    if (!needs_statistic(metric)) {
      if (given) out.add({}, "/options/statistic", "\"" + metric.name + "\" is one number per run; remove \"statistic\"");
      return;
    }
    if (!given) {
      out.add({}, "/options", "\"" + metric.name + "\" is a distribution: say which statistic the paper reports",
              "add \"statistic\": \"mean\", \"median\", \"min\", \"max\" or \"pNN\" (e.g. \"p99\")");
      return;
    }
    const json& value = options.at("statistic");
    if (!value.is_string() || !parse_statistic(value.get<std::string>())) {
      out.add({}, "/options/statistic", "unknown statistic " + value.dump(), "use mean, median, min, max or pNN (e.g. p99)");
    }
  }

  static Measurement measure_metric(const Job& job, const fs::path& run, const MetricDef& metric,
                                    const std::optional<Statistic>& statistic) {
    Measurement m;
    m.unit = *parse_unit(metric.unit);
    m.tool_version = "VIDUR output (re-read)";
    switch (metric.source) {
      case MetricSource::request_table: {
        const Table table = read_table(job, run, "request_metrics.csv");
        from_column(m, table, metric.column, *statistic);
        break;
      }
      case MetricSource::batch_table: {
        std::error_code ec;
        if (fs::exists(run / "batch_metrics.csv", ec)) {
          const Table table = read_table(job, run, "batch_metrics.csv");
          from_column(m, table, metric.column, *statistic);
          break;
        }
        from_sketch(job, run, m, metric.column, *statistic);
        break;
      }
      case MetricSource::sketch: from_sketch(job, run, m, metric.column, *statistic); break;
      case MetricSource::throughput: throughput(job, run, m, metric); break;
      case MetricSource::utilization: utilization(job, run, m, metric.column); break;
      case MetricSource::roofline: break;
    }
    return m;
  }

  static void from_column(Measurement& m, const Table& table, const std::string& column, const Statistic& statistic) {
    std::size_t empty = 0;
    const auto values = column_values(table, column, empty);
    m.value = compute_statistic(values, statistic);
    m.files.push_back(table.path);
    m.details.push_back({"file", table.name});
    m.details.push_back({"statistic", statistic.text + " of " + std::to_string(values.size()) + " rows"});
    if (empty > 0) {
      m.warnings.push_back(std::to_string(empty) + " rows of " + table.name + " have no " + column +
                           " (skipped, as pandas does)");
    }
  }

  static void from_sketch(const Job& job, const fs::path& run, Measurement& m, const std::string& column,
                          const Statistic& statistic) {
    const Table table = read_table(job, run, "plots/" + column + ".csv");
    if (statistic.kind == Statistic::Kind::mean || std::floor(statistic.percentile) != statistic.percentile) {
      throw Unsupported{"VIDUR kept only a sketched CDF of " + column + " (" + table.name +
                            ", percentiles 0..100 in steps of 1); the " + statistic.text + " needs every value",
                        "re-run VIDUR with --metrics_config_keep_individual_batch_metrics (writes batch_metrics.csv), "
                        "or claim a whole percentile"};
    }
    const std::size_t cdf = column_index(table, "cdf");
    const std::size_t value = column_index(table, column);
    const double wanted = statistic.percentile / 100.0;
    for (std::size_t r = 0; r < table.csv.rows.size(); ++r) {
      auto q = parse_number(table.csv.rows[r][cdf]);
      if (!q || std::fabs(*q - wanted) > 1e-9) continue;
      auto v = parse_number(table.csv.rows[r][value]);
      if (!v) throw InputError(table.name, static_cast<int>(r + 2), 0, "\"" + table.csv.rows[r][value] + "\" is not a number");
      m.value = *v;
      m.files.push_back(table.path);
      m.details.push_back({"file", table.name});
      m.details.push_back({"statistic", statistic.text + " of VIDUR's DDSketch CDF"});
      m.warnings.push_back("read from VIDUR's sketched CDF: within 0.1% of the exact " + statistic.text);
      return;
    }
    throw InputError(table.name, 0, 0, "no row with cdf = " + number(wanted));
  }

  static void throughput(const Job& job, const fs::path& run, Measurement& m, const MetricDef& metric) {
    const Table series = read_table(job, run, "plots/request_completion_time_series.csv");
    std::size_t empty = 0;
    const auto times = column_values(series, "Time (sec)", empty);
    const auto completed = column_values(series, "request_completion", empty);
    const double makespan = *std::max_element(times.begin(), times.end());
    const double count = *std::max_element(completed.begin(), completed.end());
    if (makespan <= 0) throw InputError(series.name, 0, 0, "the last completion time is not positive");
    m.files.push_back(series.path);
    m.details.push_back({"makespan", number(makespan) + " s (last completion, " + series.name + ")"});
    if (static_cast<double>(completed.size()) != count) {
      m.warnings.push_back(series.name + " has " + std::to_string(completed.size()) + " rows for " + number(count) +
                           " completions: VIDUR subsampled it, so the last completion may be missing");
    }
    if (metric.name == "request_throughput") {
      m.value = count / makespan;
      m.details.push_back({"completed requests", number(count)});
      return;
    }
    const Table requests = read_table(job, run, "request_metrics.csv");
    std::size_t missing = 0;
    const auto tokens = column_values(requests, "request_num_decode_tokens", missing);
    const auto done = column_values(requests, "request_e2e_time", empty);
    if (done.size() != tokens.size()) {
      throw InputError(requests.name, 0, 0,
                       std::to_string(tokens.size() - done.size()) +
                           " requests did not complete; output_token_throughput counts completed requests only",
                       "re-run VIDUR until every request completes, or claim request_throughput");
    }
    double total = 0;
    for (double t : tokens) total += t;
    m.value = total / makespan;
    m.files.push_back(requests.path);
    m.details.push_back({"decode tokens", number(total)});
  }

  static void utilization(const Job& job, const fs::path& run, Measurement& m, const std::string& name) {
    const fs::path plots = job.sandbox.resolve(run, "plots");
    const std::regex file_name("replica_[0-9]+(_stage_[0-9]+)?_" + name + "\\.json");
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(plots, ec)) {
      if (std::regex_match(entry.path().filename().string(), file_name)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      throw PathError(PathError::Kind::missing, "no plots/replica_*_" + name + ".json in " + job.sandbox.relative(run) +
                                                    " (VIDUR writes them with store_utilization_metrics)");
    }
    double total = 0;
    for (const auto& file : files) {
      const fs::path path = job.sandbox.resolve(plots, file.filename().string());
      const std::string shown = job.sandbox.relative(path);
      const json stats = parse_json_bounded(job.sandbox.read(path), shown);
      const std::string key = file.stem().string() + "_weighted_mean";
      if (!stats.is_object() || !stats.contains(key) || !stats.at(key).is_number()) {
        throw InputError(shown, 0, 0, "no number \"" + key + "\"");
      }
      total += stats.at(key).get<double>();
      m.files.push_back(path);
      m.details.push_back({file.stem().string(), number(stats.at(key).get<double>()) + " %"});
    }
    m.value = total / static_cast<double>(files.size());
  }
};

}  // namespace

std::unique_ptr<Adapter> make_vidur_adapter() { return std::make_unique<VidurAdapter>(); }

}  // namespace claimcheck
