#include "ft/dicom/Deidentifier.h"

#include <algorithm>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "Transcoding.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {
using namespace detail;

// Attributes that identify the patient, the staff or the place: removed (X) or emptied
// (Z, where the IOD requires them to be present).
const DcmTagKey kRemove[] = {
    DCM_InstitutionName, DCM_InstitutionAddress, DCM_InstitutionalDepartmentName, DCM_StationName,
    DCM_OperatorsName, DCM_PerformingPhysicianName, DCM_NameOfPhysiciansReadingStudy, DCM_PhysiciansOfRecord,
    DCM_RequestingPhysician, DCM_RETIRED_OtherPatientIDs, DCM_OtherPatientNames, DCM_OtherPatientIDsSequence,
    DCM_PatientAddress, DCM_PatientTelephoneNumbers, DCM_PatientBirthName, DCM_PatientMotherBirthName,
    DCM_RETIRED_MedicalRecordLocator, DCM_EthnicGroup, DCM_Occupation, DCM_AdditionalPatientHistory,
    DCM_PatientComments, DCM_ImageComments, DCM_StudyDescription, DCM_SeriesDescription,
    DCM_RequestAttributesSequence, DCM_ReferencedPatientSequence, DCM_DeviceSerialNumber,
    DCM_PatientAge, DCM_PatientSize, DCM_PatientWeight, DCM_MilitaryRank, DCM_BranchOfService,
    DCM_CountryOfResidence, DCM_RegionOfResidence, DCM_RETIRED_InsurancePlanIdentification,
    DCM_PerformedProcedureStepDescription, DCM_PerformedProcedureStepID, DCM_ScheduledProcedureStepID,
    DCM_RequestedProcedureID, DCM_AdmissionID, DCM_IssuerOfPatientID, DCM_ProtocolName,
    DCM_AcquisitionDateTime,  // Type 1C in the US Image module: absent, not empty
};
const DcmTagKey kEmpty[] = {
    DCM_PatientBirthDate, DCM_PatientSex, DCM_AccessionNumber, DCM_StudyID, DCM_ReferringPhysicianName,
    DCM_StudyDate, DCM_StudyTime, DCM_SeriesDate, DCM_SeriesTime, DCM_AcquisitionDate, DCM_AcquisitionTime,
    DCM_ContentDate, DCM_ContentTime, DCM_InstanceCreationDate, DCM_InstanceCreationTime,
};

bool standard_uid(const std::string& uid) { return uid.rfind("1.2.840.10008.", 0) == 0; }

// Replaces every non-standard UID in the item and its sequences, consistently.
int replace_uids(DcmItem& item, const std::string& salt) {
  int replaced = 0;
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* e = item.getElement(i);
    if (e->ident() == EVR_SQ) {
      auto* seq = static_cast<DcmSequenceOfItems*>(e);
      for (unsigned long k = 0; k < seq->card(); ++k) replaced += replace_uids(*seq->getItem(k), salt);
      continue;
    }
    if (e->getVR() != EVR_UI) continue;
    OFString value;
    if (e->getOFStringArray(value).bad() || value.empty() || standard_uid(value.c_str())) continue;
    e->putString(uid_from_name("deidentify/" + salt + "/" + value.c_str()).c_str());
    ++replaced;
  }
  return replaced;
}

int remove_private(DcmItem& item) {
  int removed = 0;
  for (unsigned long i = item.card(); i-- > 0;) {
    DcmElement* e = item.getElement(i);
    if (e->getTag().isPrivate()) {
      delete item.remove(e);
      ++removed;
    } else if (e->ident() == EVR_SQ) {
      auto* seq = static_cast<DcmSequenceOfItems*>(e);
      for (unsigned long k = 0; k < seq->card(); ++k) removed += remove_private(*seq->getItem(k));
    }
  }
  return removed;
}

