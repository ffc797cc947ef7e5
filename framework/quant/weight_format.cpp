#include "quant/weight_format.h"

#include "core/error.h"

namespace lacos {

const char* const kDefaultInt8Layout = "int8-block64";

WeightFormat WeightFormat::parse(const std::string& text, const std::string& key) {
  if (text == "float") return {};
  if (text == "int8") return parse(kDefaultInt8Layout, key);
  if (text == "int8-rowwise") return {true, 0};
  const std::string prefix = "int8-block";
  if (text.rfind(prefix, 0) == 0) {
    const std::string digits = text.substr(prefix.size());
    std::int64_t block = 0;
    try {
      std::size_t used = 0;
      block = std::stoll(digits, &used);
      if (used != digits.size()) block = 0;
    } catch (const std::exception&) {
      block = 0;
    }
    if (block >= 64 && block <= 4096 && (block & (block - 1)) == 0) return {true, block};
    fail("{}: block size in '{}' must be a power of two from 64 to 4096", key, text);
  }
  fail("{}: unknown weight format '{}' (expected float, int8, int8-rowwise or int8-block64 ... int8-block4096)", key,
       text);
}

std::string WeightFormat::name() const {
  if (!int8) return "float";
  return block_size == 0 ? "int8-rowwise" : "int8-block" + std::to_string(block_size);
}

}  // namespace lacos
