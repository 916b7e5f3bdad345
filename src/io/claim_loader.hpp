#pragma once
// Loading claim files: find them, parse them, validate every field, and report every problem
// (not only the first) with file, line:column, JSON pointer and a hint.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/claim.hpp"
#include "core/diagnostics.hpp"
#include "io/result_cache.hpp"

namespace claimcheck {

// Claim files found in a directory walk end in this suffix; a file named explicitly on the
// command line may have any name.
inline constexpr std::string_view k_claim_suffix = ".claim.json";

// Limits on untrusted input (SECURITY.md).
inline constexpr std::uintmax_t k_max_claim_file_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t k_max_claims = 100'000;

// Every claim file under `paths` (files as given, directories walked for *.claim.json,
// skipping hidden folders), sorted. Missing paths are diagnostics.
std::vector<std::filesystem::path> find_claim_files(const std::vector<std::filesystem::path>& paths,
                                                    Diagnostics& out);

// Checks the claim beyond the common format (the adapter's own rules). Pointers it adds are
// relative to the claim object; the loader prefixes and locates them.
using ClaimValidator = std::function<void(const Claim&, Diagnostics&)>;

struct LoadResult {
  std::vector<Claim> claims;  // in file order, then array order
  Diagnostics diagnostics;    // every problem, located
};

// Where load_claims keeps the claims it read from each claim file, so that a file read before
// is not parsed and checked again: its entry is addressed by the SHA-256 of `build`, the file's
// name as given and its whole text, so any change to one is a miss. Only files without problems
// are kept. `build` names everything else the claims read depend on: claimcheck's version and
// build (which fix the loader and the adapters' validation).
struct ClaimFileCache {
  const ResultCache* cache = nullptr;  // none: every file is parsed
  std::string build;
};

// The key of a claim file's entry: the SHA-256 of the build, the file's name and its text.
std::string claim_file_key(const ClaimFileCache& cache, const std::filesystem::path& file, std::string_view text);

// The result cache's folder of claim files as read.
inline constexpr std::string_view k_claim_file_cache_folder = "claims";

// Parses and validates the files. Claims with problems are not returned; their problems are.
LoadResult load_claims(const std::vector<std::filesystem::path>& files, const ClaimValidator& validate,
                       const ClaimFileCache& cache = {});

// Fills in line, column and source line of diagnostics that name a claim file and a JSON pointer
// only (found after loading: file checks, cover), reading their files again.
void locate_claim_diagnostics(Diagnostics& diagnostics);

// Parses claims from one file's text (no adapter validation); for tests and fuzzing.
LoadResult parse_claim_text(std::string_view text, const std::filesystem::path& file);

}  // namespace claimcheck
