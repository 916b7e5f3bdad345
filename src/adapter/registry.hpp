#pragma once
// The explicit table of adapters (src/adapter/registry.cpp). Adding a tool = one row there.

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapter/adapter.hpp"

namespace claimcheck {

// `claimcheck model TOOL ARGS...`: runs a tool's native model directly on its own input files.
// Returns the exit status (0 ok, 2 bad input or usage); prints results to `out`, errors to `err`.
using ModelMain = int (*)(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

struct RegistryEntry {
  std::unique_ptr<Adapter> adapter;
  ModelMain model_main = nullptr;  // null when the tool has no native model command
};

// Every adapter, in a stable order (the registry's table order).
const std::vector<RegistryEntry>& registry();

// The adapter named `name`, or null.
const Adapter* find_adapter(std::string_view name);

// The registry row of the adapter named `name`, or null.
const RegistryEntry* find_entry(std::string_view name);

// The model command of `tool`, or null.
ModelMain find_model(std::string_view tool);

// Every adapter name (for "did you mean").
std::vector<std::string> adapter_names();

}  // namespace claimcheck
