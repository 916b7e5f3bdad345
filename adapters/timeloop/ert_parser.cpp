// `ERT:` (energy reference table) and the energy model of every level (ERT, PAT or user).

#include <algorithm>

#include "adapters/timeloop/input_parsers.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop {
namespace {

// The level a table's name addresses: the last dotted element, with a trailing [a..b] range
// dropped the way Timeloop v3.0.3 does it (it removes the two characters before "..", so only a
// one-digit lower bound is stripped cleanly; other tables then match no level, as in the tool).
std::string component_of(const std::string& name) {
  const auto range = name.rfind("..");
  auto dot = name.rfind('.');
  if (range != std::string::npos && dot != std::string::npos && range + 1 == dot && range >= 2) {
    const std::string sub = name.substr(0, range - 2);
    const auto d = sub.rfind('.');
    return d == std::string::npos ? sub : sub.substr(d + 1);
  }
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

double action_energy(const YNode& action, const std::string& what) {
  check_keys(action, {"name", "energy", "arguments"}, what);
  return as_non_negative(require(action, "energy", what), "energy per action must be a finite number of pJ >= 0",
                         "check the ERT this was exported from (an energy estimator never reports a negative energy)");
}

// ERT actions Timeloop reads for each operation, first match wins (v3.0.3 and v4 differ for
// fills and updates; v4 also reads a per-cycle `leak`).
const std::vector<std::string> k_read_actions = {"random_read", "read"};
const std::vector<std::string> k_fill_actions_v3 = {"random_fill", "write"};
const std::vector<std::string> k_update_actions_v3 = {"random_update", "random_fill", "write"};
const std::vector<std::string> k_fill_actions_v4 = {"random_fill", "random_write", "fill", "write"};
const std::vector<std::string> k_update_actions_v4 = {"random_update", "random_write", "update", "write"};
const std::vector<std::string> k_leak_actions = {"leak"};
const std::vector<std::string> k_compute_actions = {"mac_random", "mult_random", "mac", "mult", "compute"};

std::optional<double> lookup(const ErtTable& t, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    auto it = t.actions.find(n);
    if (it != t.actions.end()) return it->second;
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

double require_action(const ErtTable& t, const std::vector<std::string>& names, const std::string& op) {
  if (auto e = lookup(t, names)) return *e;
  std::vector<std::string> present;
  for (const auto& [k, v] : t.actions) present.push_back(k);
  throw InputError(t.where.file, t.where.line, t.where.column,
                   "ERT table \"" + t.name + "\" has no action for " + op + " (expected one of: " + join(names) + ")",
                   "actions present: " + (present.empty() ? std::string("none") : join(present)));
}

}  // namespace

double pat_sram_energy(std::uint64_t height_blocks, std::uint64_t width_bits) {
  const double x0 = 0.5, y0 = 1.0, x1 = 100.0, y1 = 6.0;
  const double m = (y1 - y0) / (x1 - x0);
  const double x = static_cast<double>(width_bits * height_blocks) / (8 * 1024);
  const double y = m * (x - x0) + y0;
  return (y * static_cast<double>(width_bits)) / 16;
}

double pat_dram_energy(std::uint64_t width_bits) { return (200.0 * static_cast<double>(width_bits)) / 16; }

double pat_mac_energy(std::uint64_t word_bits) {
  return 1.0 * (static_cast<double>(word_bits) / 16.0) * (static_cast<double>(word_bits) / 16.0);
}

Ert parse_ert(const YNode& node) {
  check_keys(node, {"version", "tables"}, "ERT");
  const YNode version = require(node, "version", "ERT");
  const std::string v = as_string(version);
  if (v != "0.2" && v != "0.3" && v != "0.4") fail_at(version, "unsupported ERT version \"" + v + "\"", "expected 0.2, 0.3 or 0.4");
  const YNode tables = require(node, "tables", "ERT");
  Ert ert;
  if (tables.node.IsSequence()) {
    for (std::size_t i = 0; i < tables.node.size(); ++i) {
      const YNode t = element(tables, i);
      check_keys(t, {"name", "actions"}, "ERT table");
      ErtTable table;
      table.name = as_string(require(t, "name", "ERT table"));
      table.component = component_of(table.name);
      table.where = position(t);
      const YNode actions = require(t, "actions", "ERT table \"" + table.name + "\"");
      require_sequence(actions, "actions");
      for (std::size_t a = 0; a < actions.node.size(); ++a) {
        const YNode act = element(actions, a);
        const std::string what = "ERT action of \"" + table.name + "\"";
        check_keys(act, {"name", "energy", "arguments"}, what);
        const std::string name = as_string(require(act, "name", what));
        const double e = action_energy(act, what);
        auto [it, inserted] = table.actions.emplace(name, e);
        if (!inserted) it->second = std::max(it->second, e);  // several argument variants: the maximum
      }
      ert.tables.push_back(std::move(table));
    }
  } else if (tables.node.IsMap()) {  // version 0.2: name -> { action -> [ {arguments, energy} ] | {energy} }
    for (auto it = tables.node.begin(); it != tables.node.end(); ++it) {
      ErtTable table;
      table.name = it->first.Scalar();
      table.component = component_of(table.name);
      const YNode t{it->second, tables.file, tables.path + "." + table.name};
      table.where = position(t);
      require_map(t, "ERT table \"" + table.name + "\"");
      for (auto a = t.node.begin(); a != t.node.end(); ++a) {
        const std::string name = a->first.Scalar();
        const YNode act{a->second, t.file, t.path + "." + name};
        double e = 0.0;
        if (act.node.IsSequence()) {
          for (std::size_t k = 0; k < act.node.size(); ++k) e = std::max(e, action_energy(element(act, k), "ERT action"));
        } else {
          e = action_energy(act, "ERT action");
        }
        table.actions[name] = e;
      }
      ert.tables.push_back(std::move(table));
    }
  } else {
    fail_at(tables, "ERT tables must be a list (version 0.3/0.4) or a map (version 0.2)");
  }
  return ert;
}

EnergyModel resolve_energy(const Architecture& arch, const std::optional<Ert>& ert, Semantics semantics,
                           std::vector<std::string>& warnings) {
  const bool v4 = semantics == Semantics::v4;
  EnergyModel m;
  auto table_for = [&](const std::string& level) -> const ErtTable* {
    if (!ert) return nullptr;
    const ErtTable* found = nullptr;
    for (const auto& t : ert->tables) {
      if (t.component == level) found = &t;  // the last matching table wins
    }
    return found;
  };
  // Arithmetic.
  const auto& a = arch.arithmetic;
  m.compute = a.user_energy.value_or(pat_mac_energy(a.word_bits));
  m.compute_source = a.user_energy ? EnergySource::user : EnergySource::pat;
  if (const ErtTable* t = table_for(a.name)) {
    // v4 keeps the built-in (or user) energy when the table has no compute action; v3.0.3 needs one.
    if (!v4) {
      m.compute = require_action(*t, k_compute_actions, "computes");
      m.compute_source = EnergySource::ert;
    } else if (auto e = lookup(*t, k_compute_actions)) {
      m.compute = *e;
      m.compute_source = EnergySource::ert;
    }
  } else if (ert && !a.user_energy) {
    warnings.push_back("no ERT table for \"" + a.name + "\"; using the built-in energy model");
  }
  // Storage.
  for (const auto& s : arch.storage) {
    StorageEnergy e;
    double pat = 0.0;
    if (s.technology == Technology::dram) {
      pat = pat_dram_energy(s.word_bits * s.block_size);
    } else if (s.size.value_or(0) == 0) {
      pat = 0.0;
    } else {
      const std::uint64_t width = s.word_bits * s.block_size * s.cluster_size;
      const std::uint64_t height = (*s.size + s.block_size - 1) / s.block_size;
      pat = pat_sram_energy(height, width) / static_cast<double>(s.cluster_size);
    }
    if (s.user_vector_access_energy) {
      const double v = *s.user_vector_access_energy;
      e = StorageEnergy{.read = v, .fill = v, .update = v, .vector_access_energy = v, .source = EnergySource::user};
    } else if (const ErtTable* t = table_for(s.name)) {
      double max_energy = 0.0;
      for (const auto& [k, v] : t->actions) max_energy = std::max(max_energy, v);
      e.vector_access_energy = max_energy / static_cast<double>(s.cluster_size);
      e.source = EnergySource::ert;
      if (!v4) {
        e.read = require_action(*t, k_read_actions, "reads");
        e.fill = require_action(*t, k_fill_actions_v3, "fills");
        e.update = require_action(*t, k_update_actions_v3, "updates");
      } else {
        // v4: an operation without an ERT action keeps the built-in energy per vector access;
        // a table without `leak` leaks nothing.
        e.read = lookup(*t, k_read_actions).value_or(pat);
        e.fill = lookup(*t, k_fill_actions_v4).value_or(pat);
        e.update = lookup(*t, k_update_actions_v4).value_or(pat);
        e.leak = lookup(*t, k_leak_actions).value_or(0.0);
      }
    } else {
      e = StorageEnergy{.read = pat, .fill = pat, .update = pat, .vector_access_energy = pat, .source = EnergySource::pat};
      if (ert) warnings.push_back("no ERT table for \"" + s.name + "\"; using the built-in energy model");
    }
    m.storage.push_back(e);
  }
  return m;
}

}  // namespace claimcheck::timeloop
