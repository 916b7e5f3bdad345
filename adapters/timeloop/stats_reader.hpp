#pragma once
// Re-reading what the real tool wrote: timeloop-model.stats.txt / timeloop-mapper.stats.txt
// (v3.0.3 and v4 layouts) and timeloop-model.map+stats.xml (full precision). Timeloop v4 adds
// leakage energy: its stats.txt prints it per level (and in the fJ/Compute table); its
// map+stats.xml does not record it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace claimcheck::timeloop {

struct ReportedDataSpace {
  std::string name;
  std::uint64_t utilized_instances = 0;
  std::uint64_t reads = 0;    // per instance
  std::uint64_t fills = 0;    // per instance
  std::uint64_t updates = 0;  // per instance
  double energy = 0.0;        // pJ, all instances
  bool operator==(const ReportedDataSpace&) const = default;
};

struct ReportedLevel {
  std::string name;
  bool arithmetic = false;
  std::uint64_t instances = 0;
  std::uint64_t cycles = 0;
  double energy = 0.0;          // pJ, all instances (storage: sum over data spaces, plus leakage)
  double leakage_energy = 0.0;  // pJ, all instances (v4; part of `energy`)
  std::optional<double> printed_fj_per_compute;  // v4 stats.txt: the level's row of the fJ/Compute table
  std::uint64_t max_utilized_instances = 0;      // over every data space, bypassed ones included
  std::string power_gated_at;                    // v4 map+stats.xml: the level whose power gates it shares
  std::uint64_t computes = 0; // arithmetic only
  std::vector<ReportedDataSpace> data_spaces;  // kept data spaces only
  bool operator==(const ReportedLevel&) const = default;
};

struct ReportedStats {
  std::vector<ReportedLevel> levels;  // arithmetic first, then storage innermost first
  std::uint64_t cycles = 0;
  std::uint64_t computes = 0;
  std::optional<std::uint64_t> total_ops;  // from the operational-intensity section
  double printed_gflops = 0.0;
  double printed_utilization = 0.0;
  double printed_energy_uj = 0.0;
  int energy_decimals = 2;  // precision of the per-level energies read (2 in stats.txt)
  bool v4 = false;                 // written by Timeloop v4 (leakage modelled)
  bool leakage_recorded = true;    // false for a v4 map+stats.xml, which has no leakage energies
  bool utilization_in_percent = false;  // v4 prints "Utilization: 98.44%"
  std::optional<double> printed_fj_per_compute;  // v4 stats.txt: the fJ/Compute table's Total
  bool operator==(const ReportedStats&) const = default;

  double energy() const;          // pJ: sum of every level's energy
  double leakage_energy() const;  // pJ: sum of every level's leakage
  double utilization() const;  // computes / (arithmetic instances x cycles)
  double gflops() const;       // total ops / cycles (printed value when total ops are absent)
  const ReportedLevel* level(const std::string& name) const;
};

// Parses a stats.txt; throws InputError (naming `path` and the line) when it is not one.
ReportedStats parse_stats_text(const std::string& path, const std::string& text);

// Parses a map+stats.xml; data-space names are taken from `data_space_names` (problem-shape
// order; the XML does not carry them). Throws InputError when it is not one.
ReportedStats parse_stats_xml(const std::string& path, const std::string& text,
                              const std::vector<std::string>& data_space_names);

}  // namespace claimcheck::timeloop
