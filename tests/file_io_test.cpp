// Whole-file writes (the private temporary file a rank receives a checkpoint into) and the
// bounds of the JSON and gzip readers.
#include "core/file_io.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/path_status.h"
#include "io/gzip.h"
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

TEST(FileIo, JsonNestingIsBounded) {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_NO_THROW(parse_json(nested(kMaxJsonDepth), "ok.json"));
  try {
    parse_json(nested(100000), "deep.json");
    FAIL() << "JSON nested 100000 deep must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("deep.json: JSON nested deeper than 128 levels"), std::string::npos)
        << e.what();
  }
}

TEST(FileIo, GzipOutputIsBounded) {
  test::TempDir dir;
  const std::string text(100000, 'a');  // compresses about a thousandfold
  write_gzip_file(dir / "a.gz", text);
  EXPECT_EQ(read_gzip_file(dir / "a.gz"), text);
  const std::string compressed = test::read_bytes(dir / "a.gz");
  EXPECT_LT(compressed.size(), 1000u);
  try {
    gunzip(compressed, "bomb.gz", /*max_output=*/50000);
    FAIL() << "output beyond the bound must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bomb.gz: decompresses to more than 50000 bytes"), std::string::npos)
        << e.what();
  }
}

// Paths from users and files (model.path, config names) may be anything: a missing one is an
// answer, a name the system refuses is an Error naming it (std::filesystem threw filesystem_error,
// an internal error; found by the experiment fuzzer).
TEST(FileIo, PathChecksAnswerOrNameThePath) {
  const test::TempDir temp;
  const fs::path& folder = temp.path();
  write_file_bytes(folder / "file.txt", "x");
  EXPECT_TRUE(is_folder(folder));
  EXPECT_TRUE(is_file(folder / "file.txt"));
  EXPECT_FALSE(is_folder(folder / "file.txt"));
  EXPECT_FALSE(path_exists(folder / "missing"));
  EXPECT_FALSE(is_file(folder / "file.txt" / "below-a-file"));  // ENOTDIR is "not there" too
  const fs::path too_long = folder / (std::string(300, 'm') + ".yaml");
  EXPECT_ERROR_CONTAINS(is_file(too_long),
                        std::string(300, 'm') + ".yaml: cannot look up this path: File name too long");
  EXPECT_ERROR_CONTAINS(path_exists(too_long), "File name too long");
}

}  // namespace
}  // namespace lacos
