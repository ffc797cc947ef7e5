#include "lora/module_regex.h"

#include "core/error.h"

#include <cctype>
#include <vector>

namespace lacos {

namespace {

// Where a repetition starts at pattern[i] ('*', '+', '?', '{'), whether it is unbounded.
bool is_repetition(const std::string& pattern, std::size_t i, bool* unbounded) {
  const char c = pattern[i];
  if (c == '*' || c == '+') {
    *unbounded = true;
    return true;
  }
  if (c == '?') {
    *unbounded = false;
    return true;
  }
  if (c == '{') {
    const std::size_t close = pattern.find('}', i);
    if (close == std::string::npos) return false;
    const std::string inside = pattern.substr(i + 1, close - i - 1);
    *unbounded = !inside.empty() && inside.back() == ',';
    return inside.find_first_not_of("0123456789,") == std::string::npos && !inside.empty();
  }
  return false;
}

// Counted repetitions above 1000 ({1000000} makes a million-state automaton; {10^19} overflows
// the library's own parsing) and backreferences (\1: matching with them is NP-hard) are refused.
void check_counts_and_backreferences(const std::string& pattern, const std::string& origin) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size() && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
      fail("{}: target_modules regex '{}' uses a backreference (\\{}), which lacos does not accept", origin, pattern,
           pattern[i + 1]);
    }
    if (pattern[i] != '{') continue;
    std::size_t digits = 0;
    for (std::size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
      digits = std::isdigit(static_cast<unsigned char>(pattern[j])) ? digits + 1 : 0;
      if (digits > 3) {
        fail("{}: target_modules regex '{}' repeats something more than 999 times (at offset {})", origin, pattern, i);
      }
    }
  }
}

// Refuses the pattern shapes that make a backtracking matcher slow (see the header).
void check_bounded(const std::string& pattern, const std::string& origin) {
  check_counts_and_backreferences(pattern, origin);
  struct Group {
    bool repeats = false;
    bool alternates = false;
  };
  std::vector<Group> open{Group{}};  // the whole pattern is the outermost group
  Group closed;                      // the group that ended just before i, if any
  bool after_group = false;
  bool after_quantifier = false;  // the previous token was a repetition
  int unbounded_count = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    bool unbounded = false;
    const bool follows_quantifier = after_quantifier;
    after_quantifier = false;
    if (c == '\\') {
      ++i;  // an escaped character is a literal (or a class such as \d)
      after_group = false;
    } else if (c == '[') {
      std::size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']') j += pattern[j] == '\\' ? 2 : 1;
      i = j;
      after_group = false;
    } else if (c == '(') {
      open.push_back(Group{});
      if (i + 2 < pattern.size() && pattern[i + 1] == '?' && pattern[i + 2] == ':') i += 2;
      after_group = false;
    } else if (c == ')') {
      if (open.size() < 2) fail("{}: target_modules regex '{}' has an unmatched ')'", origin, pattern);
      closed = open.back();
      open.pop_back();
      open.back().repeats = open.back().repeats || closed.repeats;
      open.back().alternates = open.back().alternates || closed.alternates;
      after_group = true;
      continue;
    } else if (c == '|') {
      open.back().alternates = true;
      after_group = false;
    } else if (is_repetition(pattern, i, &unbounded)) {
      // ECMAScript refuses "a**" and "a???", but libstdc++ nests them: 16 stacked '?' are 2^16 ways
      // to match nothing, tried again at every position (found by the adapter_config fuzzer).
      if (follows_quantifier) {
        fail(
            "{}: target_modules regex '{}' puts a repetition right after another (at offset {}); lacos refuses "
            "stacked quantifiers such as a** or a???",
            origin, pattern, i);
      }
      // '?' runs its group at most once, so only repetitions that can run it many times count.
      if (after_group && c != '?' && (closed.repeats || closed.alternates)) {
        fail(
            "{}: target_modules regex '{}' repeats a group that itself repeats or alternates (at offset {}); such "
            "patterns can take exponential time, so lacos refuses them (write e.g. '.*\\.(a|b)' instead of '(a|b)*')",
            origin, pattern, i);
      }
      open.back().repeats = true;
      if (unbounded && ++unbounded_count > kMaxUnboundedRepetitions) {
        fail("{}: target_modules regex '{}' has more than {} unbounded repetitions (*, +, {{m,}})", origin, pattern,
             kMaxUnboundedRepetitions);
      }
      if (c == '{') i = pattern.find('}', i);
      if (i + 1 < pattern.size() && pattern[i + 1] == '?') ++i;  // lazy
      after_group = false;
      after_quantifier = true;
    } else {
      after_group = false;
    }
  }
}

}  // namespace

ModuleRegex::ModuleRegex(std::string pattern, const std::string& origin) : pattern_(std::move(pattern)) {
  if (pattern_.size() > kMaxModuleRegexLength) {
    fail("{}: target_modules regex is {} characters long (at most {})", origin, pattern_.size(), kMaxModuleRegexLength);
  }
  check_bounded(pattern_, origin);
  try {
    regex_ = std::make_shared<const std::regex>(pattern_, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    fail("{}: target_modules regex '{}' is invalid: {}", origin, pattern_, e.what());
  }
}

bool ModuleRegex::full_match(const std::string& name) const {
  return name.size() <= kMaxModuleNameLength && std::regex_match(name, *regex_);
}

}  // namespace lacos
