// How the frozen base model stores its weights.
//   float            the compute dtype (no quantization)
//   int8-rowwise     int8 codes, one float32 absmax per output row (bitsandbytes LLM.int8's layout)
//   int8-block<N>    int8 codes, one float32 absmax per N inputs of a row (N = 64 ... 4096, a power of two)
//   int8             the default int8 layout (see kDefaultInt8Layout below)
// Activations are never quantized: layers dequantize their weight into the compute dtype.
// The word-embedding table is int8 row-wise whenever the format is int8.
#pragma once

#include <cstdint>
#include <string>

namespace lacos {

struct WeightFormat {
  bool int8 = false;
  std::int64_t block_size = 0;  // 0: one scale per row

  static WeightFormat parse(const std::string& text, const std::string& key = "--base-weights");
  std::string name() const;
  bool operator==(const WeightFormat& other) const { return int8 == other.int8 && block_size == other.block_size; }
};

// Measured on lacos-tiny-4 / STS-B test (docs/quantization.md): the better of the two layouts.
extern const char* const kDefaultInt8Layout;

}  // namespace lacos
