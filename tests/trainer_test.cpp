// Training data, schedules, activation checkpointing and the trainer's repeatability.
#include "train/trainer.h"
#include "core/cpu_memory.h"
#include "core/host_sync.h"
#include "data/pair_batcher.h"
#include "data/text_pairs.h"
#include "io/gzip.h"
#include "lora/apply_lora.h"
#include "model/checkpoint_loader.h"
#include "test_support.h"
#include "train/lr_schedule.h"

#include <set>

namespace lacos {
namespace {

namespace fs = std::filesystem;

TEST(TrainingData, ReadsGzipPairsAndCountsMalformedLines) {
  test::TempDir dir;
  write_gzip_file(dir / "pairs.tsv.gz", "a1\tp1\nmalformed line\na2\tp2\tn2\n\t\nx\ty\tz\tw\n");
  const PairSet set = read_pair_tsv(dir / "pairs.tsv.gz");
  ASSERT_EQ(set.pairs.size(), 2u);
  EXPECT_EQ(set.pairs[1].negative, "n2");
  EXPECT_EQ(set.malformed, 3u);
  test::write_bytes(dir / "broken.tsv.gz", "\x1f\x8b not really gzip");
  EXPECT_ERROR_CONTAINS(read_pair_tsv(dir / "broken.tsv.gz"), "broken.tsv.gz: not valid gzip data");
  test::write_bytes(dir / "empty.tsv", "");
  EXPECT_ERROR_CONTAINS(read_pair_tsv(dir / "empty.tsv"), "empty.tsv: no training pairs");
  EXPECT_ERROR_CONTAINS(read_pair_tsv(dir / "missing.tsv"), "missing.tsv: cannot open");
}

std::vector<TextPair> numbered_pairs(int count) {
  std::vector<TextPair> pairs;
  for (int i = 0; i < count; ++i) pairs.push_back({"a" + std::to_string(i % 7), "p" + std::to_string(i), ""});
  return pairs;
}

TEST(PairBatcher, FileOrderShuffleAndNoDuplicates) {
  const auto pairs = numbered_pairs(20);
  BatchingOptions options;
  options.batch_size = 4;
  const auto ordered = epoch_batches(pairs, options, 0);
  ASSERT_EQ(ordered.size(), 5u);
  EXPECT_EQ(ordered[1], (std::vector<std::size_t>{4, 5, 6, 7}));  // batch s = rows [4s, 4s + 4)

  options.shuffle = true;
  options.seed = 9;
  EXPECT_EQ(epoch_batches(pairs, options, 0), epoch_batches(pairs, options, 0));  // same seed, same order
  EXPECT_NE(epoch_batches(pairs, options, 0), epoch_batches(pairs, options, 1));  // a new order each epoch

  options.no_duplicates = true;
  options.batch_size = 7;
  std::set<std::size_t> seen;
  for (const auto& batch : epoch_batches(pairs, options, 0)) {
    std::set<std::string> anchors;
    for (std::size_t index : batch) {
      EXPECT_TRUE(anchors.insert(pairs[index].anchor).second) << "anchor twice in a batch";
      EXPECT_TRUE(seen.insert(index).second);
    }
  }
}

TEST(LrSchedule, ReferenceRecipeValues) {
  LrSchedule schedule;  // linear, as the reference: 1e-3 x min((s+1)/40, (400-s)/360)
  schedule.warmup_steps = 40;
  schedule.total_steps = 400;
  EXPECT_DOUBLE_EQ(schedule.factor(0), 1.0 / 40);
  EXPECT_DOUBLE_EQ(schedule.factor(38), 39.0 / 40);
  EXPECT_DOUBLE_EQ(schedule.factor(39), 1.0);
  EXPECT_DOUBLE_EQ(schedule.factor(40), 1.0);
  EXPECT_DOUBLE_EQ(schedule.factor(100), 300.0 / 360);
  EXPECT_DOUBLE_EQ(schedule.factor(399), 1.0 / 360);
  schedule.kind = LrSchedule::Kind::Cosine;
  EXPECT_DOUBLE_EQ(schedule.factor(40), 1.0);
  EXPECT_NEAR(schedule.factor(220), 0.5, 1e-12);
  EXPECT_NEAR(schedule.factor(400), 0.0, 1e-12);
  EXPECT_ERROR_CONTAINS(LrSchedule::parse_kind("step"), "unknown schedule 'step'");
}

TEST(TrainingData, EvaluationOverlapIsRemoved) {
  std::vector<TextPair> pairs = {{"a", "b", ""}, {"eval sentence", "c", ""}, {"d", "other eval", ""}, {"e", "f", ""}};
  StsSet set;
  set.pairs = {{"eval sentence", "other eval", 3.0}};
  EXPECT_EQ(remove_evaluation_overlap(pairs, EvalSuite::of_files({set})), 2u);
  EXPECT_EQ(pairs.size(), 2u);
}

TEST(ActivationCheckpointing, SameGradientsWithDropoutOn) {
  BloomModel model = test::tiny_bloom_with_dropout(0, {"query_key_value", "dense_4h_to_h"});
  const torch::Tensor ids = torch::tensor({{5, 6, 7, 8, 9, 10}, {11, 12, 13, 3, 3, 3}});
  const torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}});
  std::vector<torch::Tensor> grads[2];
  for (int checkpointing : {0, 1}) {
    model->set_activation_checkpointing(checkpointing == 1);
    torch::manual_seed(123);
    model->forward(ids, mask).pow(2).mean().backward();
    for (auto& [name, parameter] : trainable_parameters(*model)) {
      grads[checkpointing].push_back(parameter.grad().clone());
      parameter.mutable_grad() = torch::Tensor();
    }
  }
  ASSERT_EQ(grads[0].size(), 8u);
  for (std::size_t i = 0; i < grads[0].size(); ++i) {
    EXPECT_TRUE(torch::allclose(grads[0][i], grads[1][i], 1e-6, 1e-7)) << i;
    EXPECT_GT(grads[0][i].abs().sum().item<double>(), 0.0);
  }
}

