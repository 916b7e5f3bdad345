#pragma once
// The generic `artifact` adapter: re-reads one number from a file any tool wrote, by JSON
// pointer, CSV column and row selection, or a regex with one capture group. The unit is the
// claim's `extract.unit`, or the expected unit when none is given.

#include <memory>

#include "adapter/adapter.hpp"

namespace claimcheck {

std::unique_ptr<Adapter> make_artifact_adapter();

}  // namespace claimcheck
