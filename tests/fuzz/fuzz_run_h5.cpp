// run.h5 as lacos-report and --resume read it (io/run_h5.h), from files whose objects, types,
// shapes and attributes the input chooses (h5_generator.h).
#include "fuzz_support.h"
#include "h5_generator.h"
#include "io/run_h5.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> kPaths = {"/config",
                                                  "/overrides",
                                                  "/summary",
                                                  "/train/step",
                                                  "/train/loss",
                                                  "/train/lr",
                                                  "/train/tokens_per_second",
                                                  "/eval/stsb-dev/step",
                                                  "/eval/stsb-dev/spearman",
                                                  "/eval/stsb-dev/pearson",
                                                  "/eval/sts17-ar-ar/step",
                                                  "/eval/sts17-ar-ar/spearman",
                                                  "/eval/x/pearson",
                                                  "/checkpoints/step",
                                                  "/checkpoints/path",
                                                  "/eval",
                                                  "/train"};
  static const std::vector<std::string> kHolders = {"/summary", "/", "/train", "/eval/stsb-dev"};
  static const std::vector<std::string> kNames = {"status",       "model",      "wall_seconds", "schema_version",
                                                  "params_total", "world_size", "error"};
  FuzzedDataProvider input(data, size);
  const auto path = lacos::fuzz::scratch_folder() / "run.h5";
  lacos::fuzz::generate_h5(input, path, kPaths, kHolders, kNames);
  lacos::fuzz::run_parser([&] {
    lacos::RunRecord record = lacos::read_run_h5(path);
    (void)record.status();
    (void)record.summary_number("wall_seconds");
    (void)record.summary_text("model");
    record.truncate_to(3);
  });
  lacos::fuzz::run_parser([&] { (void)lacos::read_h5_attributes(path, "/summary"); });
  lacos::fuzz::run_parser([&] { (void)lacos::read_h5_doubles(path, "/train/loss"); });
  lacos::fuzz::run_parser([&] { (void)lacos::read_h5_string(path, "/config"); });
  return 0;
}
