// "Did you mean" suggestions for misspelt keys, group options and choices.
#pragma once

#include <string>
#include <vector>

namespace lacos {

// The allowed word closest to `word` by edit distance, or "" when none is close enough
// (more than about a third of the word would have to change).
std::string closest_word(const std::string& word, const std::vector<std::string>& allowed);

}  // namespace lacos
