// bench_astrasim: host time and peak memory of the native ASTRA-sim-style model on runs the real
// tool finds expensive, and how the cost grows with the NPU count. Each run happens in its own
// child process so that its peak resident memory is its own.
//
// Usage: bench_astrasim [--quick] [--only TEXT]
//   --quick skips the growth table of full simulations; --only runs the rows whose name has TEXT.

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

#include <algorithm>

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

// A ResNet-50-shaped data-parallel iteration: the 54 weighted layers of ResNet-50 (conv1, the four
// bottleneck stages of 3/4/6/3 blocks with a projection in each first block, fc), weight gradients
// of k*k*c_in*c_out*4 bytes all-reduced, compute times of our own choosing (1 us per 64 KiB of
// weights, at least 3 us, per pass).
NpuGraph resnet50_iteration() {
  struct L {
    std::string name;
    std::uint64_t bytes;
  };
  std::vector<L> layers = {{"conv1", 7ull * 7 * 3 * 64 * 4}};
  std::uint64_t in = 64;
  const int blocks[] = {3, 4, 6, 3};
  for (int stage = 0; stage < 4; ++stage) {
    const std::uint64_t mid = 64ull << stage, out = mid * 4;
    for (int b = 0; b < blocks[stage]; ++b) {
      const std::string p = "s" + std::to_string(stage) + "b" + std::to_string(b);
      if (b == 0) layers.push_back({p + "_proj", in * out * 4});
      layers.push_back({p + "_conv1", in * mid * 4});
      layers.push_back({p + "_conv2", 9 * mid * mid * 4});
      layers.push_back({p + "_conv3", mid * out * 4});
      in = out;
    }
  }
  layers.push_back({"fc", 2048ull * 1000 * 4});
  std::string text = "DATA\n" + std::to_string(layers.size()) + "\n";
  for (const auto& l : layers) {
    const std::string t = std::to_string(std::max<std::uint64_t>(3, l.bytes / 65536));
    text += l.name + " -1 " + t + " NONE 0 " + t + " NONE 0 " + t + " ALLREDUCE " + std::to_string(l.bytes) + " 10\n";
  }
  return parse_text_workload("resnet50.txt", text).graph;
}

SimulationInput resnet50_on(std::vector<NetworkDim> dims, std::vector<ImplKind> impls, Backend backend) {
  SimulationInput in;
  in.network.dims = std::move(dims);
  in.system = system_with(std::move(impls));
  in.workload = same_on_all(in.network.total_npus(), resnet50_iteration());
  in.backend = backend;
  return in;
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

std::string g_only;  // --only: run the rows whose name contains it

void run_in_child(const Scenario& s) {
  if (!g_only.empty() && s.name.find(g_only) == std::string::npos) return;
  int fds[2];
  if (pipe(fds) != 0) return;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const SimulationInput in = s.input();
    const auto t0 = std::chrono::steady_clock::now();
    SimulationResult r;
    try {
      r = simulate(in, s.symmetry);
    } catch (const SimulationLimitExceeded& e) {
      std::printf("%-44s beyond the limits: %s\n", s.name.c_str(), e.what());
      std::fflush(stdout);
      _exit(1);
    }
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
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) g_only = argv[++i];
  }
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
  std::printf("\ntargets: the ResNet-50 iteration on 64 NPUs under 0.5 s congestion-aware and simulated NPU by NPU;\n"
              "         a 1,024-NPU data-parallel iteration simulated NPU by NPU within the event budget (%llu events)\n",
              static_cast<unsigned long long>(SimulationLimits{}.max_events));
  run_in_child({"ResNet-50 DP, Ring 64, symmetric",
                [] { return resnet50_on({NetworkDim{Topology::ring, 64, 50.0, 500.0}}, {ImplKind::ring}, Backend::congestion_unaware); },
                SymmetryUse::when_valid, ""});
  run_in_child({"ResNet-50 DP, Ring 64, every NPU",
                [] { return resnet50_on({NetworkDim{Topology::ring, 64, 50.0, 500.0}}, {ImplKind::ring}, Backend::congestion_unaware); },
                SymmetryUse::never, ""});
  run_in_child({"ResNet-50 DP, Ring 64, congestion-aware",
                [] { return resnet50_on({NetworkDim{Topology::ring, 64, 50.0, 500.0}}, {ImplKind::ring}, Backend::congestion_aware); },
                SymmetryUse::when_valid, ""});
  run_in_child({"ResNet-50 DP, 1,024 NPUs (Ring 16 x Switch 64), every NPU",
                [] {
                  return resnet50_on({NetworkDim{Topology::ring, 16, 250.0, 100.0}, NetworkDim{Topology::switch_, 64, 25.0, 700.0}},
                                     {ImplKind::ring, ImplKind::ring}, Backend::congestion_unaware);
                },
                SymmetryUse::never, ""});
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
