// fibretrack video-calibrate: crop and mm calibration of a frame grabber, per device.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/plugin/VideoCalibration.h"

namespace ft::cli {
namespace {
std::vector<double> numbers(const std::string& text, std::size_t count, const std::string& flag) {
  std::vector<double> v;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    try {
      v.push_back(std::stod(part));
    } catch (...) {
      break;
    }
  }
  if (v.size() != count)
    throw Error(ErrorCode::InvalidArgument, "--" + flag + " expects " + std::to_string(count) + " comma-separated numbers");
  return v;
}
}  // namespace

int run_video_calibrate(const Args& args) {
  const CommandLine cl(args, {"show"});
  cl.reject_unknown({"crop", "points", "distance-mm", "show"});
  const std::string device = cl.positional_at(0, "DEVICE");
  if (cl.has("show")) {
    const auto c = load_video_calibration(device);
    if (!c) throw Error(ErrorCode::NotFound, "no calibration saved for '" + device + "'");
    std::printf("%s: crop x %d-%d, y %d-%d, %.4f mm/px (%s)\n", c->device.c_str(), c->crop.x0_px, c->crop.x1_px,
                c->crop.y0_px, c->crop.y1_px, c->mm_per_px, video_calibration_path(device).c_str());
    return 0;
  }
  const auto crop = cl.value("crop"), points = cl.value("points");
  if (!crop || !points) throw Error(ErrorCode::InvalidArgument, "give --crop X0,Y0,X1,Y1 --points X1,Y1,X2,Y2 --distance-mm D");
  const auto c = numbers(*crop, 4, "crop"), p = numbers(*points, 4, "points");
  VideoCalibration calibration;
  calibration.device = device;
  for (const double corner : c)  // checked before the conversion: int(1e30) is undefined
    if (!(corner >= 0 && corner <= 65535 && corner == std::floor(corner)))
      throw Error(ErrorCode::InvalidArgument, "--crop expects whole pixel numbers from 0 to 65535");
  calibration.crop = {int(c[0]), int(c[1]), int(c[2]), int(c[3])};
  calibration.mm_per_px = mm_per_px_from_points(p[0], p[1], p[2], p[3], cl.number_or("distance-mm", 0.0));
  save_video_calibration(calibration);
  std::printf("saved %s: %.4f mm/px\n", video_calibration_path(device).c_str(), calibration.mm_per_px);
  return 0;
}

}  // namespace ft::cli
