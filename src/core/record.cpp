#include "core/record.hpp"

#include <array>

namespace claimcheck {

Summary summarize(const std::vector<ClaimResult>& claims) {
  Summary s;
  for (const auto& c : claims) {
    ++s.total;
    switch (c.verdict) {
      case Verdict::verified: ++s.verified; break;
      case Verdict::discrepant: ++s.discrepant; break;
      case Verdict::blocked: ++s.blocked; break;
    }
    if (c.stale) ++s.stale;
    if (c.evidence_uncommitted) ++s.uncommitted;
  }
  return s;
}

namespace {
constexpr std::array<std::pair<EvidenceState, std::string_view>, 5> k_states = {{
    {EvidenceState::clean, "clean"},
    {EvidenceState::modified, "modified"},
    {EvidenceState::untracked, "untracked"},
    {EvidenceState::ignored, "ignored"},
    {EvidenceState::not_in_git, "not-in-git"},
}};
}  // namespace

std::string_view evidence_state_name(EvidenceState state) {
  for (const auto& [s, name] : k_states) {
    if (s == state) return name;
  }
  return "unknown";
}

namespace {
constexpr std::array<std::pair<CacheStatus, std::string_view>, 3> k_cache_statuses = {{
    {CacheStatus::none, "none"},
    {CacheStatus::hit, "hit"},
    {CacheStatus::miss, "miss"},
}};
}  // namespace

std::string_view cache_status_name(CacheStatus status) {
  for (const auto& [s, name] : k_cache_statuses) {
    if (s == status) return name;
  }
  return "none";
}

std::optional<CacheStatus> parse_cache_status(std::string_view name) {
  for (const auto& [s, n] : k_cache_statuses) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::optional<EvidenceState> parse_evidence_state(std::string_view name) {
  for (const auto& [s, n] : k_states) {
    if (n == name) return s;
  }
  return std::nullopt;
}

}  // namespace claimcheck
