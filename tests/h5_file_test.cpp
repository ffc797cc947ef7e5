// The one HDF5 layer (io/h5_file.h): what it writes reads back (series, strings, attributes, the
// order groups were created in), a writer that never commits leaves nothing, and errors name the
// file and the object.
#include "io/h5_file.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "io/run_h5.h"
#include "io/tensor_h5.h"
#include "test_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hdf5.h>

namespace lacos {
namespace {

namespace fs = std::filesystem;

// The temporaries (`<name>.tmp-<pid>-<random>`) left in `dir`.
int temporaries(const fs::path& dir) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) count += is_temp_file_name(entry.path().filename().string());
  return count;
}

TEST(H5File, WhatIsWrittenReadsBack) {
  test::TempDir dir;
  {
    H5File file = H5File::create(dir / "a.h5");
    const H5Group& root = file.root();
    root.write_string("text", "grüße, ü");
    root.set_attribute("count", std::int64_t{7});
    root.set_attribute("ratio", 0.25);
    root.set_attribute("name", std::string("lacos"));
    const H5Group sets = root.create_group("sets");
    for (const char* name : {"zeta", "alpha", "mid"})
      sets.create_group(name).write_series("v", std::vector<double>{1.5});
    root.write_series("steps", std::vector<std::int64_t>{0, 10, 20});
    root.write_strings("files", {"a.h5", "", "c.h5"});
    const float block[6] = {1, 2, 3, 4, 5, 6};
    H5Dataset rows = root.create_dataset("rows", H5T_NATIVE_FLOAT, {3, 2});
    rows.write_rows(1, 2, H5T_NATIVE_FLOAT, block + 2);
    rows.write_rows(0, 1, H5T_NATIVE_FLOAT, block);
    rows.close();
    EXPECT_FALSE(fs::exists(dir / "a.h5"));  // nothing under the final name before the commit
    file.commit();
  }
  EXPECT_EQ(temporaries(dir.path()), 0);
  const H5File file = H5File::open_read_only(dir / "a.h5");
  const H5Group& root = file.root();
  EXPECT_EQ(root.read_string("text"), "grüße, ü");
  const auto attributes = root.attributes();
  EXPECT_EQ(std::get<std::int64_t>(attributes.at("count")), 7);
  EXPECT_EQ(std::get<double>(attributes.at("ratio")), 0.25);
  EXPECT_EQ(std::get<std::string>(attributes.at("name")), "lacos");
  EXPECT_EQ(root.open_group("sets").members(), (std::vector<std::string>{"zeta", "alpha", "mid"}));  // creation order
  EXPECT_EQ(root.read_series<std::int64_t>("steps"), (std::vector<std::int64_t>{0, 10, 20}));
  EXPECT_EQ(root.read_strings("files"), (std::vector<std::string>{"a.h5", "", "c.h5"}));
  const H5Dataset rows = root.open_dataset("rows");
  EXPECT_EQ(rows.shape(), (std::vector<std::uint64_t>{3, 2}));
  float back[6] = {};
  rows.read(H5T_NATIVE_FLOAT, back);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(back[i], static_cast<float>(i + 1));
  EXPECT_EQ(read_h5_doubles(dir / "a.h5", "/steps"), (std::vector<double>{0, 10, 20}));
}

TEST(H5File, AWriterThatNeverCommitsLeavesNothing) {
  test::TempDir dir;
  test::write_bytes(dir / "kept.h5", "the previous file");
  {
    H5File file = H5File::create(dir / "kept.h5");
    file.root().write_series("x", std::vector<double>{1, 2});
    EXPECT_EQ(temporaries(dir.path()), 1);
  }  // an exception between create and commit ends here
  EXPECT_EQ(temporaries(dir.path()), 0);
  EXPECT_EQ(test::read_bytes(dir / "kept.h5"), "the previous file");
}

