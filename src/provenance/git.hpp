#pragma once
// Git provenance through libgit2 (the only place claimcheck talks to git).

#include <filesystem>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/record.hpp"

struct git_repository;  // libgit2

namespace claimcheck {

// An open repository (or none, when the audit root is not in a git work tree).
class GitRepository {
 public:
  // Opens the repository containing `path` (searching upwards); none is not an error.
  explicit GitRepository(const std::filesystem::path& path);
  ~GitRepository();
  GitRepository(const GitRepository&) = delete;
  GitRepository& operator=(const GitRepository&) = delete;

  bool found() const { return m_repo != nullptr; }
  std::filesystem::path workdir() const;

  // HEAD, branch, describe, remote, dirty and untracked paths.
  GitInfo info() const;

  // The blob id and git state of `absolute` (a file inside the work tree, or anywhere when no
  // repository was found: then only the blob id is computed).
  Evidence evidence(const std::filesystem::path& absolute, const std::filesystem::path& audit_root) const;
  // The same, for a file whose blob id is already known.
  Evidence evidence(const std::filesystem::path& absolute, const std::filesystem::path& audit_root,
                    std::string blob) const;

  // The evidence of many files at once (`blobs` their blob ids, in the same order): the same
  // states as evidence() finds one by one, in a single pass over the index and work tree.
  std::vector<Evidence> evidence(const std::vector<std::filesystem::path>& absolute,
                                 const std::filesystem::path& audit_root, const std::vector<std::string>& blobs) const;

  // Whether `absolute` (which need not exist) is ignored by the work tree's .gitignore files;
  // false when no repository was found or it lies outside the work tree.
  bool ignored(const std::filesystem::path& absolute) const;

  // Whether the index holds a file at or below `absolute` (a folder, which need not exist): a
  // commit can put files there. False when no repository was found or it lies outside the work
  // tree.
  bool tracks_below(const std::filesystem::path& absolute) const;

  // Commit time (seconds since the epoch) of the newest commit reachable from HEAD, along
  // first parents, that changed `relative_path`; nullopt when none did (or no repository).
  std::optional<std::int64_t> last_commit_time(const std::string& relative_path) const;

 private:
  EvidenceState unlisted_state(const std::filesystem::path& absolute) const;

  ::git_repository* m_repo = nullptr;
  std::filesystem::path m_canonical_workdir;  // workdir() with symbolic links resolved
};

// The git blob id of `content` (SHA-1 over "blob <size>\0<content>"), as `git hash-object` prints.
std::string git_blob_id(std::string_view content);

// `url` with any user:password@ removed.
std::string strip_credentials(const std::string& url);

}  // namespace claimcheck
