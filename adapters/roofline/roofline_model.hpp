#pragma once
// The roofline lower bound of GEMM and attention operators on one GPU: pure functions.
//
// An operator needs at least its arithmetic (FLOP) and its compulsory memory traffic (each
// operand read once, each result written once: an ideal cache). Its time is at least
//   max(flops / peak FLOP/s, bytes / memory bandwidth).
// For a list of operators the bound is max(sum of compute times, sum of memory times): it stays
// a lower bound even when kernels overlap, so a latency below it is physically impossible on
// that GPU at those peaks (DESIGN: such a number is discrepant whatever the artifact says).
//
// Caveat written into every report: the memory term assumes operands come from DRAM. A
// microbenchmark that re-runs a small kernel with its tensors resident in L2 can beat it; specs
// for such data set memory_bound to false and keep only the compute term.

#include <string>
#include <vector>

#include "adapters/roofline/gpu_table.hpp"

namespace claimcheck::roofline {

// C[batch][m][n] = A[batch][m][k] * B[batch][k][n].
struct Gemm {
  double m = 0, n = 0, k = 0;  // matrix dimensions, elements
  double batch = 1;            // independent GEMMs of that shape (batched GEMM)
  bool operator==(const Gemm&) const = default;
};

// Scaled dot-product attention softmax(Q K^T) V per head, counted as its two matrix products
// (4 * head_dim FLOP per query-key pair); softmax arithmetic is not counted (so the bound stays low).
struct Attention {
  double batch = 1;     // sequences
  double heads = 1;     // query heads
  double kv_heads = 0;  // key/value heads (grouped-query attention); 0 = heads
  double seq_len = 0;   // query tokens per sequence
  double kv_len = 0;    // key/value tokens per sequence; 0 = seq_len (decode: seq_len 1, kv_len = context)
  double head_dim = 0;  // elements per head
  bool causal = false;  // query i sees only keys up to its own position (the last seq_len of kv_len)
  bool operator==(const Attention&) const = default;
};

enum class OperatorKind { gemm, attention };

struct Operator {
  std::string name;  // shown in details, e.g. "qkv_proj"
  OperatorKind kind = OperatorKind::gemm;
  Gemm gemm;            // kind == gemm
  Attention attention;  // kind == attention
  Precision precision = Precision::fp16;
  double count = 1;     // times the operator runs (e.g. once per layer)
  bool operator==(const Operator&) const = default;
};

struct Work {
  double flops = 0;  // FLOP, for one run of the operator
  double bytes = 0;  // compulsory DRAM traffic in bytes, for one run
  bool operator==(const Work&) const = default;
};

// FLOP and bytes of one run of `op`.
Work operator_work(const Operator& op);

struct Bound {
  double flops = 0;         // FLOP, all operators times their counts
  double bytes = 0;         // B, all operators times their counts
  double compute_time = 0;  // s, sum of flops / peak over operators
  double memory_time = 0;   // s, bytes / bandwidth (0 when memory_bound is false)
  double min_latency = 0;   // s, max(compute_time, memory_time)
  bool operator==(const Bound&) const = default;
};

// The bound of running every operator in `ops` on `gpu`. Throws std::invalid_argument naming the
// operator when the GPU has no peak for its precision.
Bound roofline_bound(const std::vector<Operator>& ops, const GpuSpec& gpu, bool memory_bound = true);

}  // namespace claimcheck::roofline
