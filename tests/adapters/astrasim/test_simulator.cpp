// The model against independent closed forms (refcases FORMATS.md section 7), symmetric runs
// against full ones, and the inputs it must refuse.

#include <gtest/gtest.h>

#include <cmath>

#include "adapters/astrasim/simulator.hpp"
#include "astrasim_test_util.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

using test::one_collective;
using test::system_with;

// FORMATS.md section 7: a 1-D ring collective, one active chunk.
std::uint64_t closed_form(const NetworkDim& d, CommType type, std::uint64_t size, int splits, std::uint64_t e) {
  const std::uint64_t n = static_cast<std::uint64_t>(d.npus);
  std::uint64_t chunk = size / static_cast<std::uint64_t>(splits);
  if (type != CommType::all_gather && chunk < n) chunk = n;
  std::uint64_t steps = 0, msg = 0, reductions = 0;
  switch (type) {
    case CommType::all_reduce: steps = 2 * (n - 1); msg = chunk / n; reductions = n - 1; break;
    case CommType::reduce_scatter: steps = n - 1; msg = chunk / n; reductions = n - 1; break;
    case CommType::all_gather: steps = n - 1; msg = chunk; break;
    case CommType::all_to_all: steps = n * (n - 1) / 2; msg = chunk / n; break;
    case CommType::broadcast: break;
  }
  const double hops = d.topology == Topology::switch_ ? 2 : 1;
  const auto t_msg = static_cast<std::uint64_t>(hops * d.latency_ns + static_cast<double>(msg) /
                                                                           (d.bandwidth_gbps * 1073741824.0 / 1e9));
  const auto red = 3 * static_cast<std::uint64_t>(static_cast<double>(msg) / (1600 * 1e9) * 1e9);
  return static_cast<std::uint64_t>(splits) * (steps * (t_msg + e) + e + reductions * red);
}

