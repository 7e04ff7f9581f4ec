#include "ft/dicom/MeasurementReportReader.h"

#include "MeasurementReportComment.h"

#include <cmath>
#include <algorithm>
#include <filesystem>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "NearbyFiles.h"
#include "dcmtk/dcmsr/dsrdoc.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
using namespace detail;
constexpr char kScheme[] = "99FIBRETRACK";

bool ours(const DSRCodedEntryValue& c, const char* value) {
  return c.getCodingSchemeDesignator() == kScheme && c.getCodeValue() == value;
}

TearGrade grade_of(const DSRCodedEntryValue& c) {
  if (c.getCodeValue() == "G3") return TearGrade::CompleteWithRetraction;
  if (c.getCodeValue() == "G9") return TearGrade::Ungraded;
  if (c.getCodeValue() == "G2") return TearGrade::Partial;
  if (c.getCodeValue() == "G1") return TearGrade::Minimal;
  return TearGrade::None;
}

void take_numeric(const DSRContentItem& item, TearFinding& f) {
  const DSRCodedEntryValue& c = item.getConceptName();
  const double v = std::atof(item.getNumericValue().getNumericValue().c_str());
  if (ours(c, "M001")) f.gap_mm = v;
  else if (ours(c, "M002")) f.gap_rest_mm = v;
  else if (ours(c, "M003")) f.retraction_mm = v;
  else if (ours(c, "M004")) f.extent_pct = v;
  else if (ours(c, "M005")) f.confidence = v;
  else if (ours(c, "M008")) f.muscle_thickness_mm = v;
  else if (ours(c, "M010")) f.extent_unseen_above_pct = v;
  else if (ours(c, "M011")) f.extent_unseen_below_pct = v;
  else if (ours(c, "M012")) f.extent_spared_above_pct = v;
  else if (ours(c, "M013")) f.extent_spared_below_pct = v;
}

// The centre point, or the gap caliper (whose direction is the fibres').
void take_coordinates(DSRContentItem& item, TearFinding& f) {
  DSRSpatialCoordinatesValue* sc = item.getSpatialCoordinatesPtr();
  if (!sc) return;
  const DSRGraphicDataList& points = sc->getGraphicDataList();
  if (item.getConceptName().getCodeValue() == "111030" && points.getNumberOfItems() >= 1) {
    f.centre_col_px = points.getItem(1).Column;
    f.centre_row_px = points.getItem(1).Row;
  } else if (ours(item.getConceptName(), "M007") && points.getNumberOfItems() >= 2) {
    const double dx = points.getItem(2).Column - points.getItem(1).Column, dy = points.getItem(2).Row - points.getItem(1).Row;
    f.fibre_angle_deg = std::atan2(dy, dx) * 180.0 / M_PI;
    if (f.fibre_angle_deg > 90) f.fibre_angle_deg -= 180;
    if (f.fibre_angle_deg < -90) f.fibre_angle_deg += 180;
    f.surface_angle_deg = f.fibre_angle_deg;  // the surface cuts the fibres square
  }
}

// The Comment of a report with no finding (MeasurementReportComment.h): the plain sentence, exactly
// (every report before inconclusive ones were worded), is a conclusive "no tear"; any other text
// is not, with the reason after kInconclusiveComment where it is worded so.
void take_no_finding_comment(const std::string& text, DetectionResult& result) {
  result.conclusive = text == kNoFindingComment;
  if (result.conclusive) return;
  const std::string lead = kInconclusiveComment;
  std::string why = text.rfind(lead, 0) == 0 ? text.substr(lead.size()) : "";
  if (!why.empty() && why.back() == '.') why.pop_back();
  result.inconclusive_reason = why;
}

}  // namespace

