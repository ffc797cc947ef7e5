// A small HDF5 record of named groups holding scalar attributes (numbers and strings): what a
// run writes for reports to read back. Written under a temporary name and renamed on commit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <variant>

namespace lacos {

using H5Scalar = std::variant<double, std::int64_t, std::string>;

class H5Record {
 public:
  explicit H5Record(const std::filesystem::path& path);
  ~H5Record();

  // Sets attribute `key` on `group` ("/" or "/eval/stsb-test"; created as needed).
  void set(const std::string& group, const std::string& key, const H5Scalar& value);
  void commit();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads every attribute of `group` back (tests, reports).
std::map<std::string, H5Scalar> read_h5_attributes(const std::filesystem::path& path, const std::string& group);

}  // namespace lacos