// Blanks every pixel outside the ultrasound regions (where scanners burn in names and
// dates). Compressed pixel data is decompressed first.
bool clean_pixels(DcmDataset& ds, const DicomClipInfo& info) {
  if (info.regions.empty()) return false;
  decompress(ds, info.path + " (to clean burned-in text)");
  const Uint8* data = nullptr;
  unsigned long bytes = 0;
  if (ds.findAndGetUint8Array(DCM_PixelData, data, &bytes).bad() || !data) return false;
  auto* pixels = const_cast<Uint8*>(data);
  const std::size_t bpp = std::size_t(info.bits_allocated / 8), spp = std::size_t(info.samples_per_pixel);
  const std::size_t plane = std::size_t(info.rows) * std::size_t(info.columns);
  const std::size_t frame_bytes = plane * spp * bpp;
  for (int f = 0; f < info.frames; ++f)
    for (int y = 0; y < info.rows; ++y)
      for (int x = 0; x < info.columns; ++x) {
        const bool inside = std::any_of(info.regions.begin(), info.regions.end(),
                                        [&](const UltrasoundRegion& r) { return r.bounds.contains(x, y); });
        if (inside) continue;
        for (std::size_t s = 0; s < spp; ++s) {
          const std::size_t pixel = std::size_t(y) * info.columns + std::size_t(x);
          const std::size_t k = info.planar_configuration == 1 ? s * plane + pixel : pixel * spp + s;
          const std::size_t at = std::size_t(f) * frame_bytes + k * bpp;
          if (at + bpp <= bytes) std::fill(pixels + at, pixels + at + bpp, Uint8(0));
        }
      }
  return true;
}

}  // namespace

DeidentifyReport deidentify_file(const std::string& in, const std::string& out, const DeidentifyOptions& options) {
  if (in == out) throw Error(ErrorCode::InvalidArgument, "de-identification never writes over its input");
  const DicomClipInfo info = read_clip_info(in);
  DicomFileLoader loader(in);
  DcmDataset& ds = loader.dataset();
  if (ds.loadAllDataIntoMemory().bad()) throw Error(ErrorCode::Io, in + ": cannot read the whole file");
  DeidentifyReport report;
  const std::string original_id = get_string(ds, DCM_PatientID);
  for (const DcmTagKey& tag : kRemove)
    if (ds.tagExists(tag)) {
      ds.findAndDeleteElement(tag, true, true);
      ++report.attributes_removed;
    }
  for (const DcmTagKey& tag : kEmpty)
    if (ds.tagExists(tag)) {
      ds.putAndInsertString(tag, "");
      ++report.attributes_emptied;
    }
  report.attributes_removed += remove_private(ds);
  put(ds, DCM_PatientName, options.patient_name);
  const std::string pseudonym = uid_from_name("patient/" + options.uid_salt + "/" + original_id);
  put(ds, DCM_PatientID, options.patient_id.empty() ? "ANON-" + pseudonym.substr(pseudonym.size() - 10) : options.patient_id);
  report.uids_replaced = replace_uids(ds, options.uid_salt.empty() ? new_uid() : options.uid_salt);
  if (options.clean_burned_in_text && get_string(ds, DCM_BurnedInAnnotation) != "NO") {
    report.pixels_cleaned = clean_pixels(ds, info);
    if (report.pixels_cleaned) put(ds, DCM_BurnedInAnnotation, "NO");
  }
  put(ds, DCM_PatientIdentityRemoved, "YES");
  put(ds, DCM_DeidentificationMethod, report.pixels_cleaned
                                          ? "PS3.15 E Basic Profile, Clean Pixel Data"
                                          : "PS3.15 E Basic Profile");
  DcmItem* code = nullptr;
  if (ds.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, code, -2).good() && code) {
    put(*code, DCM_CodeValue, "113100");
    put(*code, DCM_CodingSchemeDesignator, "DCM");
    put(*code, DCM_CodeMeaning, "Basic Application Confidentiality Profile");
  }
  if (report.pixels_cleaned && ds.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, code, -2).good() && code) {
    put(*code, DCM_CodeValue, "113101");
    put(*code, DCM_CodingSchemeDesignator, "DCM");
    put(*code, DCM_CodeMeaning, "Clean Pixel Data Option");
  }
  // The file meta header carries the old SOP Instance UID: rebuild it from the data set.
  loader.file().getMetaInfo()->clear();
  const E_TransferSyntax xfer = report.pixels_cleaned ? EXS_LittleEndianExplicit : ds.getOriginalXfer();
  save_atomically(loader.file(), out, xfer);
  return report;
}

}  // namespace ft::dicom
