#include "ft/dicom/MeasurementReportWriter.h"

#include "MeasurementReportComment.h"

#include <cmath>
#include <cstdio>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "dcmtk/dcmsr/dsrdoc.h"
#include "ft/core/Error.h"
#include "ft/core/TearGeometry.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {
using namespace detail;

DSRCodedEntryValue dcm(const char* value, const char* meaning) { return DSRCodedEntryValue(value, "DCM", meaning); }
DSRCodedEntryValue own(const char* value, const char* meaning) {
  return DSRCodedEntryValue(value, kFibreTrackCodingScheme, meaning);
}
DSRCodedEntryValue ucum(const char* unit, const char* meaning) { return DSRCodedEntryValue(unit, "UCUM", meaning); }

std::string decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Walks the content tree; every step that DCMTK refuses is an internal error.
class Tree {
 public:
  explicit Tree(DSRDocumentTree& tree) : tree_(tree) {}
  Tree& child(DSRTypes::E_RelationshipType rel, DSRTypes::E_ValueType type, const DSRCodedEntryValue& concept) {
    check(tree_.addChildContentItem(rel, type, concept), concept);
    return *this;
  }
  Tree& next(DSRTypes::E_RelationshipType rel, DSRTypes::E_ValueType type, const DSRCodedEntryValue& concept) {
    check(tree_.addContentItem(rel, type, concept), concept);
    return *this;
  }
  Tree& up() {
    if (tree_.goUp() == 0) throw Error(ErrorCode::Internal, "SR tree: cannot go up");
    return *this;
  }
  DSRContentItem& item() { return tree_.getCurrentContentItem(); }
  void set(const OFCondition& status, const char* what) {
    if (status.bad()) throw Error(ErrorCode::Internal, std::string("SR ") + what + ": " + status.text());
  }

 private:
  static void check(const OFCondition& status, const DSRCodedEntryValue& concept) {
    if (status.bad())
      throw Error(ErrorCode::Internal, "SR item '" + std::string(concept.getCodeMeaning().c_str()) + "': " + status.text());
  }
  DSRDocumentTree& tree_;
};

void add_numeric(Tree& t, bool first, const DSRCodedEntryValue& concept, double value, const DSRCodedEntryValue& unit) {
  if (first) t.child(DSRTypes::RT_contains, DSRTypes::VT_Num, concept);
  else t.next(DSRTypes::RT_contains, DSRTypes::VT_Num, concept);
  t.set(t.item().setNumericValue(DSRNumericMeasurementValue(decimal(value).c_str(), unit)), "numeric value");
}

// An image-region SCOORD, selected from one frame of the source clip: the next item under the
// same parent, or (as_child) the first child of the current item with relationship `rel`.
void add_region(Tree& t, const DSRCodedEntryValue& concept, DSRTypes::E_GraphicType type,
                const std::vector<std::pair<double, double>>& points, const DicomClipInfo& source, int frame,
                bool as_child = false, DSRTypes::E_RelationshipType rel = DSRTypes::RT_contains) {
  if (as_child) t.child(rel, DSRTypes::VT_SCoord, concept);
  else t.next(rel, DSRTypes::VT_SCoord, concept);
  DSRSpatialCoordinatesValue coords(type);
  for (const auto& [x, y] : points) coords.getGraphicDataList().addItem(Float32(x), Float32(y));
  t.set(t.item().setSpatialCoordinates(coords), "spatial coordinates");
  t.child(DSRTypes::RT_selectedFrom, DSRTypes::VT_Image, dcm("121112", "Source of Measurement"));
  DSRImageReferenceValue image(source.sop_class_uid.c_str(), source.sop_instance_uid.c_str());
  image.getFrameList().addItem(Sint32(frame + 1));
  t.set(t.item().setImageReference(image), "image reference");
  t.up();
}

DSRCodedEntryValue review_reason_code(ReviewReason why) {
  switch (why) {
    case ReviewReason::FaintLayer: return own("R010", "Too faint to tell from speckle");
    case ReviewReason::OpeningWithinAngleError: return own("R011", "Opening within the fibre angle's error");
  }
  return own("R010", "Too faint to tell from speckle");
}

