// Whole-file writes: the private temporary file a rank receives a checkpoint into.
#include "core/file_io.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace lacos {
namespace {

namespace fs = std::filesystem;

TEST(FileIo, PrivateTempFilesAreNewOwnAndUnpredictable) {
  const fs::path a = write_private_temp_file("lacos-test-private", "checkpoint bytes");
  const fs::path b = write_private_temp_file("lacos-test-private", "");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.parent_path(), fs::temp_directory_path());
  EXPECT_EQ(a.filename().string().rfind("lacos-test-private-", 0), 0u);
  EXPECT_EQ(test::read_bytes(a), "checkpoint bytes");
  EXPECT_EQ(test::read_bytes(b), "");
  struct stat info {};
  ASSERT_EQ(::lstat(a.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);  // this user only
  fs::remove(a);
  fs::remove(b);
}

}  // namespace
}  // namespace lacos
