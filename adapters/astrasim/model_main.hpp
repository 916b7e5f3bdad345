#pragma once
// `claimcheck model astra-sim --network FILE --system FILE --workload PREFIX|FILE
//   [--remote-memory FILE] [--comm-group FILE] [--backend congestion-unaware|congestion-aware]
//   [--format text|json] [--no-symmetry]`

#include <iosfwd>
#include <string>
#include <vector>

namespace claimcheck::astrasim {

// Returns 0 on success, 2 on a usage or input error (message on `err`).
int model_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace claimcheck::astrasim
