#pragma once
// `claimcheck diff BASE.json HEAD.json [--format md|json|comment]`: what changed between two audits.

#include "cli/commands.hpp"

namespace claimcheck {

ExtraCommand make_diff_command(CLI::App& app);

}  // namespace claimcheck
