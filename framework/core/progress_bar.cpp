#include "core/progress_bar.h"

#include <fmt/format.h>

#include <unistd.h>
#include <cstdio>

namespace lacos {

namespace {
std::string clock_text(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "--:--";
  const auto total = static_cast<long>(seconds + 0.5);
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{:02}:{:02}", total / 60, total % 60);
}
}  // namespace

ProgressBar::ProgressBar(std::string label, std::int64_t total, std::string unit, bool enabled)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(enabled),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::advance(std::int64_t amount) {
  if (!enabled_ || finished_) return;
  done_ += amount;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since >= (terminal_ ? 0.1 : log_interval_seconds_)) draw(false);
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (drawn_ || !terminal_) draw(true);
}

void ProgressBar::draw(bool final_draw) {
  last_draw_ = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  std::string line;
  if (total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done_) / total_);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    const double eta = rate > 0 ? (total_ - done_) / rate : -1;
    line = fmt::format("{} [{}{}] {:3.0f}% {}/{} {} {:.1f} {}/s elapsed {} eta {}", label_, std::string(filled, '#'),
                       std::string(kWidth - filled, '.'), fraction * 100, done_, total_, unit_, rate, unit_,
                       clock_text(elapsed), clock_text(final_draw ? 0 : eta));
  } else {
    line = fmt::format("{} {} {} {:.1f} {}/s elapsed {}", label_, done_, unit_, rate, unit_, clock_text(elapsed));
  }
  if (!postfix_.empty()) line += " " + postfix_;
  if (terminal_) {
    std::fprintf(stderr, "\r%s\033[K%s", line.c_str(), final_draw ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace lacos
