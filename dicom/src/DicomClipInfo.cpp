#include "ft/dicom/DicomClipInfo.h"

#include <sys/stat.h>

#include <climits>
#include <cmath>
#include <algorithm>
#include <numeric>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "ft/core/Error.h"
#include "ft/dicom/UltrasoundClipWriter.h"

namespace ft::dicom {
namespace {
using namespace detail;

UltrasoundRegion read_region(DcmItem& item) {
  UltrasoundRegion r;
  r.spatial_format = RegionSpatialFormat(get_long(item, DCM_RegionSpatialFormat, 0));
  r.data_type = int(get_long(item, DCM_RegionDataType, 0));
  r.flags = int(get_long(item, DCM_RegionFlags, 0));
  r.bounds.x0_px = int(get_long(item, DCM_RegionLocationMinX0, 0));
  r.bounds.y0_px = int(get_long(item, DCM_RegionLocationMinY0, 0));
  r.bounds.x1_px = int(get_long(item, DCM_RegionLocationMaxX1, -1));
  r.bounds.y1_px = int(get_long(item, DCM_RegionLocationMaxY1, -1));
  r.units_x = PhysicalUnits(get_long(item, DCM_PhysicalUnitsXDirection, 0));
  r.units_y = PhysicalUnits(get_long(item, DCM_PhysicalUnitsYDirection, 0));
  const double dx = std::abs(get_double(item, DCM_PhysicalDeltaX, 0.0));
  const double dy = std::abs(get_double(item, DCM_PhysicalDeltaY, 0.0));
  // The standard gives PhysicalDelta in cm for spatial units; we keep mm.
  r.mm_per_px_x = r.units_x == PhysicalUnits::Centimetre ? dx * 10.0 : dx;
  r.mm_per_px_y = r.units_y == PhysicalUnits::Centimetre ? dy * 10.0 : dy;
  const long ref_x = get_long(item, DCM_ReferencePixelX0, LONG_MIN);
  const long ref_y = get_long(item, DCM_ReferencePixelY0, LONG_MIN);
  if (ref_x != LONG_MIN) r.reference_x_px = int(ref_x);
  if (ref_y != LONG_MIN) r.reference_y_px = int(ref_y);
  return r;
}

void read_timing(DcmDataset& ds, DicomClipInfo& info) {
  const std::string vector = get_string(ds, DCM_FrameTimeVector);
  if (const double t = get_double(ds, DCM_FrameTime, 0.0); t > 0) {
    info.frame_time_ms = t;
    info.frame_time_source = "FrameTime";
  }
  if (!vector.empty()) {
    for (unsigned long i = 0;; ++i) {
      Float64 v = 0;
      if (ds.findAndGetFloat64(DCM_FrameTimeVector, v, i).bad()) break;
      info.frame_time_vector_ms.push_back(v);
    }
    if (info.frame_time_ms <= 0 && info.frame_time_vector_ms.size() > 1) {
      const double sum = std::accumulate(info.frame_time_vector_ms.begin() + 1, info.frame_time_vector_ms.end(), 0.0);
      info.frame_time_ms = sum / double(info.frame_time_vector_ms.size() - 1);
      info.frame_time_source = "FrameTimeVector";
    }
  }
  if (info.frame_time_ms <= 0) {
    for (const auto& [tag, name] : {std::pair{DCM_CineRate, "CineRate"},
                                    std::pair{DCM_RecommendedDisplayFrameRate, "RecommendedDisplayFrameRate"}}) {
      if (const double rate = get_double(ds, tag, 0.0); rate > 0) {
        info.frame_time_ms = 1000.0 / rate;
        info.frame_time_source = name;
        break;
      }
    }
  }
}

void read_regions(DcmDataset& ds, DicomClipInfo& info) {
  DcmSequenceOfItems* sequence = nullptr;
  if (ds.findAndGetSequence(DCM_SequenceOfUltrasoundRegions, sequence).good() && sequence) {
    for (unsigned long i = 0; i < sequence->card(); ++i) {
      UltrasoundRegion r = read_region(*sequence->getItem(i));
      const std::string warning = clip_region_to_frame(r, info.columns, info.rows);
      if (!warning.empty()) info.warnings.push_back("ultrasound region " + std::to_string(i + 1) + ": " + warning);
      if (!r.bounds.empty()) info.regions.push_back(r);
    }
  }
  // Pixel Spacing: top level (Secondary Capture and others), or the shared Pixel
  // Measures functional group of enhanced multi-frame objects (Enhanced US).
  DcmItem* spacing_item = &ds;
  DcmItem* shared = nullptr;
  DcmItem* measures = nullptr;
  if (!ds.tagExists(DCM_PixelSpacing) &&
      ds.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good() && shared &&
      shared->findAndGetSequenceItem(DCM_PixelMeasuresSequence, measures, 0).good() && measures)
    spacing_item = measures;
  Float64 row_mm = 0, col_mm = 0;
  if (spacing_item->findAndGetFloat64(DCM_PixelSpacing, row_mm, 0).good() &&
      spacing_item->findAndGetFloat64(DCM_PixelSpacing, col_mm, 1).good() && row_mm > 0 && col_mm > 0)
    info.pixel_spacing_mm = std::make_pair(double(row_mm), double(col_mm));
}

}  // namespace

UltrasoundRegion DicomClipInfo::analysis_region() const {
  if (auto r = choose_tissue_region(regions); r && r->is_calibrated_tissue_image()) return *r;
  UltrasoundRegion whole;
  whole.bounds = {0, 0, columns - 1, rows - 1};
  if (pixel_spacing_mm) {
    whole.units_x = whole.units_y = PhysicalUnits::Centimetre;
    whole.mm_per_px_x = pixel_spacing_mm->second;
    whole.mm_per_px_y = pixel_spacing_mm->first;
  } else if (auto r = choose_tissue_region(regions)) {
    return *r;  // a 2-D region without calibration: still the right pixels to look at
  }
  return whole;
}

DicomClipInfo read_clip_info(const std::string& path) {
  DicomFileLoader loader(path);
  DcmDataset& ds = loader.dataset();
  DicomClipInfo info;
  info.path = path;
  info.sop_class_uid = get_string(ds, DCM_SOPClassUID);
  if (const char* name = dcmFindNameOfUID(info.sop_class_uid.c_str())) info.sop_class_name = name;
  info.sop_instance_uid = get_string(ds, DCM_SOPInstanceUID);
  info.study_instance_uid = get_string(ds, DCM_StudyInstanceUID);
  info.patient_id = get_string(ds, DCM_PatientID);
  info.patient_name = get_string(ds, DCM_PatientName);
  info.series_instance_uid = get_string(ds, DCM_SeriesInstanceUID);
  info.laterality = get_string(ds, DCM_ImageLaterality);
  if (info.laterality.empty()) info.laterality = get_string(ds, DCM_Laterality);
  info.study_date = get_string(ds, DCM_StudyDate);
  info.series_number = get_string(ds, DCM_SeriesNumber);
  info.series_description = get_string(ds, DCM_SeriesDescription);
  info.modality = get_string(ds, DCM_Modality);
  info.manufacturer = get_string(ds, DCM_Manufacturer);
  info.model_name = get_string(ds, DCM_ManufacturerModelName);
  const DcmXfer xfer(ds.getOriginalXfer());
  info.transfer_syntax_uid = xfer.getXferID();
  info.transfer_syntax_name = xfer.getXferName();
  info.photometric = get_string(ds, DCM_PhotometricInterpretation);
  info.rows = int(get_long(ds, DCM_Rows, 0));
  info.columns = int(get_long(ds, DCM_Columns, 0));
  info.frames = int(get_long(ds, DCM_NumberOfFrames, 1));
  info.samples_per_pixel = int(get_long(ds, DCM_SamplesPerPixel, 1));
  info.bits_allocated = int(get_long(ds, DCM_BitsAllocated, 0));
  info.bits_stored = int(get_long(ds, DCM_BitsStored, info.bits_allocated));
  info.pixel_representation = int(get_long(ds, DCM_PixelRepresentation, 0));
  info.planar_configuration = int(get_long(ds, DCM_PlanarConfiguration, 0));
  if (!ds.tagExists(DCM_PixelData))
    throw Error(ErrorCode::Unsupported, path + ": no pixel data (not an image object: " +
                                            (info.sop_class_name.empty() ? info.sop_class_uid : info.sop_class_name) + ")");
  if (info.rows <= 0 || info.columns <= 0) throw Error(ErrorCode::CorruptData, path + ": Rows or Columns missing or zero");
  if (info.frames <= 0) throw Error(ErrorCode::CorruptData, path + ": Number of Frames is not a positive number");
  if (decoded_frame_bytes(info.rows, info.columns, info.samples_per_pixel, info.bits_allocated) > kMaxFrameBytes)
    throw Error(ErrorCode::Unsupported, path + ": frames of " + std::to_string(info.columns) + "x" + std::to_string(info.rows) +
                                            " px are too large for an ultrasound image (corrupt header?)");
  if (info.frames > int(kMaxFramesPerObject)) throw Error(ErrorCode::CorruptData, path + ": implausible Number of Frames " + std::to_string(info.frames));
  if (info.samples_per_pixel != 1 && info.samples_per_pixel != 3)
    throw Error(ErrorCode::Unsupported, path + ": Samples per Pixel " + std::to_string(info.samples_per_pixel) + " (1 or 3 supported)");
  if (info.bits_stored < 1 || info.bits_stored > info.bits_allocated)
    throw Error(ErrorCode::CorruptData, path + ": Bits Stored " + std::to_string(info.bits_stored) + " does not fit Bits Allocated");
  if (info.bits_allocated != 8 && info.bits_allocated != 16)
    throw Error(ErrorCode::Unsupported, path + ": Bits Allocated " + std::to_string(info.bits_allocated) + " (8 or 16 supported)");
  read_timing(ds, info);
  read_regions(ds, info);
  return info;
}

}  // namespace ft::dicom