DSRCodedEntryValue grade_code(TearGrade g) {
  switch (g) {
    case TearGrade::None: return own("G0", "No lesion");
    case TearGrade::Minimal: return own("G1", "Minimal fibre disruption");
    case TearGrade::Partial: return own("G2", "Partial tear");
    case TearGrade::CompleteWithRetraction: return own("G3", "Complete tear with retraction");
    case TearGrade::Ungraded: return own("G9", "Tear, extent not measured");
  }
  return own("G0", "No lesion");
}

// The Comment of a report with no finding. A "no tear" that rests on too little says so in the
// report itself: a reader of the report in PACS sees no other sign of it (read back by
// read_measurement_report).
std::string no_finding_comment(const DetectionResult& result) {
  if (result.conclusive) return kNoFindingComment;
  // The verdict first: list views and dumps shorten long text.
  return kInconclusiveComment +
         (result.inconclusive_reason.empty() ? std::string("no reason recorded") : result.inconclusive_reason) + ".";
}

void add_finding(Tree& t, const TearFinding& f, const DetectionResult& result, int index, const DicomClipInfo& source,
                 bool first_group) {
  if (first_group) t.child(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("125007", "Measurement Group"));
  else t.next(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("125007", "Measurement Group"));
  t.child(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, dcm("112039", "Tracking Identifier"));
  t.set(t.item().setStringValue(("Finding " + std::to_string(index + 1)).c_str()), "tracking identifier");
  t.next(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, dcm("112040", "Tracking Unique Identifier"));
  t.set(t.item().setStringValue(new_uid().c_str()), "tracking uid");
  t.next(DSRTypes::RT_contains, DSRTypes::VT_Code, dcm("121071", "Finding"));
  t.set(t.item().setCodeValue(own("F001", "Muscle fibre discontinuity opening under contraction")), "finding");
  t.next(DSRTypes::RT_contains, DSRTypes::VT_Text, dcm("111001", "Algorithm Name"));
  t.set(t.item().setStringValue("FibreTrack dynamic tear detection"), "algorithm name");
  t.next(DSRTypes::RT_contains, DSRTypes::VT_Text, dcm("111003", "Algorithm Version"));
  t.set(t.item().setStringValue(FT_VERSION), "algorithm version");
  // mm only where the clip was calibrated (or its depth scale read); otherwise the gap as a
  // share of the muscle's thickness, which does not depend on the scale.
  if (result.calibrated) {
    add_numeric(t, false, own("M001", "Gap along fibres at peak contraction"), f.gap_mm, ucum("mm", "millimeter"));
    add_numeric(t, false, own("M002", "Gap along fibres at rest"), f.gap_rest_mm, ucum("mm", "millimeter"));
    add_numeric(t, false, own("M003", "Retraction of each stump"), f.retraction_mm, ucum("mm", "millimeter"));
  } else if (f.muscle_thickness_mm > 0) {
    add_numeric(t, false, own("M009", "Gap at peak contraction relative to muscle thickness"),
                100.0 * f.gap_mm / f.muscle_thickness_mm, ucum("%", "percent"));
  }
  if (f.extent_pct >= 0)  // unmeasured: absent (the grade says so), never a negative share
    add_numeric(t, false, own("M004", "Extent across muscle thickness"), f.extent_pct, ucum("%", "percent"));
  // Muscle beyond the tear's ends the tracker lost: the tear may run on through it. Absent when none.
  if (f.extent_pct >= 0 && f.extent_unseen_above_pct > 0)
    add_numeric(t, false, own("M010", "Muscle not tracked between tear and superficial aponeurosis"),
                f.extent_unseen_above_pct, ucum("%", "percent"));
  if (f.extent_pct >= 0 && f.extent_unseen_below_pct > 0)
    add_numeric(t, false, own("M011", "Muscle not tracked between tear and deep aponeurosis"),
                f.extent_unseen_below_pct, ucum("%", "percent"));
  // The muscle from a tear's end to its aponeurosis, where the part beside the end that could be read
  // moved without opening (the band along the aponeurosis cannot be read): its fibres may be
  // intact. Absent when none.
  if (f.extent_pct >= 0 && f.extent_spared_above_pct > 0)
    add_numeric(t, false, own("M012", "Tear end to superficial aponeurosis, tracked part unopened"),
                f.extent_spared_above_pct, ucum("%", "percent"));
  if (f.extent_pct >= 0 && f.extent_spared_below_pct > 0)
    add_numeric(t, false, own("M013", "Tear end to deep aponeurosis, tracked part unopened"),
                f.extent_spared_below_pct, ucum("%", "percent"));
  add_numeric(t, false, own("M005", "Confidence"), f.confidence, ucum("1", "no units"));
  if (result.calibrated && f.muscle_thickness_mm > 0)  // unmeasured: absent, never a negative thickness
    add_numeric(t, false, own("M008", "Muscle thickness at the finding"), f.muscle_thickness_mm, ucum("mm", "millimeter"));
  t.next(DSRTypes::RT_contains, DSRTypes::VT_Code, own("M006", "Grade"));
  t.set(t.item().setCodeValue(grade_code(f.grade)), "grade");
  // Centre of the finding, and the gap caliper across the tear surface.
  add_region(t, dcm("111030", "Image Region"), DSRTypes::GT_Point, {{f.centre_col_px, f.centre_row_px}}, source, f.frame);
  const UltrasoundRegion region = source.analysis_region();
  const TearGeometry g = tear_geometry(f, result, region.mm_per_px_x, region.mm_per_px_y);
  add_region(t, own("M007", "Gap caliper"), DSRTypes::GT_Polyline,
             {{g.caliper_start.x, g.caliper_start.y}, {g.caliper_end.x, g.caliper_end.y}}, source, f.frame);
  t.up();
}

