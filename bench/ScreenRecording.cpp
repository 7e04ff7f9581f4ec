#include "ScreenRecording.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace ft::bench {
namespace {

cv::Mat as_float(const Frame& f) {
  cv::Mat m(f.height_px(), f.width_px(), CV_8UC1, const_cast<std::uint8_t*>(f.data8()));
  cv::Mat out;
  m.convertTo(out, CV_32F);
  return out;
}

// The scanner's persistence: each shown frame the mean of its last `count` frames.
std::vector<cv::Mat> persisted(const std::vector<Frame>& scanner, int count) {
  std::vector<cv::Mat> out;
  for (std::size_t j = 0; j < scanner.size(); ++j) {
    cv::Mat sum = cv::Mat::zeros(scanner[j].height_px(), scanner[j].width_px(), CV_32F);
    int used = 0;
    for (int back = 0; back < count && back <= int(j); ++back, ++used) sum += as_float(scanner[j - std::size_t(back)]);
    out.push_back(sum / double(used));
  }
  return out;
}

}  // namespace

std::vector<Frame> record_screen(const std::vector<Frame>& scanner, const ScreenRecorder& r) {
  if (scanner.size() < 2) return scanner;
  const std::vector<cv::Mat> shown = persisted(scanner, std::max(1, r.persistence));
  const cv::Size size(scanner.front().width_px(), scanner.front().height_px());
  {
    cv::VideoWriter writer(r.scratch_path, cv::VideoWriter::fourcc('a', 'v', 'c', '1'), r.display_fps, size, false);
    if (!writer.isOpened()) throw std::runtime_error("OpenCV cannot write H.264 to " + r.scratch_path);
    const int refreshes = int(std::floor(double(scanner.size() - 1) * r.display_fps / r.scanner_fps)) + 1;
    for (int k = 0; k < refreshes; ++k) {
      const double at = k * r.scanner_fps / r.display_fps;
      const std::size_t j = std::min(scanner.size() - 1, std::size_t(std::floor(at + 1e-9)));
      const std::size_t next = std::min(scanner.size() - 1, j + 1);
      const double towards = std::clamp(at - double(j), 0.0, 1.0);
      cv::Mat blend = shown[j] * (1.0 - towards) + shown[next] * towards, grey;
      blend.convertTo(grey, CV_8U);
      writer.write(grey);
    }
  }
  cv::VideoCapture reader(r.scratch_path);
  if (!reader.isOpened()) throw std::runtime_error("OpenCV cannot read back " + r.scratch_path);
  std::vector<Frame> out;
  cv::Mat image, grey;
  while (reader.read(image)) {
    if (image.channels() == 1) grey = image;
    else cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    Frame f(grey.cols, grey.rows, PixelDepth::Bits8);
    for (int y = 0; y < grey.rows; ++y) std::memcpy(f.data8() + std::size_t(y) * grey.cols, grey.ptr<std::uint8_t>(y), grey.cols);
    out.push_back(std::move(f));
  }
  std::remove(r.scratch_path.c_str());
  if (out.empty()) throw std::runtime_error("no frames read back from " + r.scratch_path);
  return out;
}

}  // namespace ft::bench
