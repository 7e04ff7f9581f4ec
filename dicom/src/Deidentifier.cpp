#include "ft/dicom/Deidentifier.h"

#include <filesystem>

#include "ConfidentialityProfile.h"
#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "PixelCleaning.h"
#include "ft/core/DurableFiles.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"

namespace ft::dicom {
namespace {
using namespace detail;

void add_method_code(DcmDataset& ds, const char* value, const char* meaning) {
  DcmItem* code = nullptr;
  if (ds.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, code, -2).bad() || !code)
    throw Error(ErrorCode::Internal, "cannot write De-identification Method Code Sequence");
  put(*code, DCM_CodeValue, value);
  put(*code, DCM_CodingSchemeDesignator, "DCM");
  put(*code, DCM_CodeMeaning, meaning);
}

// Burned In Annotation says what was done: NO only after cleaning, YES for pixels copied as
// they are (--accept-burned-in). Not the scanner's NO: scanners say NO over burned-in names,
// which is why every file is cleaned; pixels nobody looked at may hold anything.
std::string burned_in_after(bool cleaned) { return cleaned ? "NO" : "YES"; }

// What the pseudonymous Patient ID is made from: the MRN with its issuer, or for a file
// without one, its study (patients without IDs do not all become one patient).
std::string patient_of(DcmDataset& ds) {
  const std::string id = get_string(ds, DCM_PatientID);
  if (id.empty()) return "study\n" + get_string(ds, DCM_StudyInstanceUID);
  return get_string(ds, DCM_IssuerOfPatientID) + "\n" + id;
}

// The rewritten data set, with the de-identification attributes of PS3.15 E.1.1 and E.2.
DeidentifyReport rewrite(DcmDataset& ds, const DicomClipInfo& info, const SiteKey& key, const DeidentifyOptions& options) {
  DeidentifyReport report;
  const std::string original_id = patient_of(ds);
  const DcmXfer original_xfer(ds.getOriginalXfer());
  if (!options.accept_burned_in) {
    const PixelCleaning c = clean_burned_in_text(ds, info);
    report.pixels_cleaned = true;
    report.outside_regions_blanked = c.outside_regions_blanked;
    report.text_lines_blanked = c.text_lines_blanked;
    report.samples_with_unused_bits_cleared = c.samples_with_unused_bits_cleared;
    carry_lossy_history(ds, ds, original_xfer);  // decompressed for cleaning
  }
  const ProfileCounts counts = apply_confidentiality_profile(ds, [&](const std::string& uid) { return key.uid_for(uid); });
  report.attributes_removed = counts.removed;
  report.attributes_emptied = counts.emptied;
  report.uids_replaced = counts.uids_replaced;
  put(ds, DCM_PatientName, options.patient_name);
  put(ds, DCM_PatientID, options.patient_id.empty() ? key.patient_id_for(original_id) : options.patient_id);
  put(ds, DCM_BurnedInAnnotation, burned_in_after(report.pixels_cleaned));
  put(ds, DCM_PatientIdentityRemoved, "YES");
  put(ds, DCM_LongitudinalTemporalInformationModified, "REMOVED");  // no date survives (E.2)
  // LO, 64 characters a value: one value per step.
  put(ds, DCM_DeidentificationMethod,
      report.pixels_cleaned ? "PS3.15 E Basic Profile (allow-list)\\Clean Pixel Data: text-like lines blanked\\FibreTrack " FT_VERSION
                            : "PS3.15 E Basic Profile (allow-list)\\burned-in text accepted, not cleaned\\FibreTrack " FT_VERSION);
  add_method_code(ds, "113100", "Basic Application Confidentiality Profile");
  if (report.pixels_cleaned) add_method_code(ds, "113101", "Clean Pixel Data Option");
  return report;
}


// De-identifies `in` (its header already read into `info`) to `out`.
DeidentifyReport deidentify(const std::string& in, const DicomClipInfo& info, const std::string& out, const SiteKey& key,
                            const DeidentifyOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (in == out || fs::equivalent(in, out, ec)) throw Error(ErrorCode::InvalidArgument, "de-identification never writes over its input");
  DicomFileLoader loader(in);
  DcmDataset& ds = loader.dataset();
  if (ds.loadAllDataIntoMemory().bad()) throw Error(ErrorCode::Io, in + ": cannot read the whole file");
  if (!ds.tagExists(DCM_PixelData))
    throw Error(ErrorCode::Unsupported, in + ": " + (info.sop_class_name.empty() ? info.sop_class_uid : info.sop_class_name) +
                                            " has no pixels: only images and clips are de-identified (reports and "
                                            "presentation states are not copied; make them again from the copies)");
  DeidentifyReport report = rewrite(ds, info, key, options);
  const E_TransferSyntax xfer = report.pixels_cleaned ? EXS_LittleEndianExplicit : ds.getOriginalXfer();
  // A new file around the data set: the old meta header carries the old SOP Instance UID and
  // the sender, and its 128-byte preamble whatever the writer put there.
  DcmFileFormat copy(loader.file().getAndRemoveDataset(), OFFalse);
  save_atomically(copy, out, xfer);
  report.written_path = out;
  return report;
}

}  // namespace

DeidentifyReport deidentify_file(const std::string& in, const std::string& out, const SiteKey& key,
                                 const DeidentifyOptions& options) {
  return deidentify(in, read_clip_info(in), out, key, options);
}

DeidentifyReport deidentify_into_folder(const std::string& in, const std::string& folder, const SiteKey& key,
                                        const DeidentifyOptions& options) {
  const DicomClipInfo info = read_clip_info(in);
  if (info.study_instance_uid.empty() || info.sop_instance_uid.empty())
    throw Error(ErrorCode::CorruptData, in + ": no Study or SOP Instance UID (Type 1): not an object a PACS would take");
  const std::string into = folder + "/" + key.uid_for(info.study_instance_uid);
  create_directories_durably(into, FolderAccess::OwnerOnly);
  return deidentify(in, info, into + "/" + key.uid_for(info.sop_instance_uid) + ".dcm", key, options);
}

}  // namespace ft::dicom
