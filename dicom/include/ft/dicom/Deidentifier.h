#pragma once
// De-identification for research sharing, after DICOM PS3.15 Annex E (Basic Application
// Level Confidentiality Profile, with the Clean Pixel Data option for text burned in
// around the image). Calibration (Ultrasound Regions) and frame timing are kept: they
// are what makes a clip measurable.
#include <string>

namespace ft::dicom {

struct DeidentifyOptions {
  std::string patient_name = "ANONYMOUS";
  std::string patient_id;           // empty: derived from the original, not reversible
  bool clean_burned_in_text = true;  // blank pixels outside the ultrasound regions
  std::string uid_salt;              // same salt, same new UIDs (keeps a batch consistent)
};

struct DeidentifyReport {
  int attributes_removed = 0;
  int attributes_emptied = 0;
  int uids_replaced = 0;
  bool pixels_cleaned = false;
};

// Reads `in`, writes the de-identified copy to `out` (never in place). Throws ft::Error.
DeidentifyReport deidentify_file(const std::string& in, const std::string& out, const DeidentifyOptions& options);

}  // namespace ft::dicom
