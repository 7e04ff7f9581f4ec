#include "ft/dicom/SecondaryCaptureWriter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ClipDataset.h"
#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "ft/core/BitmapFont.h"
#include "ft/core/Error.h"
#include "ft/core/TearGeometry.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {
using namespace detail;

void line(Frame& f, const PointPx& a, const PointPx& b, float grey) {
  const int steps = std::max(1, int(std::ceil(std::max(std::abs(b.x - a.x), std::abs(b.y - a.y)))));
  for (int i = 0; i <= steps; ++i) {
    const double t = double(i) / steps;
    const int x = int(std::lround(a.x + t * (b.x - a.x))), y = int(std::lround(a.y + t * (b.y - a.y)));
    if (x >= 0 && y >= 0 && x < f.width_px() && y < f.height_px()) f.set_value(x, y, grey);
  }
}

Frame to_8bit(const Frame& f) {
  if (f.depth() == PixelDepth::Bits8) return f;
  Frame out(f.width_px(), f.height_px(), PixelDepth::Bits8);
  float top = 1;
  for (int y = 0; y < f.height_px(); ++y)
    for (int x = 0; x < f.width_px(); ++x) top = std::max(top, f.value(x, y));
  for (int y = 0; y < f.height_px(); ++y)
    for (int x = 0; x < f.width_px(); ++x) out.set_value(x, y, f.value(x, y) * 255.0f / top);
  out.acquisition_time_ns = f.acquisition_time_ns;
  return out;
}

}  // namespace

std::string write_burned_in_capture(const std::string& source_clip, const DetectionResult& result,
                                    const std::string& path) {
  DicomClipReader reader(source_clip);
  const DicomClipInfo& info = reader.info();
  const UltrasoundRegion region = info.analysis_region();
  Clip clip;
  clip.frame_time_ms = info.frame_time_ms;
  for (int k = 0; k < reader.frame_count(); ++k) {
    Frame frame = to_8bit(reader.read_frame(k));
    for (const TearFinding& f : result.findings) {
      if (f.frame != k) continue;
      const TearGeometry g = tear_geometry(f, result, region.mm_per_px_x, region.mm_per_px_y);
      for (std::size_t c = 0; c < g.outline.size(); ++c) line(frame, g.outline[c], g.outline[(c + 1) % g.outline.size()], 255);
      line(frame, g.caliper_start, g.caliper_end, 255);
      char text[64];
      const double px = result.mm_per_px();  // the scale it was measured at
      const std::string grade = has_grade_number(f.grade) ? std::to_string(int(f.grade)) : "?";
      if (result.calibrated || px <= 0)
        std::snprintf(text, sizeof text, "GAP %.1fMM GRADE %s", f.gap_mm, grade.c_str());
      else  // no trustworthy mm: the gap in px
        std::snprintf(text, sizeof text, "GAP %.0fPX GRADE %s", f.gap_mm / px, grade.c_str());
      draw_text(frame, int(std::max(g.outline[1].x, g.outline[2].x)) + 4, int(g.outline[1].y), text, 255);
    }
    // The notice on a black band of its own, so that scanner text cannot garble it.
    const char* notice = "FIBRETRACK - DECISION SUPPORT, NOT A CERTIFIED DEVICE";
    const int top = frame.height_px() - kGlyphHeightPx - 4;
    for (int y = std::max(0, top); y < frame.height_px(); ++y)
      for (int x = 0; x < frame.width_px(); ++x) frame.set_value(x, y, 0);
    draw_text(frame, 2, top + 2, notice, 255);
    clip.frames.push_back(std::move(frame));
  }

  DicomFileLoader source(source_clip);
  DcmDataset& src = source.dataset();
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  const std::string sop_uid = new_uid();
  put(ds, DCM_SpecificCharacterSet, "ISO_IR 192");
  put(ds, DCM_SOPClassUID, UID_MultiframeGrayscaleByteSecondaryCaptureImageStorage);
  put(ds, DCM_SOPInstanceUID, sop_uid);
  for (const DcmTagKey& tag : {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex, DCM_StudyInstanceUID,
                               DCM_StudyDate, DCM_StudyTime, DCM_StudyID, DCM_AccessionNumber, DCM_ReferringPhysicianName,
                               DCM_Laterality})
    put(ds, tag, get_string(src, tag));
  put(ds, DCM_Modality, "US");
  put(ds, DCM_SeriesInstanceUID, new_uid());
  put(ds, DCM_SeriesNumber, "902");
  put(ds, DCM_SeriesDescription, "FibreTrack findings (burned in)");
  put(ds, DCM_InstanceNumber, "1");
  put(ds, DCM_PatientOrientation, "");
  put(ds, DCM_ContentDate, today_da());
  put(ds, DCM_ContentTime, now_tm());
  put(ds, DCM_ConversionType, "WSD");  // workstation
  put(ds, DCM_Manufacturer, "FibreTrack");
  put(ds, DCM_BurnedInAnnotation, "YES");
  put(ds, DCM_PresentationLUTShape, "IDENTITY");
  put(ds, DCM_RescaleIntercept, "0");
  put(ds, DCM_RescaleSlope, "1");
  put(ds, DCM_RescaleType, "US");  // unspecified
  put(ds, DCM_ImageType, "DERIVED\\SECONDARY");
  put(ds, DCM_DerivationDescription, "Findings of FibreTrack (decision support) drawn over the source frames");
  DcmItem* ref = nullptr;
  if (ds.findOrCreateSequenceItem(DCM_SourceImageSequence, ref, -2).good() && ref) {
    put(*ref, DCM_ReferencedSOPClassUID, info.sop_class_uid);
    put(*ref, DCM_ReferencedSOPInstanceUID, info.sop_instance_uid);
  }
  put_timing(ds, clip);
  put_pixels(ds, clip);
  save_atomically(file, path, EXS_LittleEndianExplicit);
  return sop_uid;
}

}  // namespace ft::dicom