TEST(ClosedForm, RingCollectivesOnOneDimension) {
  int checked = 0;
  for (Topology t : {Topology::ring, Topology::switch_, Topology::fully_connected}) {
    for (int n : {4, 8, 16}) {
      for (CommType type : {CommType::all_reduce, CommType::reduce_scatter, CommType::all_gather, CommType::all_to_all}) {
        for (std::uint64_t size : {std::uint64_t{1} << 20, std::uint64_t{64} << 20, std::uint64_t{1000}}) {
          for (int e : {10, 100}) {
            NetworkConfig net{{NetworkDim{t, n, 50.0, 500.0}}};
            const auto in = one_collective(net, system_with(ImplKind::ring, 1, 4, 1, e), type, size);
            const SimulationResult r = simulate(in);
            EXPECT_EQ(r.npus[0].finish_ns, closed_form(net.dims[0], type, size, 4, static_cast<std::uint64_t>(e)))
                << topology_name(t) << n << " " << comm_type_name(type) << " " << size << " E=" << e;
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 216);
}

TEST(ClosedForm, EndpointDelayHundredOnRing8IsThePublishedRerun) {
  // FORMATS.md section 7: "A rerun of ar_ring8_64MiB with E = 100 gave 2,331,512".
  NetworkConfig net{{NetworkDim{Topology::ring, 8, 50.0, 500.0}}};
  const auto r = simulate(one_collective(net, system_with(ImplKind::ring, 1, 4, 1, 100), CommType::all_reduce,
                                         std::uint64_t{64} << 20));
  EXPECT_EQ(r.npus[0].finish_ns, 2331512u);
}

TEST(ClosedForm, DirectOnFullyConnected) {
  // FORMATS.md section 7: AR T = splits*(2*(t_msg+E) + red + E) = 332,336; A2A T = splits*(t_msg+2E) = 158,328.
  NetworkConfig net{{NetworkDim{Topology::fully_connected, 8, 50.0, 500.0}}};
  EXPECT_EQ(simulate(one_collective(net, system_with(ImplKind::direct, 1), CommType::all_reduce, 64u << 20))
                .npus[0]
                .finish_ns,
            332336u);
  EXPECT_EQ(simulate(one_collective(net, system_with(ImplKind::direct, 1), CommType::all_to_all, 64u << 20))
                .npus[0]
                .finish_ns,
            158328u);
}

TEST(Symmetry, OneSimulatedNpuGivesEveryNpusFullAnswer) {
  const std::vector<NetworkConfig> nets = {
      {{NetworkDim{Topology::ring, 4, 100, 300}, NetworkDim{Topology::ring, 4, 50, 400}, NetworkDim{Topology::switch_, 2, 25, 500}}},
      {{NetworkDim{Topology::switch_, 8, 200, 100}, NetworkDim{Topology::fully_connected, 4, 50, 700}}},
      {{NetworkDim{Topology::ring, 12, 50, 500}}}};
  int runs = 0;
  for (const auto& net : nets) {
    const int dims = static_cast<int>(net.dims.size());
    for (ImplKind kind : {ImplKind::ring, ImplKind::direct}) {
      for (auto [splits, active] : {std::pair{4, 1}, std::pair{16, 2}, std::pair{3, 3}}) {
        for (auto opt : {CollectiveOptimization::local_bw_aware, CollectiveOptimization::baseline}) {
          for (CommType type : {CommType::all_reduce, CommType::reduce_scatter, CommType::all_gather, CommType::all_to_all}) {
            SystemConfig sys = system_with(kind, dims, splits, active);
            sys.collective_optimization = opt;
            const auto in = one_collective(net, sys, type, 1000000);
            const SimulationResult sym = simulate(in);
            const SimulationResult full = simulate(in, SymmetryUse::never);
            ASSERT_TRUE(sym.used_symmetry);
            ASSERT_FALSE(full.used_symmetry);
            EXPECT_EQ(sym.npus, full.npus) << runs;
            EXPECT_LT(sym.events * 4, full.events + 4) << runs;
            ++runs;
          }
        }
      }
    }
  }
  EXPECT_EQ(runs, 144);
}

TEST(Symmetry, HalvingDoublingPartnersMirrorThemselves) {
  const std::vector<NetworkConfig> nets = {
      {{NetworkDim{Topology::switch_, 16, 50, 500}}},
      {{NetworkDim{Topology::ring, 8, 50, 500}}},
      {{NetworkDim{Topology::ring, 8, 200, 100}, NetworkDim{Topology::switch_, 4, 50, 700}}}};
  int runs = 0;
  for (const auto& net : nets) {
    for (auto [splits, active] : {std::pair{4, 1}, std::pair{8, 2}}) {
      for (CommType type : {CommType::all_reduce, CommType::reduce_scatter, CommType::all_gather}) {
        const auto in = one_collective(net, system_with(ImplKind::halving_doubling, static_cast<int>(net.dims.size()),
                                                        splits, active),
                                       type, 1 << 20);
        const SimulationResult sym = simulate(in);
        const SimulationResult full = simulate(in, SymmetryUse::never);
        ASSERT_TRUE(sym.used_symmetry);
        EXPECT_EQ(sym.npus, full.npus) << runs;
        ++runs;
      }
    }
  }
  EXPECT_EQ(runs, 18);
}

TEST(Symmetry, MixedSymmetriesInOneDimensionSimulateEveryNpu) {
  NetworkConfig net{{NetworkDim{Topology::ring, 8, 50, 500}}};
  SystemConfig sys = system_with(ImplKind::ring, 1);
  sys.reduce_scatter = {CollectiveImpl{ImplKind::halving_doubling, -1}};
  auto in = one_collective(net, sys, CommType::all_reduce, 1 << 20);
  auto g = std::make_shared<NpuGraph>(*in.workload.graphs[0]);
  WorkloadNode rs = g->nodes[0];
  rs.id = 1;
  rs.comm_type = CommType::reduce_scatter;
  rs.parents = {0};
  g->nodes.push_back(rs);
  in.workload.graphs.assign(8, g);
  const SimulationResult r = simulate(in);
  EXPECT_FALSE(r.used_symmetry);
  EXPECT_EQ(r.npus, simulate(in, SymmetryUse::never).npus);
}

TEST(CongestionAware, RingEqualsTheUnawareModelAndEveryDimensionRuns) {
  NetworkConfig ring{{NetworkDim{Topology::ring, 8, 50.0, 500.0}}};
  auto in = one_collective(ring, system_with(ImplKind::ring, 1), CommType::all_reduce, 64u << 20);
  const auto unaware = simulate(in);
  in.backend = Backend::congestion_aware;
  EXPECT_EQ(simulate(in).npus, unaware.npus);

  // Two dimensions (the real tool accepts only one): a switch dimension serialises each message on
  // two links, so the aware answer is later than the unaware one but finite and the same for all.
  NetworkConfig two{{NetworkDim{Topology::ring, 4, 250.0, 100.0}, NetworkDim{Topology::switch_, 8, 25.0, 700.0}}};
  auto in2 = one_collective(two, system_with(ImplKind::ring, 2), CommType::all_reduce, 64u << 20);
  const auto u2 = simulate(in2);
  in2.backend = Backend::congestion_aware;
  const auto a2 = simulate(in2);
  EXPECT_GT(a2.npus[0].finish_ns, u2.npus[0].finish_ns);
  for (const auto& n : a2.npus) EXPECT_EQ(n.finish_ns, a2.npus[0].finish_ns);
}

// The message of the first exception of type E the run throws (another type fails the test).
template <typename E = std::exception>
std::string error_of(const SimulationInput& in, SymmetryUse symmetry = SymmetryUse::when_valid,
                     const SimulationLimits& limits = {}) {
  try {
    simulate(in, symmetry, limits);
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Refusals, HalvingDoublingNeedsAPowerOfTwo) {
  NetworkConfig net{{NetworkDim{Topology::switch_, 12, 50.0, 500.0}}};
  EXPECT_EQ(error_of(one_collective(net, system_with(ImplKind::halving_doubling, 1), CommType::all_reduce, 1 << 20)),
            "system configuration: \"all-reduce-implementation\": halvingDoubling on 12 NPUs (dimension 0); it needs "
            "a power of two, and the real tool deadlocks otherwise");
}

TEST(Refusals, ImplementationListMustFitTheNetwork) {
  NetworkConfig net{{NetworkDim{Topology::ring, 4, 50.0, 500.0}, NetworkDim{Topology::ring, 4, 50.0, 500.0}}};
  EXPECT_EQ(error_of(one_collective(net, system_with(ImplKind::ring, 1), CommType::all_reduce, 1 << 20)),
            "system configuration: \"all-reduce-implementation\" has 1 entries but the network has 2 dimensions; the "
            "real tool would silently leave the other dimensions out; give one implementation per network dimension");
}

TEST(Refusals, ZeroByteAllGatherChunksWouldLoopForever) {
  NetworkConfig net{{NetworkDim{Topology::ring, 4, 50.0, 500.0}}};
  EXPECT_EQ(error_of(one_collective(net, system_with(ImplKind::ring, 1), CommType::all_gather, 3)),
            "workload: NPU 0 node 0 (\"coll\"): an all-gather of 3 B with 4 splits has 0-byte chunks; the real tool "
            "loops forever; make comm_size at least preferred-dataset-splits bytes");
}

TEST(Refusals, UnknownCommGroup) {
  NetworkConfig net{{NetworkDim{Topology::ring, 4, 50.0, 500.0}}};
  auto in = one_collective(net, system_with(ImplKind::ring, 1), CommType::all_reduce, 1 << 20);
  auto g = std::make_shared<NpuGraph>(*in.workload.graphs[0]);
  g->nodes[0].pg_name = "5";
  in.workload.graphs.assign(4, g);
  EXPECT_EQ(error_of(in),
            "workload: NPU 0 node 0 (\"coll\") uses comm group \"5\", which the comm-group file does not define; add "
            "the group to the comm-group file or pass --comm-group");
}

TEST(Refusals, UnmatchedReceiveIsADeadlockNotASuccess) {
  NetworkConfig net{{NetworkDim{Topology::ring, 4, 50.0, 500.0}}};
  SimulationInput in;
  in.network = net;
  in.system = system_with(ImplKind::ring, 1);
  auto waits = std::make_shared<NpuGraph>();
  WorkloadNode r;
  r.id = 0;
  r.name = "recv";
  r.type = NodeType::recv;
  r.comm_src = 1;
  r.comm_dst = 0;
  r.comm_size = 1024;
  waits->nodes.push_back(r);
  auto idle = std::make_shared<NpuGraph>();
  in.workload.graphs = {waits, idle, idle, idle};
  EXPECT_EQ(error_of(in),
            "deadlock: the simulation ran out of events with unfinished NPUs: NPU 0 (1 nodes never finish); the real "
            "tool reports such runs as successful");
}

}  // namespace
}  // namespace claimcheck::astrasim

namespace claimcheck::astrasim {
namespace {

TEST(Compute, RooflineAndReplayDurations) {
  // Roofline: time = num_ops / min(local_mem_bw * num_ops / tensor_size, peak_perf).
  NetworkConfig net{{NetworkDim{Topology::ring, 2, 50.0, 500.0}}};
  SimulationInput in;
  in.network = net;
  in.system = system_with(ImplKind::ring, 1);
  in.system.roofline_enabled = true;
  in.system.peak_perf_tflops = 100;    // 1e14 FLOP/s
  in.system.local_mem_bw_gbps = 1000;  // 1e12 B/s
  auto g = std::make_shared<NpuGraph>();
  WorkloadNode memory_bound;           // intensity 10 FLOP/B -> 1e13 FLOP/s -> 1e9 FLOP take 100 us
  memory_bound.id = 0;
  memory_bound.name = "mem";
  memory_bound.type = NodeType::comp;
  memory_bound.num_ops = 1'000'000'000;
  memory_bound.tensor_size = 100'000'000;
  memory_bound.duration_micros = 7;    // ignored under the roofline
  WorkloadNode compute_bound = memory_bound;  // intensity 1000 -> capped at 1e14 -> 10 us
  compute_bound.id = 1;
  compute_bound.name = "flops";
  compute_bound.tensor_size = 1'000'000;
  compute_bound.parents = {0};
  g->nodes = {memory_bound, compute_bound};
  in.workload.graphs.assign(2, g);
  const SimulationResult r = simulate(in);
  EXPECT_EQ(r.npus[0].compute_ns, 100'000u + 10'000u);
  EXPECT_EQ(r.npus[0].finish_ns, 110'000u);
  EXPECT_EQ(r.npus[0].exposed_comm_ns, 0u);

  in.system.roofline_enabled = false;  // replay: duration_micros * 1000 each
  EXPECT_EQ(simulate(in).npus[0].finish_ns, 14'000u);
}

TEST(Compute, ZeroDurationTakesOneNanosecond) {
  NetworkConfig net{{NetworkDim{Topology::ring, 2, 50.0, 500.0}}};
  SimulationInput in;
  in.network = net;
  in.system = system_with(ImplKind::ring, 1);
  auto g = std::make_shared<NpuGraph>();
  WorkloadNode n;
  n.id = 0;
  n.name = "zero";
  n.type = NodeType::comp;
  g->nodes = {n};
  in.workload.graphs.assign(2, g);
  EXPECT_EQ(simulate(in).npus[1].finish_ns, 1u);
}

TEST(Limits, ARunPastItsEventBudgetStopsAndFreesWhatIsInFlight) {
  // Congestion-aware: chunks wait on links and in events when the budget runs out (the sanitizer
  // build checks they are freed). The full run takes more than 100 events.
  NetworkConfig ring{{NetworkDim{Topology::ring, 8, 50.0, 500.0}}};
  auto in = one_collective(ring, system_with(ImplKind::ring, 1), CommType::all_reduce, 64u << 20);
  in.backend = Backend::congestion_aware;
  ASSERT_GT(simulate(in).events, 100u);
  SimulationLimits few;
  few.max_events = 100;
  const std::string message = error_of<SimulationLimitExceeded>(in, SymmetryUse::when_valid, few);
  EXPECT_TRUE(message.starts_with("the simulation needs more than 100 events (stopped at ")) << message;
  // Congestion-unaware, with bundles waiting in NPU event lists.
  in.backend = Backend::congestion_unaware;
  EXPECT_TRUE(error_of<SimulationLimitExceeded>(in, SymmetryUse::never, few)
                  .starts_with("the simulation needs more than 100 events"));
}

TEST(Limits, TooManyNpusSimulatedOneByOneAreRefusedBeforeAnyIsBuilt) {
  NetworkConfig ring{{NetworkDim{Topology::ring, 8, 50.0, 500.0}}};
  const auto in = one_collective(ring, system_with(ImplKind::ring, 1), CommType::all_reduce, 64u << 20);
  SimulationLimits narrow;
  narrow.max_simulated_npus = 4;
  EXPECT_EQ(error_of<SimulationLimitExceeded>(in, SymmetryUse::never, narrow),
            "simulating each of the 8 NPUs one by one is beyond the native model's limit of 4 (a symmetric run "
            "simulates one NPU for all)");
  // Symmetric, one NPU stands for all eight: within the limit.
  EXPECT_EQ(error_of<SimulationLimitExceeded>(in, SymmetryUse::when_valid, narrow), "(no error)");
}

}  // namespace
}  // namespace claimcheck::astrasim
