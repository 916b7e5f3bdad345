#include "adapters/neusight/neusight_adapter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "adapters/neusight/neusight_results.hpp"
#include "adapters/roofline/roofline_check.hpp"
#include "adapters/vidur/statistics.hpp"
#include "io/json_limits.hpp"
#include "io/json_locator.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using neusight::Row;
using vidur::Statistic;

const std::vector<std::string> k_metrics = {"predicted_latency", "measured_latency", "relative_error", "roofline_ratio"};
const std::vector<std::string> k_options = {"predictor", "ops", "phase", "where", "statistic", "label", "op_names", "roofline"};
const std::vector<std::string> k_predictors = {"neusight", "roofline", "habitat", "micro"};
const std::vector<std::string> k_ops = {"all", "BMM", "Linear", "VEC", "VECsoftmax", "VECln"};
const std::vector<std::string> k_phases = {"e2e", "fw", "bwall"};

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string text_option(const json& options, const char* key, const std::string& fallback) {
  if (options.is_object() && options.contains(key) && options.at(key).is_string()) return options.at(key).get<std::string>();
  return fallback;
}

std::string cell_text(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

neusight::Selection selection_of(const json& options) {
  neusight::Selection s;
  s.predictor = text_option(options, "predictor", s.predictor);
  s.ops = text_option(options, "ops", s.ops);
  s.phase = text_option(options, "phase", s.phase);
  if (options.is_object() && options.contains("where") && options.at("where").is_object()) {
    for (const auto& [name, value] : options.at("where").items()) {
      std::vector<std::string> accepted;
      if (value.is_array()) {
        for (const auto& v : value) accepted.push_back(cell_text(v));
      } else {
        accepted.push_back(cell_text(value));
      }
      s.where.emplace_back(name, accepted);
    }
  }
  return s;
}

std::optional<Statistic> statistic_of(const json& options) {
  if (!options.is_object() || !options.contains("statistic") || !options.at("statistic").is_string()) return std::nullopt;
  return vidur::parse_statistic(options.at("statistic").get<std::string>());
}

void one_of(const json& options, const char* key, const std::vector<std::string>& allowed, Diagnostics& out) {
  if (!options.is_object() || !options.contains(key)) return;
  const json& value = options.at(key);
  if (value.is_string() && std::find(allowed.begin(), allowed.end(), value.get<std::string>()) != allowed.end()) return;
  std::string hint = "one of:";
  for (const auto& a : allowed) hint += " " + a;
  if (value.is_string()) {
    if (auto close = closest_match(value.get<std::string>(), allowed); !close.empty()) hint = "did you mean \"" + close + "\"?";
  }
  out.add({}, std::string("/options/") + key, "unknown " + std::string(key) + " " + value.dump(), hint);
}

class NeusightAdapter final : public Adapter {
 public:
  std::string name() const override { return "neusight"; }
  std::string version() const override { return "1"; }
  std::vector<MetricInfo> metrics() const override {
    return {{"predicted_latency", "ms", "the predictor's latency for the selected run(s)"},
            {"measured_latency", "ms", "the measured (label) latency for the selected run(s)"},
            {"relative_error", "%", "NeuSight's |measured - predicted| / measured * 100, recomputed per run"},
            {"roofline_ratio", "x", "predicted latency / the roofline bound of options.roofline"}};
  }
  std::vector<Mode> modes() const override { return {Mode::reread}; }
  AdapterDoc doc() const override {
    return {"NeuSight prediction and measurement files: predicted and measured latency, relative error",
            "\"artifact\": a NeuSight summary CSV (scripts/asplos/summary/*.csv) or a prediction JSON; options select "
            "the\nrows (predictor, ops, phase, where) and how several are combined (statistic).",
            R"({
  "id": "neusight-gpt3-h100-error",
  "title": "Mean NeuSight error for GPT-3 latency on H100",
  "source": {"paper": "Our paper", "where": "Abstract"},
  "tool": "neusight",
  "mode": "reread",
  "metric": "relative_error",
  "artifact": "third_party/NeuSight/scripts/asplos/summary/summary.csv",
  "options": {"where": {"device": "NVIDIA_H100_80GB_HBM3", "model_name": ["gpt3_xl", "gpt3_27"], "option": ""},
              "statistic": "mean"},
  "expected": {"value": 2.3, "unit": "%"},
  "tolerance": {"absolute": 0.05}
})"};
  }
  std::vector<OptionInfo> options() const override {
    return {
        {"predictor", OptionType::choice, "whose prediction (default neusight)", R"("roofline")", k_predictors, {},
         {}},
        {"ops", OptionType::choice, "which operators (default all)", R"("BMM")", k_ops, {}, {}},
        {"phase", OptionType::choice, "e2e, forward or backward (default e2e)", R"("fw")", k_phases, {}, {}},
        {"where", OptionType::object, "summary rows whose COLUMN equals the value (or one of the values)",
         R"({"device": "NVIDIA_H100_80GB_HBM3", "model_name": ["gpt3_xl", "gpt3_27"]})", {}, {}, {}},
        {"statistic", OptionType::string, "how several rows combine: mean, median, min, max or pNN", R"("mean")", {}, {},
         {}},
        {"label", OptionType::path, "NeuSight's label .json with the measured latency, relative to the claim file",
         R"("label/gpt3.json")", {}, {}, {}},
        {"op_names", OptionType::string_list, "OpName values of a prediction JSON to sum", R"(["BMM", "Linear"])", {},
         {}, {}},
        {"roofline", OptionType::object, "roofline_ratio: {\"gpu\": ..., \"precision\": ..., \"operators\": [...]}",
         R"({"gpu": "H100-SXM5-80GB", "operators": [{"op": "gemm", "m": 4096, "n": 4096, "k": 4096}]})", {}, {}, {}},
    };
  }

  void validate(const Claim& claim, Diagnostics& out) const override {
    if (claim.mode != Mode::reread) out.add({}, "/mode", "the neusight adapter re-reads NeuSight's results: mode must be \"reread\"");
    if (claim.extract.kind != Extract::Kind::none) {
      out.add({}, "/extract", "the neusight adapter knows NeuSight's files; remove \"extract\" and use options");
    }
    if (std::find(k_metrics.begin(), k_metrics.end(), claim.metric) == k_metrics.end()) {
      const std::string close = closest_match(claim.metric, k_metrics);
      out.add({}, "/metric", "unknown NeuSight metric \"" + claim.metric + "\"",
              close.empty() ? "metrics: predicted_latency, measured_latency, relative_error, roofline_ratio"
                            : "did you mean \"" + close + "\"?");
    }
    const json& options = claim.options;
    if (options.is_object()) {
      for (const auto& [key, value] : options.items()) {
        if (std::find(k_options.begin(), k_options.end(), key) != k_options.end()) continue;
        const std::string close = closest_match(key, k_options);
        out.add({}, "/options/" + pointer_token(key), "unknown option \"" + key + "\" for the neusight adapter",
                close.empty() ? "options: predictor, ops, phase, where, statistic, label, op_names, roofline"
                              : "did you mean \"" + close + "\"?");
      }
    }
    one_of(options, "predictor", k_predictors, out);
    one_of(options, "ops", k_ops, out);
    one_of(options, "phase", k_phases, out);
    if (options.is_object() && options.contains("where")) {
      const json& where = options.at("where");
      if (!where.is_object()) {
        out.add({}, "/options/where", "\"where\" must be an object of column: value (or [values])");
      } else {
        for (const auto& [name, value] : where.items()) {
          const bool scalar = value.is_string() || value.is_number();
          const bool list = value.is_array() && !value.empty() &&
                            std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string() || v.is_number(); });
          if (!scalar && !list) out.add({}, "/options/where/" + pointer_token(name), "must be a string, a number or an array of them");
        }
      }
    }
    if (options.is_object() && options.contains("statistic") &&
        (!options.at("statistic").is_string() || !vidur::parse_statistic(options.at("statistic").get<std::string>()))) {
      out.add({}, "/options/statistic", "unknown statistic " + options.at("statistic").dump(),
              "use mean, median, min, max or pNN (e.g. p90)");
    }
    if (options.is_object() && options.contains("label") && !options.at("label").is_string()) {
      out.add({}, "/options/label", "\"label\" must be the path of NeuSight's label .json (relative to the claim file)");
    }
    if (options.is_object() && options.contains("op_names")) {
      const json& names = options.at("op_names");
      if (!names.is_array() || names.empty() || !std::all_of(names.begin(), names.end(), [](const json& v) { return v.is_string(); })) {
        out.add({}, "/options/op_names", "\"op_names\" must be a non-empty array of OpName values");
      }
    }
    const bool has_roofline = options.is_object() && options.contains("roofline");
    if (claim.metric == "roofline_ratio") {
      if (!has_roofline) {
        out.add({}, "/options", "roofline_ratio needs \"roofline\": {\"gpu\": ..., \"precision\": ..., \"operators\": [...]}");
      } else {
        roofline::parse_roofline_option(options.at("roofline"), "/options/roofline", out);
      }
    } else if (has_roofline) {
      out.add({}, "/options/roofline", "\"roofline\" goes with metric \"roofline_ratio\"");
    }
  }

  Outcome measure(const Job& job) const override {
    const Claim& claim = job.claim;
    const fs::path artifact = job.sandbox.resolve(job.claim_dir, *claim.artifact);
    const std::string shown = job.sandbox.relative(artifact);
    const std::string metric = claim.metric == "roofline_ratio" ? "predicted_latency" : claim.metric;
    Measurement m;
    m.tool_version = "NeuSight results (re-read)";
    m.files.push_back(artifact);
    m.details.push_back({"file", shown});
    if (artifact.extension() == ".json") {
      if (auto blocked = from_json(job, artifact, shown, metric, m)) return *blocked;
    } else {
      const CsvTable table = parse_csv(job.sandbox.read(artifact), shown);
      if (std::find(table.header.begin(), table.header.end(), "OpName") != table.header.end()) {
        if (metric != "predicted_latency") {
          return Blocked{BlockKind::unsupported,
                         shown + " holds per-operator predictions only; " + claim.metric + " needs the measured latencies",
                         "point the claim at summary/summary.csv, or at the prediction .json with options.label", {}};
        }
        std::vector<std::string> names;
        if (claim.options.is_object() && claim.options.contains("op_names")) {
          for (const auto& v : claim.options.at("op_names")) names.push_back(v.get<std::string>());
        }
        const std::string phase = text_option(claim.options, "phase", "e2e");
        m.value = neusight::sum_operator_latency(table, phase, names, shown);
        m.details.push_back({"sum of", phase + "_latency" + (names.empty() ? " over every operator" : " over the selected OpNames")});
      } else {
        from_summary(claim, table, shown, metric, m);
      }
    }
    m.unit = *parse_unit(metric == "relative_error" ? "%" : "ms");
    if (claim.metric != "roofline_ratio") return m;
    Diagnostics problems;
    const auto spec = roofline::parse_roofline_option(claim.options.at("roofline"), "/options/roofline", problems);
    if (!spec) throw InputError(problems);
    Measurement ratio = roofline::roofline_ratio(m.value * 1e-3, "predicted_latency", *spec);
    ratio.files = m.files;
    ratio.tool_version = m.tool_version;
    ratio.details.insert(ratio.details.begin(), m.details.begin(), m.details.end());
    ratio.warnings.insert(ratio.warnings.begin(), m.warnings.begin(), m.warnings.end());
    return ratio;
  }

 private:
  static std::optional<Blocked> from_json(const Job& job, const fs::path& artifact, const std::string& shown,
                                          const std::string& metric, Measurement& m) {
    const std::string key = text_option(job.claim.options, "phase", "e2e") + "_latency";
    auto latency = [&](const fs::path& path, const std::string& name) {
      const json document = parse_json_bounded(job.sandbox.read(path), name);
      if (!document.is_object() || !document.contains(key) || !document.at(key).is_number()) {
        throw InputError(name, 0, 0, "no number \"" + key + "\"", "NeuSight's result .json has e2e_latency, fw_latency, bwall_latency");
      }
      return document.at(key).get<double>();
    };
    const double predicted = latency(artifact, shown);
    if (metric == "predicted_latency") {
      m.value = predicted;
      return std::nullopt;
    }
    if (!job.claim.options.is_object() || !job.claim.options.contains("label")) {
      return Blocked{BlockKind::unsupported, metric + " needs the measured latency: the label .json next to the prediction",
                     "add \"label\": \"<...>/label/<device>/<run>.json\" to options", m.files};
    }
    const fs::path label = job.sandbox.resolve(job.claim_dir, job.claim.options.at("label").get<std::string>());
    const std::string label_shown = job.sandbox.relative(label);
    const double measured = latency(label, label_shown);
    m.files.push_back(label);
    m.details.push_back({"label", label_shown});
    m.details.push_back({"predicted", number(predicted) + " ms"});
    m.details.push_back({"measured", number(measured) + " ms"});
    if (metric == "measured_latency") {
      m.value = measured;
    } else {
      if (measured <= 0) throw InputError(label_shown, 0, 0, "the measured " + key + " is not positive");
      m.value = neusight::percentage_error(measured, predicted);
    }
    return std::nullopt;
  }

  static void from_summary(const Claim& claim, const CsvTable& table, const std::string& shown, const std::string& metric,
                           Measurement& m) {
    const auto selection = selection_of(claim.options);
    const auto rows = neusight::summary_rows(table, selection, shown);
    if (rows.empty()) throw InputError(shown, 0, 0, "no row matches the selection in \"where\"");
    const auto statistic = statistic_of(claim.options);
    if (!statistic && rows.size() > 1) {
      throw InputError(shown, rows[1].line, 0,
                       std::to_string(rows.size()) + " rows match the selection, expected exactly one",
                       "narrow \"where\" (model_name, mode, seqlen, batch, device, option) or set \"statistic\"");
    }
    std::vector<double> values;
    std::size_t skipped = 0;
    std::vector<std::string> mismatches;
    for (const Row& row : rows) {
      std::optional<double> value;
      if (metric == "predicted_latency") {
        value = row.predicted;
      } else if (metric == "measured_latency") {
        value = row.measured;
      } else if (row.predicted && row.measured && *row.measured > 0) {
        value = neusight::percentage_error(*row.measured, *row.predicted);
        if (row.stated_error && std::fabs(*row.stated_error - *value) > 1e-6 * std::max(1.0, std::fabs(*value))) {
          mismatches.push_back("line " + std::to_string(row.line) + " states " + number(*row.stated_error) +
                               "%, its latencies give " + number(*value) + "%");
        }
      }
      if (!value) {
        if (!statistic) {
          throw InputError(shown, row.line, 0, "the selected row (" + row.run + ") has no value for " + metric);
        }
        ++skipped;
        continue;
      }
      values.push_back(*value);
    }
    if (values.empty()) throw InputError(shown, 0, 0, "no selected row has a value for " + metric);
    m.value = statistic ? vidur::compute_statistic(values, *statistic) : values.front();
    const std::string columns = selection.predictor + "_" + selection.ops + "_" + selection.phase;
    m.details.push_back({"columns", "label/" + columns + "_latency"});
    if (statistic) {
      m.details.push_back({"statistic", statistic->text + " of " + std::to_string(values.size()) + " runs"});
    } else {
      m.details.push_back({"run", rows.front().run + " (line " + std::to_string(rows.front().line) + ")"});
    }
    if (skipped > 0) m.warnings.push_back(std::to_string(skipped) + " selected runs have no value and were skipped");
    for (const auto& text : mismatches) m.warnings.push_back(shown + " " + text);
  }
};

}  // namespace

std::unique_ptr<Adapter> make_neusight_adapter() { return std::make_unique<NeusightAdapter>(); }

}  // namespace claimcheck
