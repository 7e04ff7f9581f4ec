#pragma once
// Writes a Clip as a DICOM Ultrasound Multi-frame Image (original pixels, lossless),
// with the Sequence of Ultrasound Regions (calibration in cm, as the standard has it),
// frame timing and the exam's patient and study.
#include <string>

#include "ft/core/Clip.h"
#include "ft/dicom/ExamContext.h"

namespace ft::dicom {

struct ClipWriteOptions {
  ExamContext exam;
  std::string series_instance_uid;  // empty: new
  std::string sop_instance_uid;     // empty: new
  std::string series_description = "Dynamic MSUS";
  int series_number = 1;
  int instance_number = 1;
  std::string acquisition_datetime;  // YYYYMMDDHHMMSS; empty: now
};

// Returns the SOP Instance UID written. Throws ft::Error (Io with the reason, e.g.
// disk full; InvalidArgument for an empty or inconsistent clip). Writes to a
// temporary file first and renames it, so a failed write never leaves half a file.
std::string write_ultrasound_clip(const Clip& clip, const ClipWriteOptions& options, const std::string& path);

}  // namespace ft::dicom
