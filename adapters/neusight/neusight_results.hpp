#pragma once
// NeuSight's released results (github.com/sitar-lab/NeuSight, scripts/asplos/), parsed into rows
// of (run, predicted latency, measured latency). Latencies are in milliseconds throughout NeuSight
// (its tables print "Measured Latency (ms)"); its error is the absolute percentage error
// |measured - predicted| / measured * 100 (summarize.py `ape`).
//
// Files understood:
// - summary/summary.csv (summarize.py): one row per run with model_name, seqlen, batch, device,
//   mode, option, and for ops in {all, BMM, Linear, VEC, VECsoftmax, VECln} and phase in
//   {e2e, fw, bwall}: label_<ops>_<phase>_latency (measured), <predictor>_<ops>_<phase>_latency
//   (predicted) and <predictor>_<ops>_<phase>_err. Cells are empty where a run lacks a value.
// - results/prediction/<device>/<predictor>/<model>-<mode>-<seqlen>-<batch>[-<option>].json and
//   label/<device>/<same>.json: {"e2e_latency", "fw_latency", "bwall_latency", ...}.
// - results/prediction/.../<run>.csv: per-operator predictions (Name, OpName, ..., fw_latency,
//   bw_latency, acc_latency, bwall_latency, e2e_latency); predicted latency only.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/extract.hpp"

namespace claimcheck::neusight {

// Which columns of summary.csv: e.g. predictor "neusight", ops "all", phase "e2e".
struct Selection {
  std::string predictor = "neusight";  // roofline, habitat, micro, neusight
  std::string ops = "all";             // all, BMM, Linear, VEC, VECsoftmax, VECln
  std::string phase = "e2e";           // e2e, fw, bwall
  std::vector<std::pair<std::string, std::vector<std::string>>> where;  // column -> accepted values
};

struct Row {
  int line = 0;                      // 1-based line in the file (0 for JSON)
  std::string run;                   // e.g. "gpt3_27 inf 2048 2 NVIDIA_H100_80GB_HBM3"
  std::optional<double> predicted;   // ms
  std::optional<double> measured;    // ms
  std::optional<double> stated_error;  // % as the file states it (summary.csv only)
};

// The rows of summary.csv matching `selection`. Throws InputError naming the file and line for a
// missing column (with "did you mean") or a cell that is not a number.
std::vector<Row> summary_rows(const CsvTable& table, const Selection& selection, const std::filesystem::path& file);

// NeuSight's absolute percentage error, in percent.
double percentage_error(double measured, double predicted);

// The sum of column `phase`_latency of a per-operator prediction CSV, over rows whose OpName is
// in `op_names` (all rows when empty). Throws InputError.
double sum_operator_latency(const CsvTable& table, const std::string& phase, const std::vector<std::string>& op_names,
                            const std::filesystem::path& file);

}  // namespace claimcheck::neusight
