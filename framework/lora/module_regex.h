// PEFT's `target_modules` given as one string: a regular expression that must match a module's
// whole name (Python's re.fullmatch), e.g. ".*\.(query_key_value|dense)".
//
// The pattern comes from a downloaded adapter_config.json, and std::regex backtracks: (a*)*b or
// (a|a)*b take exponential time on a 40-character name, and .*.*.*.*.*.*x polynomial time of
// high degree. So a pattern is accepted only when its matching time is bounded: at most 256
// characters; no repetition (*, +, {m,n}; '?' is allowed) of a group that itself repeats or
// alternates; no repetition right after another ('a**', 'a???', which ECMAScript refuses and
// libstdc++ nests); at most four unbounded repetitions (*, +, {m,}); counts up to 999; no
// backreferences. Names longer than 512 characters never match. PEFT's own examples and every
// pattern in its docs pass. Compiled once, not per module.
#pragma once

#include <memory>
#include <regex>
#include <string>

namespace lacos {

class ModuleRegex {
 public:
  // Throws a lacos::Error naming `origin` when the pattern is invalid or outside the bounds.
  ModuleRegex(std::string pattern, const std::string& origin);

  bool full_match(const std::string& name) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::shared_ptr<const std::regex> regex_;
};

inline constexpr std::size_t kMaxModuleRegexLength = 256;
inline constexpr std::size_t kMaxModuleNameLength = 512;
inline constexpr int kMaxUnboundedRepetitions = 4;

}  // namespace lacos
