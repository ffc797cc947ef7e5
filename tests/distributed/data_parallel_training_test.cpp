// The data-parallel training path against one process: with global in-batch negatives, R ranks
// with B/R pairs each give the loss and adapter gradients of one rank with B (within 1e-5), the
// trainer keeps every rank's adapter identical and equal to the one-rank trainer's, and a
// checkpoint written by one rank continues on R ranks as if never stopped.
#include "dist_test_support.h"
#include "distributed/gradient_sync.h"
#include "embed/sentence_encoder.h"
#include "lora/apply_lora.h"
#include "test_support.h"
#include "train/mnr_step.h"
#include "train/trainer.h"

namespace lacos {
namespace {

using test::world;

constexpr std::int64_t kMaxLength = 16;

// tiny-bloom-a with rank-4 adapters holding seeded random non-zero values, no dropout (dropout
// masks depend on which rank draws them, so only dropout-free runs can agree exactly).
SentenceEncoder encoder_with_adapters(std::uint64_t seed) {
  EncoderOptions options;
  options.max_length = kMaxLength;
  SentenceEncoder encoder = SentenceEncoder::from_folder(test::fixture("tiny-bloom-a"), {}, options);
  LoraConfig lora;
  lora.r = 4;
  torch::manual_seed(seed);
  apply_lora(*encoder.model(), lora);
  for (auto& [name, parameter] : trainable_parameters(*encoder.model())) {
    torch::NoGradGuard no_grad;
    parameter.normal_(0, 0.05);
  }
  return encoder;
}

std::vector<TextPair> training_pairs(int count) {
  std::vector<TextPair> pairs;
  const char* subjects[] = {"A man", "Two women", "A child", "The dog", "An old farmer", "Some students"};
  const char* actions[] = {"plays guitar", "reads a book", "rides a bike", "cooks dinner", "paints a wall"};
  for (int i = 0; i < count; ++i) {
    const std::string subject = subjects[i % 6], action = actions[(i * 7) % 5];
    pairs.push_back({subject + " " + action + " " + std::to_string(i),
                     "Someone " + action + " nearby " + std::to_string(i),
                     subject + " sleeps at home " + std::to_string(i)});
  }
  return pairs;
}

PairBatch tokenized(const SentenceEncoder& encoder, const std::vector<TextPair>& pairs, std::size_t first,
                    std::size_t count, bool negatives) {
  PairBatch batch;
  const auto ids = [&](const std::string& text) {
    TokenIds tokens = encoder.tokenizer().encode(text);
    if (static_cast<std::int64_t>(tokens.size()) > kMaxLength) tokens.resize(kMaxLength);
    return tokens;
  };
  for (std::size_t i = first; i < first + count; ++i) {
    batch.anchors.push_back(ids(pairs[i].anchor));
    batch.positives.push_back(ids(pairs[i].positive));
    if (negatives) batch.negatives.push_back(ids(pairs[i].negative));
  }
  return batch;
}

struct LossAndGradients {
  double loss = 0;
  std::vector<torch::Tensor> gradients;
};

LossAndGradients step(SentenceEncoder& encoder, const PairBatch& batch, MnrOptions mnr, std::int64_t mini_batch,
                      Communicator& communicator) {
  auto parameters = trainable_parameters(*encoder.model());
  for (auto& [name, parameter] : parameters) parameter.mutable_grad() = torch::Tensor();
  SiameseEncoder siamese(encoder.model(), Pooling::Mean, encoder.pad_id(), kMaxLength);
  mnr.global_batch = &communicator;
  const torch::Tensor loss =
      mini_batch > 0 ? cached_mnr_backward(siamese, batch, mnr, mini_batch) : mnr_backward(siamese, batch, mnr);
  GradientSync(communicator, parameters).average_gradients();
  torch::Tensor total = loss.to(torch::kFloat64).reshape({1}).contiguous();
  communicator.all_reduce_sum_(total);
  LossAndGradients out;
  out.loss = total.item<double>() / communicator.size();
  for (auto& [name, parameter] : parameters) out.gradients.push_back(parameter.grad().clone());
  return out;
}

struct Variant {
  bool symmetric;
  bool hard_negatives;
  std::int64_t mini_batch;  // GradCache when > 0
};

class GlobalBatch : public ::testing::TestWithParam<Variant> {};

TEST_P(GlobalBatch, RanksWithSlicesEqualOneRankWithTheWholeBatch) {
  Communicator& c = world();
  const Variant variant = GetParam();
  constexpr std::size_t kBatch = 8;
  if (kBatch % static_cast<std::size_t>(c.size()) != 0) GTEST_SKIP() << "batch does not divide among the ranks";
  const std::vector<TextPair> pairs = training_pairs(kBatch);
  SentenceEncoder encoder = encoder_with_adapters(/*seed=*/3);
  encoder.model()->train();
  MnrOptions mnr;
  mnr.symmetric = variant.symmetric;
  SingleProcessCommunicator alone;
  const LossAndGradients reference =
      step(encoder, tokenized(encoder, pairs, 0, kBatch, variant.hard_negatives), mnr, variant.mini_batch, alone);
  const std::size_t rows = kBatch / static_cast<std::size_t>(c.size());
  const LossAndGradients parallel =
      step(encoder, tokenized(encoder, pairs, rows * static_cast<std::size_t>(c.rank()), rows, variant.hard_negatives),
           mnr, variant.mini_batch, c);
  EXPECT_NEAR(parallel.loss, reference.loss, 1e-5);
  ASSERT_EQ(parallel.gradients.size(), reference.gradients.size());
  double worst = 0;
  for (std::size_t i = 0; i < reference.gradients.size(); ++i) {
    worst = std::max(worst, (parallel.gradients[i] - reference.gradients[i]).abs().max().item<double>());
  }
  EXPECT_LT(worst, 1e-5) << "largest gradient difference";
  EXPECT_GT(reference.gradients[0].abs().max().item<double>(), 1e-4);  // a real gradient, not zeros
}

INSTANTIATE_TEST_SUITE_P(Variants, GlobalBatch,
                         ::testing::Values(Variant{false, false, 0}, Variant{true, false, 0}, Variant{false, true, 0},
                                           Variant{true, true, 3}));

TrainerOptions trainer_options(std::int64_t steps) {
  TrainerOptions options;
  options.steps = steps;
  options.learning_rate = 5e-3;
  options.batching.batch_size = 8;
  options.batching.shuffle = true;
  options.batching.seed = 4;
  options.max_grad_norm = 1.0;
  options.progress = false;
  options.checkpoint_every = 3;
  options.dist.check_every = 2;
  options.optimizer = AdamOptions::from_name("adamw8bit", "optim.name");
  options.optimizer.min_8bit_size = 0;
  return options;
}

std::vector<torch::Tensor> adapter_of(SentenceEncoder& encoder) {
  std::vector<torch::Tensor> values;
  for (auto& [name, parameter] : trainable_parameters(*encoder.model())) values.push_back(parameter.detach().clone());
  return values;
}

double largest_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
  return worst;
}

TEST(DataParallelTrainer, MatchesOneRankAndResumesAcrossWorldSizes) {
  Communicator& c = world();
  const std::vector<TextPair> pairs = training_pairs(24);
  StsSet eval;
  eval.name = "tiny";
  eval.pairs = {{"A man plays guitar.", "Someone plays music.", 4.0},
                {"A dog runs.", "A cat sleeps.", 1.0},
                {"Two kids read.", "Children are reading.", 4.5},
                {"Rain falls.", "The stock market fell.", 0.5},
                {"A woman cooks.", "Dinner is being made.", 3.8}};
  constexpr std::int64_t kSteps = 6;

  // One rank, the whole batch: the reference, and its checkpoint after 3 steps.
  SentenceEncoder alone = encoder_with_adapters(/*seed=*/9);
  std::optional<TrainingCheckpoint> halfway;
  Trainer reference(alone, pairs, EvalSuite::of_files({eval}), trainer_options(kSteps));
  const TrainResult expected =
      reference.run({}, {}, [&](const TrainingCheckpoint& checkpoint, const CheckpointReason&) {
        if (checkpoint.steps_completed == 3) halfway = checkpoint;
      });
  ASSERT_TRUE(halfway.has_value());

  // All ranks, a slice each: the same losses, adapter and scores.
  SentenceEncoder parallel = encoder_with_adapters(/*seed=*/9);
  TrainerOptions options = trainer_options(kSteps);
  options.communicator = &c;
  std::optional<TrainingCheckpoint> parallel_checkpoint;
  Trainer trainer(parallel, pairs, EvalSuite::of_files({eval}), options);
  const TrainResult result = trainer.run(
      {}, {}, [&](const TrainingCheckpoint& checkpoint, const CheckpointReason&) { parallel_checkpoint = checkpoint; });
  ASSERT_EQ(result.steps.size(), expected.steps.size());
  for (std::size_t i = 0; i < result.steps.size(); ++i) {
    EXPECT_NEAR(result.steps[i].loss, expected.steps[i].loss, 1e-5) << "step " << i;
    EXPECT_EQ(result.steps[i].tokens, expected.steps[i].tokens) << "step " << i;
  }
  EXPECT_LT(largest_difference(adapter_of(parallel), adapter_of(alone)), 1e-5);
  ASSERT_EQ(result.evals.size(), 1u);
  EXPECT_NEAR(result.evals[0].results[0].spearman, expected.evals[0].results[0].spearman, 1e-3);
  ASSERT_TRUE(parallel_checkpoint.has_value());
  EXPECT_EQ(parallel_checkpoint->other_rank_rng_states.size(), static_cast<std::size_t>(c.size() - 1));

  // Every rank holds the same bits.
  std::vector<std::int64_t> sums;
  for (const torch::Tensor& value : adapter_of(parallel)) sums.push_back(bit_checksum(value));
  const torch::Tensor all = c.all_gather(torch::tensor(sums)).view({c.size(), -1});
  for (int r = 1; r < c.size(); ++r) EXPECT_TRUE(torch::equal(all[r], all[0])) << "rank " << r;

  // The one-rank checkpoint continued on all ranks ends where the uninterrupted run did.
  SentenceEncoder resumed = encoder_with_adapters(/*seed=*/123);  // other weights: the checkpoint must set them
  Trainer continuation(resumed, pairs, EvalSuite::of_files({eval}), options);
  continuation.resume_from(*halfway);
  const TrainResult rest = continuation.run();
  ASSERT_EQ(rest.first_step, 3);
  ASSERT_EQ(rest.steps.size(), 3u);
  EXPECT_NEAR(rest.steps.back().loss, expected.steps.back().loss, 1e-5);
  EXPECT_LT(largest_difference(adapter_of(resumed), adapter_of(alone)), 1e-5);
}

TEST(DataParallelTrainer, BatchThatDoesNotDivideIsRefused) {
  Communicator& c = world();
  if (!c.distributed()) GTEST_SKIP() << "needs several ranks";
  SentenceEncoder encoder = encoder_with_adapters(/*seed=*/1);
  TrainerOptions options = trainer_options(1);
  options.batching.batch_size = 2 * c.size() + 1;
  options.communicator = &c;
  Trainer trainer(encoder, training_pairs(16), EvalSuite(), options);
  EXPECT_ERROR_CONTAINS(trainer.run(), "does not divide among");
}

}  // namespace
}  // namespace lacos
