#include "io/embeddings_h5.h"

#include "core/error.h"
#include "io/h5_atomic_file.h"

namespace lacos {

namespace fs = std::filesystem;

struct EmbeddingsH5Writer::State {
  explicit State(const fs::path& path) : output(path) {}
  H5AtomicFile output;
  std::int64_t rows = 0;
  std::int64_t dim = 0;
  H5::DataSet dataset;
};

EmbeddingsH5Writer::EmbeddingsH5Writer(const fs::path& path, std::int64_t rows, std::int64_t dim,
                                       const std::map<std::string, std::string>& attributes)
    : state_(std::make_unique<State>(path)) {
  state_->rows = rows;
  state_->dim = dim;
  try {
    const hsize_t dims[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(dim)};
    H5::DataSpace space(2, dims);
    state_->dataset = state_->output.file().createDataSet("embeddings", H5::PredType::NATIVE_FLOAT, space);
    const H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
    for (const auto& [key, value] : attributes) {
      H5::Attribute attribute = state_->dataset.createAttribute(key, text, H5::DataSpace(H5S_SCALAR));
      attribute.write(text, value);
    }
  } catch (const H5::Exception& e) {
    throw_h5_error(path, "creating /embeddings", e);
  }
}

EmbeddingsH5Writer::~EmbeddingsH5Writer() {
  try {
    state_->dataset.close();
  } catch (const H5::Exception&) {
  }
}

void EmbeddingsH5Writer::write_rows(std::int64_t first_row, const torch::Tensor& block) {
  const torch::Tensor rows = block.to(torch::kCPU).to(torch::kFloat32).contiguous();
  if (rows.dim() != 2 || rows.size(1) != state_->dim || first_row < 0 || first_row + rows.size(0) > state_->rows) {
    fail("{}: rows [{}, {}) of width {} do not fit the [{}, {}] dataset", state_->output.path().string(), first_row,
         first_row + rows.size(0), rows.dim() == 2 ? rows.size(1) : -1, state_->rows, state_->dim);
  }
  if (rows.size(0) == 0) return;
  try {
    H5::DataSpace file_space = state_->dataset.getSpace();
    const hsize_t offset[2] = {static_cast<hsize_t>(first_row), 0};
    const hsize_t count[2] = {static_cast<hsize_t>(rows.size(0)), static_cast<hsize_t>(state_->dim)};
    file_space.selectHyperslab(H5S_SELECT_SET, count, offset);
    H5::DataSpace memory_space(2, count);
    state_->dataset.write(rows.data_ptr<float>(), H5::PredType::NATIVE_FLOAT, memory_space, file_space);
  } catch (const H5::Exception& e) {
    throw_h5_error(state_->output.path(), "writing rows", e);
  }
}

void EmbeddingsH5Writer::commit() {
  try {
    state_->dataset.close();
  } catch (const H5::Exception& e) {
    throw_h5_error(state_->output.path(), "closing /embeddings", e);
  }
  state_->output.commit();
}

torch::Tensor read_embeddings_h5(const fs::path& path) {
  H5::Exception::dontPrint();
  try {
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    H5::DataSet dataset = file.openDataSet("embeddings");
    H5::DataSpace space = dataset.getSpace();
    if (space.getSimpleExtentNdims() != 2) fail("{}: /embeddings must be 2-D", path.string());
    hsize_t dims[2] = {0, 0};
    space.getSimpleExtentDims(dims);
    torch::Tensor out = torch::empty({static_cast<std::int64_t>(dims[0]), static_cast<std::int64_t>(dims[1])},
                                     torch::kFloat32);
    if (out.numel() > 0) dataset.read(out.data_ptr<float>(), H5::PredType::NATIVE_FLOAT);
    return out;
  } catch (const H5::Exception& e) {
    throw_h5_error(path, "reading /embeddings", e);
  }
}

}  // namespace lacos
