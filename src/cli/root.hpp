#pragma once
// The folder claims may read below (the sandbox root): --root, else the git work tree holding
// the claims, else the one holding the current folder, else the current folder. Never chosen
// silently when it is not obvious: a root other than the current work tree is noted, and a root
// outside any git repository is warned about (no evidence can be checked against a commit).

#include <filesystem>
#include <string>
#include <vector>

namespace claimcheck {

struct Root {
  std::filesystem::path path;  // absolute, canonical
  std::string note;            // a line for stderr when the root is not the current work tree; else ""
  std::string warning;         // a line for stderr when the root is in no git repository (an audit's
                               // evidence then cannot be checked against a commit); else ""
};

// `given` is --root ("" when absent); `claim_paths` the claim files or folders named (the first
// one locates the claims' repository; "claims" when none).
Root find_root(const std::string& given, const std::vector<std::string>& claim_paths);

}  // namespace claimcheck
