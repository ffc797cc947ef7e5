// A weight kept in a form other than a plain parameter (int8 codes with absmax scales). The
// checkpoint loader, random initialisation and the HF folder writer reach such weights through
// this interface, a block of rows at a time, so a full-precision copy never exists.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace lacos {

class StoredWeight {
 public:
  virtual ~StoredWeight() = default;
  // [rows, cols], as the weight appears in a checkpoint.
  virtual std::vector<std::int64_t> weight_shape() const = 0;
  // Sets rows [first_row, first_row + rows.size(0)) from a floating tensor on any device.
  virtual void set_weight_rows(std::int64_t first_row, const torch::Tensor& rows) = 0;
  // The weight as a full tensor of `dtype` (for writing checkpoints and merging).
  virtual torch::Tensor dequantized_weight(torch::ScalarType dtype) const = 0;
  // Bytes this weight occupies.
  virtual std::int64_t stored_bytes() const = 0;
};

}  // namespace lacos
