#include "cli/root.hpp"

#include "provenance/git.hpp"

namespace claimcheck {
namespace fs = std::filesystem;

Root find_root(const std::string& given, const std::vector<std::string>& claim_paths) {
  if (!given.empty()) return {fs::weakly_canonical(fs::absolute(given)), {}, {}};
  const fs::path here = fs::current_path();
  fs::path claims = claim_paths.empty() ? fs::path("claims") : fs::path(claim_paths.front());
  std::error_code ec;
  claims = fs::exists(claims, ec) ? fs::absolute(claims) : here;
  if (fs::is_regular_file(claims, ec)) claims = claims.parent_path();
  const GitRepository claims_git(claims);
  const GitRepository here_git(here);
  if (claims_git.found()) {
    const fs::path root = fs::weakly_canonical(claims_git.workdir());
    if (here_git.found() && fs::weakly_canonical(here_git.workdir()) == root) return {root, {}, {}};
    return {root,
            "claimcheck: note: the root is " + root.string() +
                ", the git work tree holding the claims (--root DIR chooses another)",
            {}};
  }
  if (here_git.found()) return {fs::weakly_canonical(here_git.workdir()), {}, {}};
  return {fs::weakly_canonical(here), {},
          "claimcheck: warning: " + fs::weakly_canonical(here).string() +
              " is not in a git repository: no evidence can be checked against a commit, so every claim is "
              "flagged as resting on uncommitted evidence; pass --root DIR, the repository of the claims and "
              "their files"};
}

}  // namespace claimcheck
