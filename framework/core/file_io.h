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

// Writes `bytes` to a new file in the system's temporary folder, named `<stem>-XXXXXX` with a
// random suffix, created exclusively and readable by this user only (mkstemp): a file or link
// planted under a predictable name is never followed or overwritten. Returns its path.
std::filesystem::path write_private_temp_file(const std::string& stem, const std::string& bytes);

}  // namespace lacos