TEST(CpuMemoryTracker, CountsAndSurvivesRawAllocationsOfBfloat16Matmuls) {
  // bfloat16 matmuls on the CPU allocate raw buffers, which need each DataPtr's context to be its
  // data pointer: the tracking allocator once failed LibTorch's internal assert there.
  CpuMemoryTracker& tracker = CpuMemoryTracker::instance();
  const std::int64_t before = tracker.current_bytes();
  {
    const torch::Tensor a = torch::randn({64, 96}).to(torch::kBFloat16);
    const torch::Tensor product = torch::matmul(a, a.t());
    EXPECT_EQ(product.sizes(), (std::vector<std::int64_t>{64, 64}));
    EXPECT_GE(tracker.current_bytes() - before, 64 * 96 * 2 + 64 * 64 * 2);
  }
  EXPECT_EQ(tracker.current_bytes(), before);
}

// tiny-bloom-a (max_length 16) with seeded LoRA adapters whose dropout is 0.1.
SentenceEncoder tiny_encoder_with_lora() {
  EncoderOptions encoder_options;
  encoder_options.max_length = 16;
  SentenceEncoder encoder = SentenceEncoder::from_folder(test::fixture("tiny-bloom-a"), {}, encoder_options);
  LoraConfig lora;
  lora.dropout = 0.1;
  torch::manual_seed(5);
  apply_lora(*encoder.model(), lora);
  return encoder;
}

TEST(Trainer, SeededCpuRunsRepeatAndLearn) {
  std::vector<TextPair> pairs;
  for (int i = 0; i < 8; ++i) {  // one batch, seen every step: the loss must fall
    pairs.push_back({"A man plays guitar number " + std::to_string(i), "Someone plays music " + std::to_string(i), ""});
  }
  StsSet eval;
  eval.name = "tiny";
  eval.pairs = {{"A man plays guitar.", "Someone plays music.", 4.0},
                {"A dog runs.", "A cat sleeps.", 1.0},
                {"Two kids read.", "Children are reading.", 4.5},
                {"Rain falls.", "The stock market fell.", 0.5}};
  std::vector<torch::Tensor> adapters[2];
  std::vector<double> losses[2];
  for (int run = 0; run < 2; ++run) {
    SentenceEncoder encoder = tiny_encoder_with_lora();
    TrainerOptions options;
    options.steps = 8;
    options.learning_rate = 5e-3;
    options.batching.batch_size = 8;
    options.batching.shuffle = true;
    options.batching.seed = 1;
    options.max_grad_norm = 1.0;
    options.progress = false;
    Trainer trainer(encoder, pairs, EvalSuite::of_files({eval}), options);
    const TrainResult result = trainer.run();
    ASSERT_EQ(result.steps.size(), 8u);
    ASSERT_EQ(result.evals.size(), 1u);
    EXPECT_GT(result.tokens_per_second, 0.0);
    EXPECT_GT(result.peak_memory_bytes, 0);
    for (const auto& step : result.steps) losses[run].push_back(step.loss);
    for (auto& [name, parameter] : trainable_parameters(*encoder.model()))
      adapters[run].push_back(parameter.detach().clone());
  }
  EXPECT_EQ(losses[0], losses[1]);
  for (std::size_t i = 0; i < adapters[0].size(); ++i) EXPECT_TRUE(torch::equal(adapters[0][i], adapters[1][i]));
  EXPECT_LT(losses[0].back(), 0.8 * losses[0].front());
}