// TID 1500 row 12, "Qualitative Evaluations" (of the whole subject), beside the measurements:
// one TEXT per layer for review (row 14, our own concept: not a finding, so never a measurement
// group a reader would count), inferred from its place on the frame it opened most.
void add_layers_for_review(Tree& t, const DetectionResult& result, const DicomClipInfo& source) {
  t.next(DSRTypes::RT_contains, DSRTypes::VT_Container, DSRCodedEntryValue("C0034375", "UMLS", "Qualitative Evaluations"));
  for (std::size_t i = 0; i < result.for_review.size(); ++i) {
    const TearFinding& layer = result.for_review[i];
    const DSRCodedEntryValue concept = own("R001", "Layer for review, not a finding");
    if (i == 0) t.child(DSRTypes::RT_contains, DSRTypes::VT_Text, concept);
    else t.next(DSRTypes::RT_contains, DSRTypes::VT_Text, concept);
    t.set(t.item().setStringValue(describe_layer_for_review(layer, result).c_str()), "layer for review");
    add_region(t, dcm("111030", "Image Region"), DSRTypes::GT_Point, {{layer.centre_col_px, layer.centre_row_px}}, source,
               layer.frame, true, DSRTypes::RT_inferredFrom);
    // Why it is for review, coded: a reader need not parse the sentence (whose wording may change).
    t.next(DSRTypes::RT_hasProperties, DSRTypes::VT_Code, own("R002", "Reason for review"));
    t.set(t.item().setCodeValue(review_reason_code(layer.review_reason)), "reason for review");
    t.up();
  }
  t.up();
}

}  // namespace

