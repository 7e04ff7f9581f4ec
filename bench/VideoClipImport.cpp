// A screen recording of a scanner (a video file: MP4, AVI...) as a DICOM clip that
// `fibretrack analyze` reads, for scoring the detector on clips nobody on the team made.
// The frames are written as the video holds them — the whole screen, grey, uncalibrated,
// at the video's frame rate — so the analysis meets them as it would a frame grabber's:
// it finds the image region, the depth scale and the repeated scanner frames itself.
// Run: build/default/bench/bench_video_import VIDEO --out CLIP.dcm [--first N] [--frames N]
// OpenCV decodes the video (its FFmpeg backend); the product itself does not read video files.
#include <cmath>
#include <cstdio>
#include <string>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "CommandLine.h"
#include "ft/core/Clip.h"
#include "ft/core/Error.h"
#include "ft/dicom/UltrasoundClipWriter.h"

namespace {

const char* kUsage = "usage: bench_video_import VIDEO --out CLIP.dcm [--first N] [--frames N]\n";

ft::Frame grey_frame(const cv::Mat& image) {
  cv::Mat grey;
  if (image.channels() == 1) grey = image;
  else cv::cvtColor(image, grey, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  if (grey.depth() != CV_8U) grey.convertTo(grey, CV_8U);
  ft::Frame frame(grey.cols, grey.rows);
  for (int y = 0; y < grey.rows; ++y)
    std::copy(grey.ptr<std::uint8_t>(y), grey.ptr<std::uint8_t>(y) + grey.cols, frame.data8() + std::size_t(y) * grey.cols);
  return frame;
}

}  // namespace

int main(int argc, char** argv) {
  std::string video, out;
  int first = 0, frames = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--out" && has_value) out = argv[++i];
    else if (a == "--first" && has_value) first = ft::bench::whole_argument(a, argv[++i]);
    else if (a == "--frames" && has_value) frames = ft::bench::whole_argument(a, argv[++i]);
    else if (a.rfind("--", 0) != 0 && video.empty()) video = a;
    else ft::bench::usage_and_exit(kUsage, a);
  }
  if (video.empty() || out.empty()) ft::bench::usage_and_exit(kUsage, "");
  cv::VideoCapture capture(video);
  if (!capture.isOpened()) {
    std::fprintf(stderr, "%s: cannot be opened as a video\n", video.c_str());
    return 1;
  }
  const double fps = capture.get(cv::CAP_PROP_FPS);
  if (!(fps > 0 && std::isfinite(fps))) {
    std::fprintf(stderr, "%s: the video gives no frame rate\n", video.c_str());
    return 1;
  }
  ft::Clip clip;
  clip.frame_time_ms = 1000.0 / fps;
  clip.source.source_uri = "video-file:" + video;
  clip.source.description = "screen recording";
  cv::Mat image;
  for (int index = 0; capture.read(image); ++index) {
    if (index < first) continue;
    if (frames > 0 && int(clip.frames.size()) >= frames) break;
    ft::Frame frame = grey_frame(image);
    frame.sequence_number = std::uint64_t(index);
    frame.acquisition_time_ns = std::int64_t(std::llround(index * 1e9 / fps));
    clip.frames.push_back(std::move(frame));
  }
  if (clip.frames.size() < 2) {
    std::fprintf(stderr, "%s: fewer than two frames from frame %d\n", video.c_str(), first);
    return 1;
  }
  try {
    ft::dicom::write_ultrasound_clip(clip, {}, out);
  } catch (const ft::Error& e) {
    std::fprintf(stderr, "%s: %s\n", out.c_str(), e.what());
    return 1;
  }
  std::printf("%s: %zu frames of %dx%d at %.2f frames/s\n", out.c_str(), clip.frames.size(), clip.width_px(),
              clip.height_px(), fps);
  return 0;
}
