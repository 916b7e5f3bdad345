#include "core/units.hpp"

#include <array>

namespace claimcheck {
namespace {

struct UnitRow {
  std::string_view symbol;
  Dimension dimension;
  double to_base;
};

// Decimal prefixes (KB = 1e3 B) and binary ones (KiB = 2^10 B) are both used in this field:
// network bandwidths are often GB/s with 1 GB = 2^30 B inside tools, but a claim's unit says
// exactly which it means, and claimcheck never mixes them silently.
constexpr double k_ki = 1024.0;
constexpr double k_mi = k_ki * 1024.0;
constexpr double k_gi = k_mi * 1024.0;
constexpr double k_ti = k_gi * 1024.0;

constexpr std::array k_units = {
    UnitRow{"s", Dimension::time, 1.0},
    UnitRow{"ms", Dimension::time, 1e-3},
    UnitRow{"us", Dimension::time, 1e-6},
    UnitRow{"\u00b5s", Dimension::time, 1e-6},
    UnitRow{"ns", Dimension::time, 1e-9},
    UnitRow{"ps", Dimension::time, 1e-12},
    UnitRow{"min", Dimension::time, 60.0},
    UnitRow{"h", Dimension::time, 3600.0},
    UnitRow{"cycles", Dimension::cycles, 1.0},
    UnitRow{"kcycles", Dimension::cycles, 1e3},
    UnitRow{"Mcycles", Dimension::cycles, 1e6},
    UnitRow{"Hz", Dimension::frequency, 1.0},
    UnitRow{"kHz", Dimension::frequency, 1e3},
    UnitRow{"MHz", Dimension::frequency, 1e6},
    UnitRow{"GHz", Dimension::frequency, 1e9},
    UnitRow{"J", Dimension::energy, 1.0},
    UnitRow{"mJ", Dimension::energy, 1e-3},
    UnitRow{"uJ", Dimension::energy, 1e-6},
    UnitRow{"\u00b5J", Dimension::energy, 1e-6},
    UnitRow{"nJ", Dimension::energy, 1e-9},
    UnitRow{"pJ", Dimension::energy, 1e-12},
    UnitRow{"fJ", Dimension::energy, 1e-15},
    UnitRow{"W", Dimension::power, 1.0},
    UnitRow{"mW", Dimension::power, 1e-3},
    UnitRow{"kW", Dimension::power, 1e3},
    UnitRow{"B", Dimension::data, 1.0},
    UnitRow{"KB", Dimension::data, 1e3},
    UnitRow{"kB", Dimension::data, 1e3},
    UnitRow{"MB", Dimension::data, 1e6},
    UnitRow{"GB", Dimension::data, 1e9},
    UnitRow{"TB", Dimension::data, 1e12},
    UnitRow{"KiB", Dimension::data, k_ki},
    UnitRow{"MiB", Dimension::data, k_mi},
    UnitRow{"GiB", Dimension::data, k_gi},
    UnitRow{"TiB", Dimension::data, k_ti},
    UnitRow{"B/s", Dimension::data_rate, 1.0},
    UnitRow{"KB/s", Dimension::data_rate, 1e3},
    UnitRow{"MB/s", Dimension::data_rate, 1e6},
    UnitRow{"GB/s", Dimension::data_rate, 1e9},
    UnitRow{"TB/s", Dimension::data_rate, 1e12},
    UnitRow{"KiB/s", Dimension::data_rate, k_ki},
    UnitRow{"MiB/s", Dimension::data_rate, k_mi},
    UnitRow{"GiB/s", Dimension::data_rate, k_gi},
    UnitRow{"TiB/s", Dimension::data_rate, k_ti},
    UnitRow{"FLOP", Dimension::operations, 1.0},
    UnitRow{"MFLOP", Dimension::operations, 1e6},
    UnitRow{"GFLOP", Dimension::operations, 1e9},
    UnitRow{"TFLOP", Dimension::operations, 1e12},
    UnitRow{"PFLOP", Dimension::operations, 1e15},
    UnitRow{"FLOP/s", Dimension::op_rate, 1.0},
    UnitRow{"MFLOP/s", Dimension::op_rate, 1e6},
    UnitRow{"GFLOP/s", Dimension::op_rate, 1e9},
    UnitRow{"TFLOP/s", Dimension::op_rate, 1e12},
    UnitRow{"PFLOP/s", Dimension::op_rate, 1e15},
    UnitRow{"OP/s", Dimension::op_rate, 1.0},
    UnitRow{"GOP/s", Dimension::op_rate, 1e9},
    UnitRow{"TOP/s", Dimension::op_rate, 1e12},
    UnitRow{"count", Dimension::count, 1.0},
    UnitRow{"1", Dimension::count, 1.0},
    UnitRow{"K", Dimension::count, 1e3},
    UnitRow{"M", Dimension::count, 1e6},
    UnitRow{"G", Dimension::count, 1e9},
    UnitRow{"1/s", Dimension::count_rate, 1.0},
    UnitRow{"req/s", Dimension::count_rate, 1.0},
    UnitRow{"tokens/s", Dimension::count_rate, 1.0},
    UnitRow{"ratio", Dimension::ratio, 1.0},
    UnitRow{"x", Dimension::ratio, 1.0},
    UnitRow{"%", Dimension::ratio, 1e-2},
    UnitRow{"J/op", Dimension::energy_per_op, 1.0},
    UnitRow{"pJ/op", Dimension::energy_per_op, 1e-12},
    UnitRow{"fJ/op", Dimension::energy_per_op, 1e-15},
    UnitRow{"pJ/compute", Dimension::energy_per_op, 1e-12},
    UnitRow{"fJ/compute", Dimension::energy_per_op, 1e-15},
    UnitRow{"pJ/MAC", Dimension::energy_per_op, 1e-12},
};

}  // namespace

std::string_view dimension_name(Dimension dimension) {
  switch (dimension) {
    case Dimension::time: return "time";
    case Dimension::cycles: return "cycles";
    case Dimension::frequency: return "frequency";
    case Dimension::energy: return "energy";
    case Dimension::power: return "power";
    case Dimension::data: return "data";
    case Dimension::data_rate: return "data rate";
    case Dimension::operations: return "operations";
    case Dimension::op_rate: return "operation rate";
    case Dimension::count: return "count";
    case Dimension::count_rate: return "count rate";
    case Dimension::ratio: return "ratio";
    case Dimension::energy_per_op: return "energy per operation";
  }
  return "unknown";
}

std::optional<Unit> parse_unit(std::string_view symbol) {
  for (const auto& row : k_units) {
    if (row.symbol == symbol) return Unit{std::string(row.symbol), row.dimension, row.to_base};
  }
  return std::nullopt;
}

std::vector<std::string> known_unit_symbols() {
  std::vector<std::string> out;
  out.reserve(k_units.size());
  for (const auto& row : k_units) out.emplace_back(row.symbol);
  return out;
}

std::optional<double> convert(double value, const Unit& from, const Unit& to) {
  if (from.dimension != to.dimension) return std::nullopt;
  if (from.to_base == to.to_base) return value;
  return value * from.to_base / to.to_base;
}

}  // namespace claimcheck
