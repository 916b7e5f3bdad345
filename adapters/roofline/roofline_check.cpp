#include "adapters/roofline/roofline_check.hpp"

#include <cstdio>

namespace claimcheck::roofline {
namespace {

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace

Measurement roofline_ratio(double latency_s, const std::string& latency_label, const RooflineSpec& spec) {
  const Bound bound = roofline_bound(spec.workload.operators, *spec.gpu, spec.workload.memory_bound);
  Measurement m;
  m.value = latency_s / bound.min_latency;
  m.unit = *parse_unit("x");
  m.details.push_back({"latency (" + latency_label + ")", number(latency_s) + " s"});
  m.details.push_back({"roofline bound", number(bound.min_latency) + " s"});
  m.details.push_back({"roofline", describe_bound(bound, *spec.gpu)});
  m.details.push_back({"peaks from", spec.gpu->source});
  if (m.value < 1) {
    m.warnings.push_back("the reported latency " + number(latency_s) + " s is below the " +
                         describe_bound(bound, *spec.gpu) + ": faster than the hardware allows");
  }
  if (!spec.workload.memory_bound) m.warnings.push_back("memory_bound is false: only the compute term bounds the latency");
  return m;
}

}  // namespace claimcheck::roofline