// The host reads nothing back from the device in a training step except on the steps that log:
// counted through LibTorch's operator observers (core/host_sync.h), so it is checked on the CPU.
// With log_every = 1 every step reads the same few values (K reads); with log_every = 4 the
// reads between two logged steps must still be K, not 4 K. 8-bit Adam with one tensor above its
// 8-bit threshold, clipping on, GradCache on: the default recipe's paths all run.
TEST(Trainer, StepsThatDoNotLogReadNothingFromTheDevice) {
  std::vector<TextPair> pairs;
  for (int i = 0; i < 16; ++i)
    pairs.push_back({"A man plays guitar number " + std::to_string(i), "Music " + std::to_string(i), ""});
  const auto reads_between_logged_steps = [&](std::int64_t log_every, std::int64_t mini_batch) {
    SentenceEncoder encoder = tiny_encoder_with_lora();
    TrainerOptions options;
    options.steps = 9;
    options.log_every = log_every;
    options.mini_batch_size = mini_batch;
    options.batching.batch_size = 4;
    options.max_grad_norm = 1.0;
    options.progress = false;
    options.optimizer = AdamOptions::from_name("adamw8bit");
    options.optimizer.min_8bit_size = 64;  // the tiny adapters' larger tensors get 8-bit state
    Trainer trainer(encoder, pairs, EvalSuite(), options);
    HostReadCounter counter;
    std::vector<std::int64_t> at_logged_steps;
    const TrainResult result = trainer.run([&](const StepRecord&) { at_logged_steps.push_back(counter.count()); });
    EXPECT_EQ(result.steps_run, 9);
    EXPECT_EQ(static_cast<std::int64_t>(result.steps.size()), 1 + 8 / log_every);
    std::vector<std::int64_t> between;
    for (std::size_t i = 1; i < at_logged_steps.size(); ++i)
      between.push_back(at_logged_steps[i] - at_logged_steps[i - 1]);
    return between;
  };
  for (std::int64_t mini_batch : {0, 4}) {
    const std::vector<std::int64_t> every = reads_between_logged_steps(1, mini_batch);
    ASSERT_EQ(every.size(), 8u);
    const std::int64_t per_logged_step = every.front();
    EXPECT_GT(per_logged_step, 0) << "the counter sees nothing: the test could not fail";
    for (std::int64_t reads : every) EXPECT_EQ(reads, per_logged_step) << "mini-batch " << mini_batch;
    const std::vector<std::int64_t> sparse = reads_between_logged_steps(4, mini_batch);
    ASSERT_EQ(sparse.size(), 2u);
    std::printf(
        "[host reads] mini-batch %lld: %lld per logged step; %lld and %lld from one logged step to the next "
        "4 steps later\n",
        static_cast<long long>(mini_batch), static_cast<long long>(per_logged_step), static_cast<long long>(sparse[0]),
        static_cast<long long>(sparse[1]));
    for (std::int64_t reads : sparse) {
      EXPECT_EQ(reads, per_logged_step) << "steps that do not log read from the device (mini-batch " << mini_batch
                                        << ")";
    }
  }
}

TEST(HostReadCounter, CountsScalarReadsAndDataSizedOutputs) {
  HostReadCounter counter;
  const torch::Tensor x = torch::arange(6);
  EXPECT_EQ(counter.count(), 0);
  (void)x.sum().item<std::int64_t>();
  (void)x.nonzero();
  EXPECT_EQ(counter.count(), 2) << counter.by_operator().size();
  EXPECT_EQ(counter.by_operator().at("aten::nonzero"), 1);
}

}  // namespace
}  // namespace lacos
