#include "ft/dicom/UltrasoundClipWriter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ClipDataset.h"
#include "DatasetHelpers.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {
using namespace detail;

void check_clip(const Clip& clip) {
  if (clip.frames.empty()) throw Error(ErrorCode::InvalidArgument, "cannot write a clip with no frames");
  const Frame& first = clip.frames.front();
  for (const Frame& f : clip.frames) {
    if (f.width_px() != first.width_px() || f.height_px() != first.height_px() || f.depth() != first.depth())
      throw Error(ErrorCode::InvalidArgument, "all frames of a clip must share size and bit depth");
  }
  if (first.width_px() > 65535 || first.height_px() > 65535)
    throw Error(ErrorCode::InvalidArgument, "frame too large for DICOM rows/columns");
}

void put_patient_and_study(DcmDataset& ds, const ExamContext& exam, const std::string& study_uid) {
  put(ds, DCM_PatientName, exam.patient_name);
  put(ds, DCM_PatientID, exam.patient_id);
  put(ds, DCM_PatientBirthDate, exam.patient_birth_date);
  put(ds, DCM_PatientSex, exam.patient_sex);
  put(ds, DCM_StudyInstanceUID, study_uid);
  put(ds, DCM_StudyDate, exam.study_date.empty() ? today_da() : exam.study_date);
  put(ds, DCM_StudyTime, exam.study_time.empty() ? now_tm() : exam.study_time);
  put(ds, DCM_ReferringPhysicianName, exam.referring_physician);
  put(ds, DCM_StudyID, exam.study_id);
  put(ds, DCM_AccessionNumber, exam.accession_number);
  if (!exam.study_description.empty()) put(ds, DCM_StudyDescription, exam.study_description);
}

// One item of the Sequence of Ultrasound Regions; DICOM wants PhysicalDelta in cm.
void put_region(DcmItem& item, const UltrasoundRegion& r) {
  put_u16(item, DCM_RegionSpatialFormat, Uint16(r.spatial_format));
  put_u16(item, DCM_RegionDataType, Uint16(r.data_type));
  put_u32(item, DCM_RegionFlags, Uint32(r.flags));
  put_u32(item, DCM_RegionLocationMinX0, Uint32(r.bounds.x0_px));
  put_u32(item, DCM_RegionLocationMinY0, Uint32(r.bounds.y0_px));
  put_u32(item, DCM_RegionLocationMaxX1, Uint32(r.bounds.x1_px));
  put_u32(item, DCM_RegionLocationMaxY1, Uint32(r.bounds.y1_px));
  if (r.reference_x_px) put_s32(item, DCM_ReferencePixelX0, *r.reference_x_px);
  if (r.reference_y_px) put_s32(item, DCM_ReferencePixelY0, *r.reference_y_px);
  put_u16(item, DCM_PhysicalUnitsXDirection, Uint16(r.units_x));
  put_u16(item, DCM_PhysicalUnitsYDirection, Uint16(r.units_y));
  if (r.reference_x_px) put_f64(item, DCM_ReferencePixelPhysicalValueX, 0.0);
  if (r.reference_y_px) put_f64(item, DCM_ReferencePixelPhysicalValueY, 0.0);
  const bool cm = r.units_x == PhysicalUnits::Centimetre;
  put_f64(item, DCM_PhysicalDeltaX, cm ? r.mm_per_px_x / 10.0 : r.mm_per_px_x);
  put_f64(item, DCM_PhysicalDeltaY, r.units_y == PhysicalUnits::Centimetre ? r.mm_per_px_y / 10.0 : r.mm_per_px_y);
}

}  // namespace

