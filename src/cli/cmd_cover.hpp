#pragma once
// `claimcheck cover [PATHS] --paper FILE... [--format md|json] [-o FILE]`: claims against their
// paper (core/cover.hpp). Exit 1 when a claim drifted from the paper, else 0.

#include "cli/commands.hpp"

namespace claimcheck {

ExtraCommand make_cover_command(CLI::App& app);

}  // namespace claimcheck
