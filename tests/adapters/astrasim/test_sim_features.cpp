// Features beyond native collectives on one graph per NPU: custom collectives (Chakra ETs),
// remote memory, and the real binary's run options. Expected values are worked out by hand from
// the network's message delay `hops*latency + bytes/(bw*2^30/1e9)` (truncated) and the semantics
// the comments state.

#include <gtest/gtest.h>

#include "adapters/astrasim/simulator.hpp"
#include "astrasim_test_util.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::astrasim {
namespace {

using test::one_collective;
using test::system_with;
using test::thrown_by;

constexpr std::uint64_t k_mib = 1 << 20;

WorkloadNode node(std::uint64_t id, NodeType type, std::vector<std::uint64_t> parents = {}) {
  WorkloadNode n;
  n.id = id;
  n.name = "n" + std::to_string(id);
  n.type = type;
  n.parents = std::move(parents);
  return n;
}

// Rank r of a two-step ring exchange: send right and receive from the left, compute 2 us, then
// send right and receive from the left again.
std::shared_ptr<const NpuGraph> two_step_ring(int r, int n, std::uint64_t bytes) {
  auto g = std::make_shared<NpuGraph>();
  const std::int64_t right = (r + 1) % n, left = (r + n - 1) % n;
  WorkloadNode s0 = node(0, NodeType::send), r0 = node(1, NodeType::recv), c = node(2, NodeType::comp, {1});
  WorkloadNode s1 = node(3, NodeType::send, {2}), r1 = node(4, NodeType::recv, {2});
  for (WorkloadNode* m : {&s0, &s1}) m->comm_dst = right;
  for (WorkloadNode* m : {&r0, &r1}) m->comm_src = left;
  for (WorkloadNode* m : {&s0, &r0}) m->comm_tag = 1;
  for (WorkloadNode* m : {&s1, &r1}) m->comm_tag = 2;
  for (WorkloadNode* m : {&s0, &r0, &s1, &r1}) m->comm_size = bytes;
  c.duration_micros = 2;
  g->nodes = {s0, r0, c, s1, r1};
  return g;
}

SimulationInput custom_all_reduce(int splits) {
  NetworkConfig net{{NetworkDim{Topology::ring, 4, 50.0, 500.0}}};
  SimulationInput in = one_collective(net, system_with(ImplKind::ring, 1, splits), CommType::all_reduce, k_mib);
  auto custom = std::make_shared<CustomCollective>();
  custom->prefix = "custom/ring";
  for (int r = 0; r < 4; ++r) custom->ranks.push_back(two_step_ring(r, 4, k_mib));
  in.custom.by_type[CommType::all_reduce] = custom;
  return in;
}

TEST(CustomCollective, RunsItsEtStepByStepWithoutEndpointDelay) {
  // One message: 500 + 1 MiB / 53.687 B/ns = 20,031 ns; then 2,000 ns of compute; then one more.
  const SimulationResult r = simulate(custom_all_reduce(1));
  EXPECT_FALSE(r.used_symmetry);
  for (const auto& npu : r.npus) {
    EXPECT_EQ(npu.finish_ns, 20031u + 2000u + 20031u);
    EXPECT_EQ(npu.compute_ns, 0u);  // the collective's compute nodes are not workload compute
  }
  ASSERT_EQ(r.collectives.size(), 4u);
  EXPECT_EQ(r.collectives[0].end_ns, 42062u);
}

TEST(CustomCollective, PerNodeImplementationOverridesThePerTypeOne) {
  SimulationInput in = custom_all_reduce(1);
  auto slow = std::make_shared<CustomCollective>();
  slow->prefix = "custom/slow";
  for (int r = 0; r < 4; ++r) slow->ranks.push_back(two_step_ring(r, 4, 2 * k_mib));
  in.custom.by_node[0] = slow;
  // 500 + 2 MiB / 53.687 = 39,562 ns per message.
  EXPECT_EQ(simulate(in).npus[0].finish_ns, 39562u + 2000u + 39562u);
}

TEST(CustomCollective, MoreThanOneSplitWouldNeverFinishInTheRealTool) {
  EXPECT_EQ(thrown_by<InputError>([] { simulate(custom_all_reduce(4)); }),
            "system configuration: NPU 0 node 0 (\"coll\") runs the custom collective \"custom/ring\" with "
            "preferred-dataset-splits 4: the real tool then waits for 4 chunks but runs the custom ET once, and never "
            "finishes the collective; set \"preferred-dataset-splits\": 1 for custom collectives");
}

SimulationInput memory_reads(MemoryType type, int npus_per_node = 0, int nodes = 0) {
  SimulationInput in;
  in.network = NetworkConfig{{NetworkDim{Topology::ring, 4, 50.0, 500.0}}};
  in.system = system_with(ImplKind::ring, 1);
  in.remote_memory = RemoteMemoryConfig{type, 500, 50, nodes, npus_per_node};
  auto g = std::make_shared<NpuGraph>();
  WorkloadNode load = node(0, NodeType::mem_load);
  load.tensor_size = 1'000'000;
  WorkloadNode store = node(1, NodeType::mem_store, {0});
  store.tensor_size = 500'000;
  g->nodes = {load, store};
  in.workload.graphs.assign(4, g);
  return in;
}

std::vector<std::uint64_t> finishes(const SimulationResult& r) {
  std::vector<std::uint64_t> out;
  for (const auto& n : r.npus) out.push_back(n.finish_ns);
  return out;
}

TEST(RemoteMemory, PerNpuServesEveryNpuAtOnce) {
  // latency + bytes / bw: load 500 + 20,000, store 500 + 10,000.
  const SimulationResult r = simulate(memory_reads(MemoryType::per_npu));
  EXPECT_TRUE(r.used_symmetry);
  EXPECT_EQ(finishes(r), (std::vector<std::uint64_t>(4, 20500 + 10500)));
  EXPECT_EQ(r.npus[0].exposed_comm_ns, 31000u);  // memory time is not compute
}

TEST(RemoteMemory, APoolServesOneRequestAtATimeInArrivalOrder) {
  // Loads at 0 from NPUs 0..3 queue up: 20,500 each. Each store arrives as its load ends and
  // queues behind the loads still waiting: load0 load1 load2 load3 store0 store1 store2 store3.
  const SimulationResult r = simulate(memory_reads(MemoryType::pool));
  EXPECT_FALSE(r.used_symmetry);
  EXPECT_EQ(finishes(r), (std::vector<std::uint64_t>{82000 + 10500, 82000 + 21000, 82000 + 31500, 82000 + 42000}));
}

TEST(RemoteMemory, RefusalsNameWhatTheRealToolWouldDo) {
  EXPECT_EQ(thrown_by<InputError>([] { simulate(memory_reads(MemoryType::no_expansion)); }),
            "remote memory configuration: NPU 0 node 0 (\"n0\") is a MEM_LOAD node but memory-type is "
            "NO_MEMORY_EXPANSION; the real tool exits (\"Remote memory access is not supported in "
            "NO_MEMORY_EXPANSION\"); give a remote memory configuration of type MEMORY_POOL, "
            "PER_NODE_MEMORY_EXPANSION or PER_NPU_MEMORY_EXPANSION");
  // tests/data/astrasim/realruns/mem_pernode_r4: the real tool's segmentation fault.
  EXPECT_EQ(thrown_by<InputError>([] { simulate(memory_reads(MemoryType::per_node, 2, 2)); }),
            "remote memory configuration: NPU 0 node 0 (\"n0\") reads PER_NODE_MEMORY_EXPANSION memory, which crashes "
            "the real tool at 518bd51 (segmentation fault: it reads a request after the workload layer freed it); "
            "unsupported; use MEMORY_POOL (one memory for all NPUs) or PER_NPU_MEMORY_EXPANSION");
}

TEST(RunOptions, InjectionScaleMultipliesASetEndpointDelayOnly) {
  // FORMATS.md section 7: ar_ring8_64MiB with E = 100 gives 2,331,512; with E = 10, 2,326,112.
  NetworkConfig net{{NetworkDim{Topology::ring, 8, 50.0, 500.0}}};
  SimulationInput in = one_collective(net, system_with(ImplKind::ring, 1), CommType::all_reduce, 64 * k_mib);
  in.options.injection_scale = 10;
  EXPECT_EQ(simulate(in).npus[0].finish_ns, 2331512u);
  in.system.endpoint_delay_set = false;  // the default 10 ns is not scaled
  EXPECT_EQ(simulate(in).npus[0].finish_ns, 2326112u);
}

TEST(RunOptions, TwoQueuesPerDimensionRunTwoChunksAtOnce) {
  // rs_ring8_64MiB: 4 chunks one after another take 1,218,096 ns (304,524 each). With two queues
  // and one active chunk per dimension, each queue runs one chunk (ceil(1/2) = 1), the second
  // queue's ring anticlockwise: two rounds of two chunks.
  NetworkConfig net{{NetworkDim{Topology::ring, 8, 50.0, 500.0}}};
  SimulationInput in = one_collective(net, system_with(ImplKind::ring, 1), CommType::reduce_scatter, 64 * k_mib);
  EXPECT_EQ(simulate(in).npus[0].finish_ns, 1218096u);
  in.options.queues_per_dim = 2;
  const SimulationResult r = simulate(in);
  EXPECT_EQ(r.npus[0].finish_ns, 2 * 304524u);
  EXPECT_EQ(r.npus, simulate(in, SymmetryUse::never).npus);
  // An all-reduce's phases use the first half of the queues: one queue, as before.
  SimulationInput ar = one_collective(net, system_with(ImplKind::ring, 1), CommType::all_reduce, 64 * k_mib);
  ar.options.queues_per_dim = 2;
  EXPECT_EQ(simulate(ar).npus[0].finish_ns, 2326112u);
}

TEST(RunOptions, RendezvousAddsAHandshakePerMessage) {
  // Each step's data message waits for the receiver's 8 KiB handshake: 500 + 8192/53.687 = 652 ns
  // more per step. ar_ring8_1MiB (64,440 ns) has 4 chunks of 14 steps.
  NetworkConfig net{{NetworkDim{Topology::ring, 8, 50.0, 500.0}}};
  SimulationInput in = one_collective(net, system_with(ImplKind::ring, 1), CommType::all_reduce, k_mib);
  EXPECT_EQ(simulate(in).npus[0].finish_ns, 64440u);
  in.options.rendezvous = true;
  const SimulationResult r = simulate(in);
  EXPECT_FALSE(r.used_symmetry);
  EXPECT_EQ(r.npus[0].finish_ns, 64440u + 4u * 14u * 652u);
}

}  // namespace
}  // namespace claimcheck::astrasim
