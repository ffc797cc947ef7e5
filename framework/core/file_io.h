// Whole-file reads and writes with errors that name the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace lacos {

// The bytes of `path`; `what` says what the file is for in the error ("tokenizer file"). A file
// larger than `max_bytes` is refused before it is read (configuration files are small; a huge one
// is a wrong path or a hostile file, and must not fill the memory first).
inline constexpr std::uint64_t kNoSizeLimit = ~std::uint64_t{0};
std::string read_file_bytes(const std::filesystem::path& path, const char* what = "file",
                            std::uint64_t max_bytes = kNoSizeLimit);

// Writes `bytes` as the whole of `path` (or appends them); the one writer of small text files
// (config.yaml, overrides.txt, adapter_config.json, reports, derived data). Atomic: written under a
// unique temporary name, fsynced, renamed into place and the folder fsynced (core/atomic_file.h),
// so readers and crashes see the old file or the whole new one.
void write_file_bytes(const std::filesystem::path& path, const std::string& bytes, bool append = false);

// Writes `bytes` to a new file in the system's temporary folder, named `<stem>-XXXXXX` with a
// random suffix, created exclusively and readable by this user only (mkstemp): a file or link
// planted under a predictable name is never followed or overwritten. Returns its path.
std::filesystem::path write_private_temp_file(const std::string& stem, const std::string& bytes);

}  // namespace lacos