std::string write_measurement_report(const std::string& source_clip, const DetectionResult& result,
                                     const std::string& path) {
  const DicomClipInfo source = read_clip_info(source_clip);
  DicomFileLoader loader(source_clip);
  DcmDataset& src = loader.dataset();

  DSRDocument doc(DSRTypes::DT_ComprehensiveSR);
  doc.createNewSeriesInStudy(source.study_instance_uid.c_str());
  doc.setSeriesDescription("FibreTrack measurement report");
  doc.setManufacturer("FibreTrack");
  doc.setDeviceSerialNumber("FT-" FT_VERSION);
  // The clip the measurements come from is the evidence of this report.
  if (doc.getCurrentRequestedProcedureEvidence()
          .addItem(source.study_instance_uid.c_str(), source.series_instance_uid.c_str(), source.sop_class_uid.c_str(),
                   source.sop_instance_uid.c_str())
          .bad())
    throw Error(ErrorCode::CorruptData, source_clip + ": source clip lacks the UIDs a report must reference");
  doc.getCodingSchemeIdentification().addItem(kFibreTrackCodingScheme, uid_from_name("fibretrack/coding-scheme"),
                                              "FibreTrack concepts", "FibreTrack");
  Tree t(doc.getTree());
  t.child(DSRTypes::RT_isRoot, DSRTypes::VT_Container, dcm("126000", "Imaging Measurement Report"));
  t.set(t.item().setTemplateIdentification("1500", "DCMR"), "template");
  t.child(DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, dcm("121049", "Language of Content Item and Descendants"));
  t.set(t.item().setCodeValue(DSRCodedEntryValue("en-US", "RFC5646", "English (United States)")), "language");
  t.next(DSRTypes::RT_hasObsContext, DSRTypes::VT_Code, dcm("121005", "Observer Type"));
  t.set(t.item().setCodeValue(dcm("121007", "Device")), "observer type");
  t.next(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, dcm("121012", "Device Observer UID"));
  t.set(t.item().setStringValue(uid_from_name("fibretrack/device/" FT_VERSION).c_str()), "device uid");
  t.next(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, dcm("121013", "Device Observer Name"));
  t.set(t.item().setStringValue("FibreTrack " FT_VERSION " (decision support, not a certified medical device)"), "device name");
  t.next(DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, dcm("121058", "Procedure reported"));
  t.set(t.item().setCodeValue(DSRCodedEntryValue("16310003", "SCT", "Ultrasonography")), "procedure");
  t.next(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("111028", "Image Library"));
  t.child(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("126200", "Image Library Group"));
  t.child(DSRTypes::RT_contains, DSRTypes::VT_Image, dcm("260753009", "Source"));
  t.set(t.item().setConceptName(DSRCodedEntryValue("260753009", "SCT", "Source")), "image concept");
  t.set(t.item().setImageReference(DSRImageReferenceValue(source.sop_class_uid.c_str(), source.sop_instance_uid.c_str())),
        "library image");
  t.up().up();
  t.next(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("126010", "Imaging Measurements"));
  for (std::size_t i = 0; i < result.findings.size(); ++i) add_finding(t, result.findings[i], result, int(i), source, i == 0);
  if (result.findings.empty()) {
    t.child(DSRTypes::RT_contains, DSRTypes::VT_Text, dcm("121106", "Comment"));
    t.set(t.item().setStringValue(no_finding_comment(result)), "comment");
  }
  t.up();  // back beside the measurements
  if (!result.for_review.empty()) add_layers_for_review(t, result, source);

  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  const OFCondition written = doc.write(ds);
  if (written.bad()) throw Error(ErrorCode::Internal, std::string("SR document not valid: ") + written.text());
  // Our own UIDs (2.25 root) rather than the toolkit's.
  put(ds, DCM_SeriesInstanceUID, new_uid());
  put(ds, DCM_SOPInstanceUID, new_uid());
  // The report belongs to the clip's patient and study.
  for (const DcmTagKey& tag : {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex, DCM_StudyDate,
                               DCM_StudyTime, DCM_StudyID, DCM_AccessionNumber, DCM_ReferringPhysicianName,
                               DCM_StudyDescription})
    put(ds, tag, get_string(src, tag));
  save_atomically(file, path, EXS_LittleEndianExplicit);
  return get_string(ds, DCM_SOPInstanceUID);
}

}  // namespace ft::dicom
