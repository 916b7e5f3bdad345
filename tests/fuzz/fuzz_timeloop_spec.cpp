// Timeloop inputs (YAML or JSON): up to four files merged like the real tool's command line,
// separated in the fuzz input by a line "#--file". Parsing only; the model is not run.

#include "adapters/timeloop/inputs.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const std::string_view text = fuzz::as_text(data, size);
  std::vector<timeloop::InputText> files;
  constexpr std::string_view k_separator = "#--file\n";
  std::size_t begin = 0;
  while (files.size() < 4) {
    const auto at = text.find(k_separator, begin);
    const std::string_view part = text.substr(begin, at == std::string_view::npos ? std::string_view::npos : at - begin);
    files.push_back({"input" + std::to_string(files.size()) + ".yaml", std::string(part)});
    if (at == std::string_view::npos) break;
    begin = at + k_separator.size();
  }
  fuzz::expect_input_errors_only([&] { timeloop::load_spec(files); });
  return 0;
}
