#pragma once
// The real binary's scaling and protocol options, by the names its command line uses
// (injection-scale, comm-scale, compute-scale, num-queues-per-dim, rendezvous-protocol) and by
// the claim option names (the same with '_').

#include <string>
#include <vector>

#include "adapters/astrasim/simulator.hpp"

namespace claimcheck::astrasim {

// Option names without "--", as the real binary spells them.
const std::vector<std::string>& run_option_names();

// Sets `name` (a run option name, '-' or '_' separated) from its text. Returns an error message
// naming the expected value, or "" on success.
std::string set_run_option(RunOptions& options, const std::string& name, const std::string& value);

// What the options change that the real tool at 518bd51 does not (comm-scale and compute-scale
// are read and then unused), as warnings.
std::vector<std::string> run_option_warnings(const RunOptions& options);

// The options as the real binary's arguments (" --name=value" each, defaults left out).
std::string run_option_arguments(const RunOptions& options);

}  // namespace claimcheck::astrasim
