// The native mapper against the real timeloop-mapper v3.0.3 runs of tests/data/timeloop-mapper,
// one thread, Release: per run, valid mappings per second per thread (ours per CPU second of the
// search; the real mapper's valid count over its CPU time), the time to reach the real run's best
// EDP (ours measured; the real one estimated as its wall time x the share of its tried mappings
// before its best), and the best EDP after one second (ours: the default best-first search; the
// real one from its improvement log, by the same estimate). Ratios are ours over theirs (rates)
// or theirs over ours (times).
//
// usage: bench_mapper [PAIR_DIR...]   (default: every pair in tests/data/timeloop-mapper)

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
      if (e.is_directory()) pairs.push_back(e.path());
    }
    std::sort(pairs.begin(), pairs.end());
  }
  std::printf("%-34s %-28s | %10s %10s %7s | %9s %9s %7s | %10s %10s\n", "pair", "run (real settings)", "valid/s us",
              "valid/s tl", "ratio", "to best us", "to best tl", "ratio", "EDP@1s us", "EDP@1s tl");
  for (const auto& dir : pairs) {
    std::ifstream ef(dir / "expected.json");
    const auto exp = nlohmann::json::parse(ef);
    const fs::path inputs = fs::path(CLAIMCHECK_TIMELOOP_CASES) / exp["inputs_case"].get<std::string>();
    for (const auto& run : exp["runs"]) {
      const std::string name = run["run"].get<std::string>();
      if (name.find("_r2") != std::string::npos) continue;
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
      in.settings.num_threads = 1;
      const Mapspace space(in.base.arch, in.base.problem, in.constraints);
      const double real_best = run["best_model"]["EDP_J_cycles"].get<double>();
      // Our search with the run's settings.
      double reach = -1;
      SearchOptions opt;
      opt.on_improvement = [&](const Improvement&) {};
      const SearchResult ours = run_search(in.base, space, in.settings, opt);
      for (const auto& imp : ours.stats.improvements) {
        if (reach < 0 && imp.metric * 1e-12 <= real_best * (1 + 1e-9) && in.settings.metrics.front() == Metric::edp) {
          reach = imp.seconds;
        }
      }
      const double our_rate = static_cast<double>(ours.stats.valid) / std::max(ours.stats.seconds, 1e-9);
      const double cpu = run["threads"].size() > 0 ? 0 : 0;
      (void)cpu;
      const double real_cpu = run.contains("user_cpu_s") ? run["user_cpu_s"].get<double>() : run["wall_s"].get<double>();
      const double real_rate = run["valid_total"].get<double>() / std::max(real_cpu, 1e-9);
      // Real time to its best: wall x tried-at-best / tried (thread that found it).
      const auto updates = real_updates(rd / "mapper_log.txt", 1.0);
      double real_reach = -1;
      if (!updates.empty()) {
        const double tried_total = run["tried_total"].get<double>() / run["num_threads"].get<double>();
        real_reach = run["wall_s"].get<double>() * updates.back().tried / std::max(tried_total, 1.0);
      }
      // Best EDP after 1 s: our default search.
      MapperSettings bf = in.settings;
      bf.algorithm = Algorithm::best_first;
      bf.search_size = 0;
      bf.victory_condition = 0;
      SearchOptions one;
      one.max_seconds = 1.0;
      const SearchResult quick = run_search(in.base, space, bf, one);
      const double quick_edp = quick.best ? edp_j_cycles(quick.best->result) : 0.0;
      std::printf("%-34s %-28s | %10.0f %10.0f %6.1fx | %8.3fs %8.2fs %6.1fx | %10.4f %10.4f\n",
                  dir.filename().c_str(), name.c_str(), our_rate, real_rate, our_rate / real_rate, reach,
                  real_reach, reach > 0 ? real_reach / reach : 0.0, quick_edp, real_best);
    }
  }
  return 0;
}
