// Whole-file reads: read_file, and read_file_into, which reuses the string it is given.

#include "io/file_read.hpp"

#include <string>

#include <gtest/gtest.h>

#include "support/support.hpp"

namespace claimcheck {
namespace {

TEST(ReadFile, GivesTheWholeFileOrNothing) {
  test::TempDir tmp;
  const std::string big(300'000, 'x');  // more than one read of a pipe's worth
  EXPECT_EQ(read_file(tmp.write("big", big)), big);
  EXPECT_EQ(read_file(tmp.write("empty", "")), std::string());
  EXPECT_EQ(read_file(tmp.path() / "missing"), std::nullopt);
}

TEST(ReadFile, IntoAStringThatHeldALongerFileGivesOnlyTheNewFile) {
  test::TempDir tmp;
  std::string buffer;
  ASSERT_TRUE(read_file_into(tmp.write("long", std::string(100'000, 'a') + "end"), buffer));
  EXPECT_EQ(buffer.size(), 100'003u);
  const char* const memory = buffer.data();
  ASSERT_TRUE(read_file_into(tmp.write("short", "{\"id\": 1}\n"), buffer));
  EXPECT_EQ(buffer, "{\"id\": 1}\n");
  EXPECT_EQ(buffer.data(), memory) << "the string's memory was not reused";
  ASSERT_TRUE(read_file_into(tmp.write("empty", ""), buffer));
  EXPECT_EQ(buffer, "");
  // A file that cannot be opened leaves nothing of the last one.
  ASSERT_TRUE(read_file_into(tmp.write("again", "abc"), buffer));
  EXPECT_FALSE(read_file_into(tmp.path() / "missing", buffer));
  EXPECT_EQ(buffer, "");
}

TEST(ReadFile, IntoAStringReadsWhatIsNotARegularFileToItsEnd) {
  // /proc files report a size of 0 and are read on in blocks.
  std::string buffer(5000, '\x01');
  ASSERT_TRUE(read_file_into("/proc/self/cmdline", buffer));
  EXPECT_FALSE(buffer.empty());
  EXPECT_EQ(buffer.find('\x01'), std::string::npos) << "bytes of the last contents are left";
}

}  // namespace
}  // namespace claimcheck
