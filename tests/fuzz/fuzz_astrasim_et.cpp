// Chakra execution traces (protobuf, length-delimited): bytes from an untrusted file.

#include "adapters/astrasim/chakra_reader.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const std::string bytes(fuzz::as_text(data, size));
  fuzz::expect_input_errors_only([&] { astrasim::parse_chakra_et("wl.0.et", bytes); });
  return 0;
}
