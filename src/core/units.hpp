#pragma once
// Units and quantities: every number claimcheck compares carries a unit of a known dimension.
// Conversions are explicit and only within one dimension; cycles are their own dimension
// (convertible to time only with a clock, which the caller must supply).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck {

enum class Dimension {
  time,          // base: s
  cycles,        // base: cycle
  frequency,     // base: Hz
  energy,        // base: J
  power,         // base: W
  data,          // base: B (decimal KB/MB/GB and binary KiB/MiB/GiB kept apart)
  data_rate,     // base: B/s
  operations,    // base: FLOP (or OP)
  op_rate,       // base: FLOP/s
  count,         // base: 1 (computes, requests, tokens, accesses)
  count_rate,    // base: 1/s (requests/s, tokens/s)
  ratio,         // base: 1 (fraction; % = 0.01, x = 1)
  energy_per_op, // base: J per operation (pJ/compute)
};

// The name of a dimension as users read it ("time", "energy", ...).
std::string_view dimension_name(Dimension dimension);

struct Unit {
  std::string symbol;           // as written by users, e.g. "ms", "GiB", "GB/s"
  Dimension dimension = Dimension::count;
  double to_base = 1.0;         // multiply a value in this unit by this to get the base unit
  bool operator==(const Unit&) const = default;
};

// The unit named by `symbol`, or nullopt when claimcheck does not know it.
std::optional<Unit> parse_unit(std::string_view symbol);

// Every known unit symbol, for error hints ("did you mean").
std::vector<std::string> known_unit_symbols();

struct Quantity {
  double value = 0.0;  // in `unit`
  Unit unit;
  bool operator==(const Quantity&) const = default;
};

// `value` in unit `from` expressed in unit `to`; nullopt when the dimensions differ.
std::optional<double> convert(double value, const Unit& from, const Unit& to);

}  // namespace claimcheck
