// Builds HDF5 files from fuzz input for the run.h5 and checkpoint readers. HDF5's own parser is
// not lacos's code (and crafted bytes reach known bugs in it), so the fuzz input does not become
// the file's bytes: it chooses what a valid file holds at the paths lacos reads, with any type,
// any shape (including shapes far beyond the bytes stored) and any attribute dataspace.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <filesystem>
#include <string>
#include <vector>

namespace lacos::fuzz {

// Writes an HDF5 file at `path` whose objects are chosen by `input`, among `paths` (absolute HDF5
// paths: groups are created on the way) and attributes on `attribute_holders`, named from
// `attribute_names`.
void generate_h5(FuzzedDataProvider& input, const std::filesystem::path& path, const std::vector<std::string>& paths,
                 const std::vector<std::string>& attribute_holders, const std::vector<std::string>& attribute_names);

}  // namespace lacos::fuzz
