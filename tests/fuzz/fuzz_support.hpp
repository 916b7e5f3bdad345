#pragma once
// Shared pieces of the fuzz harnesses. A harness feeds one input to a parser and lets through
// only the failures that parser's contract names (InputError for a malformed file, PathError
// for a path a claim may not use). Anything else escapes, ends the process and is a finding:
// a crash, a sanitizer report, or an exception type the CLI would call an internal error.

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "core/diagnostics.hpp"

namespace claimcheck::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits "first line\nrest" (for harnesses that take a parameter and a file).
inline std::pair<std::string, std::string> split_first_line(std::string_view text) {
  const auto nl = text.find('\n');
  if (nl == std::string_view::npos) return {std::string(text), {}};
  return {std::string(text.substr(0, nl)), std::string(text.substr(nl + 1))};
}

// Fails the run with a message (an invariant of the parser does not hold).
[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

// Every diagnostic must name its file and say what is wrong; formatting it must work.
inline void check_diagnostics(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.items()) {
    if (d.file.empty()) violated("diagnostic without a file");
    if (d.message.empty()) violated("diagnostic without a message");
    if (format_diagnostic(d).rfind("claimcheck: error: ", 0) != 0) violated("diagnostic format");
  }
}

// Runs `parse`; an InputError is the expected way to reject input (its diagnostics are checked).
template <typename Parse>
void expect_input_errors_only(Parse&& parse) {
  try {
    parse();
  } catch (const InputError& e) {
    if (e.diagnostics().empty()) violated("InputError without diagnostics");
    check_diagnostics(e.diagnostics());
  }
}

}  // namespace claimcheck::fuzz
