#include "apps/tokenize_command.h"

#include "core/error.h"
#include "core/json_file.h"
#include "tokenizer/tokenizer.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace lacos {

long tokenize_stream(const TokenizeOptions& options, std::istream& in, std::ostream& out) {
  const Tokenizer tokenizer = Tokenizer::from_file(options.tokenizer_path);
  std::string line;
  long number = 0;
  std::vector<std::int32_t> ids;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string origin = fmt::format("stdin line {}", number);
    const Json value = parse_json(line, origin);
    if (!options.decode) {
      if (!value.is_string()) fail("{}: expected a JSON string, got {}", origin, value.type_name());
      ids.clear();
      try {
        tokenizer.encode_into(value.get_ref<const std::string&>(), ids);
      } catch (const Error& e) {
        fail("{}: {}", origin, e.what());
      }
      out << Json(ids).dump() << '\n';
    } else {
      if (!value.is_array()) fail("{}: expected a JSON array of token ids, got {}", origin, value.type_name());
      ids.clear();
      for (const Json& id : value) {
        if (!id.is_number_integer()) fail("{}: token ids must be integers, got {}", origin, id.dump());
        ids.push_back(id.get<std::int32_t>());
      }
      try {
        out << Json(tokenizer.decode(ids, options.skip_special_tokens)).dump() << '\n';
      } catch (const Error& e) {
        fail("{}: {}", origin, e.what());
      }
    }
  }
  out.flush();
  return number;
}

int run_tokenize_command(int argc, char** argv) {
  TokenizeOptions options;
  CLI::App app{
      "Tokenize JSON Lines of strings with a HF tokenizer.json (BLOOM's byte-level BPE).\n"
      "stdin: one JSON string per line; stdout: one JSON array of token ids per line.",
      "lacos-tokenize"};
  app.add_option("--tokenizer", options.tokenizer_path, "tokenizer.json file")->required();
  app.add_flag("--decode", options.decode, "read JSON arrays of ids, write JSON strings");
  app.add_flag("--skip-special-tokens", options.skip_special_tokens, "with --decode: drop special tokens");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  std::ios::sync_with_stdio(false);
  tokenize_stream(options, std::cin, std::cout);
  return 0;
}

}  // namespace lacos
