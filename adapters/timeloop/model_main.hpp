#pragma once
// `claimcheck model timeloop FILE... [--format summary|json|stats]`: runs the native model on
// Timeloop input files (root maps merged in order, like the real tool's command line).
// Exit status: 0 evaluated; 1 the mapping does not fit (the real tool's "couldn't map level");
// 2 usage or input error.

#include <iosfwd>
#include <string>
#include <vector>

namespace claimcheck::timeloop {

int model_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace claimcheck::timeloop
