// The bitext-mining sets of data/derived/bitext: XNLI dev holds the same sentences line-parallel in
// 15 languages; each of its 830 distinct premises, in every language but English, beside its
// English original, as `sentence TAB english` (xnli-<lang>-en.tsv, data/bitext_file.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

// The languages paired with English, in XNLI's order.
const std::vector<std::string>& xnli_bitext_languages();

// Writes derived_dir/bitext/xnli-<lang>-en.tsv from data_root/xnli/dev-<lang>.tsv and dev-en.tsv;
// one line per written file describing it. The files must be line-parallel (same premise runs).
std::vector<std::string> write_xnli_bitext(const std::filesystem::path& data_root,
                                           const std::filesystem::path& derived_dir);

}  // namespace lacos
