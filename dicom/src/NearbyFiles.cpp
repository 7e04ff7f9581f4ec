#include "NearbyFiles.h"

#include <algorithm>
#include <filesystem>

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcmetinf.h"

namespace ft::dicom::detail {
namespace {

// The meta header's Media Storage SOP Class UID; empty where there is no meta header.
std::string sop_class_of(const std::string& path) {
  DcmMetaInfo meta;
  OFString uid;
  if (meta.loadFile(path.c_str()).bad() || meta.findAndGetOFString(DCM_MediaStorageSOPClassUID, uid).bad()) return {};
  return uid.c_str();
}

}  // namespace

std::vector<std::string> dicom_files_near(const std::string& clip_path,
                                          const std::function<bool(const std::string& sop_class_uid)>& wanted) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  const fs::path root = fs::path(clip_path).parent_path().parent_path();
  constexpr std::size_t kMaxFiles = 500;  // looked at, wanted or not
  constexpr int kMaxDepth = 2;
  std::size_t looked_at = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end && looked_at < kMaxFiles; it.increment(ec)) {
    if (it->path() == fs::path(clip_path)) continue;
    if (it.depth() >= kMaxDepth) it.disable_recursion_pending();
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec) || it->path().extension() != ".dcm") continue;
    ++looked_at;
    if (wanted(sop_class_of(it->path().string()))) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace ft::dicom::detail
