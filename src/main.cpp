#include <malloc.h>

#include <iostream>

#include "cli/cli.hpp"
#include "io/huge_pages.hpp"

int main(int argc, char** argv) {
  claimcheck::use_huge_pages(argv);  // may start the program again, once (io/huge_pages.hpp)
  // Memory: an audit (or a merge) of thousands of claims holds lists of megabytes (claims,
  // results, records, the report's parts) for a stage or two each. Blocks of 256 KiB and more are
  // mapped on their own and returned to the system when freed; glibc would otherwise raise that
  // threshold as large blocks are freed and keep their pages, and each stage's lists would add to
  // the last's. A setting of the whole process, so it is made here.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  return claimcheck::run_cli(argc, argv, std::cout, std::cerr, claimcheck::AtEnd::leave_memory);
}
