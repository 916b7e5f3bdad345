#include "adapter/registry.hpp"

#include "adapters/artifact/artifact_adapter.hpp"
#include "adapters/astrasim/astrasim_adapter.hpp"
#include "adapters/astrasim/model_main.hpp"
#include "adapters/command/command_adapter.hpp"
#include "adapters/neusight/neusight_adapter.hpp"
#include "adapters/roofline/roofline_adapter.hpp"
#include "adapters/timeloop/mapper/mapper_main.hpp"
#include "adapters/timeloop/model_main.hpp"
#include "adapters/timeloop/timeloop_adapter.hpp"
#include "adapters/vidur/vidur_adapter.hpp"

namespace claimcheck {
namespace {

std::vector<RegistryEntry> make_registry() {
  std::vector<RegistryEntry> entries;
  entries.push_back({make_artifact_adapter(), nullptr});
  entries.push_back({make_astrasim_adapter(), &astrasim::model_main});
  entries.push_back({make_command_adapter(), nullptr});
  entries.push_back({make_neusight_adapter(), nullptr});
  entries.push_back({make_roofline_adapter(), nullptr});
  entries.push_back({make_timeloop_adapter(), &timeloop::model_main});
  entries.push_back({make_vidur_adapter(), nullptr});
  return entries;
}

}  // namespace

const std::vector<RegistryEntry>& registry() {
  static const std::vector<RegistryEntry> entries = make_registry();
  return entries;
}

const RegistryEntry* find_entry(std::string_view name) {
  for (const auto& entry : registry()) {
    if (entry.adapter->name() == name) return &entry;
  }
  return nullptr;
}

const Adapter* find_adapter(std::string_view name) {
  const RegistryEntry* entry = find_entry(name);
  return entry ? entry->adapter.get() : nullptr;
}

ModelMain find_model(std::string_view tool) {
  // Native commands that are not an adapter of their own.
  if (tool == "timeloop-mapper") return &timeloop::mapper::mapper_main;
  const RegistryEntry* entry = find_entry(tool);
  return entry ? entry->model_main : nullptr;
}

std::vector<std::string> adapter_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.adapter->name());
  return names;
}

}  // namespace claimcheck
