#pragma once
// De-identification for research sharing, after DICOM PS3.15 Annex E: the Basic Application
// Level Confidentiality Profile as an allow-list (ConfidentialityProfile.cpp) with the Clean
// Pixel Data option (BurnedInText.h). Calibration (Ultrasound Regions) and frame timing are
// kept: they are what makes a clip measurable. Pseudonyms are keyed with the site's secret
// (SiteKey.h): the same patient and study get the same pseudonyms on every export of the site.
#include <string>

#include "ft/dicom/SiteKey.h"

namespace ft::dicom {

struct DeidentifyOptions {
  std::string patient_name = "ANONYMOUS";
  std::string patient_id;  // empty: the site key's pseudonym of the original ID and its issuer
  // Copy the pixels as they are (Burned In Annotation then says YES unless the scanner said NO)
  // instead of cleaning them, or refusing a file whose pixels cannot be cleaned.
  bool accept_burned_in = false;
};

struct DeidentifyReport {
  std::string written_path;
  int attributes_removed = 0;
  int attributes_emptied = 0;
  int uids_replaced = 0;
  bool pixels_cleaned = false;      // the Clean Pixel Data option was applied
  bool outside_regions_blanked = false;
  int text_lines_blanked = 0;       // lines of text found within the image (or the frame)
  // Samples whose bits outside Bits Stored held more than zeros or the sign's fill (a bit-plane
  // overlay), cleared.
  std::size_t samples_with_unused_bits_cleared = 0;
};

// Reads `in`, writes the de-identified copy to `out` (never in place). Throws ft::Error; an
// object without pixels (a report, a presentation state) is refused: it is not copied.
DeidentifyReport deidentify_file(const std::string& in, const std::string& out, const SiteKey& key,
                                 const DeidentifyOptions& options = {});

// As deidentify_file, into `folder`/<new Study Instance UID>/<new SOP Instance UID>.dcm: input
// folder and file names often hold the patient's name, the new UIDs hold nothing.
DeidentifyReport deidentify_into_folder(const std::string& in, const std::string& folder, const SiteKey& key,
                                        const DeidentifyOptions& options = {});

}  // namespace ft::dicom
