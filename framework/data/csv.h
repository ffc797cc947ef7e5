// Splitting CSV records (RFC 4180 / Python's excel dialect): fields separated by commas, quoted
// with '"' when they hold commas, quotes ("" inside quotes) or line breaks.
#pragma once

#include <string>
#include <vector>

namespace lacos {

// The records of CSV text; `origin` names it in errors (an unterminated quote).
std::vector<std::vector<std::string>> parse_csv(const std::string& text, const std::string& origin);

}  // namespace lacos
