#include "cli/commands.hpp"

namespace claimcheck {

const std::vector<CommandFactory>& extra_commands() {
  static const std::vector<CommandFactory> factories = {};
  return factories;
}

}  // namespace claimcheck
