#include "adapters/astrasim/simulator.hpp"

#include "adapters/astrasim/sim/engine.hpp"

namespace claimcheck::astrasim {

std::string_view backend_name(Backend backend) {
  return backend == Backend::congestion_aware ? "congestion-aware" : "congestion-unaware";
}

SimulationResult simulate(const SimulationInput& input, SymmetryUse symmetry, const SimulationLimits& limits) {
  sim::Engine engine(input, limits);
  return engine.run(symmetry);
}

}  // namespace claimcheck::astrasim
