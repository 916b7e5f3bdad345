#pragma once
// Huge pages for claimcheck's own heap.
//
// An audit of thousands of claims touches about 100 MB of heap 4 KiB at a time: a warm audit of
// 9,944 claims took about 42,000 page faults, and on a virtual machine they cost as much CPU as the
// audit's own work. glibc can ask the kernel for 2 MiB pages for the memory malloc takes (the
// tunable glibc.malloc.hugetlb=1 makes it madvise(MADV_HUGEPAGE) that memory), but it reads
// tunables only when a program starts. So main() calls use_huge_pages() first, which starts the
// program again, once, with the tunable set, when all of these hold:
// - the kernel gives huge pages on request: /sys/kernel/mm/transparent_hugepage/enabled says
//   "madvise" (with "always" the heap has them already; with "never", or no such file, there is
//   nothing to gain);
// - GLIBC_TUNABLES is not set at all: a user's own tunables are left alone, and setting it, even
//   to nothing (GLIBC_TUNABLES=), turns the restart off;
// - the program is not running under Valgrind, which does not follow the restart, nor under a
//   sanitizer, which brings its own allocator, nor set-user-ID, where glibc ignores tunables.
// A process started with GLIBC_TUNABLES exactly k_huge_page_tunables (the restarted one) unsets
// it, so the programs claimcheck runs (and the environment a claim may pass through to them) see
// the environment claimcheck was given. If the restart fails, the program goes on without it.

#include <string_view>

namespace claimcheck {

inline constexpr std::string_view k_huge_page_tunables = "glibc.malloc.hugetlb=1";

enum class HugePages { always, on_request, never };

// The mode in the text of /sys/kernel/mm/transparent_hugepage/enabled, whose chosen word is in
// brackets ("always [madvise] never"); never when there is no chosen word.
HugePages huge_pages_mode(std::string_view enabled_file_text);

// Whether to start again with k_huge_page_tunables, given the mode and the values (null when
// unset) of GLIBC_TUNABLES and LD_PRELOAD.
bool restart_for_huge_pages(HugePages mode, const char* glibc_tunables, const char* ld_preload);

// False in a build whose allocator a sanitizer replaces: use_huge_pages() then does nothing.
bool huge_pages_restart_built_in();

// Starts /proc/self/exe again with argv when restart_for_huge_pages says so, and does not return
// then; in the restarted process, unsets GLIBC_TUNABLES. Call it before anything else in main().
void use_huge_pages(char** argv);

}  // namespace claimcheck
