// A screen recording of a scanner (a video file: MP4, AVI...) as a DICOM clip that
// `fibretrack analyze` reads, for scoring the detector on clips nobody on the team made.
// The frames are written as the video holds them — the whole screen, grey, uncalibrated,
// at the video's frame rate — so the analysis meets them as it would a frame grabber's:
// it finds the image region, the depth scale and the repeated scanner frames itself.
// Run: build/default/bench/bench_video_import VIDEO --out CLIP.dcm [--first N] [--frames N]
// OpenCV decodes the video (its FFmpeg backend, rotation metadata applied); the product
// itself does not read video files. Limits: colour becomes grey (a Doppler box or coloured
// calipers become moving grey patches); the file says ORIGINAL and not lossy although the
// pixels went through the recorder's codec (analyze reads neither).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include <opencv2/videoio.hpp>

#include "CommandLine.h"
#include "OpenCvFrames.h"
#include "ft/core/Clip.h"
#include "ft/core/Error.h"
#include "ft/dicom/UltrasoundClipWriter.h"

namespace {

const char* kUsage = "usage: bench_video_import VIDEO --out CLIP.dcm [--first N] [--frames N]\n";

// A recorder's first frames are often black or one grey while the screen is captured:
// frame 0 is the tracking's reference and where the scale is read, so they are left out.
bool blank(const cv::Mat& image) {
  cv::Scalar mean, deviation;
  cv::meanStdDev(image, mean, deviation);
  return deviation[0] < 2.0;
}

// Frames are held in memory and written as one object: refuse before either runs out.
bool fits_one_object(const ft::Clip& clip) {
  return !clip.frames.empty() &&
         clip.frames.front().byte_count() * (clip.frames.size() + 1) <= ft::dicom::kMaxPixelBytesPerObject;
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
  double fps = capture.get(cv::CAP_PROP_FPS);
  if (!(fps > 0 && std::isfinite(fps))) {
    std::fprintf(stderr, "%s: the video gives no frame rate; taking 30 frames/s (analyze does not use it)\n", video.c_str());
    fps = 30.0;
  }
  ft::Clip clip;
  clip.frame_time_ms = 1000.0 / fps;
  clip.source.source_uri = "video-file:" + video;
  clip.source.description = "screen recording";
  cv::Mat image;
  int blank_frames = 0;
  for (int index = 0; capture.read(image); ++index) {
    if (index < first) continue;
    if (frames > 0 && int(clip.frames.size()) >= frames) break;
    if (clip.frames.empty() && blank(image)) {
      ++blank_frames;
      continue;
    }
    if (!clip.frames.empty() && !fits_one_object(clip)) {
      std::fprintf(stderr, "%s: more than one DICOM object holds from frame %d on; take part of it with --first/--frames\n",
                   video.c_str(), first);
      return 1;
    }
    ft::Frame frame = ft::bench::grey_frame(image);
    frame.sequence_number = std::uint64_t(index);
    frame.acquisition_time_ns = std::int64_t(std::llround(index * 1e9 / fps));
    clip.frames.push_back(std::move(frame));
  }
  if (blank_frames > 0) std::fprintf(stderr, "%s: %d blank frames at the start left out\n", video.c_str(), blank_frames);
  if (clip.frames.size() < 2) {
    std::fprintf(stderr, "%s: fewer than two frames from frame %d\n", video.c_str(), first);
    return 1;
  }
  try {
    ft::dicom::write_ultrasound_clip(clip, {}, out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", out.c_str(), e.what());
    return 1;
  }
  std::printf("%s: %zu frames of %dx%d at %.2f frames/s\n", out.c_str(), clip.frames.size(), clip.width_px(),
              clip.height_px(), fps);
  return 0;
}
