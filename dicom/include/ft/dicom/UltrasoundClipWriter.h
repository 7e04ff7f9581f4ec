#pragma once
// Writes a Clip as a DICOM Ultrasound Multi-frame Image (original pixels, lossless),
// with the Sequence of Ultrasound Regions (calibration in cm, as the standard has it),
// frame timing and the exam's patient and study.
#include <cstdint>
#include <string>
#include <vector>

#include "ft/core/Clip.h"
#include "ft/dicom/ExamContext.h"

namespace ft::dicom {

// Pixel Data of one object: its explicit length is 32 bits, and 0xFFFFFFFF means
// "undefined", so at most 0xFFFFFFFE bytes (even) — about 4 GiB, some 3 minutes of
// 1024x768 at 30 frames/s.
constexpr std::uint64_t kMaxPixelBytesPerObject = 0xFFFFFFFEull;
// Frames per object that our own reader accepts (DicomClipInfo calls more implausible):
// parts are cut at whichever limit comes first.
constexpr std::size_t kMaxFramesPerObject = 100000;

struct ClipWriteOptions {
  ExamContext exam;
  std::string series_instance_uid;  // empty: new
  std::string sop_instance_uid;     // empty: new
  std::string series_description = "Dynamic MSUS";
  int series_number = 1;
  int instance_number = 1;
  std::string acquisition_datetime;  // YYYYMMDDHHMMSS; empty: now
  std::uint64_t max_pixel_bytes = kMaxPixelBytesPerObject;  // per object (a PACS may take less)
};

// Returns the SOP Instance UID written. Throws ft::Error (Io with the reason, e.g.
// disk full; InvalidArgument for an empty or inconsistent clip). Writes to a
// temporary file first and renames it, so a failed write never leaves half a file.
// A clip whose pixels exceed options.max_pixel_bytes is refused (InvalidArgument): see
// write_ultrasound_clip_parts.
std::string write_ultrasound_clip(const Clip& clip, const ClipWriteOptions& options, const std::string& path);

struct WrittenPart {
  std::string path;
  std::string sop_instance_uid;
  int frames = 0;
};
// A clip of any length: one object at `path` when it fits in options.max_pixel_bytes, else
// consecutive objects of one series (instance numbers from options.instance_number on, as
// many whole frames each as fit) at PATH-part1.dcm, PATH-part2.dcm ... (PATH without .dcm).
// Each is written like write_ultrasound_clip. Returns the parts in order.
std::vector<WrittenPart> write_ultrasound_clip_parts(const Clip& clip, const ClipWriteOptions& options,
                                                     const std::string& path);

// Each part read back from disk holds the frames it was written with; else ft::Error
// (CorruptData) naming the first that does not. Before a recording's only other copy goes.
void check_parts_read_back(const std::vector<WrittenPart>& parts);

}  // namespace ft::dicom
