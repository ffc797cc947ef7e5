#include "io/embeddings_h5.h"

#include "core/error.h"
#include "io/h5_file.h"

#include <optional>

namespace lacos {

namespace fs = std::filesystem;

struct EmbeddingsH5Writer::State {
  H5File file;
  std::optional<H5Dataset> dataset;  // closed before the file commits
  std::int64_t rows = 0;
  std::int64_t dim = 0;
};

EmbeddingsH5Writer::EmbeddingsH5Writer(const fs::path& path, std::int64_t rows, std::int64_t dim,
                                       const std::map<std::string, std::string>& attributes)
    : state_(std::make_unique<State>(State{H5File::create(path), std::nullopt, rows, dim})) {
  state_->dataset = state_->file.root().create_dataset(
      "embeddings", H5T_NATIVE_FLOAT, {static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(dim)});
  for (const auto& [key, value] : attributes) state_->dataset->set_attribute(key, value);
}

EmbeddingsH5Writer::~EmbeddingsH5Writer() = default;

void EmbeddingsH5Writer::write_rows(std::int64_t first_row, const torch::Tensor& block) {
  const torch::Tensor rows = block.to(torch::kCPU).to(torch::kFloat32).contiguous();
  if (rows.dim() != 2 || rows.size(1) != state_->dim || first_row < 0 || first_row + rows.size(0) > state_->rows) {
    fail("{}: rows [{}, {}) of width {} do not fit the [{}, {}] dataset", state_->file.path().string(), first_row,
         first_row + rows.size(0), rows.dim() == 2 ? rows.size(1) : -1, state_->rows, state_->dim);
  }
  state_->dataset->write_rows(static_cast<std::uint64_t>(first_row), static_cast<std::uint64_t>(rows.size(0)),
                              H5T_NATIVE_FLOAT, rows.data_ptr<float>());
}

void EmbeddingsH5Writer::commit() {
  state_->dataset->close();
  state_->file.commit();
}

torch::Tensor read_embeddings_h5(const fs::path& path) {
  const H5File file = H5File::open_read_only(path, "embeddings file");
  const H5Dataset dataset = file.root().open_dataset("embeddings");
  const std::vector<std::uint64_t> shape = dataset.shape();
  if (shape.size() != 2) fail("{}: /embeddings must be 2-D", path.string());
  dataset.elements_within_file(sizeof(float));  // before allocating what the file claims
  torch::Tensor out =
      torch::empty({static_cast<std::int64_t>(shape[0]), static_cast<std::int64_t>(shape[1])}, torch::kFloat32);
  if (out.numel() > 0) dataset.read(H5T_NATIVE_FLOAT, out.data_ptr<float>());
  return out;
}

}  // namespace lacos
