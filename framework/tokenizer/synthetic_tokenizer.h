// Generates a tokenizer.json of the released BLOOM tokenizer's size and shape (250,680 entries,
// legacy "a b" merges, BLOOM's pre-tokenizer, ~14 MB), which cannot be downloaded here, so that
// loading time and encoding speed can be measured at full scale.
//
// Tokens are learned from a corpus: the most frequent pre-tokenized pieces are built up by
// left-to-right merge chains (so frequent words end up as one or few tokens, as in a trained
// BPE), and the remaining entries are random merges of existing tokens.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct SyntheticTokenizerOptions {
  std::size_t vocab_size = 250'680;  // the released BLOOM tokenizer's size
  std::uint64_t seed = 0;
};

// `corpus_lines`: text to learn frequent pieces from. Returns the tokenizer.json text.
std::string make_synthetic_bloom_tokenizer(const std::vector<std::string>& corpus_lines,
                                           const SyntheticTokenizerOptions& options);

// Reads the text columns of TSV/plain-text files: every tab-separated field that is not a number.
std::vector<std::string> read_corpus_lines(const std::vector<std::filesystem::path>& files);

}  // namespace lacos
