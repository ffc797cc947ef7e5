// Whether a path names a file or a folder, for paths that come from users and files (model.path,
// config names, adapter folders). std::filesystem's throwing checks raise filesystem_error on a
// name longer than the system allows or a folder that cannot be searched, which would escape as an
// internal error; these answer "no" when the path does not exist and otherwise throw a lacos::Error
// naming the path and the system's reason.
#pragma once

#include <filesystem>

namespace lacos {

bool path_exists(const std::filesystem::path& path);
bool is_file(const std::filesystem::path& path);  // a regular file, or a link to one
bool is_folder(const std::filesystem::path& path);

}  // namespace lacos
