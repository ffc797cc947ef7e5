// Token id lists -> padded model inputs.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lacos {

enum class PaddingSide { Right, Left };
PaddingSide parse_padding_side(const std::string& name, const std::string& key = "--padding-side");

struct TokenBatch {
  torch::Tensor input_ids;       // int64 [B, L]
  torch::Tensor attention_mask;  // int64 [B, L], 1 = real token
};

// Pads to the longest sequence with `pad_id` on `side`; sequences longer than `max_length` are
// truncated to their first max_length tokens (max_length <= 0: no truncation).
TokenBatch make_token_batch(const std::vector<std::vector<std::int32_t>>& sequences, std::int64_t pad_id,
                            PaddingSide side, std::int64_t max_length);

}  // namespace lacos
