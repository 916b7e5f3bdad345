// Artifact reader: a number by JSON pointer. Input: "POINTER\nJSON TEXT".

#include "fuzz_support.hpp"
#include "io/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const auto [pointer, content] = fuzz::split_first_line(fuzz::as_text(data, size));
  Extract extract;
  extract.kind = Extract::Kind::json_pointer;
  extract.json_pointer = pointer;
  fuzz::expect_input_errors_only([&] { extract_value(extract, content, "artifact.json"); });
  return 0;
}
