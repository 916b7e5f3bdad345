#include "adapters/timeloop/mapper/search_claim.hpp"

#include <sstream>
#include <stdexcept>

#include "adapters/timeloop/mapper/mapper_inputs.hpp"
#include "adapters/timeloop/mapper/mapper_main.hpp"
#include "adapters/timeloop/mapper/mapping_writer.hpp"
#include "adapters/timeloop/mapper/search.hpp"
#include "core/diagnostics.hpp"

namespace claimcheck::timeloop::mapper {
namespace {

const std::vector<std::string> k_metrics = {"search.best_edp", "search.best_energy", "search.best_cycles",
                                            "search.given_above_best", "search.gap_to_bound"};

// The mapper's version and the semantics of the model under it.
std::string version_of(Semantics s) {
  return std::string("claimcheck native Timeloop-style mapper 1 (Timeloop v3.0.3 uber mapspace; model with ") +
         (s == Semantics::v4 ? "Timeloop v4" : "Timeloop v3.0.3") + " semantics)";
}

std::string fmt(double x) {
  std::ostringstream s;
  s.precision(12);
  s << x;
  return s.str();
}

}  // namespace

bool is_search_metric(const std::string& metric) { return metric.rfind("search.", 0) == 0; }

std::string check_search_metric(const std::string& metric, std::string& hint) {
  for (const auto& m : k_metrics) {
    if (m == metric) return {};
  }
  const std::string best = closest_match(metric, k_metrics);
  hint = best.empty() ? std::string() : "did you mean \"" + best + "\"?";
  return "unknown timeloop search metric \"" + metric + "\"";
}

std::vector<MetricInfo> search_metric_infos() {
  return {
      {"search.best_edp", "count", "EDP of the best mapping the native search finds, J x cycles"},
      {"search.best_energy", "pJ", "energy of the best mapping found"},
      {"search.best_cycles", "cycles", "cycles of the best mapping found"},
      {"search.given_above_best", "%", "the given (published) mapping above the best found, first metric"},
      {"search.gap_to_bound", "%", "the best found above the search's lower bound, first metric"},
  };
}

Outcome measure_search(const std::string& metric, const std::vector<InputText>& texts,
                       const std::vector<std::filesystem::path>& files, std::optional<Semantics> semantics) {
  MapperInputs in = load_mapper_inputs(texts);
  if (semantics) in.base.semantics = *semantics;
  std::optional<Mapspace> space;
  try {
    space.emplace(in.base.arch, in.base.problem, in.constraints);
  } catch (const std::invalid_argument& e) {
    return Blocked{BlockKind::invalid_input, std::string("the constraints contradict the problem: ") + e.what(),
                   "fix the constraint factors", files};
  }
  const SearchResult r = run_search(in.base, *space, in.settings);
  if (!r.best) {
    return Blocked{BlockKind::invalid_input, "the search found no valid mapping (" + r.stats.termination + ")",
                   "relax the constraints or raise the mapper's timeout / search-size", files};
  }
  const Result& b = r.best->result;
  const Metric first = in.settings.metrics.front();
  Measurement m;
  m.files = files;
  m.tool_version = version_of(in.base.semantics);
  m.warnings = in.warnings;
  if (metric == "search.best_edp") {
    m.value = edp_j_cycles(b);
    m.unit = *parse_unit("count");
  } else if (metric == "search.best_energy") {
    m.value = b.energy;
    m.unit = *parse_unit("pJ");
  } else if (metric == "search.best_cycles") {
    m.value = static_cast<double>(b.cycles);
    m.unit = *parse_unit("cycles");
  } else if (metric == "search.gap_to_bound") {
    m.value = r.lower_bound > 0 ? 100.0 * (metric_value(first, b) / r.lower_bound - 1.0) : 0.0;
    m.unit = *parse_unit("%");
  } else {
    if (!in.given) {
      return Blocked{BlockKind::invalid_input, "search.given_above_best needs a `mapping:` among the inputs",
                     "add the published mapping file to the claim's inputs", files};
    }
    Spec spec = in.base;
    spec.mapping = *in.given;
    const Evaluation ev = evaluate(spec);
    if (!ev.result) {
      return Blocked{BlockKind::invalid_input,
                     "the given mapping does not evaluate: " + (ev.error ? ev.error->message() : ev.unsupported),
                     "fix the given mapping", files};
    }
    m.value = 100.0 * (metric_value(first, *ev.result) / metric_value(first, b) - 1.0);
    m.unit = *parse_unit("%");
    m.details.push_back({"given cycles", std::to_string(ev.result->cycles)});
    m.details.push_back({"given energy (pJ)", fmt(ev.result->energy)});
    m.details.push_back({"given EDP (J*cycles)", fmt(edp_j_cycles(*ev.result))});
  }
  m.details.push_back({"algorithm", algorithm_name(in.settings.algorithm)});
  m.details.push_back({"optimization metric", metric_name(first)});
  m.details.push_back({"tried / valid", std::to_string(r.stats.tried) + " / " + std::to_string(r.stats.valid)});
  m.details.push_back({"termination", r.stats.termination});
  m.details.push_back({"best cycles", std::to_string(b.cycles)});
  m.details.push_back({"best energy (pJ)", fmt(b.energy)});
  m.details.push_back({"best EDP (J*cycles)", fmt(edp_j_cycles(b))});
  m.details.push_back({"lower bound", fmt(first == Metric::edp ? r.lower_bound * 1e-12 : r.lower_bound)});
  m.details.push_back({"proved optimal", r.stats.proved_optimal ? "yes" : "no"});
  m.details.push_back({"best mapping", mapping_yaml(in.base.arch, in.base.problem, r.best->mapping)});
  return m;
}

}  // namespace claimcheck::timeloop::mapper
