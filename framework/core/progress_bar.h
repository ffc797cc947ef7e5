// A progress bar on stderr for long work. On a terminal it redraws one line; otherwise (logs,
// CI) it prints a plain line at most every `log_interval` seconds, so logs stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lacos {

class ProgressBar {
 public:
  // total <= 0 means unknown. `enabled` false makes every call a no-op.
  ProgressBar(std::string label, std::int64_t total, std::string unit = "it", bool enabled = true);
  ~ProgressBar();  // finishes the line if it was drawn

  void advance(std::int64_t amount = 1);
  // Text shown after the counters, e.g. "loss 1.234 lr 5.0e-04".
  void set_postfix(std::string postfix) { postfix_ = std::move(postfix); }
  void finish();

 private:
  void draw(bool final_draw);

  std::string label_;
  std::int64_t total_;
  std::string unit_;
  std::string postfix_;
  bool enabled_;
  bool terminal_;
  bool finished_ = false;
  bool drawn_ = false;
  std::int64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  double log_interval_seconds_ = 10.0;
};

}  // namespace lacos
