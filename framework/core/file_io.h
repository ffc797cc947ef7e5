// Whole-file reads and writes with errors that name the file.
#pragma once

#include <filesystem>
#include <string>

namespace lacos {

// The bytes of `path`; `what` says what the file is for in the error ("tokenizer file").
std::string read_file_bytes(const std::filesystem::path& path, const char* what = "file");

// Writes `bytes` as the whole of `path` (or appends them); the one writer of small text files
// (config.yaml, reports, JSON). Files that must never be seen half-written use io/atomic_file.h.
void write_file_bytes(const std::filesystem::path& path, const std::string& bytes, bool append = false);

}  // namespace lacos
