// Outputs are replaced atomically, except outputs that are not files: those are written into.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "io/atomic_file.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

TEST(AtomicFile, ReplacesAFileAndLeavesNoTemporary) {
  test::TempDir dir;
  const fs::path out = dir.write("out/report.md", "old\n");
  write_file_atomically(out, "new\n");
  EXPECT_EQ(test::read_file(out), "new\n");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out.parent_path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(AtomicFile, ALinkStaysALinkAndItsTargetIsReplaced) {
  test::TempDir dir;
  const fs::path target = dir.write("reports/real.md", "old\n");
  const fs::path link = dir.path() / "latest.md";
  fs::create_symlink(target, link);
  write_file_atomically(link, "new\n");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(test::read_file(target), "new\n");
}

TEST(AtomicFile, ANamedPipeIsWrittenIntoNotReplaced) {
  test::TempDir dir;
  const fs::path pipe = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  EXPECT_TRUE(is_special_output(pipe));
  std::string received;
  std::thread reader([&] {
    std::ifstream in(pipe, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), {});
  });
  write_file_atomically(pipe, "through the pipe\n");
  reader.join();
  EXPECT_EQ(received, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(pipe));
  EXPECT_FALSE(is_special_output(dir.path() / "absent.md"));
  EXPECT_FALSE(is_special_output(dir.path()));
}

// As root, a rename over /dev/null replaced the device with a regular file for the whole machine.
TEST(AtomicFile, DevNullStaysADevice) {
  if (!fs::is_character_file("/dev/null")) GTEST_SKIP() << "/dev/null is not a device here";
  write_file_atomically("/dev/null", "discarded\n");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_TRUE(is_special_output("/dev/null"));
}

}  // namespace
}  // namespace claimcheck
