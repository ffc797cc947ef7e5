// Whole-file reads with errors that name the file.
#pragma once

#include <filesystem>
#include <string>

namespace lacos {

// The bytes of `path`; `what` says what the file is for in the error ("tokenizer file").
std::string read_file_bytes(const std::filesystem::path& path, const char* what = "file");

}  // namespace lacos
