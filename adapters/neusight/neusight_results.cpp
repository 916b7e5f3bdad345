#include "adapters/neusight/neusight_results.hpp"

#include <algorithm>
#include <cmath>

#include "core/diagnostics.hpp"

namespace claimcheck::neusight {
namespace {

std::size_t column(const CsvTable& table, const std::string& name, const std::filesystem::path& file) {
  auto it = std::find(table.header.begin(), table.header.end(), name);
  if (it == table.header.end()) {
    const std::string close = closest_match(name, table.header);
    throw InputError(file, 1, 0, "no column \"" + name + "\" in the header",
                     close.empty() ? "" : "did you mean \"" + close + "\"?");
  }
  return static_cast<std::size_t>(it - table.header.begin());
}

std::optional<double> cell_number(const CsvTable& table, const std::vector<std::string>& row,
                                  std::optional<std::size_t> index, int line, const std::filesystem::path& file) {
  if (!index || row[*index].empty()) return std::nullopt;
  auto value = parse_number(row[*index]);
  if (!value) {
    throw InputError(file, line, 0,
                     "cell \"" + row[*index] + "\" in column \"" + table.header[*index] + "\" is not a number");
  }
  return value;
}

std::optional<std::size_t> optional_column(const CsvTable& table, const std::string& name) {
  auto it = std::find(table.header.begin(), table.header.end(), name);
  if (it == table.header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - table.header.begin());
}

}  // namespace

std::vector<Row> summary_rows(const CsvTable& table, const Selection& selection, const std::filesystem::path& file) {
  const std::string suffix = "_" + selection.ops + "_" + selection.phase;
  const std::size_t measured = column(table, "label" + suffix + "_latency", file);
  const std::size_t predicted = column(table, selection.predictor + suffix + "_latency", file);
  const auto stated = optional_column(table, selection.predictor + suffix + "_err");
  std::vector<std::pair<std::size_t, const std::vector<std::string>*>> filters;
  for (const auto& [name, values] : selection.where) filters.emplace_back(column(table, name, file), &values);
  std::vector<std::size_t> describe;
  for (const char* name : {"model_name", "mode", "seqlen", "batch", "device", "option"}) {
    if (auto index = optional_column(table, name)) describe.push_back(*index);
  }
  std::vector<Row> rows;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& cells = table.rows[r];
    const bool match = std::all_of(filters.begin(), filters.end(), [&](const auto& filter) {
      return std::find(filter.second->begin(), filter.second->end(), cells[filter.first]) != filter.second->end();
    });
    if (!match) continue;
    Row row;
    row.line = static_cast<int>(r + 2);
    for (std::size_t index : describe) {
      if (cells[index].empty()) continue;
      row.run += (row.run.empty() ? "" : " ") + cells[index];
    }
    row.measured = cell_number(table, cells, measured, row.line, file);
    row.predicted = cell_number(table, cells, predicted, row.line, file);
    row.stated_error = cell_number(table, cells, stated, row.line, file);
    rows.push_back(std::move(row));
  }
  return rows;
}

double percentage_error(double measured, double predicted) { return std::fabs(measured - predicted) / measured * 100.0; }

double sum_operator_latency(const CsvTable& table, const std::string& phase, const std::vector<std::string>& op_names,
                            const std::filesystem::path& file) {
  const std::size_t latency = column(table, phase + "_latency", file);
  const std::size_t op = column(table, "OpName", file);
  double total = 0;
  std::size_t used = 0;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& cells = table.rows[r];
    if (!op_names.empty() && std::find(op_names.begin(), op_names.end(), cells[op]) == op_names.end()) continue;
    auto value = cell_number(table, cells, latency, static_cast<int>(r + 2), file);
    if (value) total += *value;
    ++used;
  }
  if (used == 0) throw InputError(file, 0, 0, "no operator row matches OpName in the selection");
  return total;
}

}  // namespace claimcheck::neusight
