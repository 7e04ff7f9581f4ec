#include "ScreenRecording.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <opencv2/videoio.hpp>

#include "OpenCvFrames.h"

namespace ft::bench {
namespace {

// The scanner's persistence: each shown frame the mean of its last `count` frames.
std::vector<cv::Mat> persisted(const std::vector<Frame>& scanner, int count) {
  std::vector<cv::Mat> as_float(scanner.size()), out;
  for (std::size_t j = 0; j < scanner.size(); ++j) mat_view(scanner[j]).convertTo(as_float[j], CV_32F);
  for (std::size_t j = 0; j < scanner.size(); ++j) {
    cv::Mat sum = cv::Mat::zeros(as_float[j].size(), CV_32F);
    int used = 0;
    for (int back = 0; back < count && back <= int(j); ++back, ++used) sum += as_float[j - std::size_t(back)];
    out.push_back(sum / double(used));
  }
  return out;
}

// Writes the recording and returns what each frame shows; the video is at r.scratch_path.
std::vector<double> write_recording(const std::vector<Frame>& scanner, const ScreenRecorder& r) {
  const int persistence = std::max(1, r.persistence_frames);
  const std::vector<cv::Mat> shown = persisted(scanner, persistence);
  const cv::Size size(scanner.front().width_px(), scanner.front().height_px());
  cv::VideoWriter writer(r.scratch_path, cv::VideoWriter::fourcc('a', 'v', 'c', '1'), r.display_fps, size, false);
  if (!writer.isOpened()) throw std::runtime_error("OpenCV cannot write H.264 to " + r.scratch_path);
  const double lag = 0.5 * (persistence - 1);
  std::vector<double> content;
  for (int k = 0;; ++k) {
    const double scanner_frame_at = (persistence - 1) + k * r.scanner_fps / r.display_fps;
    if (scanner_frame_at > double(scanner.size() - 1) + 1e-9) break;
    const std::size_t j = std::size_t(std::floor(scanner_frame_at + 1e-9));
    const std::size_t next = std::min(scanner.size() - 1, j + 1);
    const double towards = std::clamp(scanner_frame_at - double(j), 0.0, 1.0);
    cv::Mat blend = shown[j] * (1.0 - towards) + shown[next] * towards, grey;
    blend.convertTo(grey, CV_8U);
    writer.write(grey);
    content.push_back(scanner_frame_at - lag);
  }
  return content;
}

std::vector<Frame> read_recording(const std::string& path) {
  cv::VideoCapture reader(path);
  if (!reader.isOpened()) throw std::runtime_error("OpenCV cannot read back " + path);
  std::vector<Frame> out;
  cv::Mat image;
  while (reader.read(image)) out.push_back(grey_frame(image));
  return out;
}

}  // namespace

ScreenRecording record_screen(const std::vector<Frame>& scanner, const ScreenRecorder& r) {
  if (int(scanner.size()) < std::max(2, r.persistence_frames)) throw std::runtime_error("too few scanner frames to record");
  ScreenRecording out;
  try {
    out.content_scanner_frame = write_recording(scanner, r);
    out.frames = read_recording(r.scratch_path);
  } catch (...) {
    std::remove(r.scratch_path.c_str());
    throw;
  }
  std::remove(r.scratch_path.c_str());
  if (out.frames.size() != out.content_scanner_frame.size() || out.frames.front().width_px() != scanner.front().width_px() ||
      out.frames.front().height_px() != scanner.front().height_px())
    throw std::runtime_error("the H.264 recording read back " + std::to_string(out.frames.size()) + " frames of " +
                             std::to_string(out.content_scanner_frame.size()) + ", or another size");
  return out;
}

}  // namespace ft::bench
