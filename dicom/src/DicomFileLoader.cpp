#include "DicomFileLoader.h"

#include <sys/stat.h>

#include "ft/core/Error.h"

namespace ft::dicom::detail {

DicomFileLoader::DicomFileLoader(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error(ErrorCode::NotFound, path + ": no such file");
  if (S_ISDIR(st.st_mode)) throw Error(ErrorCode::InvalidArgument, path + ": is a directory, not a DICOM file");
  if (st.st_size == 0) throw Error(ErrorCode::CorruptData, path + ": empty file");
  // Elements over 4 KiB stay on disk until read: pixel data of long clips is not loaded here.
  const OFCondition status = file_.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect);
  if (status.bad()) {
    throw Error(ErrorCode::CorruptData, path + ": not a readable DICOM file (" + status.text() + ")");
  }
  if (file_.getDataset() == nullptr || file_.getDataset()->card() == 0)
    throw Error(ErrorCode::CorruptData, path + ": no DICOM data set in file");
}

}  // namespace ft::dicom::detail
