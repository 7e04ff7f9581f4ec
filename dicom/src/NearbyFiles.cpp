#include "NearbyFiles.h"

#include <algorithm>
#include <filesystem>

namespace ft::dicom::detail {

std::vector<std::string> dicom_files_near(const std::string& clip_path) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  const fs::path root = fs::path(clip_path).parent_path().parent_path();
  constexpr std::size_t kMaxFiles = 500;
  constexpr int kMaxDepth = 2;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end && files.size() < kMaxFiles; it.increment(ec)) {
    if (it.depth() >= kMaxDepth) it.disable_recursion_pending();
    std::error_code file_ec;
    if (it->is_regular_file(file_ec) && it->path().extension() == ".dcm") files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace ft::dicom::detail
