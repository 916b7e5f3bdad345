#pragma once
// `claimcheck publish --repo OWNER/NAME --issue N REPORT.md`: posts the report as a comment, or
// updates the comment an earlier run posted (same marker, same author), or leaves it alone when
// it already says the same. The token comes from GITHUB_TOKEN.

#include "cli/commands.hpp"

namespace claimcheck {

ExtraCommand make_publish_command(CLI::App& app);

}  // namespace claimcheck
