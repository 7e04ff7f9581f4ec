#include "ft/dicom/PresentationStateWriter.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "dcmtk/dcmpstat/dvpsgr.h"
#include "dcmtk/dcmpstat/dvpstat.h"
#include "dcmtk/dcmpstat/dvpstx.h"
#include "ft/core/Error.h"
#include "ft/core/TearGeometry.h"
#include "ft/dicom/DicomClipInfo.h"

namespace ft::dicom {
namespace {
using namespace detail;

void check(const OFCondition& status, const char* what) {
  if (status.bad()) throw Error(ErrorCode::Internal, std::string("presentation state: ") + what + ": " + status.text());
}

void polyline(DVPresentationState& ps, std::size_t layer, const std::vector<PointPx>& points) {
  DVPSGraphicObject* g = ps.addGraphicObject(layer, DVPSB_currentFrame);
  if (!g) throw Error(ErrorCode::Internal, "presentation state: cannot add a graphic");
  std::vector<Float32> data;
  for (const PointPx& p : points) {
    data.push_back(Float32(p.x));
    data.push_back(Float32(p.y));
  }
  check(g->setGraphicType(DVPST_polyline), "graphic type");
  check(g->setData(points.size(), data.data(), DVPSA_pixels), "graphic data");
  check(g->setFilled(OFFalse), "graphic filled");
}

// Unformatted Text Value is ST: at most 1024 characters (PS3.5 6.2). A longer text (a long
// inconclusive reason, many layers for review) is cut there, and says so.
std::string as_short_text(const std::string& text) {
  constexpr std::size_t kMaxShortText = 1024;
  constexpr char kCut[] = " ...";
  return text.size() <= kMaxShortText ? text : text.substr(0, kMaxShortText - (sizeof kCut - 1)) + kCut;
}

void label(DVPresentationState& ps, std::size_t layer, DVPSObjectApplicability where, const PointPx& at,
           const std::string& text) {
  DVPSTextObject* t = ps.addTextObject(layer, where);
  if (!t) throw Error(ErrorCode::Internal, "presentation state: cannot add a text");
  check(t->setText(as_short_text(text).c_str()), "text");
  check(t->setAnchorPoint(at.x, at.y, DVPSA_pixels, OFFalse), "text anchor");
}

// The review ring (review_ring, closed) and its label on the layer's own frame, on the graphic
// layer of the layers for review, so that a viewer shows and hides it apart from the findings.
void mark_layer_for_review(DVPresentationState& ps, std::size_t layer, const TearFinding& f, double mm_per_px) {
  std::vector<PointPx> ring = review_ring(f, mm_per_px, mm_per_px);
  const double right_x = ring.front().x;  // the ring starts at angle 0, its right end
  ring.push_back(ring.front());
  check(ps.selectImageFrameNumber(static_cast<unsigned long>(f.frame + 1)), "frame");
  polyline(ps, layer, ring);
  label(ps, layer, DVPSB_currentFrame, {right_x + 4, f.centre_row_px}, review_ring_label(f));
}

// The review layer's recommended colour: the viewer's orange (255, 140, 0) as CIELab (L* 69.5,
// a* 36.8, b* 75.5), scaled as PS3.3 C.10.7.1.1 asks. The toolkit writes only the retired RGB value.
void colour_review_layer(DcmDataset& ps) {
  const Uint16 lab[3] = {45534, 42362, 52298};
  DcmItem* layer = nullptr;
  for (unsigned long i = 0; ps.findAndGetSequenceItem(DCM_GraphicLayerSequence, layer, long(i)).good(); ++i)
    if (get_string(*layer, DCM_GraphicLayer) == "FT_REVIEW")
      check(layer->putAndInsertUint16Array(DCM_GraphicLayerRecommendedDisplayCIELabValue, lab, 3), "layer colour");
}

// What every frame says: decision support, what was found, and on which frames a layer for
// review is marked (a mark on one frame flashes by in cine).
std::string notice(const DetectionResult& result) {
  std::string text = result.tear_detected ? "FibreTrack - decision support, not a certified medical device"
                     : result.conclusive  ? "FibreTrack: no fibre discontinuity found - decision support only"
                                          : "FibreTrack: " + describe_verdict(result) + " - decision support only";
  if (result.for_review.empty()) return text;
  const bool all_faint = std::all_of(result.for_review.begin(), result.for_review.end(),
                                     [](const TearFinding& l) { return l.review_reason == ReviewReason::FaintLayer; });
  text += all_faint ? "; faint layer" : "; layer";
  text += result.for_review.size() > 1 ? "s for review (not findings) marked on frames" : " for review (not a finding) marked on frame";
  for (std::size_t i = 0; i < result.for_review.size(); ++i)
    text += (i ? ", " : " ") + std::to_string(result.for_review[i].frame + 1);
  return text;
}

}  // namespace

std::string write_presentation_state(const std::string& source_clip, const DetectionResult& result,
                                     const std::string& path) {
  const DicomClipInfo source = read_clip_info(source_clip);
  if (source.samples_per_pixel != 1)
    throw Error(ErrorCode::Unsupported, source_clip + ": a grayscale presentation state needs a greyscale clip");
  DicomFileLoader loader(source_clip);
  DcmDataset& image = loader.dataset();
  if (image.loadAllDataIntoMemory().bad()) throw Error(ErrorCode::Io, source_clip + ": cannot read the whole file");
  DVPresentationState ps;
  check(ps.createFromImage(image), "create from image");
  check(ps.attachImage(&image, OFFalse), "attach image");
  check(ps.addGraphicLayer("FIBRETRACK", "FibreTrack findings (decision support)"), "graphic layer");
  const std::size_t layer = ps.getNumberOfGraphicLayers() - 1;
  const UltrasoundRegion region = source.analysis_region();
  for (const TearFinding& f : result.findings) {
    check(ps.selectImageFrameNumber(static_cast<unsigned long>(f.frame + 1)), "frame");
    const TearGeometry g = tear_geometry(f, result, region.mm_per_px_x, region.mm_per_px_y);
    std::vector<PointPx> outline(g.outline.begin(), g.outline.end());
    outline.push_back(g.outline.front());
    polyline(ps, layer, outline);
    polyline(ps, layer, {g.caliper_start, g.caliper_end});
    char text[256];
    std::snprintf(text, sizeof text, "%s: %s, %s, confidence %.2f", describe_grade(f).c_str(), describe_gap(f, result).c_str(),
                  describe_extent(f).c_str(), f.confidence);
    label(ps, layer, DVPSB_currentFrame, {g.outline[1].x + 4, g.outline[1].y}, text);
  }
  if (!result.for_review.empty()) {
    check(ps.addGraphicLayer("FT_REVIEW", "FibreTrack layers for review (not findings)"), "graphic layer");
    const std::size_t review = ps.getNumberOfGraphicLayers() - 1;
    check(ps.setGraphicLayerRecommendedDisplayValueGray(review, 0xFFFF), "layer grey");
    // The region's scale, else the one the analysis measured at (a depth scale, an estimate).
    const double region_mm = 0.5 * (region.mm_per_px_x + region.mm_per_px_y);
    for (const TearFinding& f : result.for_review)
      mark_layer_for_review(ps, review, f, region_mm > 0 ? region_mm : result.mm_per_px());
  }
  label(ps, layer, DVPSB_allImages, {4.0, 4.0}, notice(result));
  check(ps.setPresentationLabel("FIBRETRACK"), "label");
  DcmFileFormat out;
  check(ps.write(*out.getDataset(), OFTrue), "write");
  colour_review_layer(*out.getDataset());
  put(*out.getDataset(), DCM_SeriesDescription, "FibreTrack annotations");
  put(*out.getDataset(), DCM_Laterality, get_string(image, DCM_Laterality));  // Type 2C: the series' side
  save_atomically(out, path, EXS_LittleEndianExplicit);
  return get_string(*out.getDataset(), DCM_SOPInstanceUID);
}

}  // namespace ft::dicom
