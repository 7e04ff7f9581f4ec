#include "NearbyFiles.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcmetinf.h"

namespace ft::dicom::detail {
namespace {

// A file's SOP class, read from its head only: the meta header's Media Storage SOP Class UID,
// or, in a data set stored without one (no "DICM" at byte 128, but a group 0008 element first,
// as older archives write them; little endian only: a big-endian one, a retired encoding, is not
// recognised), the data set's SOP Class UID, parsing stopped just after it.
// Empty for anything else: a file that is not DICOM is not parsed at all.
std::string sop_class_of(const std::string& path) {
  char head[132] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(head, sizeof head);
  const std::streamsize got = in.gcount();
  OFString uid;
  if (got == 132 && std::memcmp(head + 128, "DICM", 4) == 0) {
    DcmMetaInfo meta;
    if (meta.loadFile(path.c_str()).good() && meta.findAndGetOFString(DCM_MediaStorageSOPClassUID, uid).good()) return uid.c_str();
    return {};
  }
  if (got < 2 || head[0] != 0x08 || head[1] != 0x00) return {};
  DcmFileFormat file;
  const DcmTagKey after_sop_class(0x0008, 0x0017);
  if (file.loadFileUntilTag(path.c_str(), EXS_Unknown, EGL_noChange, 256, ERM_dataset, after_sop_class).bad()) return {};
  if (file.getDataset()->findAndGetOFString(DCM_SOPClassUID, uid).bad()) return {};
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
