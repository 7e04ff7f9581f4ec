#pragma once
// What a DICOM image file is, read without decoding its pixels: size, frames,
// encoding, timing and the calibration of its image regions.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ft/core/UltrasoundRegion.h"

namespace ft::dicom {

struct DicomClipInfo {
  std::string path;
  std::string sop_class_uid;
  std::string sop_class_name;
  std::string sop_instance_uid;
  std::string study_instance_uid;
  std::string patient_id;    // whose clip: the comparison view offers clips of the same patient
  std::string patient_name;  // (ID and name: an ID alone can be another issuer's patient)
  std::string series_instance_uid;
  // What a reader tells two clips of one patient apart by: the side (Image Laterality, else
  // the series' Laterality: R, L, B or U; empty when neither says), the study's date and the
  // series' number and description.
  std::string laterality;
  std::string study_date;
  std::string series_number;
  std::string series_description;
  std::string modality;
  std::string manufacturer;
  std::string model_name;
  std::string transfer_syntax_uid;
  std::string transfer_syntax_name;
  std::string photometric;
  int rows = 0;
  int columns = 0;
  int frames = 0;
  int samples_per_pixel = 1;
  int bits_allocated = 0;
  int bits_stored = 0;
  int pixel_representation = 0;
  int planar_configuration = 0;
  double frame_time_ms = 0.0;            // 0 when the file does not say
  std::string frame_time_source;         // FrameTime, FrameTimeVector, CineRate, ... or empty
  std::vector<double> frame_time_vector_ms;  // per-frame increments when given
  std::vector<UltrasoundRegion> regions;     // as stored, clipped to the frame
  std::optional<std::pair<double, double>> pixel_spacing_mm;  // (row, column) when given
  std::vector<std::string> warnings;         // oddities found while reading

  // The region to analyse, and the calibration to measure in: the calibrated 2-D tissue
  // region; else the whole frame calibrated by Pixel Spacing; else the whole frame in px.
  UltrasoundRegion analysis_region() const;
};

// Throws ft::Error: NotFound (no such file), CorruptData (not DICOM, unreadable),
// Unsupported (no pixel data, not an image).
DicomClipInfo read_clip_info(const std::string& path);

}  // namespace ft::dicom
