#pragma once
// Checks of claims beyond their own format, shared by lint, audit and new:
// - validate_with_adapter (the loader's validator, so lint and audit both run it): the tool is
//   known and supports the mode, the options fit the adapter's table, the metric exists and its
//   unit's dimension is the expected unit's, and the adapter's own rules;
// - check_claim_files (lint and new): every file a claim names is inside the root and exists,
//   and the adapter's checks that read inputs without measuring. Audit leaves these to the
//   measurement, where a missing file blocks its claim instead of stopping the audit.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapter/adapter.hpp"
#include "core/claim.hpp"
#include "core/diagnostics.hpp"
#include "io/claim_loader.hpp"

namespace claimcheck {

class GitRepository;

// Checks one claim against its adapter; pointers are relative to the claim.
void validate_with_adapter(const Claim& claim, Diagnostics& out);

// The claims of the files under `paths` (default claims/), loaded and validated. Throws
// InputError with every problem, and when no claim file is found (measuring nothing is no pass).
std::vector<Claim> load_claim_paths(const std::vector<std::string>& paths, const ClaimFileCache& cache = {});

struct FileFindings {
  Diagnostics errors;   // a path outside the root, a missing file, an input the adapter refuses
  Diagnostics fetched;  // a missing file in a git-ignored folder (fetched, not committed): no error
  // The same by folder (the first two parts of the path below the root, "third_party/NeuSight"):
  // the ids of the claims that need it.
  std::map<std::string, std::set<std::string>> fetched_folders;
};

// Checks the files every claim names. Diagnostics carry the claim file and a pointer from its
// root; locate them with locate_claim_diagnostics.
FileFindings check_claim_files(const std::vector<Claim>& claims, const Sandbox& sandbox, const GitRepository& git,
                               const RunPolicy& policy);

// Warnings about the paper's fields: a "TODO" that `claimcheck new` wrote is still there, or the
// title states a number the claim no longer expects (left behind when the value was edited).
Diagnostics paper_field_warnings(const std::vector<Claim>& claims);

}  // namespace claimcheck
