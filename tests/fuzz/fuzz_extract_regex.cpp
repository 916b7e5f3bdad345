// Artifact reader: a number captured by an RE2 pattern, which is untrusted too.
// Input: "PATTERN\nTEXT"; the pattern's length picks the occurrence (first, second, last).

#include "fuzz_support.hpp"
#include "io/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace claimcheck;
  const auto [pattern, content] = fuzz::split_first_line(fuzz::as_text(data, size));
  Extract extract;
  extract.kind = Extract::Kind::regex;
  extract.pattern = pattern;
  extract.occurrence = static_cast<int>(pattern.size() % 3) - 1;  // -1 = last, 0, 1
  const bool valid = check_pattern(pattern).empty();
  try {
    extract_value(extract, content, "artifact.log");
  } catch (const InputError& e) {
    fuzz::check_diagnostics(e.diagnostics());
    return 0;
  }
  // A pattern the loader rejects must never yield a number.
  if (!valid) fuzz::violated("a rejected pattern extracted a value");
  return 0;
}
