#include "model/block_checkpoint.h"

#include <ATen/Context.h>

namespace lacos {

namespace {

at::Generator generator_for(const torch::Device& device) {
  return at::globalContext().defaultGenerator(device.is_cuda() ? device : torch::Device(torch::kCPU));
}

torch::Tensor rng_state(at::Generator& generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_rng_state(at::Generator& generator, const torch::Tensor& state) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

class CheckpointedBlock : public torch::autograd::Function<CheckpointedBlock> {
 public:
  // The block travels as its address: autograd contexts hold IValues, and the block is owned by
  // the model, which outlives every graph built through it.
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& hidden,
                               const torch::Tensor& bias, std::int64_t block_address) {
    at::Generator generator = generator_for(hidden.device());
    context->saved_data["block"] = block_address;
    context->saved_data["rng"] = rng_state(generator);
    context->save_for_backward({hidden, bias});
    auto* block = reinterpret_cast<BloomBlockImpl*>(block_address);
    return block->forward(hidden, bias);  // autograd functions run forward without recording a graph
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = context->get_saved_variables();
    auto* block = reinterpret_cast<BloomBlockImpl*>(context->saved_data["block"].toInt());
    const torch::Tensor hidden = saved[0].detach().requires_grad_(true);
    at::Generator generator = generator_for(hidden.device());
    const torch::Tensor current = rng_state(generator);
    set_rng_state(generator, context->saved_data["rng"].toTensor());
    torch::Tensor output;
    {
      torch::AutoGradMode enable(true);
      output = block->forward(hidden, saved[1]);
    }
    set_rng_state(generator, current);
    torch::autograd::backward({output}, {grad_outputs[0]});
    return {hidden.grad(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor checkpointed_block_forward(BloomBlockImpl& block, const torch::Tensor& hidden,
                                         const torch::Tensor& bias) {
  return CheckpointedBlock::apply(hidden, bias, reinterpret_cast<std::int64_t>(&block));
}

}  // namespace lacos
