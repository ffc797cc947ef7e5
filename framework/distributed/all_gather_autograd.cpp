#include "distributed/all_gather_autograd.h"

#include <cstdint>

namespace lacos {

namespace {

class AllGather : public torch::autograd::Function<AllGather> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& local,
                               std::int64_t communicator_address) {
    context->saved_data["communicator"] = communicator_address;
    context->saved_data["rows"] = local.size(0);
    return as_communicator(communicator_address).all_gather(local.detach());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    Communicator& communicator = as_communicator(context->saved_data["communicator"].toInt());
    const std::int64_t rows = context->saved_data["rows"].toInt();
    torch::Tensor total = gradients[0].contiguous().clone();
    communicator.all_reduce_sum_(total);
    return {total.narrow(0, communicator.rank() * rows, rows), torch::Tensor()};
  }

 private:
  static Communicator& as_communicator(std::int64_t address) {
    return *reinterpret_cast<Communicator*>(static_cast<std::intptr_t>(address));
  }
};

}  // namespace

torch::Tensor all_gather_with_grad(Communicator& communicator, const torch::Tensor& local) {
  if (!communicator.distributed()) return local;
  return AllGather::apply(local, static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(&communicator)));
}

}  // namespace lacos
