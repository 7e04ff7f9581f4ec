#include "ClipSelection.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <limits>

namespace ft::archive {

int frames_from_number_of_frames(const std::string& number_of_frames) {
  errno = 0;
  char* end = nullptr;
  const long long n = std::strtoll(number_of_frames.c_str(), &end, 10);
  if (end == number_of_frames.c_str() || n < 0) return 0;
  return errno == ERANGE || n > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : int(n);
}

namespace {

bool listed(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// PS3.4 B.5: the ultrasound image storage classes, current and retired.
bool is_ultrasound_image(const std::string& sop_class) {
  return sop_class == "1.2.840.10008.5.1.4.1.1.6.1" || sop_class == "1.2.840.10008.5.1.4.1.1.6" ||
         sop_class == "1.2.840.10008.5.1.4.1.1.3.1" || sop_class == "1.2.840.10008.5.1.4.1.1.3" ||
         sop_class == "1.2.840.10008.5.1.4.1.1.6.2";
}

}  // namespace

bool modality_analysed(const std::string& modality, const ArchiveSettings& settings) {
  return listed(settings.modalities, modality);
}

Selection select_for_analysis(const ArchivedObject& o, const ArchiveSettings& settings) {
  if (!modality_analysed(o.modality, settings))
    return {false, false, "modality " + (o.modality.empty() ? std::string("(none)") : o.modality) + " is not analysed"};
  const bool ultrasound = is_ultrasound_image(o.sop_class_uid);
  if (!listed(settings.sop_classes, o.sop_class_uid))
    return {false, ultrasound, "SOP class " + o.sop_class_uid + " is not analysed (not a clip)"};
  if (o.frames < 2)
    return {false, ultrasound, "one frame: a clip of a contraction is needed"};
  return {true, false, ""};
}

}  // namespace ft::archive
