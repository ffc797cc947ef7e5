// lacos-bench-load: time and peak resident memory of loading a HF model folder, against the
// size of the loaded model (float or int8 base). Shows that loading shard by shard keeps the peak
// near the model: the tensor peak (lacos' CPU allocator tracker) and the process's resident peak.
#include "apps/app_main.h"
#include "core/cpu_memory.h"
#include "core/dtype.h"
#include "core/process_memory.h"
#include "distributed/process_placement.h"
#include "model/checkpoint_loader.h"

#include <CLI/CLI.hpp>

#include <chrono>

int main(int argc, char** argv) {
  return lacos::run_main("lacos-bench-load", [&] {
    std::string folder, dtype = "float32", base = "float";
    CLI::App app{"Measure loading a HF model folder", "lacos-bench-load"};
    app.add_option("folder", folder, "HF model folder")->required();
    app.add_option("--dtype", dtype, "compute dtype")->capture_default_str();
    app.add_option("--base-weights", base, "float | int8 | int8-rowwise | int8-block<N>")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    lacos::configure_threads_for_this_rank();
    lacos::ModelLoadOptions options;
    options.dtype = lacos::parse_compute_dtype(dtype);
    options.base_weights = lacos::WeightFormat::parse(base);
    lacos::CpuMemoryTracker& tracker = lacos::CpuMemoryTracker::instance();
    const double gib = 1024.0 * 1024.0 * 1024.0;
    const double rss_before = lacos::resident_bytes() / gib;
    const auto start = std::chrono::steady_clock::now();
    lacos::BloomModel model = lacos::load_bloom(folder, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double model_gib = tracker.current_bytes() / gib;  // parameters and int8 buffers
    const double tensor_peak_gib = tracker.peak_bytes() / gib;
    const double peak_gib = lacos::resident_peak_bytes() / gib;
    std::printf("loaded %s as %s, %s base, in %.2f s (%zu shard file(s))\n", folder.c_str(), dtype.c_str(),
                base.c_str(), seconds, lacos::checkpoint_files(folder).size());
    std::printf(
        "model tensors %.3f GiB, tensor peak while loading %.3f GiB; process RSS before load %.3f GiB, "
        "after %.3f GiB, peak %.3f GiB, peak / (before + model) = %.3f\n",
        model_gib, tensor_peak_gib, rss_before, lacos::resident_bytes() / gib, peak_gib,
        peak_gib / (rss_before + model_gib));
    return 0;
  });
}
