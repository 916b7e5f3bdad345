// bench_astrasim: host time and peak memory of the native ASTRA-sim-style model on runs the real
// tool finds expensive, and how the cost grows with the NPU count. Each run happens in its own
// child process so that its peak resident memory is its own.
//
// Usage: bench_astrasim [--quick]   (--quick skips the growth table of full simulations)

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "adapters/astrasim/simulator.hpp"
#include "adapters/astrasim/text_workload.hpp"

namespace {

using namespace claimcheck::astrasim;

SystemConfig system_with(std::vector<ImplKind> kinds) {
  SystemConfig s;
  s.scheduling_policy = SchedulingPolicy::lifo;
  s.collective_optimization = CollectiveOptimization::local_bw_aware;
  s.endpoint_delay_ns = 10;
  s.preferred_dataset_splits = 4;
  s.active_chunks_per_dimension = 1;
  s.local_mem_bw_gbps = 1600;
  for (auto k : kinds) s.all_reduce.push_back({k, -1});
  s.all_gather = s.reduce_scatter = s.all_to_all = s.all_reduce;
  return s;
}

Workload same_on_all(int npus, NpuGraph graph) {
  Workload w;
  w.graphs.assign(static_cast<std::size_t>(npus), std::make_shared<const NpuGraph>(std::move(graph)));
  return w;
}

NpuGraph all_reduce(std::uint64_t bytes) {
  NpuGraph g;
  WorkloadNode n;
  n.id = 0;
  n.name = "AR";
  n.type = NodeType::coll;
  n.comm_type = CommType::all_reduce;
  n.comm_size = bytes;
  g.nodes.push_back(n);
  return g;
}

// GPT-2 style data-parallel iteration (the train_gpt2_dp_r4s8 reference case's layer list).
NpuGraph gpt2_iteration() {
  std::string text = "DATA\n14\nemb -1 300 NONE 0 300 NONE 0 300 ALLREDUCE 157550592 10\n";
  for (int i = 0; i < 12; ++i) {
    text += "block" + std::to_string(i) + " -1 850 NONE 0 850 NONE 0 850 ALLREDUCE 28351488 10\n";
  }
  text += "head -1 300 NONE 0 300 NONE 0 300 ALLREDUCE 1536 10\n";
  return parse_text_workload("gpt2.txt", text).graph;
}

struct Scenario {
  std::string name;
  std::function<SimulationInput()> input;
  SymmetryUse symmetry = SymmetryUse::when_valid;
  std::string real_tool;  // the real tool's figures on this machine, when known
};

struct Report {
  double seconds = 0;
  std::uint64_t finish = 0;
  std::uint64_t events = 0;
  int symmetric = 0;
};

void run_in_child(const Scenario& s) {
  int fds[2];
  if (pipe(fds) != 0) return;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const SimulationInput in = s.input();
    const auto t0 = std::chrono::steady_clock::now();
    const SimulationResult r = simulate(in, s.symmetry);
    const auto t1 = std::chrono::steady_clock::now();
    Report rep;
    rep.seconds = std::chrono::duration<double>(t1 - t0).count();
    for (const auto& n : r.npus) rep.finish = std::max(rep.finish, n.finish_ns);
    rep.events = r.events;
    rep.symmetric = r.used_symmetry ? 1 : 0;
    if (write(fds[1], &rep, sizeof rep) != static_cast<ssize_t>(sizeof rep)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Report rep;
  const bool ok = read(fds[0], &rep, sizeof rep) == static_cast<ssize_t>(sizeof rep);
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!ok) {
    std::printf("%-44s failed\n", s.name.c_str());
    return;
  }
  std::printf("%-44s %9.3f s %8.1f MB %14llu ns %10llu events %s%s\n", s.name.c_str(), rep.seconds,
              static_cast<double>(usage.ru_maxrss) / 1024.0, static_cast<unsigned long long>(rep.finish),
              static_cast<unsigned long long>(rep.events), rep.symmetric ? "(symmetric)" : "(every NPU)",
              s.real_tool.empty() ? "" : ("  real tool: " + s.real_tool).c_str());
  std::fflush(stdout);
}

SimulationInput switch_all_reduce(int npus) {
  SimulationInput in;
  in.network.dims = {NetworkDim{Topology::switch_, npus, 50.0, 500.0}};
  in.system = system_with({ImplKind::ring});
  in.workload = same_on_all(npus, all_reduce(64ull << 20));
  return in;
}

SimulationInput three_d(int a, int b, int c) {
  SimulationInput in;
  in.network.dims = {NetworkDim{Topology::ring, a, 200.0, 50.0}, NetworkDim{Topology::fully_connected, b, 100.0, 500.0},
                     NetworkDim{Topology::switch_, c, 50.0, 1000.0}};
  in.system = system_with({ImplKind::ring, ImplKind::direct, ImplKind::ring});
  in.workload = same_on_all(a * b * c, all_reduce(64ull << 20));
  return in;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::printf("%-44s %11s %11s %17s %17s\n", "run", "host time", "peak RSS", "finish", "cost");
  std::vector<Scenario> runs = {
      {"AR 64 MiB, Switch 1024", [] { return switch_all_reduce(1024); }, SymmetryUse::when_valid, "7 s, 356 MB"},
      {"AR 64 MiB, Switch 2048", [] { return switch_all_reduce(2048); }, SymmetryUse::when_valid, "40 s, 1.4 GB"},
      {"AR 64 MiB, Switch 4096", [] { return switch_all_reduce(4096); }, SymmetryUse::when_valid, "351 s, 5.5 GB"},
      {"AR 64 MiB, 3-D 16x16x16 (Ring x FC x Switch)", [] { return three_d(16, 16, 16); }, SymmetryUse::when_valid, "6.8 s"},
      {"AR 64 MiB, 3-D 16x32x32 (Ring x FC x Switch)", [] { return three_d(16, 32, 32); }, SymmetryUse::when_valid, "66.5 s"},
      {"GPT-2 data-parallel iteration, 4096 NPUs",
       [] {
         SimulationInput in;
         in.network.dims = {NetworkDim{Topology::ring, 16, 250.0, 100.0}, NetworkDim{Topology::switch_, 256, 25.0, 700.0}};
         in.system = system_with({ImplKind::ring, ImplKind::ring});
         in.workload = same_on_all(4096, gpt2_iteration());
         return in;
       },
       SymmetryUse::when_valid, "50 s"},
  };
  for (const auto& s : runs) run_in_child(s);
  std::printf("\nimplementations without translation symmetry\n");
  run_in_child({"AR 64 MiB, halvingDoubling, Switch 4096",
                [] {
                  SimulationInput in = switch_all_reduce(4096);
                  in.system = system_with({ImplKind::halving_doubling});
                  return in;
                },
                SymmetryUse::when_valid, ""});
  run_in_child({"AR 64 MiB, doubleBinaryTree, Switch 4096",
                [] {
                  SimulationInput in = switch_all_reduce(4096);
                  in.system = system_with({ImplKind::double_binary_tree});
                  return in;
                },
                SymmetryUse::when_valid, ""});
  std::printf("\ngrowth with NPU count: AR 64 MiB on one Switch, symmetric (one NPU simulated)\n");
  for (int n : {64, 256, 1024, 4096, 16384}) {
    run_in_child({"  Switch " + std::to_string(n), [n] { return switch_all_reduce(n); }, SymmetryUse::when_valid, ""});
  }
  if (!quick) {
    std::printf("\ngrowth with NPU count: the same runs simulating every NPU (no symmetry)\n");
    for (int n : {16, 32, 64, 128, 256}) {
      run_in_child({"  Switch " + std::to_string(n), [n] { return switch_all_reduce(n); }, SymmetryUse::never, ""});
    }
  }
  return 0;
}
