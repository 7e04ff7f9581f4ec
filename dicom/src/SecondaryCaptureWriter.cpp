#include "ft/dicom/SecondaryCaptureWriter.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ClipDataset.h"
#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/UidFactory.h"
#include "ft/dicom/UltrasoundClipWriter.h"

namespace ft::dicom {
using namespace detail;

bool burned_in_capture_fits(const DicomClipInfo& source) {
  const std::uint64_t bytes = std::uint64_t(source.rows) * std::uint64_t(source.columns) * 3 * std::uint64_t(source.frames);
  return bytes + (bytes & 1) <= kMaxPixelBytesPerObject;  // the clip writer's limit of one object
}

std::string write_burned_in_capture(const std::string& source_clip, const BurnIn& burn_in, const std::string& path) {
  DicomClipReader reader(source_clip);
  const DicomClipInfo& info = reader.info();
  DicomFileLoader source(source_clip);
  DcmDataset& src = source.dataset();
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  const std::string sop_uid = new_uid();
  // The source's names are copied as they are: so is the character set they are written in.
  if (const std::string charset = get_string(src, DCM_SpecificCharacterSet); !charset.empty())
    put(ds, DCM_SpecificCharacterSet, charset);
  put(ds, DCM_SOPClassUID, UID_MultiframeTrueColorSecondaryCaptureImageStorage);
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
  put(ds, DCM_ImageType, "DERIVED\\SECONDARY");
  put(ds, DCM_DerivationDescription, "Findings of FibreTrack (decision support) drawn over the source frames");
  DcmItem* ref = nullptr;
  if (ds.findOrCreateSequenceItem(DCM_SourceImageSequence, ref, -2).good() && ref) {
    put(*ref, DCM_ReferencedSOPClassUID, info.sop_class_uid);
    put(*ref, DCM_ReferencedSOPInstanceUID, info.sop_instance_uid);
  }
  // Each source frame decoded once: drawn straight into the pixel data, its time kept.
  std::vector<std::int64_t> times_ns;
  put_rgb_pixels(ds, info.columns, info.rows, reader.frame_count(), [&](int k, std::uint8_t* out) {
    const Frame frame = reader.read_frame(k);
    times_ns.push_back(frame.acquisition_time_ns);
    const RgbImage picture = burn_in(frame, k);
    if (picture.width_px() != info.columns || picture.height_px() != info.rows)
      throw Error(ErrorCode::Internal, "a burned-in frame is not the size of its source frame");
    std::copy(picture.pixels().begin(), picture.pixels().end(), out);
  });
  put_timing(ds, times_ns, info.frame_time_ms);
  carry_lossy_history(ds, src, DcmXfer(source.file().getDataset()->getOriginalXfer()));
  save_atomically(file, path, EXS_LittleEndianExplicit);
  return sop_uid;
}

}  // namespace ft::dicom
