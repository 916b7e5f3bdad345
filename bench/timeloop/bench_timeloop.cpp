// Evaluations per second of the native Timeloop-style model on each reference case, one thread,
// input parsing excluded (the Spec is loaded once; each evaluation runs the nest analysis,
// tile collapsing, energy and performance from scratch). Rates are per second of this thread's
// CPU time.
//
// usage: bench_timeloop [--seconds S | --evals N] [CASE_DIR...]   (default: every case in tests/data/timeloop)
// --evals runs exactly N evaluations per case: with `valgrind --tool=callgrind` it gives instruction
// counts per evaluation, which unlike times do not vary with the machine's load.

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/timeloop/inputs.hpp"
#include "adapters/timeloop/model.hpp"
#include "core/diagnostics.hpp"

namespace fs = std::filesystem;
using namespace claimcheck::timeloop;

namespace {

// CPU time of this thread, so that other processes on a shared machine do not skew the rate.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  std::uint64_t evals = 0;
  std::vector<fs::path> dirs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--evals" && i + 1 < argc) {
      evals = std::strtoull(argv[++i], nullptr, 10);
    } else {
      dirs.emplace_back(a);
    }
  }
  if (dirs.empty()) {
    for (const auto& e : fs::directory_iterator(CLAIMCHECK_TIMELOOP_CASES)) {
      if (e.is_directory()) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
  }
  std::printf("%-58s %14s %12s\n", "case", "evals/s (CPU)", "us/eval");
  for (const auto& dir : dirs) {
    std::vector<std::string> files;
    for (const char* f : {"arch.yaml", "problem.yaml", "mapping.yaml", "ERT.yaml"}) {
      if (fs::exists(dir / f)) files.push_back((dir / f).string());
    }
    Spec spec;
    try {
      spec = load_spec_files(files);
    } catch (const claimcheck::InputError& e) {
      std::printf("%-58s %s\n", dir.filename().c_str(), e.what());
      continue;
    }
    const double start = thread_cpu_seconds();
    std::uint64_t n = 0;
    double checksum = 0;
    while (evals > 0 ? n < evals : thread_cpu_seconds() - start < seconds) {
      const Evaluation ev = evaluate(spec);
      checksum += ev.result ? static_cast<double>(ev.result->cycles) : 1.0;
      ++n;
    }
    const double elapsed = thread_cpu_seconds() - start;
    std::printf("%-58s %14.0f %12.1f%s\n", dir.filename().c_str(), static_cast<double>(n) / elapsed,
                1e6 * elapsed / static_cast<double>(n), checksum > 0 ? "" : " ");
  }
  return 0;
}
