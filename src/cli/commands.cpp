#include "cli/commands.hpp"

#include "cli/cmd_cover.hpp"
#include "cli/cmd_diff.hpp"
#include "cli/cmd_new.hpp"
#include "cli/cmd_publish.hpp"

namespace claimcheck {

const std::vector<CommandFactory>& extra_commands() {
  static const std::vector<CommandFactory> factories = {
      &make_new_command,
      &make_cover_command,
      &make_diff_command,
      &make_publish_command,
  };
  return factories;
}

}  // namespace claimcheck
