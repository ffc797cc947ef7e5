#include "distributed/rank_agreement.h"

#include <sstream>

namespace lacos {

std::uint64_t text_hash(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

namespace {

// The first line where `a` and `b` differ: (line number, a's line, b's line).
std::tuple<int, std::string, std::string> first_difference(const std::string& a, const std::string& b) {
  std::istringstream left(a), right(b);
  std::string x, y;
  for (int line = 1;; ++line) {
    const bool more_left = static_cast<bool>(std::getline(left, x));
    const bool more_right = static_cast<bool>(std::getline(right, y));
    if (!more_left && !more_right) return {0, "", ""};
    if (!more_left) x = "(end)";
    if (!more_right) y = "(end)";
    if (x != y) return {line, x, y};
  }
}

}  // namespace

void require_same_on_all_ranks(Communicator& communicator, const std::string& text, const std::string& what) {
  if (!communicator.distributed()) return;
  const std::vector<std::string> hashes = communicator.all_gather_text(std::to_string(text_hash(text)));
  int differing = 0;
  for (int r = 1; r < communicator.size() && differing == 0; ++r) {
    if (hashes[static_cast<std::size_t>(r)] != hashes[0]) differing = r;
  }
  if (differing == 0) return;
  // Only now move the texts themselves, to say where they differ.
  const std::vector<std::string> texts = communicator.all_gather_text(text);
  const auto [line, theirs_zero, theirs] = first_difference(texts[0], texts[static_cast<std::size_t>(differing)]);
  fail(
      "the {} differs between ranks (hash {} on rank 0, {} on rank {}): line {} is '{}' on rank 0 but '{}' on rank {}; "
      "every rank must see the same files, environment and command line",
      what, hashes[0], hashes[static_cast<std::size_t>(differing)], differing, line, theirs_zero, theirs, differing);
}

}  // namespace lacos
