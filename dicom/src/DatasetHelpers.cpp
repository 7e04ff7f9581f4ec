#include "DatasetHelpers.h"

#include "ft/core/DurableFiles.h"

#include <cstdio>
#include <ctime>

#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {
void check(const OFCondition& status, const DcmTagKey& tag) {
  if (status.bad())
    throw Error(ErrorCode::Internal, std::string("cannot set ") + DcmTag(tag).getTagName() + ": " + status.text());
}
}  // namespace

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) { check(item.putAndInsertString(tag, value.c_str()), tag); }
void put_u16(DcmItem& item, const DcmTagKey& tag, Uint16 value) { check(item.putAndInsertUint16(tag, value), tag); }
void put_u32(DcmItem& item, const DcmTagKey& tag, Uint32 value) { check(item.putAndInsertUint32(tag, value), tag); }
void put_s32(DcmItem& item, const DcmTagKey& tag, Sint32 value) { check(item.putAndInsertSint32(tag, value), tag); }
void put_f64(DcmItem& item, const DcmTagKey& tag, Float64 value) { check(item.putAndInsertFloat64(tag, value), tag); }

std::string get_string(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).good()) return value.c_str();
  return {};
}

long get_long(DcmItem& item, const DcmTagKey& tag, long fallback) {
  Sint32 s = 0;
  if (item.findAndGetSint32(tag, s).good()) return s;
  Uint32 u = 0;
  if (item.findAndGetUint32(tag, u).good()) return long(u);
  Uint16 u16 = 0;
  if (item.findAndGetUint16(tag, u16).good()) return u16;
  const std::string text = get_string(item, tag);
  if (!text.empty()) {
    try {
      return std::stol(text);
    } catch (...) {
    }
  }
  return fallback;
}

double get_double(DcmItem& item, const DcmTagKey& tag, double fallback) {
  Float64 f = 0;
  if (item.findAndGetFloat64(tag, f).good()) return f;
  const std::string text = get_string(item, tag);
  if (!text.empty()) {
    try {
      return std::stod(text);
    } catch (...) {
    }
  }
  return fallback;
}

std::string today_da() {
  char buf[16];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

std::string now_tm() {
  char buf[16];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%H%M%S", &tm);
  return buf;
}

void save_atomically(DcmFileFormat& file, const std::string& path, E_TransferSyntax xfer) {
  const std::string temporary = path + ".partial";
  const OFCondition status = file.saveFile(temporary.c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange);
  if (status.bad()) {
    std::remove(temporary.c_str());
    throw Error(ErrorCode::Io, "cannot write " + path + ": " + status.text());
  }
  try {
    replace_durably(temporary, path);
  } catch (const Error&) {
    std::remove(temporary.c_str());
    throw;
  }
}

namespace {
// The compression method a lossy transfer syntax used (PS3.3 C.7.6.1.1.5.1).
const char* lossy_method(const DcmXfer& xfer) {
  const std::string uid = xfer.getXferID();
  if (uid.rfind("1.2.840.10008.1.2.4.5", 0) == 0) return "ISO_10918_1";   // JPEG baseline / extended
  if (uid == "1.2.840.10008.1.2.4.81") return "ISO_14495_1";              // JPEG-LS near-lossless
  if (uid == "1.2.840.10008.1.2.4.91" || uid == "1.2.840.10008.1.2.4.93") return "ISO_15444_1";  // JPEG 2000
  if (uid.rfind("1.2.840.10008.1.2.4.10", 0) == 0) return "ISO_13818_2";  // MPEG-2
  return "";
}
}  // namespace

void carry_lossy_history(DcmDataset& target, DcmDataset& source, const DcmXfer& source_xfer) {
  if (!source_xfer.isLossy() && get_string(source, DCM_LossyImageCompression) != "01") return;
  // Read before writing: target may be source (a copy decompressed in place).
  const std::string method = get_string(source, DCM_LossyImageCompressionMethod);
  const std::string ratio = get_string(source, DCM_LossyImageCompressionRatio);
  put(target, DCM_LossyImageCompression, "01");  // DCMTK's JPEG decoder sets this one, not the method
  if (!method.empty()) put(target, DCM_LossyImageCompressionMethod, method);
  else if (*lossy_method(source_xfer)) put(target, DCM_LossyImageCompressionMethod, lossy_method(source_xfer));
  if (!ratio.empty()) put(target, DCM_LossyImageCompressionRatio, ratio);
}

}  // namespace ft::dicom::detail
