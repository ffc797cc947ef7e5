// lacos-bench-eval-stats: what the evaluation's statistics cost on this machine, against the
// embedding they follow: the bootstrap intervals of an STS set (Spearman and Pearson, and a paired
// comparison), and bitext retrieval (cosine and margin, both directions) with its interval. Inputs
// are synthetic, sized like STS-B test (1,379 pairs) and an XNLI bitext set (830 pairs).
#include "apps/app_main.h"
#include "distributed/process_placement.h"
#include "eval/bitext_evaluator.h"
#include "eval/bootstrap.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <random>

namespace {

// The best of `repeats` timings of `work`, in seconds.
template <typename Work>
double best_seconds(int repeats, Work&& work) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  return lacos::run_main("lacos-bench-eval-stats", [&] {
    int sts_pairs = 1379, bitext_pairs = 830, dim = 1024, repeats = 3;
    lacos::BootstrapOptions options;
    CLI::App app{"Time the bootstrap intervals and bitext retrieval of one evaluation", "lacos-bench-eval-stats"};
    app.add_option("--sts-pairs", sts_pairs, "pairs of the STS set")->capture_default_str();
    app.add_option("--bitext-pairs", bitext_pairs, "sentence pairs of the bitext set")->capture_default_str();
    app.add_option("--dim", dim, "embedding width (bloom-560m: 1024, bloom-7b1: 4096)")->capture_default_str();
    app.add_option("--resamples", options.resamples, "bootstrap resamples")->capture_default_str();
    app.add_option("--repeats", repeats, "timed passes (best is kept)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    const lacos::ThreadSetup threads = lacos::configure_threads_for_this_rank();

    std::mt19937_64 generator(0);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<double> gold, predicted_a, predicted_b;
    for (int i = 0; i < sts_pairs; ++i) {
      gold.push_back((i * 37 % 26) / 5.0);  // STS-like: 0..5 in steps of 0.2, ties
      predicted_a.push_back(gold.back() + noise(generator));
      predicted_b.push_back(gold.back() + 1.2 * noise(generator));
    }
    const double spearman = best_seconds(
        repeats, [&] { (void)lacos::bootstrap_interval(predicted_a, gold, lacos::Correlation::spearman, options); });
    const double pearson = best_seconds(
        repeats, [&] { (void)lacos::bootstrap_interval(predicted_a, gold, lacos::Correlation::pearson, options); });
    const double paired = best_seconds(repeats, [&] {
      (void)lacos::paired_bootstrap(predicted_a, predicted_b, gold, lacos::Correlation::spearman, options);
    });

    torch::manual_seed(0);
    const torch::Tensor english = torch::randn({bitext_pairs, dim});
    const torch::Tensor sentences = english + torch::randn({bitext_pairs, dim});
    lacos::RetrievalHits hits;
    const double retrieval = best_seconds(repeats, [&] { hits = lacos::retrieve_translations(sentences, english); });
    const double interval =
        best_seconds(repeats, [&] { (void)lacos::bootstrap_mean_interval(hits.to_english, options); });

    std::printf("threads %d, %d resamples\n", threads.threads, options.resamples);
    std::printf("STS set of %d pairs: Spearman interval %.3f s, Pearson interval %.3f s, paired comparison %.3f s\n",
                sts_pairs, spearman, pearson, paired);
    std::printf(
        "bitext set of %d pairs, %d dims: retrieval (cosine and margin, both directions) %.3f s, "
        "accuracy interval %.3f s\n",
        bitext_pairs, dim, retrieval, interval);
    return 0;
  });
}
