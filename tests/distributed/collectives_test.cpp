// The communicator's collectives, the gather whose backward reduces, and gradient averaging,
// checked on however many ranks the test runs with.
#include "dist_test_support.h"
#include "distributed/all_gather_autograd.h"
#include "distributed/gradient_sync.h"
#include "distributed/make_communicator.h"
#include "distributed/mpi_communicator.h"
#include "distributed/rank_agreement.h"
#include "test_support.h"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

namespace lacos {
namespace {

using test::world;

TEST(Collectives, ReduceGatherBroadcastAndText) {
  Communicator& c = world();
  const int r = c.rank(), n = c.size();
  torch::Tensor sum = torch::full({5}, static_cast<float>(r + 1));
  c.all_reduce_sum_(sum);
  EXPECT_TRUE(torch::equal(sum, torch::full({5}, n * (n + 1) / 2.0f)));

  torch::Tensor wide = torch::full({3}, static_cast<double>(r), torch::kFloat64);
  c.all_reduce_sum_(wide);
  EXPECT_DOUBLE_EQ(wide[0].item<double>(), n * (n - 1) / 2.0);

  torch::Tensor half = torch::full({4}, 1.5, torch::kBFloat16);  // no MPI type: summed in float32
  c.all_reduce_sum_(half);
  EXPECT_FLOAT_EQ(half[0].item<float>(), 1.5f * n);

  const torch::Tensor gathered = c.all_gather(torch::full({2, 3}, static_cast<float>(r)));
  ASSERT_EQ(gathered.sizes(), (std::vector<std::int64_t>{2 * n, 3}));
  for (int k = 0; k < n; ++k) EXPECT_EQ(gathered[2 * k + 1][2].item<float>(), static_cast<float>(k));

  torch::Tensor value = torch::full({4}, static_cast<std::int64_t>(10 + r), torch::kInt64);
  c.broadcast_(value, /*root=*/n - 1);
  EXPECT_EQ(value[3].item<std::int64_t>(), 10 + n - 1);

  EXPECT_EQ(c.broadcast_text(r == 0 ? std::string("from rank 0\n\0x", 14) : "", 0),
            std::string("from rank 0\n\0x", 14));
  EXPECT_EQ(c.broadcast_text("", 0), "");  // nothing to send (no null-pointer memcpy either)
  EXPECT_EQ(c.all_gather_text("").size(), static_cast<std::size_t>(n));
  const std::vector<std::string> texts = c.all_gather_text(std::string(static_cast<std::size_t>(r * 3), 'a'));
  ASSERT_EQ(texts.size(), static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) EXPECT_EQ(texts[static_cast<std::size_t>(k)].size(), static_cast<std::size_t>(3 * k));
  EXPECT_TRUE(c.any(r == n - 1));
  EXPECT_FALSE(c.any(false));
  c.barrier();
}

TEST(Collectives, GatherBackwardSumsOverRanksAndSlices) {
  Communicator& c = world();
  const int r = c.rank(), n = c.size();
  const torch::Tensor local = torch::full({2, 3}, static_cast<float>(r + 1)).requires_grad_(true);
  const torch::Tensor all = all_gather_with_grad(c, local);
  ASSERT_EQ(all.size(0), 2 * n);
  // The same weights on every rank: each rank's loss has gradient `weights` w.r.t. `all`, and the
  // sum over ranks reaches each rank's slice.
  const torch::Tensor weights = torch::arange(6 * n, torch::kFloat32).view({2 * n, 3});
  (all * weights).sum().backward();
  EXPECT_TRUE(torch::allclose(local.grad(), weights.narrow(0, 2 * r, 2) * n));
}

TEST(GradientSync, BucketsAverageAndMissingGradients) {
  EXPECT_EQ(plan_buckets({10, 10, 10}, 4, 1 << 20).size(), 1u);
  EXPECT_EQ(plan_buckets({10, 10, 10}, 4, 80), (std::vector<std::vector<std::size_t>>{{0, 1}, {2}}));
  EXPECT_EQ(plan_buckets({100, 1}, 4, 80),
            (std::vector<std::vector<std::size_t>>{{0}, {1}}));  // larger than the cap: alone

  Communicator& c = world();
  const int r = c.rank(), n = c.size();
  std::vector<std::pair<std::string, torch::Tensor>> parameters = {
      {"a", torch::zeros({4, 3}).requires_grad_(true)},
      {"b", torch::zeros({7}).requires_grad_(true)},
      {"c", torch::zeros({2}, torch::kFloat64).requires_grad_(true)}};
  GradientSync sync(c, parameters, /*bucket_bytes=*/48);
  EXPECT_EQ(sync.bucket_count(), 3u);  // a alone (48 bytes), b (28) and c (its own dtype)
  EXPECT_EQ(sync.bytes_per_step(), 12 * 4 + 7 * 4 + 2 * 8);
  parameters[0].second.mutable_grad() = torch::full({4, 3}, static_cast<float>(r + 1));
  if (r == 0) parameters[1].second.mutable_grad() = torch::full({7}, 2.0f * n);  // absent on the other ranks
  parameters[2].second.mutable_grad() = torch::full({2}, static_cast<double>(r), torch::kFloat64);
  sync.average_gradients();
  EXPECT_TRUE(torch::allclose(parameters[0].second.grad(), torch::full({4, 3}, (n + 1) / 2.0f)));
  EXPECT_TRUE(torch::allclose(parameters[1].second.grad(), torch::full({7}, 2.0f)));
  EXPECT_DOUBLE_EQ(parameters[2].second.grad()[1].item<double>(), (n - 1) / 2.0);
}

TEST(GradientSync, BroadcastEqualisesAndChecksumCatchesDivergence) {
  Communicator& c = world();
  torch::manual_seed(100 + static_cast<std::uint64_t>(c.rank()));  // different on every rank
  std::vector<std::pair<std::string, torch::Tensor>> parameters = {{"lora_A", torch::randn({8, 16})},
                                                                   {"lora_B", torch::randn({16, 8})}};
  GradientSync sync(c, parameters);
  sync.broadcast_parameters();
  EXPECT_NO_THROW(sync.check_identical(1));
  const std::vector<std::int64_t> mine = {bit_checksum(parameters[1].second)};
  const torch::Tensor all = c.all_gather(torch::tensor(mine));
  EXPECT_EQ(all.min().item<std::int64_t>(), all.max().item<std::int64_t>());
  if (!c.distributed()) return;
  if (c.rank() == c.size() - 1) {
    torch::NoGradGuard no_grad;
    parameters[1].second[3][5].add_(1e-6);  // one element, a few bits
  }
  try {
    sync.check_identical(7);
    ADD_FAILURE() << "divergence not detected";
  } catch (const DistributedError& e) {
    EXPECT_NE(std::string(e.what()).find("after step 7 the adapter on rank"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'lora_B'"), std::string::npos) << e.what();
  }
}

TEST(RankAgreement, SameTextPassesDifferentTextNamesTheLine) {
  Communicator& c = world();
  EXPECT_NO_THROW(require_same_on_all_ranks(c, "a: 1\nb: 2\n", "resolved configuration"));
  if (!c.distributed()) return;
  const std::string mine = c.rank() == 0 ? "a: 1\nb: 2\n" : "a: 1\nb: 3\n";
  EXPECT_ERROR_CONTAINS(require_same_on_all_ranks(c, mine, "resolved configuration"),
                        "line 2 is 'b: 2' on rank 0 but 'b: 3' on rank 1");
}

// The shared bounded wait: an error thrown while polling (as NCCL's state check throws) runs the
// give-up action first (NCCL: abort the communicator) and comes out as a DistributedError; one
// forced collective runs even in a world of one (dist.force_collectives).
class WaitProbe : public MpiCommunicator {
 public:
  using MpiCommunicator::MpiCommunicator;
  using MpiCommunicator::wait;
};

TEST(Collectives, WaitGivesUpBeforeReportingAPollingError) {
  WaitProbe probe(CollectiveOptions{/*timeout_seconds=*/5, nullptr, /*force=*/true});
  EXPECT_TRUE(probe.distributed());
  int gave_up = 0;
  try {
    probe.wait(
        "probe", []() -> bool { fail("the device said no"); }, [&] { ++gave_up; });
    FAIL() << "no error";
  } catch (const DistributedError& error) {
    EXPECT_NE(std::string(error.what()).find("probe: the device said no"), std::string::npos) << error.what();
  }
  EXPECT_EQ(gave_up, 1);
  int polls = 0;
  probe.wait("probe", [&] { return ++polls == 3; });
  EXPECT_EQ(polls, 3);
  torch::Tensor ones = torch::ones({3});
  probe.all_reduce_sum_(ones);  // forced: a real MPI all-reduce, even alone
  EXPECT_FLOAT_EQ(ones[0].item<float>(), static_cast<float>(probe.size()));
}

TEST(Collectives, AStopWaitsItsGraceForABusyRankThenGivesUp) {
  std::atomic<bool> stop{true};  // as after SIGTERM
  CollectiveOptions options{/*timeout_seconds=*/30, &stop, /*force=*/true};
  options.stop_grace_seconds = 0.5;
  WaitProbe probe(options);
  // A rank that arrives within the grace (it was writing a checkpoint): the wait completes.
  const auto start = std::chrono::steady_clock::now();
  probe.wait("all-reduce", [&] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(200); });
  // One that never does: given up after the grace, naming what waited.
  try {
    probe.wait("all-reduce", [] { return false; });
    FAIL() << "no error";
  } catch (const DistributedError& error) {
    EXPECT_NE(std::string(error.what()).find("all-reduce: stopped by signal"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("dist.stop_grace_s = 0.5 s"), std::string::npos) << error.what();
  }
  // Under mpirun the grace stays within half the launcher's SIGKILL delay (1 s unless set).
  const auto saved = [](const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::optional<std::string>() : std::optional<std::string>(value);
  };
  const auto world = saved("OMPI_COMM_WORLD_SIZE"), kill = saved("OMPI_MCA_odls_base_sigkill_timeout");
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
  EXPECT_EQ(stop_grace_within_launcher(5.0), 5.0);
  ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  ::unsetenv("OMPI_MCA_odls_base_sigkill_timeout");
  EXPECT_EQ(stop_grace_within_launcher(5.0), 0.5);
  ::setenv("OMPI_MCA_odls_base_sigkill_timeout", "4", 1);
  EXPECT_EQ(stop_grace_within_launcher(5.0), 2.0);
  ::setenv("OMPI_MCA_odls_base_sigkill_timeout", "30", 1);
  EXPECT_EQ(stop_grace_within_launcher(5.0), 5.0);
  world ? ::setenv("OMPI_COMM_WORLD_SIZE", world->c_str(), 1) : ::unsetenv("OMPI_COMM_WORLD_SIZE");
  kill ? ::setenv("OMPI_MCA_odls_base_sigkill_timeout", kill->c_str(), 1)
       : ::unsetenv("OMPI_MCA_odls_base_sigkill_timeout");
}

// A collective given up on (a peer later than dist.timeout_s) keeps its buffer alive: MPI cannot
// cancel it, and the late peer still completes it, writing into this rank's memory. Rank 1 joins
// the all-reduce only after rank 0 has given up; under ASan a freed buffer is a use-after-free.
TEST(Collectives, AGivenUpCollectiveKeepsItsBufferForALatePeer) {
  Communicator& c = world();
  if (c.size() != 2) return;  // the distributed tests run on two ranks; a world of one has no peer
  // Rank 0 gives up after 0.5 s; rank 1 waits as long as it takes rank 0 to make progress again.
  WaitProbe late(CollectiveOptions{/*timeout_seconds=*/c.rank() == 0 ? 0.5 : 30.0, nullptr, /*force=*/false});
  if (c.rank() == 0) {
    const std::size_t kept_before = MpiCommunicator::abandoned_buffer_count();
    torch::Tensor buffer = torch::ones({1 << 16});
    const c10::Storage storage = buffer.storage();
    EXPECT_THROW(late.all_reduce_sum_(buffer), DistributedError);
    buffer.reset();
    EXPECT_EQ(MpiCommunicator::abandoned_buffer_count(), kept_before + 1);
    EXPECT_EQ(storage.use_count(), 2) << "the abandoned all-reduce's buffer was freed";
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    torch::Tensor buffer = torch::ones({1 << 16});
    late.all_reduce_sum_(buffer);  // completes the collective rank 0 gave up on
  }
  c.barrier();
}

}  // namespace
}  // namespace lacos
