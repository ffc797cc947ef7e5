// The safetensors reader on good files and on every kind of damage it must catch.
#include "io/safetensors.h"
#include "core/json_file.h"
#include "io/torch_safetensors.h"
#include "test_support.h"

namespace lacos {
namespace {

// A file from a header (as JSON) and raw data bytes; `declared_length` overrides the u64 prefix.
std::string file_bytes(const Json& header, const std::string& data, std::int64_t declared_length = -1) {
  const std::string text = header.dump();
  const std::uint64_t length = declared_length >= 0 ? static_cast<std::uint64_t>(declared_length) : text.size();
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return bytes + text + data;
}

class SafetensorsTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& bytes) {
    const auto path = dir_ / "t.safetensors";
    test::write_bytes(path, bytes);
    return path;
  }
  void expect_error(const std::string& bytes, const std::string& fragment) {
    const auto path = write(bytes);
    EXPECT_ERROR_CONTAINS(SafetensorsFile{path}, fragment);
  }
  test::TempDir dir_;
};

Json two_tensors() {
  return {{"a", {{"dtype", "F32"}, {"shape", {2}}, {"data_offsets", {0, 8}}}},
          {"b", {{"dtype", "I8"}, {"shape", {1, 3}}, {"data_offsets", {8, 11}}}}};
}

TEST_F(SafetensorsTest, RoundTripThroughWriterAndReader) {
  const auto path = dir_ / "round.safetensors";
  const torch::Tensor a = torch::arange(6, torch::kFloat32).view({2, 3});
  const torch::Tensor b = torch::tensor({1.5, -2.0}, torch::kBFloat16);
  const torch::Tensor c = torch::tensor({7, 8, 9}, torch::kInt64);
  save_safetensors(path, {{"a", a}, {"b", b}, {"c", c}}, {{"format", "pt"}});
  const SafetensorsFile file(path);
  EXPECT_EQ(file.metadata().at("format"), "pt");
  ASSERT_EQ(file.tensors().size(), 3u);
  const auto loaded = load_safetensors(path);
  EXPECT_TRUE(torch::equal(loaded.at("a"), a));
  EXPECT_TRUE(torch::equal(loaded.at("b"), b));
  EXPECT_TRUE(torch::equal(loaded.at("c"), c));
  // The header is padded to a multiple of 8 bytes, as the reference writer does.
  const std::string bytes = test::read_bytes(path);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(header_len % 8, 0u);
}

TEST_F(SafetensorsTest, ReadsHandMadeFile) {
  const std::string data = std::string("\x00\x00\x80\x3f\x00\x00\x00\x40", 8) + "\x01\x02\x03";
  const SafetensorsFile file(write(file_bytes(two_tensors(), data)));
  EXPECT_EQ(file.at("a").shape, (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(torch::equal(read_tensor(file.at("a")), torch::tensor({1.0f, 2.0f})));
  EXPECT_TRUE(torch::equal(read_tensor(file.at("b")), torch::tensor({{1, 2, 3}}, torch::kInt8)));
  EXPECT_ERROR_CONTAINS(file.at("zzz"), "no tensor named 'zzz'");
}

TEST_F(SafetensorsTest, SlicedCopyConvertsUnalignedData) {
  // A 3-byte tensor first leaves the float16 tensor at an odd offset; 12-byte slices force the
  // copy through several slices of two rows.
  const auto path = dir_ / "odd.safetensors";
  const torch::Tensor values = torch::randn({10, 3}).to(torch::kFloat16);
  save_safetensors(path, {{"a_pad", torch::zeros({3}, torch::kInt8)}, {"b", values}});
  const SafetensorsFile file(path);
  ASSERT_NE(reinterpret_cast<std::uintptr_t>(file.at("b").data) % 2, 0u);
  torch::Tensor destination = torch::zeros({10, 3});
  copy_into(file, file.at("b"), destination, /*slice_bytes=*/12);
  EXPECT_TRUE(torch::equal(destination, values.to(torch::kFloat32)));
}

TEST_F(SafetensorsTest, TruncatedBeforeHeaderLength) {
  expect_error(std::string("\x10\x00\x00", 3), "truncated safetensors file (3 bytes");
}

TEST_F(SafetensorsTest, HeaderLengthBeyondFile) {
  expect_error(file_bytes(two_tensors(), std::string(11, '\0'), 100000), "header length 100000 runs past the end");
}

TEST_F(SafetensorsTest, HeaderLengthOverCap) {
  expect_error(file_bytes(two_tensors(), std::string(11, '\0'), 200'000'000), "exceeds the 100000000-byte cap");
}

TEST_F(SafetensorsTest, HeaderNotJson) {
  std::string bytes = file_bytes(two_tensors(), std::string(11, '\0'));
  bytes[8 + 5] = '#';
  expect_error(bytes, "not valid JSON");
}

TEST_F(SafetensorsTest, DataTruncated) {
  expect_error(file_bytes(two_tensors(), std::string(9, '\0')),
               "tensor 'b' data_offsets [8, 11] run past the data section (9 bytes)");
}

TEST_F(SafetensorsTest, OverlappingOffsets) {
  Json header = two_tensors();
  header["b"]["data_offsets"] = {4, 7};
  expect_error(file_bytes(header, std::string(8, '\0')), "overlaps the previous tensor");
}

TEST_F(SafetensorsTest, GapBetweenTensors) {
  Json header = two_tensors();
  header["b"]["data_offsets"] = {9, 12};
  expect_error(file_bytes(header, std::string(12, '\0')), "tensor 'b' starts at 9 but the previous tensor ends at 8");
}

TEST_F(SafetensorsTest, TrailingBytesNotCovered) {
  expect_error(file_bytes(two_tensors(), std::string(20, '\0')),
               "the tensors cover 11 bytes but the data section holds 20");
}

TEST_F(SafetensorsTest, OffsetsReversed) {
  Json header = two_tensors();
  header["b"]["data_offsets"] = {11, 8};
  expect_error(file_bytes(header, std::string(11, '\0')), "end before they begin");
}

TEST_F(SafetensorsTest, UnknownDtype) {
  Json header = two_tensors();
  header["b"]["dtype"] = "F8_E4M3";
  expect_error(file_bytes(header, std::string(11, '\0')), "tensor 'b': unknown dtype 'F8_E4M3'");
}

TEST_F(SafetensorsTest, ShapeAndSizeMismatch) {
  Json header = two_tensors();
  header["a"]["shape"] = {3};
  expect_error(file_bytes(header, std::string(11, '\0')),
               "dtype F32 and shape [3] need 12 bytes but data_offsets [0, 8] hold 8");
}

TEST_F(SafetensorsTest, NegativeShape) {
  Json header = two_tensors();
  header["a"]["shape"] = {-2};
  expect_error(file_bytes(header, std::string(11, '\0')), "non-negative integer");
}

TEST_F(SafetensorsTest, MissingFields) {
  Json header = two_tensors();
  header["a"].erase("data_offsets");
  expect_error(file_bytes(header, std::string(11, '\0')), "tensor 'a': required key 'data_offsets' is missing");
}

TEST_F(SafetensorsTest, HugeShapeDoesNotOverflow) {
  Json header = two_tensors();
  header["a"]["shape"] = {std::int64_t{1} << 40, std::int64_t{1} << 40};
  expect_error(file_bytes(header, std::string(11, '\0')), "too large");
}

TEST_F(SafetensorsTest, MissingFile) {
  EXPECT_ERROR_CONTAINS(SafetensorsFile(dir_ / "nope.safetensors"), "nope.safetensors: cannot open");
}

}  // namespace
}  // namespace lacos
