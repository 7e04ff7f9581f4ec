#include "ft/dicom/PresentationStateReader.h"

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "NearbyFiles.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
using namespace detail;

// Frames an annotation applies to: its Referenced Image Sequence's frame numbers (1-based).
std::vector<int> frames_of(DcmItem& annotation) {
  std::vector<int> frames;
  DcmItem* image = nullptr;
  for (unsigned long i = 0; annotation.findAndGetSequenceItem(DCM_ReferencedImageSequence, image, long(i)).good(); ++i) {
    Sint32 frame = 0;
    for (unsigned long k = 0; image->findAndGetSint32(DCM_ReferencedFrameNumber, frame, k).good(); ++k) frames.push_back(frame - 1);
  }
  return frames;
}

void read_graphics(DcmItem& annotation, const std::vector<int>& frames, PresentationAnnotations& out) {
  DcmItem* g = nullptr;
  for (unsigned long i = 0; annotation.findAndGetSequenceItem(DCM_GraphicObjectSequence, g, long(i)).good(); ++i) {
    if (get_string(*g, DCM_GraphicAnnotationUnits) != "PIXEL") continue;  // display units need the viewport
    const Float32* data = nullptr;
    unsigned long count = 0;
    if (g->findAndGetFloat32Array(DCM_GraphicData, data, &count).bad() || !data || count < 2) continue;
    PresentationAnnotation a;
    a.frames = frames;
    for (unsigned long k = 0; k + 1 < count; k += 2) a.points.emplace_back(data[k], data[k + 1]);
    out.annotations.push_back(std::move(a));
  }
  DcmItem* t = nullptr;
  for (unsigned long i = 0; annotation.findAndGetSequenceItem(DCM_TextObjectSequence, t, long(i)).good(); ++i) {
    PresentationAnnotation a;
    a.frames = frames;
    a.text = get_string(*t, DCM_UnformattedTextValue);
    const Float32* at = nullptr;
    unsigned long count = 0;
    if (get_string(*t, DCM_AnchorPointAnnotationUnits) == "PIXEL" &&
        t->findAndGetFloat32Array(DCM_AnchorPoint, at, &count).good() && at && count >= 2)
      a.points.emplace_back(at[0], at[1]);
    else if (get_string(*t, DCM_BoundingBoxAnnotationUnits) == "PIXEL" &&
             t->findAndGetFloat32Array(DCM_BoundingBoxTopLeftHandCorner, at, &count).good() && at && count >= 2)
      a.points.emplace_back(at[0], at[1]);
    if (!a.points.empty() && !a.text.empty()) out.annotations.push_back(std::move(a));
  }
}

}  // namespace

PresentationAnnotations read_presentation_state(const std::string& path) {
  DicomFileLoader loader(path);
  DcmDataset& ds = loader.dataset();
  if (get_string(ds, DCM_SOPClassUID) != UID_GrayscaleSoftcopyPresentationStateStorage)
    throw Error(ErrorCode::Unsupported, path + ": not a grayscale softcopy presentation state");
  PresentationAnnotations out;
  DcmItem* series = nullptr;
  for (unsigned long i = 0; ds.findAndGetSequenceItem(DCM_ReferencedSeriesSequence, series, long(i)).good(); ++i) {
    DcmItem* image = nullptr;
    for (unsigned long k = 0; series->findAndGetSequenceItem(DCM_ReferencedImageSequence, image, long(k)).good(); ++k)
      out.referenced_sop_instance_uids.insert(get_string(*image, DCM_ReferencedSOPInstanceUID));
  }
  DcmItem* annotation = nullptr;
  for (unsigned long i = 0; ds.findAndGetSequenceItem(DCM_GraphicAnnotationSequence, annotation, long(i)).good(); ++i)
    read_graphics(*annotation, frames_of(*annotation), out);
  return out;
}

std::vector<std::string> find_presentation_states_for(const std::string& clip_path, const std::string& clip_uid) {
  std::vector<std::string> found;
  const auto grayscale_state = [](const std::string& sop_class) {
    return sop_class == UID_GrayscaleSoftcopyPresentationStateStorage;
  };
  for (const std::string& f : dicom_files_near(clip_path, grayscale_state)) try {
      if (read_presentation_state(f).referenced_sop_instance_uids.count(clip_uid)) found.push_back(f);
    } catch (const std::exception&) {
      continue;
    }
  return found;
}

}  // namespace ft::dicom
