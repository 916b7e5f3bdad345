#include "provenance/git.hpp"

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <git2.h>

namespace claimcheck {
namespace fs = std::filesystem;

namespace {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
using Reference = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using Remote = std::unique_ptr<git_remote, Deleter<git_remote, git_remote_free>>;
using StatusList = std::unique_ptr<git_status_list, Deleter<git_status_list, git_status_list_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using DescribeResult = std::unique_ptr<git_describe_result, Deleter<git_describe_result, git_describe_result_free>>;

struct Buffer {
  git_buf buf = GIT_BUF_INIT;
  ~Buffer() { git_buf_dispose(&buf); }
};

std::string oid_string(const git_oid* oid) {
  char out[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(out, sizeof out, oid);
  return out;
}

bool is_modified(unsigned flags) {
  constexpr unsigned k_changed = GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED |
                                 GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_MODIFIED |
                                 GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED;
  return (flags & k_changed) != 0;
}

}  // namespace

std::string strip_credentials(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  const auto slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

std::string git_blob_id(std::string_view content) {
  ensure_libgit2();
  git_oid oid;
  if (git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB) != 0) return {};
  return oid_string(&oid);
}

GitRepository::GitRepository(const fs::path& path) {
  ensure_libgit2();
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, path.string().c_str(), 0, nullptr) == 0) {
    if (git_repository_is_bare(repo)) {
      git_repository_free(repo);
    } else {
      m_repo = repo;
      m_canonical_workdir = fs::weakly_canonical(workdir());
    }
  }
}

GitRepository::~GitRepository() {
  if (m_repo) git_repository_free(m_repo);
}

fs::path GitRepository::workdir() const {
  if (!m_repo) return {};
  const char* dir = git_repository_workdir(m_repo);
  return dir ? fs::path(dir).lexically_normal() : fs::path();
}

bool GitRepository::ignored(const fs::path& absolute) const {
  if (!m_repo) return false;
  const fs::path relative = fs::weakly_canonical(absolute).lexically_relative(m_canonical_workdir);
  if (relative.empty() || *relative.begin() == "..") return false;
  int is_ignored = 0;
  if (git_ignore_path_is_ignored(&is_ignored, m_repo, relative.generic_string().c_str()) != 0) return false;
  return is_ignored == 1;
}

GitInfo GitRepository::info() const {
  GitInfo info;
  if (!m_repo) return info;
  info.in_repository = true;
  std::string root = workdir().string();
  if (root.size() > 1 && root.back() == '/') root.pop_back();
  info.root = root;

  git_reference* head_raw = nullptr;
  const int head_error = git_repository_head(&head_raw, m_repo);
  Reference head(head_raw);
  if (head_error == 0) {
    if (const git_oid* oid = git_reference_target(head.get())) info.head = oid_string(oid);
    info.detached = git_repository_head_detached(m_repo) == 1;
    if (!info.detached) info.branch = git_reference_shorthand(head.get());
  } else if (head_error == GIT_EUNBORNBRANCH) {
    git_reference* unborn = nullptr;
    if (git_reference_lookup(&unborn, m_repo, "HEAD") == 0) {
      Reference r(unborn);
      if (const char* target = git_reference_symbolic_target(r.get())) {
        std::string name = target;
        info.branch = name.rfind("refs/heads/", 0) == 0 ? name.substr(11) : name;
      }
    }
  }

  git_remote* remote_raw = nullptr;
  if (git_remote_lookup(&remote_raw, m_repo, "origin") == 0) {
    Remote remote(remote_raw);
    if (const char* url = git_remote_url(remote.get())) info.remote_url = strip_credentials(url);
  }

  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                  GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
  git_status_list* list_raw = nullptr;
  if (git_status_list_new(&list_raw, m_repo, &options) == 0) {
    StatusList list(list_raw);
    const std::size_t count = git_status_list_entrycount(list.get());
    for (std::size_t i = 0; i < count; ++i) {
      const git_status_entry* entry = git_status_byindex(list.get(), i);
      const git_diff_delta* delta = entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
      if (!delta) continue;
      const char* p = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
      if (entry->status & GIT_STATUS_WT_NEW) {
        info.untracked_paths.emplace_back(p);
      } else if (is_modified(entry->status)) {
        info.dirty_paths.emplace_back(p);
      }
    }
  }
  info.dirty = !info.dirty_paths.empty() || !info.untracked_paths.empty();

  if (!info.head.empty()) {
    git_describe_options describe_options = GIT_DESCRIBE_OPTIONS_INIT;
    describe_options.describe_strategy = GIT_DESCRIBE_TAGS;
    describe_options.show_commit_oid_as_fallback = 1;
    git_describe_result* result_raw = nullptr;
    if (git_describe_workdir(&result_raw, m_repo, &describe_options) == 0) {
      DescribeResult result(result_raw);
      git_describe_format_options format = GIT_DESCRIBE_FORMAT_OPTIONS_INIT;
      format.dirty_suffix = "-dirty";
      Buffer buffer;
      if (git_describe_format(&buffer.buf, result.get(), &format) == 0) info.describe = buffer.buf.ptr;
    }
  }
  return info;
}

namespace {

// The blob id of `path` in `commit`, or "" when absent.
std::string blob_in(git_commit* commit, const std::string& path) {
  git_tree* tree_raw = nullptr;
  if (git_commit_tree(&tree_raw, commit) != 0) return {};
  Tree tree(tree_raw);
  git_tree_entry* entry_raw = nullptr;
  if (git_tree_entry_bypath(&entry_raw, tree.get(), path.c_str()) != 0) return {};
  TreeEntry entry(entry_raw);
  return oid_string(git_tree_entry_id(entry.get()));
}

}  // namespace

