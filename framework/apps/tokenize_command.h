// lacos-tokenize: JSON Lines of strings on stdin -> one JSON array of token ids per line on
// stdout (no special tokens added); --decode does the reverse.
#pragma once

#include <iosfwd>
#include <string>

namespace lacos {

struct TokenizeOptions {
  std::string tokenizer_path;
  bool decode = false;
  bool skip_special_tokens = false;
};

int run_tokenize_command(int argc, char** argv);
// The stream part, separated for tests. Returns the number of lines processed.
long tokenize_stream(const TokenizeOptions& options, std::istream& in, std::ostream& out);

}  // namespace lacos
