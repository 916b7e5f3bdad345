#pragma once
// The closed set of outcomes of a claim, and the one table that reports and the exit code read.

#include <array>
#include <string_view>

namespace claimcheck {

enum class Verdict { verified, discrepant, blocked };

struct VerdictInfo {
  Verdict verdict;
  std::string_view label;  // "verified"
  std::string_view badge;  // shown in Markdown tables
  std::string_view mark;   // plain-text mark for terminals and logs
};

inline constexpr std::array<VerdictInfo, 3> k_verdicts = {{
    {Verdict::verified, "verified", "\u2705", "ok"},
    {Verdict::discrepant, "discrepant", "\u274c", "FAIL"},
    {Verdict::blocked, "blocked", "\u26d4", "BLOCKED"},
}};

inline const VerdictInfo& verdict_info(Verdict verdict) {
  return k_verdicts[static_cast<std::size_t>(verdict)];
}

}  // namespace claimcheck
