#include "adapters/roofline/roofline_model.hpp"

#include <algorithm>
#include <stdexcept>

namespace claimcheck::roofline {

Work operator_work(const Operator& op) {
  const double element = bytes_per_element(op.precision);
  Work work;
  if (op.kind == OperatorKind::gemm) {
    const Gemm& g = op.gemm;
    work.flops = 2.0 * g.batch * g.m * g.n * g.k;
    work.bytes = element * g.batch * (g.m * g.k + g.k * g.n + g.m * g.n);
    return work;
  }
  const Attention& a = op.attention;
  const double kv_heads = a.kv_heads > 0 ? a.kv_heads : a.heads;
  const double q = a.seq_len;
  const double kv = a.kv_len > 0 ? a.kv_len : a.seq_len;
  // Causal: query i (0-based, among the last q of kv positions) sees kv - q + i + 1 keys.
  const double pairs = a.causal ? q * kv - q * (q - 1) / 2.0 : q * kv;
  work.flops = 4.0 * a.batch * a.heads * a.head_dim * pairs;
  // Q read and O written per query head; K and V read per key/value head.
  work.bytes = element * a.batch * a.head_dim * (2.0 * a.heads * q + 2.0 * kv_heads * kv);
  return work;
}

Bound roofline_bound(const std::vector<Operator>& ops, const GpuSpec& gpu, bool memory_bound) {
  Bound bound;
  for (const auto& op : ops) {
    const auto peak = gpu.peak(op.precision);
    if (!peak) {
      throw std::invalid_argument(gpu.name + " has no " + std::string(precision_name(op.precision)) +
                                  " arithmetic (operator \"" + op.name + "\")");
    }
    const Work work = operator_work(op);
    bound.flops += op.count * work.flops;
    bound.bytes += op.count * work.bytes;
    bound.compute_time += op.count * work.flops / *peak;
  }
  bound.memory_time = memory_bound ? bound.bytes / gpu.memory_bytes_per_s : 0.0;
  bound.min_latency = std::max(bound.compute_time, bound.memory_time);
  return bound;
}

}  // namespace claimcheck::roofline
