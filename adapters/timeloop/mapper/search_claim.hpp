#pragma once
// Claims about searched mappings (`tool: timeloop`, `mode: run`, metric `search.*`): the inputs
// are the files timeloop-mapper takes (architecture, problem, constraints, mapper settings, ERT),
// optionally with the mapping a paper published; the native search runs with the given settings.
//   search.best_edp          EDP of the best mapping found, J x cycles (unit "count")
//   search.best_energy       its energy, pJ
//   search.best_cycles       its cycles
//   search.given_above_best  how far the given (published) mapping is above the best found on the
//                            first optimization metric, % (negative: the given one is better)
//   search.gap_to_bound      how far the best found is above the search's lower bound, %

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "adapter/adapter.hpp"
#include "adapters/timeloop/inputs.hpp"

namespace claimcheck::timeloop::mapper {

bool is_search_metric(const std::string& metric);
// "" when `metric` (starting with "search.") is known; otherwise the problem, with a hint.
std::string check_search_metric(const std::string& metric, std::string& hint);
std::vector<MetricInfo> search_metric_infos();

// `semantics` overrides the model semantics the inputs imply (the claim's options.semantics).
Outcome measure_search(const std::string& metric, const std::vector<InputText>& texts,
                       const std::vector<std::filesystem::path>& files, std::optional<Semantics> semantics = {});

}  // namespace claimcheck::timeloop::mapper
