#pragma once
// Opens a DICOM file with DCMTK and turns every way that can fail into a clear ft::Error.
// Large elements (pixel data) are left on disk until asked for.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <string>

namespace ft::dicom::detail {

class DicomFileLoader {
 public:
  explicit DicomFileLoader(const std::string& path);
  DcmDataset& dataset() { return *file_.getDataset(); }
  DcmFileFormat& file() { return file_; }

 private:
  DcmFileFormat file_;
};

}  // namespace ft::dicom::detail
