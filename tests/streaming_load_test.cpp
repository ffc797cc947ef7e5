// Loading streams: an int8 base is quantized slice by slice as the shards are read, so the tensor
// memory of a load never holds more than about one shard of full-precision weights beyond the
// loaded model (the property that keeps bloom-7b1 within ~9 GiB on the CPU, docs/performance.md).
#include "core/cpu_memory.h"
#include "model/checkpoint_loader.h"
#include "model/hf_folder_writer.h"
#include "model/random_init.h"
#include "test_support.h"

namespace lacos {
namespace {

namespace fs = std::filesystem;

struct LoadMemory {
  std::int64_t model_bytes = 0;  // tensor bytes the loaded model holds
  std::int64_t peak_bytes = 0;   // highest tensor bytes during the load
};

LoadMemory measure_load(const fs::path& folder, const WeightFormat& format) {
  CpuMemoryTracker& tracker = CpuMemoryTracker::instance();
  const std::int64_t before = tracker.current_bytes();
  tracker.reset_peak();
  ModelLoadOptions options;
  options.base_weights = format;
  BloomModel model = load_bloom(folder, options);
  return {tracker.current_bytes() - before, tracker.peak_bytes() - before};
}

TEST(StreamingLoad, Int8LoadHoldsAtMostAboutOneShardOfFullPrecisionWeights) {
  test::TempDir dir;
  CpuMemoryTracker::instance();  // installed before the model below exists
  const BloomConfig config = test::bloom_config(/*vocab_size=*/4096, /*hidden_size=*/256, /*layers=*/6, /*heads=*/4);
  {
    BloomModel source = make_random_bloom(config, torch::TensorOptions(), /*seed=*/1);
    HfFolderOptions options;
    options.max_shard_bytes = 4'500'000;  // float32: the embedding (4.2 MB) alone, then ~1.5 blocks per shard
    write_hf_folder(*source, dir / "model", options);
  }
  std::int64_t checkpoint_bytes = 0, largest_shard = 0, shards = 0;
  for (const fs::path& shard : checkpoint_files(dir / "model")) {
    const auto bytes = static_cast<std::int64_t>(fs::file_size(shard));
    checkpoint_bytes += bytes;
    largest_shard = std::max(largest_shard, bytes);
    ++shards;
  }
  ASSERT_GE(shards, 5);

  const LoadMemory int8 = measure_load(dir / "model", WeightFormat::parse("int8"));
  const LoadMemory full = measure_load(dir / "model", WeightFormat::parse("float"));
  const std::int64_t transient = int8.peak_bytes - int8.model_bytes;
  std::printf(
      "[streaming load] %lld shards, %.1f MB float32 (largest shard %.1f MB): int8 model %.1f MB, peak %.1f MB "
      "(%.1f MB above the model); float model %.1f MB, peak %.1f MB\n",
      static_cast<long long>(shards), checkpoint_bytes / 1e6, largest_shard / 1e6, int8.model_bytes / 1e6,
      int8.peak_bytes / 1e6, transient / 1e6, full.model_bytes / 1e6, full.peak_bytes / 1e6);
  // Quantizing one tensor (the embedding: the largest shard) needs its float32 values and their
  // int8 codes at once: about one shard, whatever the number of shards.
  EXPECT_LE(transient, largest_shard * 3 / 2) << "the int8 load held more full-precision weights than one shard";
  EXPECT_LT(transient, checkpoint_bytes / 2) << "the int8 load held a full-precision copy of the model";
  // The tracker sees the float load whole: the measurement can tell the two apart.
  EXPECT_GT(full.peak_bytes, checkpoint_bytes * 9 / 10);
}

}  // namespace
}  // namespace lacos