std::string write_ultrasound_clip(const Clip& clip, const ClipWriteOptions& options, const std::string& path) {
  check_clip(clip);
  const std::uint64_t bytes = std::uint64_t(clip.frames.front().byte_count()) * clip.frames.size();
  if (clip.frames.size() > kMaxFramesPerObject)
    throw Error(ErrorCode::InvalidArgument, std::to_string(clip.frames.size()) + " frames are more than one object may hold (" +
                                                std::to_string(kMaxFramesPerObject) + "): write it in parts");
  if (bytes + (bytes & 1) > std::min(options.max_pixel_bytes, kMaxPixelBytesPerObject))
    throw Error(ErrorCode::InvalidArgument, std::to_string(clip.frames.size()) + " frames are " + std::to_string(bytes) +
                                                " bytes of pixels, more than one object may hold (" +
                                                std::to_string(std::min(options.max_pixel_bytes, kMaxPixelBytesPerObject)) +
                                                "): write it in parts");
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  const ExamContext& exam = options.exam;
  const std::string study_uid = exam.study_instance_uid.empty() ? new_uid() : exam.study_instance_uid;
  const std::string series_uid = options.series_instance_uid.empty() ? new_uid() : options.series_instance_uid;
  const std::string sop_uid = options.sop_instance_uid.empty() ? new_uid() : options.sop_instance_uid;
  const std::string acquired = options.acquisition_datetime.empty() ? today_da() + now_tm() : options.acquisition_datetime;

  put(ds, DCM_SpecificCharacterSet, "ISO_IR 192");
  put(ds, DCM_SOPClassUID, UID_UltrasoundMultiframeImageStorage);
  put(ds, DCM_SOPInstanceUID, sop_uid);
  put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY");
  put(ds, DCM_Modality, "US");
  put_patient_and_study(ds, exam, study_uid);
  put(ds, DCM_SeriesInstanceUID, series_uid);
  put(ds, DCM_SeriesNumber, std::to_string(options.series_number));
  put(ds, DCM_SeriesDescription, options.series_description);
  put(ds, DCM_Laterality, clip.source.laterality);
  put(ds, DCM_BodyPartExamined, clip.source.body_part);
  put(ds, DCM_InstanceNumber, std::to_string(options.instance_number));
  put(ds, DCM_PatientOrientation, "");
  put(ds, DCM_ContentDate, acquired.substr(0, 8));
  put(ds, DCM_ContentTime, acquired.substr(8));
  put(ds, DCM_AcquisitionDateTime, acquired);
  put(ds, DCM_Manufacturer, clip.source.manufacturer);
  if (!clip.source.model_name.empty()) put(ds, DCM_ManufacturerModelName, clip.source.model_name);
  if (!clip.source.device_serial.empty()) put(ds, DCM_DeviceSerialNumber, clip.source.device_serial);
  put(ds, DCM_SoftwareVersions, "FibreTrack " FT_VERSION);
  if (!clip.source.description.empty()) put(ds, DCM_ImageComments, clip.source.description);
  put(ds, DCM_BurnedInAnnotation, "YES");  // scanner text around the image region
  put_timing(ds, clip);
  for (const UltrasoundRegion& r : clip.regions) {
    DcmItem* item = nullptr;
    if (ds.findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, item, -2).bad() || !item)
      throw Error(ErrorCode::Internal, "cannot create ultrasound region item");
    put_region(*item, r);
  }
  put_pixels(ds, clip);
  save_atomically(file, path, EXS_LittleEndianExplicit);
  return sop_uid;
}

std::vector<WrittenPart> write_ultrasound_clip_parts(const Clip& clip, const ClipWriteOptions& options,
                                                     const std::string& path) {
  check_clip(clip);
  const std::uint64_t frame_bytes = clip.frames.front().byte_count();
  const std::uint64_t limit = std::min(options.max_pixel_bytes, kMaxPixelBytesPerObject);
  // Whole frames per object, the padding byte of an odd total included.
  std::size_t per_part = std::size_t(std::min<std::uint64_t>(kMaxFramesPerObject, std::max<std::uint64_t>(1, limit / frame_bytes)));
  while (per_part > 1 && per_part * frame_bytes + ((per_part * frame_bytes) & 1) > limit) --per_part;
  if (per_part * frame_bytes + ((per_part * frame_bytes) & 1) > limit)
    throw Error(ErrorCode::InvalidArgument, "one frame is larger than one object may hold");
  if (clip.frames.size() <= per_part) return {{path, write_ultrasound_clip(clip, options, path), int(clip.frames.size())}};
  ClipWriteOptions part_options = options;
  if (part_options.series_instance_uid.empty()) part_options.series_instance_uid = new_uid();  // one series
  if (part_options.exam.study_instance_uid.empty()) part_options.exam.study_instance_uid = new_uid();
  if (part_options.acquisition_datetime.empty()) part_options.acquisition_datetime = today_da() + now_tm();
  // One study date and time for every part (each would otherwise read the clock as it is written).
  if (part_options.exam.study_date.empty()) part_options.exam.study_date = part_options.acquisition_datetime.substr(0, 8);
  if (part_options.exam.study_time.empty()) part_options.exam.study_time = part_options.acquisition_datetime.substr(8);
  const std::string stem = path.size() > 4 && path.compare(path.size() - 4, 4, ".dcm") == 0 ? path.substr(0, path.size() - 4) : path;
  std::vector<WrittenPart> parts;
  for (std::size_t first = 0, n = 1; first < clip.frames.size(); first += per_part, ++n) {
    Clip part{{}, clip.frame_time_ms, clip.regions, clip.source};  // frames copied one part at a time
    part.frames.assign(clip.frames.begin() + long(first),
                       clip.frames.begin() + long(std::min(clip.frames.size(), first + per_part)));
    part_options.sop_instance_uid = options.sop_instance_uid.empty() || n > 1 ? "" : options.sop_instance_uid;
    part_options.instance_number = options.instance_number + int(n) - 1;
    const std::string part_path = stem + "-part" + std::to_string(n) + ".dcm";
    parts.push_back({part_path, write_ultrasound_clip(part, part_options, part_path), int(part.frames.size())});
  }
  return parts;
}

void check_parts_read_back(const std::vector<WrittenPart>& parts) {
  for (const WrittenPart& p : parts) {
    const int frames = read_clip_info(p.path).frames;
    if (frames != p.frames)
      throw Error(ErrorCode::CorruptData,
                  p.path + " reads back " + std::to_string(frames) + " frames of " + std::to_string(p.frames));
  }
}

}  // namespace ft::dicom
