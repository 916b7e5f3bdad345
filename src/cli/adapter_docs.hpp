#pragma once
// `claimcheck adapters [TOOL]` and `claimcheck model --help`: text made from the adapters'
// own tables (the rows the loader checks claims against), so the documentation cannot drift.

#include <string>

#include "adapter/registry.hpp"

namespace claimcheck {

// Every adapter: name, version, modes and metrics.
std::string list_adapters();

// One adapter at length: what it measures, how a claim names its inputs, every metric with its
// unit, every option with its type and an example, `claimcheck new` usage, and an example claim.
std::string describe_adapter(const RegistryEntry& entry);

// "did you mean" for a tool name that is not an adapter, else the list of adapters.
std::string adapter_hint(const std::string& tool);

// `claimcheck model` without a tool: the tools that have a native model.
std::string model_usage();

// `claimcheck new TOOL` usage for one mode: "claimcheck new astra-sim NETWORK SYSTEM WORKLOAD
// [REMOTE_MEMORY] --metric M --id ID [-o FILE]".
std::string new_usage(const Adapter& adapter, Mode mode);

}  // namespace claimcheck
