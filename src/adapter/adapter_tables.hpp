#pragma once
// Reading an adapter's tables (metrics, options): the loader checks claims against them and
// `claimcheck adapters TOOL` prints them, from the same rows.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapter/adapter.hpp"

namespace claimcheck {

// Whether `metric` is one `pattern` names (MetricInfo::name's rules).
bool metric_matches(std::string_view pattern, std::string_view metric);

// The row of `metrics` that names `metric`, or null (a pointer into `metrics`: keep it alive).
const MetricInfo* find_metric_info(const std::vector<MetricInfo>& metrics, const std::string& metric);

// Checks a claim's "options" against `table`: unknown keys (did you mean), types, choices and
// ranges. Pointers are relative to the claim ("/options/npu"); `tool` names the adapter in messages.
void check_options(const std::vector<OptionInfo>& table, const nlohmann::json& options, const std::string& tool,
                   Diagnostics& out);

// An option's type as documentation shows it: "integer >= 0", "one of \"a\", \"b\"", "path".
std::string option_type_text(const OptionInfo& option);

}  // namespace claimcheck