StoredReport read_measurement_report(const std::string& path) {
  DicomFileLoader loader(path);
  DSRDocument doc;
  if (doc.read(loader.dataset()).bad()) throw Error(ErrorCode::CorruptData, path + ": not a readable structured report");
  OFString manufacturer;
  doc.getManufacturer(manufacturer);
  if (manufacturer != "FibreTrack")
    throw Error(ErrorCode::Unsupported, path + ": not a FibreTrack measurement report");
  StoredReport report;
  DSRDocumentTree& tree = doc.getTree();
  if (tree.gotoRoot() == 0) throw Error(ErrorCode::CorruptData, path + ": empty report");
  TearFinding* current = nullptr;
  do {
    DSRContentItem& item = tree.getCurrentContentItem();
    const DSRCodedEntryValue& concept = item.getConceptName();
    switch (item.getValueType()) {
      case DSRTypes::VT_Container:
        current = nullptr;  // what follows belongs to this container, not to the finding before
        if (concept.getCodeValue() == "125007") {
          current = &report.result.findings.emplace_back();
          current->extent_pct = -1.0;  // written only where it was measured (M004)
        }
        break;
      case DSRTypes::VT_Text:
        if (concept.getCodeValue() == "121106" && concept.getCodingSchemeDesignator() == "DCM")
          take_no_finding_comment(item.getStringValue().c_str(), report.result);
        if (ours(concept, "R001")) {  // a layer for review: its place and frame follow (SCOORD, IMAGE)
          current = &report.result.for_review.emplace_back();
          report.result.notes.push_back(item.getStringValue().c_str());  // as it was worded for the user
          current->review_reason = ReviewReason::FaintLayer;  // the only reason before it was coded (R002)
        }
        break;
      case DSRTypes::VT_Num:
        if (current) take_numeric(item, *current);
        break;
      case DSRTypes::VT_Code:
        if (current && ours(concept, "M006")) current->grade = grade_of(item.getCodeValue());
        if (current && ours(concept, "R002") && item.getCodeValue().getCodeValue() == "R011")
          current->review_reason = ReviewReason::OpeningWithinAngleError;
        break;
      case DSRTypes::VT_SCoord:
        if (current) take_coordinates(item, *current);
        break;
      case DSRTypes::VT_Image:
        if (const DSRImageReferenceValue* image = item.getImageReferencePtr()) {
          if (report.source_sop_instance_uid.empty()) report.source_sop_instance_uid = image->getSOPInstanceUID().c_str();
          if (current && image->getFrameList().getNumberOfItems() > 0) current->frame = image->getFrameList().getItem(1) - 1;
        }
        break;
      default:
        break;
    }
  } while (tree.iterate() > 0);
  report.result.tear_detected = !report.result.findings.empty();
  if (report.result.tear_detected) {  // a finding is always conclusive
    report.result.conclusive = true;
    report.result.inconclusive_reason.clear();
  }
  report.result.notes.push_back("shown from the stored measurement report " + std::filesystem::path(path).filename().string() +
                                " (no strain or gap curves: analyse again for those)");
  return report;
}

void place_on_region(DetectionResult& stored, const UltrasoundRegion& region) {
  stored.calibrated = region.has_mm_calibration();
  stored.mm_per_px_x = region.mm_per_px_x;
  stored.mm_per_px_y = region.mm_per_px_y;
  const auto place = [&](TearFinding& f) {
    f.centre_x_mm = (f.centre_col_px - region.bounds.x0_px) * region.mm_per_px_x;
    f.centre_z_mm = (f.centre_row_px - region.bounds.y0_px) * region.mm_per_px_y;
  };
  for (TearFinding& f : stored.findings) place(f);
  for (TearFinding& f : stored.for_review) place(f);
  note_tear_ends(stored);  // its place is known now, in mm where the clip is calibrated
}

std::vector<std::string> find_reports_for(const std::string& clip_path, const std::string& clip_uid) {
  std::vector<std::string> reports;
  const auto structured_report = [](const std::string& sop_class) {
    return DSRTypes::sopClassUIDToDocumentType(sop_class.c_str()) != DSRTypes::DT_invalid;
  };
  for (const std::string& f : dicom_files_near(clip_path, structured_report)) try {
      if (read_measurement_report(f).source_sop_instance_uid == clip_uid) reports.push_back(f);
    } catch (const std::exception&) {
      continue;  // images, other reports, unreadable files
    }
  return reports;
}

}  // namespace ft::dicom
