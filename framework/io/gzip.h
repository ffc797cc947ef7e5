// gzip through zlib: reading the .jsonl.gz and .tsv.gz datasets, writing derived files.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace lacos {

// The decompressed bytes of a gzip file (several concatenated members are read in turn).
std::string read_gzip_file(const std::filesystem::path& path);

// The bytes of `path`, decompressed when its name ends in ".gz".
std::string read_maybe_gzip_file(const std::filesystem::path& path, const char* what = "file");

// Decompresses gzip data held in memory (an archive member); `origin` names it in errors. Output
// beyond `max_output` bytes is refused (a small file may expand a thousandfold).
inline constexpr std::size_t kMaxGunzipBytes = std::size_t{4} << 30;
std::string gunzip(const std::string& compressed, const std::string& origin, std::size_t max_output = kMaxGunzipBytes);

// Writes `bytes` gzip-compressed (level 9) as the whole of `path`.
void write_gzip_file(const std::filesystem::path& path, const std::string& bytes);

}  // namespace lacos
