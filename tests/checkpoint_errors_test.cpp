// Damaged or mismatched model folders: each is one clear error naming the tensor or file.
#include "io/torch_safetensors.h"
#include "model/checkpoint_loader.h"
#include "test_support.h"

namespace lacos {
namespace {

namespace fs = std::filesystem;

class CheckpointErrors : public ::testing::Test {
 protected:
  // A copy of fixture `name` in a temporary folder, to damage.
  fs::path copy_of(const std::string& name) {
    const fs::path target = dir_ / name;
    fs::copy(test::fixture(name), target, fs::copy_options::recursive);
    for (const auto& entry : fs::directory_iterator(target)) {
      fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
    }
    return target;
  }
  // tiny-bloom-a with its tensors edited by `edit`.
  template <typename Edit>
  fs::path edited_a(Edit edit) {
    const fs::path folder = copy_of("tiny-bloom-a");
    auto tensors = load_safetensors(folder / "model.safetensors");
    edit(tensors);
    save_safetensors(folder / "model.safetensors",
                     std::vector<std::pair<std::string, torch::Tensor>>(tensors.begin(), tensors.end()));
    return folder;
  }
  test::TempDir dir_;
};

TEST_F(CheckpointErrors, BothLayoutsLoad) {
  EXPECT_NO_THROW(load_bloom(test::fixture("tiny-bloom-a")));
  EXPECT_NO_THROW(load_bloom(test::fixture("tiny-bloom-b")));
  EXPECT_EQ(checkpoint_files(test::fixture("tiny-bloom-b")).size(), 4u);
}

TEST_F(CheckpointErrors, MissingShard) {
  const fs::path folder = copy_of("tiny-bloom-b");
  fs::remove(folder / "model-00003-of-00004.safetensors");
  EXPECT_ERROR_CONTAINS(load_bloom(folder),
                        "shard 'model-00003-of-00004.safetensors' listed in model.safetensors.index.json is missing");
}

TEST_F(CheckpointErrors, TruncatedShard) {
  const fs::path folder = copy_of("tiny-bloom-b");
  const fs::path shard = folder / "model-00002-of-00004.safetensors";
  fs::resize_file(shard, fs::file_size(shard) - 100);
  EXPECT_ERROR_CONTAINS(
      load_bloom(folder),
      "model-00002-of-00004.safetensors: tensor 'transformer.word_embeddings_layernorm.weight' data_offsets");
}

TEST_F(CheckpointErrors, IndexDisagreesWithShard) {
  const fs::path folder = copy_of("tiny-bloom-b");
  std::string index = test::read_bytes(folder / "model.safetensors.index.json");
  const std::string entry = "\"transformer.ln_f.bias\": \"model-00001-of-00004.safetensors\"";
  const std::size_t at = index.find("\"transformer.ln_f.bias\": \"");
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = index.find('"', index.find(": \"", at) + 3);
  index.replace(at, end + 1 - at, entry);
  test::write_bytes(folder / "model.safetensors.index.json", index);
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "tensor 'transformer.ln_f.bias' is in this shard but");
}

TEST_F(CheckpointErrors, WrongShapeNamesTensorAndBothShapes) {
  const fs::path folder = edited_a([](auto& tensors) { tensors["ln_f.weight"] = torch::ones({65}); });
  EXPECT_ERROR_CONTAINS(load_bloom(folder),
                        "tensor 'ln_f.weight' has shape [65] but the model built from config.json expects [64]");
}

TEST_F(CheckpointErrors, UnexpectedTensor) {
  const fs::path folder = edited_a([](auto& tensors) { tensors["h.0.extra.weight"] = torch::ones({2}); });
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "unexpected tensor 'h.0.extra.weight'");
}

TEST_F(CheckpointErrors, MissingTensor) {
  const fs::path folder = edited_a([](auto& tensors) { tensors.erase("h.1.mlp.dense_4h_to_h.bias"); });
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "lacks 1 of the model's 29 tensors: h.1.mlp.dense_4h_to_h.bias");
}

TEST_F(CheckpointErrors, IntegerDtypeForAWeight) {
  const fs::path folder = edited_a([](auto& tensors) { tensors["ln_f.bias"] = torch::zeros({64}, torch::kInt64); });
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "tensor 'ln_f.bias' has dtype I64, expected a floating type");
}

TEST_F(CheckpointErrors, ConfigMismatch) {
  const fs::path folder = copy_of("tiny-bloom-a");
  std::string config = test::read_bytes(folder / "config.json");
  config.replace(config.find("\"n_layer\": 2"), 12, "\"n_layer\": 3");
  test::write_bytes(folder / "config.json", config);
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "lacks 12 of the model's 41 tensors: h.2.");
}

TEST_F(CheckpointErrors, MalformedConfig) {
  const fs::path folder = copy_of("tiny-bloom-a");
  test::write_bytes(folder / "config.json", "{\"hidden_size\": 64,,}");
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "config.json: not valid JSON");
  fs::remove(folder / "config.json");
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "config.json not found in the model folder");
}

TEST_F(CheckpointErrors, PickleCheckpointIsRefusedWithConversionCommand) {
  const fs::path folder = copy_of("tiny-bloom-a");
  fs::remove(folder / "model.safetensors");
  test::write_bytes(folder / "pytorch_model.bin", "PK\x03\x04");
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "save_pretrained");
  fs::remove(folder / "pytorch_model.bin");
  EXPECT_ERROR_CONTAINS(load_bloom(folder), "no model.safetensors or model.safetensors.index.json");
}

TEST_F(CheckpointErrors, MissingFolder) {
  EXPECT_ERROR_CONTAINS(load_bloom(dir_ / "nowhere"), "nowhere: model folder not found");
}

}  // namespace
}  // namespace lacos
