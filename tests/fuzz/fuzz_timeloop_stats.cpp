// What the real Timeloop wrote, re-read: timeloop-model.stats.txt, or (input starting with '<')
// timeloop-model.map+stats.xml.

#include "adapters/timeloop/stats_reader.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const std::string text(fuzz::as_text(data, size));
  if (!text.empty() && text.front() == '<') {
    fuzz::expect_input_errors_only([&] { timeloop::parse_stats_xml("stats.xml", text, {"Weights", "Inputs", "Outputs"}); });
  } else {
    fuzz::expect_input_errors_only([&] { timeloop::parse_stats_text("stats.txt", text); });
  }
  return 0;
}
