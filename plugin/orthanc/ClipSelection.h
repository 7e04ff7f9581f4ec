#pragma once
// Which archived objects are analysed. A clip of an analysed modality and SOP class with
// at least two frames is; anything else is skipped with a reason. Only ultrasound images
// that are not clips are kept in the job table as skipped (a sonographer may wonder why a
// still image got no report); other objects (CT slices, our own reports) are only logged.
#include <optional>
#include <string>

#include "ArchiveSettings.h"
#include "JobQueue.h"

namespace ft::archive {

struct ArchivedObject {
  ClipJob clip;
  std::string modality;
  std::string sop_class_uid;
  int frames = 1;
};

// Number of Frames (IS) as Orthanc indexed it: leading spaces and a sign allowed; a count past an
// int's range is held at its largest (std::atoi's overflow was undefined); one that is not a
// number, or negative, reads as 0 (not a clip).
int frames_from_number_of_frames(const std::string& number_of_frames);

struct Selection {
  bool analyse = false;
  bool record_skip = false;  // keep the reason in the job table, not only in the log
  std::string reason;        // why it is not analysed
};

Selection select_for_analysis(const ArchivedObject& object, const ArchiveSettings& settings);
// The first test of select_for_analysis(), made alone on a whole series so that a series of
// another modality (a CT study's hundreds of slices) is passed over without reading each object.
bool modality_analysed(const std::string& modality, const ArchiveSettings& settings);

}  // namespace ft::archive
