// Scalar HDF5 attributes (numbers and strings), as run.h5's /summary holds them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>

namespace lacos {

using H5Scalar = std::variant<double, std::int64_t, std::string>;

// Reads every attribute of `group` back (tests, reports).
std::map<std::string, H5Scalar> read_h5_attributes(const std::filesystem::path& path, const std::string& group);

}  // namespace lacos
