#include "io/huge_pages.hpp"

#include <sys/auxv.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace claimcheck {

HugePages huge_pages_mode(std::string_view text) {
  const auto open = text.find('[');
  const auto close = text.find(']', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return HugePages::never;
  const std::string_view chosen = text.substr(open + 1, close - open - 1);
  if (chosen == "always") return HugePages::always;
  if (chosen == "madvise") return HugePages::on_request;
  return HugePages::never;
}

bool restart_for_huge_pages(HugePages mode, const char* glibc_tunables, const char* ld_preload) {
  if (mode != HugePages::on_request || glibc_tunables != nullptr) return false;
  // Valgrind preloads its vgpreload_*.so into the program it runs.
  return ld_preload == nullptr || std::string_view(ld_preload).find("vgpreload") == std::string_view::npos;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CLAIMCHECK_SANITIZED_ALLOCATOR 1
#endif

bool huge_pages_restart_built_in() {
#ifdef CLAIMCHECK_SANITIZED_ALLOCATOR
  return false;
#else
  return true;
#endif
}

void use_huge_pages(char** argv) {
#ifdef CLAIMCHECK_SANITIZED_ALLOCATOR
  (void)argv;
#else
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && tunables == k_huge_page_tunables) {
    ::unsetenv("GLIBC_TUNABLES");  // the restarted process: the tunable is read already
    return;
  }
  // A set-user-ID start (AT_SECURE) has glibc ignore or drop the tunables: no restart, or it
  // could repeat.
  if (::getauxval(AT_SECURE) != 0) return;
  const std::string mode = [] {  // read and closed here: no descriptor is carried into the restart
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }();
  if (!restart_for_huge_pages(huge_pages_mode(mode), tunables, std::getenv("LD_PRELOAD"))) return;
  if (::setenv("GLIBC_TUNABLES", std::string(k_huge_page_tunables).c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // no restart: go on as started
#endif
}

}  // namespace claimcheck
