// What the real ASTRA-sim printed (stdout or log/log.log), re-read.

#include "adapters/astrasim/run_log.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const std::string text(fuzz::as_text(data, size));
  fuzz::expect_input_errors_only([&] { astrasim::parse_run_log("stdout.log", text); });
  return 0;
}
