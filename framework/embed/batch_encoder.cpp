#include "embed/batch_encoder.h"

#include "core/error.h"

namespace lacos {

PaddingSide parse_padding_side(const std::string& name, const std::string& key) {
  if (name == "right") return PaddingSide::Right;
  if (name == "left") return PaddingSide::Left;
  fail("{}: unknown padding side '{}' (expected right or left)", key, name);
}

TokenBatch make_token_batch(const std::vector<std::vector<std::int32_t>>& sequences, std::int64_t pad_id,
                            PaddingSide side, std::int64_t max_length) {
  const auto length_of = [&](const std::vector<std::int32_t>& ids) {
    const auto size = static_cast<std::int64_t>(ids.size());
    return max_length > 0 ? std::min(size, max_length) : size;
  };
  std::int64_t longest = 0;
  for (const auto& ids : sequences) longest = std::max(longest, length_of(ids));
  const auto batch = static_cast<std::int64_t>(sequences.size());
  TokenBatch out;
  out.input_ids = torch::full({batch, longest}, pad_id, torch::kInt64);
  out.attention_mask = torch::zeros({batch, longest}, torch::kInt64);
  auto ids_access = out.input_ids.accessor<std::int64_t, 2>();
  auto mask_access = out.attention_mask.accessor<std::int64_t, 2>();
  for (std::int64_t row = 0; row < batch; ++row) {
    const std::int64_t length = length_of(sequences[row]);
    const std::int64_t offset = side == PaddingSide::Left ? longest - length : 0;
    for (std::int64_t i = 0; i < length; ++i) {
      ids_access[row][offset + i] = sequences[row][i];
      mask_access[row][offset + i] = 1;
    }
  }
  return out;
}

}  // namespace lacos
