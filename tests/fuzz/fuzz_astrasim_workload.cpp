// ASTRA-sim workloads other than Chakra ET: 1.x text workloads and JSON collective lists.
// The first line names the reader: text or json.

#include "adapters/astrasim/json_collective.hpp"
#include "adapters/astrasim/text_workload.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const auto [kind, text] = fuzz::split_first_line(fuzz::as_text(data, size));
  fuzz::expect_input_errors_only([&, &kind = kind, &text = text] {
    if (kind == "json") {
      astrasim::parse_json_collective("collective.json", text);
    } else {
      astrasim::looks_like_text_workload(text);
      astrasim::parse_text_workload("workload.txt", text);
    }
  });
  return 0;
}