TEST(H5File, ErrorsNameTheFileAndTheObject) {
  test::TempDir dir;
  {
    H5File file = H5File::create(dir / "a.h5");
    file.root().create_group("train").write_series("loss", std::vector<double>{0.5});
    file.commit();
  }
  const H5File file = H5File::open_read_only(dir / "a.h5", "run file");
  try {
    file.root().open_group("train").read_series<double>("lr");
    FAIL() << "reading a missing dataset must throw";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find((dir / "a.h5").string()), std::string::npos) << message;
    EXPECT_NE(message.find("/train/lr"), std::string::npos) << message;
  }
  test::write_bytes(dir / "junk.h5", "junk");
  try {
    H5File::open_read_only(dir / "junk.h5", "checkpoint");
    FAIL() << "a file that is not HDF5 must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("junk.h5: not a readable HDF5 checkpoint"), std::string::npos) << e.what();
  }
}

// A crafted file: an attribute holding four values where lacos reads one, and a series that
// declares 2^40 elements without storing them. Both must be refused with an error naming the
// object, before anything is read or allocated.
TEST(H5File, ShapesTheFileClaimsAreChecked) {
  test::TempDir dir;
  const fs::path path = dir / "crafted.h5";
  {
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t four = 4, huge = hsize_t{1} << 40, unlimited = H5S_UNLIMITED, chunk = 16;
    const hid_t vector_space = H5Screate_simple(1, &four, nullptr);
    const hid_t attribute = H5Acreate2(file, "status", H5T_NATIVE_INT64, vector_space, H5P_DEFAULT, H5P_DEFAULT);
    const std::int64_t values[4] = {1, 2, 3, 4};
    H5Awrite(attribute, H5T_NATIVE_INT64, values);
    H5Aclose(attribute);
    const hid_t huge_space = H5Screate_simple(1, &huge, &unlimited);
    const hid_t properties = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(properties, 1, &chunk);
    const hid_t dataset =
        H5Dcreate2(file, "steps", H5T_NATIVE_DOUBLE, huge_space, H5P_DEFAULT, properties, H5P_DEFAULT);
    H5Dclose(dataset);
    H5Pclose(properties);
    H5Sclose(huge_space);
    H5Sclose(vector_space);
    H5Fclose(file);
  }
  ASSERT_LT(fs::file_size(path), 1u << 20);
  const H5File file = H5File::open_read_only(path);
  try {
    file.root().attributes();
    FAIL() << "an attribute of four values must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("read attribute 'status': it holds not one value"), std::string::npos)
        << e.what();
  }
  try {
    file.root().read_series<double>("steps");
    FAIL() << "a series larger than the file must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/steps"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("than the file"), std::string::npos) << e.what();
  }
}

// A checkpoint tensor of shape [0, 2^40, 2^40] holds no element, but a tensor of that shape has
// strides beyond int64: LibTorch threw its own error ("Stride calculation overflowed"), reported
// as an internal error (found by the checkpoint_h5 fuzzer). Refused as larger than the file.
TEST(H5File, EmptyShapesWithHugeDimensionsAreRefused) {
  test::TempDir dir;
  const fs::path path = dir / "checkpoint.h5";
  {
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t group = H5Gcreate2(file, "tensors", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[3] = {0, hsize_t{1} << 40, hsize_t{1} << 40};
    const hid_t space = H5Screate_simple(3, dims, nullptr);
    const hid_t dataset = H5Dcreate2(group, "lora_A", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(dataset, 0);
    H5Dclose(dataset);
    H5Sclose(space);
    H5Gclose(group);
    H5Fclose(file);
  }
  EXPECT_ERROR_CONTAINS(read_tensor_h5(path), "/tensors/lora_A");
  EXPECT_ERROR_CONTAINS(read_tensor_h5(path), "more elements than the file holds");
}

// Resuming loads the checkpoints run.h5 lists and rotation deletes them: a crafted run.h5 must
// not name a file outside the run folder.
TEST(RunH5, CheckpointPathsMustBeNamesLacosWrites) {
  test::TempDir dir;
  RunRecord record;
  record.checkpoints = {{10, "checkpoint-00000010.h5"}};
  write_run_h5(dir / "run.h5", record);
  EXPECT_EQ(read_run_h5(dir / "run.h5").checkpoints.size(), 1u);
  for (const char* path : {"../../home/user/.bashrc", "/etc/passwd", "checkpoint-best.h5", "checkpoint-1.h5"}) {
    record.checkpoints = {{10, path}};
    write_run_h5(dir / "run.h5", record);
    try {
      read_run_h5(dir / "run.h5");
      FAIL() << path << " must be refused";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fmt::format("/checkpoints/path lists '{}'", path)), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace lacos