std::optional<std::int64_t> GitRepository::last_commit_time(const std::string& relative_path) const {
  if (!m_repo) return std::nullopt;
  git_oid head;
  if (git_reference_name_to_id(&head, m_repo, "HEAD") != 0) return std::nullopt;
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, m_repo, &head) != 0) return std::nullopt;
  Commit current(raw);
  // Bounded walk: a very long history is cut rather than stalling the audit.
  constexpr int k_max_commits = 20'000;
  std::string blob = blob_in(current.get(), relative_path);
  if (blob.empty()) return std::nullopt;
  for (int i = 0; i < k_max_commits; ++i) {
    git_commit* parent_raw = nullptr;
    if (git_commit_parentcount(current.get()) == 0 || git_commit_parent(&parent_raw, current.get(), 0) != 0) {
      return git_commit_time(current.get());
    }
    Commit parent(parent_raw);
    if (blob_in(parent.get(), relative_path) != blob) return git_commit_time(current.get());
    current = std::move(parent);
  }
  return git_commit_time(current.get());
}

bool GitRepository::tracks_below(const fs::path& absolute) const {
  if (!m_repo) return false;
  const fs::path relative = fs::weakly_canonical(absolute).lexically_relative(m_canonical_workdir);
  if (relative.empty() || *relative.begin() == "..") return false;
  git_index* index = nullptr;
  if (git_repository_index(&index, m_repo) != 0) return false;
  std::size_t at = 0;
  const std::string prefix = relative == "." ? std::string() : relative.generic_string() + "/";
  const bool found = git_index_find_prefix(&at, index, prefix.c_str()) == 0;
  git_index_free(index);
  return found;
}

Evidence GitRepository::evidence(const fs::path& absolute, const fs::path& audit_root) const {
  std::ifstream in(absolute, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return evidence(absolute, audit_root, git_blob_id(content.str()));
}

namespace {

// A file's state from the status flags git listed for it.
EvidenceState state_of(unsigned flags) {
  if (flags & GIT_STATUS_IGNORED) return EvidenceState::ignored;
  if (flags & GIT_STATUS_WT_NEW) return EvidenceState::untracked;
  if (is_modified(flags)) return EvidenceState::modified;
  return EvidenceState::clean;
}

}  // namespace

std::vector<Evidence> GitRepository::evidence(const std::vector<fs::path>& absolute, const fs::path& audit_root,
                                              const std::vector<std::string>& blobs) const {
  std::vector<Evidence> out(absolute.size());
  for (std::size_t i = 0; i < absolute.size(); ++i) {
    out[i].blob = blobs[i];
    out[i].path = absolute[i].lexically_relative(m_repo ? m_canonical_workdir : audit_root).generic_string();
    out[i].state = EvidenceState::not_in_git;
  }
  if (!m_repo || absolute.empty()) return out;
  // git_status_file() is a status over one exact path; this is the same status over all of them
  // (same options), each entry matched to its path. A path with no entry, or more than one, is
  // what git_status_file() reports as an error.
  std::vector<char*> paths;
  for (auto& e : out) paths.push_back(e.path.data());
  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS |
                  GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                  GIT_STATUS_OPT_INCLUDE_UNMODIFIED | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
  options.pathspec.count = paths.size();
  options.pathspec.strings = paths.data();
  std::map<std::string, std::pair<int, unsigned>> found;  // path -> (entries, flags)
  git_status_list* list_raw = nullptr;
  if (git_status_list_new(&list_raw, m_repo, &options) != 0) {
    for (auto& e : out) e.state = EvidenceState::untracked;
    return out;
  }
  StatusList list(list_raw);
  const std::size_t count = git_status_list_entrycount(list.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git_status_byindex(list.get(), i);
    const char* path = entry->head_to_index ? entry->head_to_index->old_file.path : entry->index_to_workdir->old_file.path;
    auto& [entries, flags] = found[path];
    ++entries;
    flags = entry->status;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto it = found.find(out[i].path);
    out[i].state = it == found.end() || it->second.first != 1 ? unlisted_state(absolute[i])
                                                               : state_of(it->second.second);
  }
  return out;
}

// A path git's status does not list: inside a nested repository (a fetched third_party/ clone)
// git stops at its folder, which is ignored or untracked as a whole; the path's own ignore rules say which.
EvidenceState GitRepository::unlisted_state(const fs::path& absolute) const {
  return ignored(absolute) ? EvidenceState::ignored : EvidenceState::untracked;
}

Evidence GitRepository::evidence(const fs::path& absolute, const fs::path& audit_root, std::string blob) const {
  Evidence evidence;
  evidence.blob = std::move(blob);
  if (!m_repo) {
    evidence.path = absolute.lexically_relative(audit_root).generic_string();
    evidence.state = EvidenceState::not_in_git;
    return evidence;
  }
  const fs::path relative = absolute.lexically_relative(m_canonical_workdir);
  evidence.path = relative.generic_string();
  unsigned flags = 0;
  const int error = git_status_file(&flags, m_repo, evidence.path.c_str());
  evidence.state = error != 0 ? unlisted_state(absolute) : state_of(flags);
  return evidence;
}

}  // namespace claimcheck
