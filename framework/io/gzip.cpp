#include "io/gzip.h"

#include "core/error.h"
#include "core/file_io.h"

#include <zlib.h>

namespace lacos {

std::string gunzip(const std::string& compressed, const std::string& origin) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) fail("{}: zlib initialisation failed", origin);
  std::string out;
  char buffer[1 << 16];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    const int status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // another gzip member follows
      continue;
    }
    if (status != Z_OK) {
      const std::string message = stream.msg != nullptr ? stream.msg : "unknown error";
      inflateEnd(&stream);
      fail("{}: not valid gzip data ({}) after {} bytes of output", origin, message, out.size());
    }
    if (stream.avail_in == 0 && stream.avail_out != 0) {
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
  gzFile out = gzopen(path.c_str(), "wb9");
  if (out == nullptr) fail("{}: cannot open for writing (is the folder writable?)", path.string());
  const int written = bytes.empty() ? 0 : gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
  if (gzclose(out) != Z_OK || written != static_cast<int>(bytes.size()))
    fail("{}: write failed (disk full?)", path.string());
}

}  // namespace lacos
