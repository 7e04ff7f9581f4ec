#include "ft/plugin/VideoCalibration.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ft/core/DurableFiles.h"
#include "ft/core/Error.h"
#include "ft/core/JsonNumbers.h"

namespace ft {
namespace {
// What save and load both require: corners that a frame can have, a crop with pixels in it, a scale.
void check_calibration(const VideoCalibration& c, ErrorCode code) {
  for (const int corner : {c.crop.x0_px, c.crop.y0_px, c.crop.x1_px, c.crop.y1_px})
    if (corner < 0 || corner > 65535) throw Error(code, "a crop corner must be from 0 to 65535 px");
  if (c.crop.empty()) throw Error(code, "the crop rectangle is empty");
  if (!(c.mm_per_px > 0 && std::isfinite(c.mm_per_px))) throw Error(code, "mm_per_px must be a number above 0");
}

std::string config_dir() {
  if (const char* d = std::getenv("FIBRETRACK_CONFIG_DIR")) return d;
  if (const char* x = std::getenv("XDG_CONFIG_HOME")) return std::string(x) + "/fibretrack";
  if (const char* h = std::getenv("HOME")) return std::string(h) + "/.config/fibretrack";
  throw Error(ErrorCode::NotFound, "no configuration folder (set FIBRETRACK_CONFIG_DIR)");
}

// A device name as a file name: letters and digits kept, the rest '_'.
std::string file_name(const std::string& device) {
  std::string s;
  for (char c : device) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s.empty() ? "default" : s;
}

}  // namespace

UltrasoundRegion VideoCalibration::region() const {
  UltrasoundRegion r;
  r.bounds = crop;
  r.units_x = r.units_y = PhysicalUnits::Centimetre;
  r.mm_per_px_x = r.mm_per_px_y = mm_per_px;
  return r;
}

UltrasoundRegion VideoCalibration::region_in_frame(int frame_width_px, int frame_height_px) const {
  UltrasoundRegion r = region();
  // X1,Y1 is the crop's last pixel; a crop ending at the frame's width or height was given as
  // an end one past it (the tracker trimmed such crops before): the last row or column is used.
  if (r.bounds.x1_px == frame_width_px) --r.bounds.x1_px;
  if (r.bounds.y1_px == frame_height_px) --r.bounds.y1_px;
  if (r.bounds.x1_px >= frame_width_px || r.bounds.y1_px >= frame_height_px)
    throw Error(ErrorCode::InvalidArgument,
                "the video calibration of '" + device + "' crops x " + std::to_string(crop.x0_px) + "-" +
                    std::to_string(crop.x1_px) + ", y " + std::to_string(crop.y0_px) + "-" + std::to_string(crop.y1_px) +
                    ", which does not fit the " + std::to_string(frame_width_px) + "x" + std::to_string(frame_height_px) +
                    " frames this grabber gives: the capture size is not the one it was made at (its scale would be "
                    "wrong too); calibrate again");
  return r;
}

double mm_per_px_from_points(double x1, double y1, double x2, double y2, double distance_mm) {
  const double px = std::hypot(x2 - x1, y2 - y1);
  if (px < 1.0) throw Error(ErrorCode::InvalidArgument, "the two calibration points must be apart");
  if (!(distance_mm > 0)) throw Error(ErrorCode::InvalidArgument, "the known distance must be positive");
  return distance_mm / px;
}

std::string video_calibration_path(const std::string& device) {
  return config_dir() + "/video/" + file_name(device) + ".json";
}

void save_video_calibration(const VideoCalibration& c) {
  check_calibration(c, ErrorCode::InvalidArgument);
  const nlohmann::json j{{"device", c.device},
                         {"crop", {c.crop.x0_px, c.crop.y0_px, c.crop.x1_px, c.crop.y1_px}},
                         {"mm_per_px", c.mm_per_px}};
  write_file_durably(video_calibration_path(c.device), j.dump(1) + '\n', "video calibration");
}

std::optional<VideoCalibration> load_video_calibration(const std::string& device) {
  std::ifstream in(video_calibration_path(device));
  if (!in) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    VideoCalibration c;
    c.device = j.at("device");
    // Checked as save_video_calibration checks a calibration: the file may have been edited by
    // hand, and get<int>() of 1e30 would be undefined behaviour.
    const auto& crop = j.at("crop");
    if (!crop.is_array() || crop.size() != 4) throw Error(ErrorCode::CorruptData, "crop must be 4 numbers");
    c.crop = {whole_element(crop, 0, "crop", 0, 65535), whole_element(crop, 1, "crop", 0, 65535),
              whole_element(crop, 2, "crop", 0, 65535), whole_element(crop, 3, "crop", 0, 65535)};
    c.mm_per_px = j.at("mm_per_px").get<double>();
    check_calibration(c, ErrorCode::CorruptData);
    return c;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::CorruptData, video_calibration_path(device) + ": unreadable calibration (" + e.what() + ")");
  }
}

}  // namespace ft
