// Embeddings as HDF5: dataset /embeddings, float32 [N, dim], rows in input order, with string
// attributes describing how they were made. Written under a temporary name and renamed when
// complete, so an interrupted run never leaves a file that looks whole.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace lacos {

class EmbeddingsH5Writer {
 public:
  EmbeddingsH5Writer(const std::filesystem::path& path, std::int64_t rows, std::int64_t dim,
                     const std::map<std::string, std::string>& attributes);
  ~EmbeddingsH5Writer();

  // Writes rows [first_row, first_row + block.size(0)) from a float32 [n, dim] tensor.
  void write_rows(std::int64_t first_row, const torch::Tensor& block);
  void commit();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads /embeddings back (tests, evaluation).
torch::Tensor read_embeddings_h5(const std::filesystem::path& path);

}  // namespace lacos
