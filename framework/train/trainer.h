// The LoRA + MNR trainer, top to bottom:
//   for each step s: take batch s of the epoch's order, tokenize, embed anchors and positives
//   (and hard negatives) in one forward, MNR loss, backward (directly or with GradCache), clip,
//   optimizer step at lr(s), clear gradients; evaluate every N steps and at the end.
// Data parallel (a communicator of several ranks): the batch is the global one; rank r takes its
// r-th slice, all ranks start from rank 0's adapter, gradients are averaged before clipping, so
// every rank applies the same update; evaluation is sharded over the ranks.
#pragma once

#include "data/pair_batcher.h"
#include "data/sts_file.h"
#include "distributed/communicator.h"
#include "distributed/dist_options.h"
#include "embed/sentence_encoder.h"
#include "eval/eval_suite.h"
#include "optim/adam.h"
#include "train/lr_schedule.h"
#include "train/mnr_loss.h"
#include "train/siamese_encoder.h"
#include "train/training_checkpoint.h"

#include <atomic>

#include <functional>
#include <optional>
#include <vector>

namespace lacos {

struct TrainerOptions {
  std::int64_t steps = 400;
  double learning_rate = 1e-3;
  LrSchedule schedule;          // total_steps is taken from `steps`
  double max_grad_norm = 0.0;   // 0: no clipping
  std::int64_t eval_every = 0;  // 0: evaluate at the end only
  // Steps that log (read loss, gradient norm and skip flag back from the device, the step's one
  // host synchronisation) are those with step % log_every == 0, and the last.
  std::int64_t log_every = 1;
  std::int64_t mini_batch_size = 0;  // > 0: GradCache with mini-batches of this many sentences
  bool use_hard_negatives = false;
  MnrOptions mnr;
  AdamOptions optimizer;
  BatchingOptions batching;
  bool progress = true;
  std::int64_t checkpoint_every = 0;  // 0: checkpoints only at the end and when stopped
  // Set (e.g. by a signal handler) to stop after the current step, with a checkpoint.
  const std::atomic<bool>* stop_requested = nullptr;
  // Data parallelism: null or a world of one trains alone.
  Communicator* communicator = nullptr;
  DistOptions dist;
};

// Why the trainer hands out a checkpoint: on schedule (or at the end, or when stopped), and/or
// because an evaluation just ran at this step (so a caller can keep the best one).
struct CheckpointReason {
  bool scheduled = false;
  bool evaluated = false;
};

struct StepRecord {
  std::int64_t step = 0;
  double loss = 0.0;  // of the global batch (mean over ranks)
  double learning_rate = 0.0;
  double grad_norm = 0.0;
  bool skipped = false;     // non-finite gradient: no update
  std::int64_t tokens = 0;  // all ranks together
  double seconds = 0.0;     // per step, averaged over the steps since the previous logged one
};

struct EvalRecord {
  std::int64_t step = 0;
  std::vector<StsResult> results;
  std::vector<BitextResult> bitext;
};

struct TrainResult {
  std::vector<StepRecord> steps;  // the logged steps (TrainerOptions::log_every)
  std::int64_t steps_run = 0;     // steps taken by this run() (from first_step on)
  std::vector<EvalRecord> evals;
  double train_seconds = 0.0;
  double tokens_per_second = 0.0;  // all ranks together
  // Peak tensor memory of the model's device during training, model included: on CUDA the caching
  // allocator's peak allocated bytes, on the CPU the tracking allocator's (core/device_memory.h).
  std::int64_t peak_memory_bytes = 0;
  std::int64_t skipped_steps = 0;
  std::int64_t optimizer_state_bytes = 0;
  double optimizer_fraction_8bit = 0.0;
  std::int64_t first_step = 0;  // > 0 when resumed from a checkpoint
  bool interrupted = false;     // stopped early on request, after writing a checkpoint
};

class Trainer {
 public:
  // `encoder`'s model must carry LoRA adapters (apply_lora); its tokenizer, pooling and
  // max_length are used for training too. `train` pairs are used as given.
  Trainer(SentenceEncoder& encoder, std::vector<TextPair> train, EvalSuite eval_sets, TrainerOptions options);

  // Continue from a checkpoint instead of step 0 (call before run()).
  void resume_from(TrainingCheckpoint checkpoint);

  TrainResult run(const std::function<void(const StepRecord&)>& on_step = {},
                  const std::function<void(const EvalRecord&)>& on_eval = {},
                  const std::function<void(const TrainingCheckpoint&, const CheckpointReason&)>& on_checkpoint = {});

 private:
  EvalRecord evaluate(std::int64_t step);
  // Rows [first_row, first_row + rows) of a global batch, tokenized: this rank's slice.
  PairBatch local_batch(const std::vector<std::size_t>& global_batch, std::size_t first_row, std::size_t rows) const;

  SentenceEncoder& encoder_;
  std::vector<TextPair> train_;
  EvalSuite eval_sets_;
  TrainerOptions options_;
  std::optional<TrainingCheckpoint> resume_;
};

// Drops training pairs with a text that also occurs in an evaluation set; returns how many.
std::size_t remove_evaluation_overlap(std::vector<TextPair>& pairs, const EvalSuite& eval_sets);

}  // namespace lacos
