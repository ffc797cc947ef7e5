#include "tokenizer/synthetic_tokenizer.h"

#include "core/error.h"
#include "core/json_file.h"
#include "tokenizer/bloom_split.h"
#include "tokenizer/byte_level.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace lacos {

namespace {

bool looks_numeric(const std::string& field) {
  if (field.empty()) return true;
  char* end = nullptr;
  std::strtod(field.c_str(), &end);
  return end == field.c_str() + field.size();
}

// Splits a byte-level string into its characters (each is one UTF-8 sequence).
std::vector<std::string> characters(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xF0)
      length = 4;
    else if (lead >= 0xE0)
      length = 3;
    else if (lead >= 0xC0)
      length = 2;
    out.push_back(text.substr(i, length));
    i += length;
  }
  return out;
}

// Longer pieces stay split into several tokens, which keeps the token lengths (and so the file
// size, ~14 MB) close to the released BLOOM tokenizer's.
constexpr std::size_t kMaxChainCharacters = 16;

}  // namespace

std::vector<std::string> read_corpus_lines(const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> lines;
  for (const auto& path : files) {
    std::ifstream in(path);
    if (!in) fail("{}: cannot open corpus file", path.string());
    std::string line;
    while (std::getline(in, line)) {
      std::size_t start = 0;
      while (start <= line.size()) {
        std::size_t tab = line.find('\t', start);
        if (tab == std::string::npos) tab = line.size();
        std::string field = line.substr(start, tab - start);
        if (!looks_numeric(field)) lines.push_back(std::move(field));
        start = tab + 1;
      }
    }
  }
  return lines;
}

std::string make_synthetic_bloom_tokenizer(const std::vector<std::string>& corpus_lines,
                                           const SyntheticTokenizerOptions& options) {
  const ByteLevelMap& bytes = ByteLevelMap::instance();
  std::vector<std::string> id_to_token = {"<unk>", "<s>", "</s>", "<pad>"};
  std::unordered_map<std::string, std::int32_t> vocab;
  for (std::size_t i = 0; i < id_to_token.size(); ++i) vocab[id_to_token[i]] = static_cast<std::int32_t>(i);
  for (int b = 0; b < 256; ++b) {
    const std::string& token = bytes.utf8_of(static_cast<std::uint8_t>(b));
    vocab[token] = static_cast<std::int32_t>(id_to_token.size());
    id_to_token.push_back(token);
  }
  std::vector<std::pair<std::string, std::string>> merges;
  auto add_merge = [&](const std::string& left, const std::string& right) {
    std::string merged = left + right;
    if (vocab.count(merged) > 0 || id_to_token.size() >= options.vocab_size) return;
    vocab[merged] = static_cast<std::int32_t>(id_to_token.size());
    id_to_token.push_back(merged);
    merges.emplace_back(left, right);
  };

  // Frequent pieces first, each built by a left-to-right chain of merges.
  std::unordered_map<std::string, std::int64_t> counts;
  std::vector<std::string_view> pieces;
  for (const std::string& line : corpus_lines) {
    pieces.clear();
    split_bloom_pieces(line, pieces);
    for (std::string_view piece : pieces) ++counts[bytes.encode(piece)];
  }
  std::vector<std::pair<std::string, std::int64_t>> ranked(counts.begin(), counts.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (const auto& [piece, count] : ranked) {
    const auto chars = characters(piece);
    if (chars.size() > kMaxChainCharacters) continue;
    std::string prefix = chars.front();
    for (std::size_t i = 1; i < chars.size(); ++i) {
      add_merge(prefix, chars[i]);
      prefix += chars[i];
    }
    if (id_to_token.size() >= options.vocab_size) break;
  }
  // Fill up with random merges of existing tokens (rarely used, as a large vocabulary's tail is).
  std::mt19937_64 random(options.seed);
  while (id_to_token.size() < options.vocab_size) {
    std::uniform_int_distribution<std::size_t> pick(4, id_to_token.size() - 1);
    const std::string left = id_to_token[pick(random)];
    const std::string right = id_to_token[pick(random)];
    if (left.size() + right.size() <= 30) add_merge(left, right);
  }

  Json added = Json::array();
  for (int id = 0; id < 4; ++id) {
    added.push_back({{"id", id},
                     {"content", id_to_token[id]},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
  }
  Json vocab_json = Json::object();
  for (std::size_t id = 0; id < id_to_token.size(); ++id) vocab_json[id_to_token[id]] = id;
  Json merge_json = Json::array();
  for (const auto& [left, right] : merges) merge_json.push_back(left + " " + right);
  Json root = {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "Sequence"},
        {"pretokenizers",
         {{{"type", "Split"},
           {"pattern", {{"Regex", kBloomSplitPattern}}},
           {"behavior", "Isolated"},
           {"invert", false}},
          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}}},
      {"post_processor",
       {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", false}}},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", false}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", "<unk>"},
        {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr},
        {"fuse_unk", false},
        {"vocab", vocab_json},
        {"merges", merge_json}}},
  };
  return root.dump(2);  // tokenizers saves pretty-printed JSON with 2-space indents
}

}  // namespace lacos
