#include "ConfidentialityProfile.h"

#include <algorithm>
#include <iterator>

namespace ft::dicom::detail {
namespace {

enum class Action { Remove, Keep, Empty, Items };
struct Verdict;
using Rules = Verdict (*)(const DcmTagKey&);
struct Verdict {
  Action action = Action::Remove;
  Rules items = nullptr;  // for Action::Items: the rules of each item's attributes
};

template <std::size_t N>
bool listed(const DcmTagKey (&list)[N], const DcmTagKey& tag) {
  return std::find(std::begin(list), std::end(list), tag) != std::end(list);
}

// A coded concept (anatomy, modifiers): codes only, no free text beyond the code's meaning.
Verdict code_item(const DcmTagKey& tag) {
  const DcmTagKey keep[] = {DCM_CodeValue,   DCM_CodingSchemeDesignator, DCM_CodingSchemeVersion,
                            DCM_CodeMeaning, DCM_LongCodeValue,          DCM_URNCodeValue};
  if (listed(keep, tag)) return {Action::Keep};
  if (tag == DCM_AnatomicRegionModifierSequence) return {Action::Items, code_item};
  return {};
}

// One ultrasound region (PS3.3 C.8.5.5.1): numbers and codes of the calibration only.
Verdict region_item(const DcmTagKey& tag) {
  const bool region_attribute = tag.getGroup() == 0x0018 && tag.getElement() >= 0x6012 && tag.getElement() <= 0x6060;
  return {region_attribute ? Action::Keep : Action::Remove};
}

// The top-level data set of an ultrasound image or cine clip.
Verdict data_set(const DcmTagKey& tag) {
  // Pixel description, presentation and compression history: describe the image, not the person.
  const DcmTagKey image[] = {
      DCM_SamplesPerPixel, DCM_PhotometricInterpretation, DCM_PlanarConfiguration, DCM_NumberOfFrames,
      DCM_FrameIncrementPointer, DCM_Rows, DCM_Columns, DCM_PixelSpacing, DCM_PixelAspectRatio,
      DCM_UltrasoundColorDataPresent, DCM_BitsAllocated, DCM_BitsStored, DCM_HighBit, DCM_PixelRepresentation,
      DCM_SmallestImagePixelValue, DCM_LargestImagePixelValue, DCM_PixelIntensityRelationship, DCM_WindowCenter,
      DCM_WindowWidth, DCM_RescaleIntercept, DCM_RescaleSlope, DCM_RescaleType,
      DCM_RedPaletteColorLookupTableDescriptor, DCM_GreenPaletteColorLookupTableDescriptor,
      DCM_BluePaletteColorLookupTableDescriptor, DCM_RedPaletteColorLookupTableData,
      DCM_GreenPaletteColorLookupTableData, DCM_BluePaletteColorLookupTableData, DCM_SegmentedRedPaletteColorLookupTableData,
      DCM_SegmentedGreenPaletteColorLookupTableData, DCM_SegmentedBluePaletteColorLookupTableData, DCM_LossyImageCompression,
      DCM_LossyImageCompressionRatio, DCM_LossyImageCompressionMethod, DCM_RecognizableVisualFeatures,
      DCM_PixelData,
      // frame timing: what makes strain per second and the gap-time curve possible
      DCM_FrameTime, DCM_FrameTimeVector, DCM_CineRate, DCM_ActualFrameDuration, DCM_FrameDelay,
      DCM_EffectiveDuration, DCM_PreferredPlaybackSequencing, DCM_RecommendedDisplayFrameRate, DCM_StartTrim,
      DCM_StopTrim,
      // the exam's technique: which scanner, which body part, which side, acoustic output
      DCM_SpecificCharacterSet, DCM_ImageType, DCM_SOPClassUID, DCM_SOPInstanceUID, DCM_Modality,
      DCM_ConversionType, DCM_Manufacturer, DCM_ManufacturerModelName, DCM_SoftwareVersions, DCM_BodyPartExamined,
      DCM_Laterality, DCM_ImageLaterality, DCM_PatientOrientation, DCM_SeriesNumber, DCM_InstanceNumber,
      DCM_StudyInstanceUID, DCM_SeriesInstanceUID, DCM_FrameOfReferenceUID, DCM_MechanicalIndex,
      DCM_BoneThermalIndex, DCM_CranialThermalIndex, DCM_SoftTissueThermalIndex, DCM_SoftTissueFocusThermalIndex,
      DCM_SoftTissueSurfaceThermalIndex, DCM_DepthOfScanField,
      // written by the de-identification itself
      DCM_PatientName, DCM_PatientID, DCM_PatientIdentityRemoved, DCM_BurnedInAnnotation,
  };
  // Type 2 in the Patient, General Study and General Image modules: present, empty (Z).
  const DcmTagKey emptied[] = {
      DCM_PatientBirthDate, DCM_PatientSex, DCM_StudyDate, DCM_StudyTime, DCM_ReferringPhysicianName, DCM_StudyID,
      DCM_AccessionNumber, DCM_ContentDate, DCM_ContentTime,
      DCM_PositionReferenceIndicator,  // Type 2 beside the kept Frame of Reference UID
  };
  if (listed(image, tag)) return {Action::Keep};
  if (listed(emptied, tag)) return {Action::Empty};
  if (tag == DCM_SequenceOfUltrasoundRegions) return {Action::Items, region_item};
  if (tag == DCM_AnatomicRegionSequence) return {Action::Items, code_item};
  return {};
}

bool standard_uid(const std::string& uid) { return uid.rfind("1.2.840.10008.", 0) == 0; }

class Rewrite {
 public:
  explicit Rewrite(const std::function<std::string(const std::string&)>& new_uid) : new_uid_(new_uid) {}

  void filter(DcmItem& item, Rules rules) {
    for (unsigned long i = item.card(); i-- > 0;) {
      DcmElement* e = item.getElement(i);
      const Verdict v = rules(e->getTag());
      // A sequence only where items are expected, and only there: a kept value is never a sequence.
      if (v.action == Action::Remove || (v.action == Action::Items) != (e->ident() == EVR_SQ)) {
        delete item.remove(e);
        ++counts.removed;
      } else if (v.action == Action::Empty) {
        e->clear();
        ++counts.emptied;
      } else if (v.action == Action::Items) {
        auto* seq = static_cast<DcmSequenceOfItems*>(e);
        for (unsigned long k = 0; k < seq->card(); ++k) filter(*seq->getItem(k), v.items);
      } else if (e->getVR() == EVR_UI && e->getTag() != DCM_SOPClassUID) {  // a private SOP class names no one
        uid(*e);
      }
    }
  }

  ProfileCounts counts;

 private:
  void uid(DcmElement& e) {
    OFString value;
    if (e.getOFStringArray(value).bad() || value.empty() || standard_uid(value.c_str())) return;
    e.putString(new_uid_(value.c_str()).c_str());
    ++counts.uids_replaced;
  }

  const std::function<std::string(const std::string&)>& new_uid_;
};

}  // namespace

ProfileCounts apply_confidentiality_profile(DcmDataset& ds, const std::function<std::string(const std::string&)>& new_uid) {
  Rewrite rewrite(new_uid);
  rewrite.filter(ds, data_set);
  return rewrite.counts;
}

}  // namespace ft::dicom::detail
