// The native mapper against the real timeloop-mapper v3.0.3 runs of tests/data/timeloop-mapper,
// one thread, Release: per run, valid mappings per second per thread (ours per CPU second of the
// search thread, which other load on the machine does not inflate; the real mapper's valid count
// over its CPU time), the search's CPU time against the real run's wall time, the time to reach the real run's best
// EDP (ours measured; the real one estimated as its wall time x the share of its tried mappings
// before its best), and the best EDP after one second (ours: the default best-first search, one CPU second; the
// real one from its improvement log, by the same estimate). Ratios are ours over theirs (rates)
// or theirs over ours (times).
//
// usage: bench_mapper [PAIR_DIR...]   (default: every pair in tests/data/timeloop-mapper)

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/timeloop/mapper/mapper_inputs.hpp"
#include "adapters/timeloop/mapper/mapper_main.hpp"
#include "adapters/timeloop/mapper/search.hpp"
#include "core/diagnostics.hpp"

namespace fs = std::filesystem;
using namespace claimcheck::timeloop;
using namespace claimcheck::timeloop::mapper;

namespace {

// Improvement log of a real run: (tried, EDP in J*cycles) of each UPDATE of thread 0 and 1...
struct RealUpdate {
  double tried = 0;
  double edp = 0;
};

std::vector<RealUpdate> real_updates(const fs::path& log, double macs) {
  std::vector<RealUpdate> out;
  std::ifstream f(log);
  std::string line;
  static const std::regex k_update(R"(^\[(\d+)\] UPDATE (\d+) )");
  static const std::regex k_stats(R"(pJ/Compute =\s*([0-9.]+) \| )");
  double pending = -1;
  while (std::getline(f, line)) {
    std::smatch m;
    if (std::regex_search(line, m, k_update)) {
      pending = std::stod(m[2].str());
    } else if (pending >= 0 && std::regex_search(line, m, k_stats)) {
      out.push_back({pending, std::stod(m[1].str()) * macs});  // energy pJ; cycles applied later
      pending = -1;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> pairs;
  for (int i = 1; i < argc; ++i) pairs.emplace_back(argv[i]);
  if (pairs.empty()) {
    for (const auto& e : fs::directory_iterator(CLAIMCHECK_MAPPER_PAIRS)) {
      if (e.is_directory() && fs::exists(e.path() / "constraints.yaml")) pairs.push_back(e.path());
    }
    std::sort(pairs.begin(), pairs.end());
  }
  std::printf("Same algorithm and settings as the real run, one thread (ours) vs the real run's log:\n");
  std::printf("%-34s %-28s | %9s %9s %6s | %12s %12s | %8s %8s %6s\n", "pair", "run", "valid/s", "real", "ratio",
              "best (ours)", "best (real)", "cpu s", "real", "ratio");
  struct PairSummary {
    std::string pair;
    double real_best_edp = 0;      // J*cycles, over all real runs
    double real_reach = 0;         // s, estimated, the run that found it first
    double ours_reach = -1;        // s, best-first
    double ours_edp_1s = 0;
    double ours_bound = 0;
  };
  std::vector<PairSummary> summaries;
  for (const auto& dir : pairs) {
    std::ifstream ef(dir / "expected.json");
    const auto exp = nlohmann::json::parse(ef);
    const fs::path inputs = fs::path(CLAIMCHECK_TIMELOOP_CASES) / exp["inputs_case"].get<std::string>();
    PairSummary sum;
    sum.pair = dir.filename().string();
    sum.real_best_edp = 1e300;
    std::optional<MapperInputs> any;
    for (const auto& run : exp["runs"]) {
      const std::string name = run["run"].get<std::string>();
      const fs::path rd = dir / "runs" / name;
      MapperInputs in;
      try {
        in = load_mapper_input_files({(inputs / "arch.yaml").string(), (inputs / "problem.yaml").string(),
                                      (dir / "constraints.yaml").string(), (rd / "mapper.yaml").string(),
                                      (inputs / "ERT.yaml").string()});
      } catch (const claimcheck::InputError& e) {
        std::printf("%s: %s\n", name.c_str(), e.what());
        continue;
      }
      // The real run's estimated time to its best: wall x tried-at-best / tried per thread.
      const auto updates = real_updates(rd / "mapper_log.txt", 1.0);
      const double real_edp = run["best_model"]["EDP_J_cycles"].get<double>();
      const double tried_per_thread = run["tried_total"].get<double>() / run["num_threads"].get<double>();
      const double reach = updates.empty() ? run["wall_s"].get<double>()
                                           : run["wall_s"].get<double>() * updates.back().tried / std::max(tried_per_thread, 1.0);
      if (real_edp < sum.real_best_edp * (1 - 1e-12) || (real_edp <= sum.real_best_edp * (1 + 1e-12) && reach < sum.real_reach)) {
        sum.real_best_edp = std::min(sum.real_best_edp, real_edp);
        sum.real_reach = reach;
      }
      if (!any) any = in;
      if (name.find("_r2") != std::string::npos) continue;
      in.settings.num_threads = 1;
      const Mapspace space(in.base.arch, in.base.problem, in.constraints);
      const SearchResult ours = run_search(in.base, space, in.settings);
      const double our_rate = static_cast<double>(ours.stats.valid) / std::max(ours.stats.cpu_seconds, 1e-9);
      const double real_rate = run["valid_total"].get<double>() / std::max(run["user_cpu_s"].get<double>(), 1e-9);
      const bool energy = in.settings.metrics.front() == Metric::energy;
      const double ours_best = ours.best ? (energy ? ours.best->result.energy : edp_j_cycles(ours.best->result)) : 0.0;
      const double real_best = energy ? run["best_model"]["energy_pJ"].get<double>() : real_edp;
      std::printf("%-34s %-28s | %9.0f %9.0f %5.1fx | %12.6g %12.6g | %8.2f %8.2f %5.1fx\n", sum.pair.c_str(),
                  name.c_str(), our_rate, real_rate, our_rate / real_rate, ours_best, real_best, ours.stats.cpu_seconds,
                  run["wall_s"].get<double>(), run["wall_s"].get<double>() / std::max(ours.stats.cpu_seconds, 1e-9));
    }
    if (!any) continue;
    // The default search: time to reach the real mapper's best EDP over all its runs, and the best
    // EDP after one second.
    MapperSettings bf = any->settings;
    bf.algorithm = Algorithm::best_first;
    bf.metrics = {Metric::edp};
    bf.search_size = 0;
    bf.victory_condition = 0;
    bf.timeout = 0;
    bf.num_threads = 1;
    const Mapspace space(any->base.arch, any->base.problem, any->constraints);
    SearchOptions one;
    one.max_cpu_seconds = 1.0;
    const double target = sum.real_best_edp * 1e12 * (1 + 1e-9);
    const SearchResult quick = run_search(any->base, space, bf, one);
    for (const auto& imp : quick.stats.improvements) {
      if (sum.ours_reach < 0 && imp.metric <= target) sum.ours_reach = imp.cpu_seconds;
    }
    sum.ours_edp_1s = quick.best ? edp_j_cycles(quick.best->result) : 0.0;
    sum.ours_bound = quick.lower_bound * 1e-12;
    summaries.push_back(sum);
  }
  std::printf("\nDefault search (best-first, EDP, one thread) vs the real mapper's best EDP over all its runs:\n");
  std::printf("%-34s | %12s %12s | %10s %10s %7s | %12s\n", "pair", "real best", "ours @1s", "reach us", "reach tl",
              "ratio", "lower bound");
  for (const auto& s : summaries) {
    std::printf("%-34s | %12.6g %12.6g | %9.3fs %9.2fs %6.1fx | %12.6g\n", s.pair.c_str(), s.real_best_edp,
                s.ours_edp_1s, s.ours_reach, s.real_reach, s.ours_reach > 0 ? s.real_reach / s.ours_reach : 0.0,
                s.ours_bound);
  }
  return 0;
}
