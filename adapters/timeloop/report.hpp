#pragma once
// Rendering a model result: a short summary, JSON with every level and data space, and a stats
// text laid out like timeloop-model.stats.txt (so the two can be diffed).

#include <string>

#include <nlohmann/json.hpp>

#include "adapters/timeloop/model.hpp"
#include "adapters/timeloop/spec.hpp"

namespace claimcheck::timeloop {

std::string format_summary(const Spec& spec, const Result& result);
nlohmann::json result_to_json(const Spec& spec, const Result& result);
std::string format_stats(const Spec& spec, const Result& result);

}  // namespace claimcheck::timeloop
