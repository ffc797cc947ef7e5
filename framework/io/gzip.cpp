#include "io/gzip.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/file_io.h"

#include <zlib.h>

#include <algorithm>

namespace lacos {

namespace {

// zlib counts in 32-bit `uInt`: inputs and outputs move in pieces no larger than this.
constexpr std::size_t kZlibPiece = std::size_t{1} << 30;

}  // namespace

std::string gunzip(const std::string& compressed, const std::string& origin, std::size_t max_output) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) fail("{}: zlib initialisation failed", origin);
  std::string out;
  char buffer[1 << 16];
  std::size_t fed = 0;  // input handed to zlib so far
  const auto feed = [&] {
    const std::size_t piece = std::min(compressed.size() - fed, kZlibPiece);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + fed));
    stream.avail_in = static_cast<uInt>(piece);
    fed += piece;
  };
  feed();
  while (true) {
    if (stream.avail_in == 0 && fed < compressed.size()) feed();
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    const int status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (out.size() > max_output) {
      inflateEnd(&stream);
      fail("{}: decompresses to more than {} bytes; lacos stops there (a damaged or hostile file?)", origin,
           max_output);
    }
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0 && fed == compressed.size()) break;
      inflateReset(&stream);  // another gzip member follows
      continue;
    }
    if (status != Z_OK) {
      const std::string message = stream.msg != nullptr ? stream.msg : "unknown error";
      inflateEnd(&stream);
      fail("{}: not valid gzip data ({}) after {} bytes of output", origin, message, out.size());
    }
    if (stream.avail_in == 0 && fed == compressed.size() && stream.avail_out != 0) {
      inflateEnd(&stream);
      fail("{}: gzip data ends early (truncated file?) after {} bytes of output", origin, out.size());
    }
  }
  inflateEnd(&stream);
  return out;
}

std::string read_gzip_file(const std::filesystem::path& path) {
  return gunzip(read_file_bytes(path, "gzip file"), path.string());
}

std::string read_maybe_gzip_file(const std::filesystem::path& path, const char* what) {
  const std::string name = path.filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) return read_gzip_file(path);
  return read_file_bytes(path, what);
}

void write_gzip_file(const std::filesystem::path& path, const std::string& bytes) {
  // Written under a unique temporary name and committed (core/atomic_file.h), like every file.
  const std::filesystem::path temp = unique_temp_path(path);
  gzFile out = gzopen(temp.c_str(), "wb9");
  if (out == nullptr) fail("{}: cannot open for writing (is the folder writable?)", temp.string());
  bool ok = true;
  for (std::size_t done = 0; ok && done < bytes.size(); done += kZlibPiece) {
    const unsigned piece = static_cast<unsigned>(std::min(bytes.size() - done, kZlibPiece));
    ok = gzwrite(out, bytes.data() + done, piece) == static_cast<int>(piece);
  }
  if (gzclose(out) != Z_OK || !ok) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    fail("{}: write failed (disk full?)", path.string());
  }
  commit_written_file(temp, path);
}

}  // namespace lacos
