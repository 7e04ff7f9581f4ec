#pragma once
// Our 8-bit Frame and OpenCV's Mat, both ways, for the benchmark programs (the product does
// not use OpenCV).
#include <cstdint>
#include <cstring>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ft/core/Frame.h"

namespace ft::bench {

// A view of an 8-bit frame's pixels (no copy; valid while the frame is).
inline cv::Mat mat_view(const Frame& f) {
  return cv::Mat(f.height_px(), f.width_px(), CV_8UC1, const_cast<std::uint8_t*>(f.data8()));
}

// An image as a grey 8-bit frame: colour by luma (BT.601), 16-bit scaled to 8.
inline Frame grey_frame(const cv::Mat& image) {
  cv::Mat grey;
  if (image.channels() == 1) grey = image;
  else cv::cvtColor(image, grey, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  if (grey.depth() == CV_16U) grey.convertTo(grey, CV_8U, 255.0 / 65535.0);
  else if (grey.depth() != CV_8U) grey.convertTo(grey, CV_8U);
  Frame frame(grey.cols, grey.rows, PixelDepth::Bits8);
  for (int y = 0; y < grey.rows; ++y) std::memcpy(frame.data8() + std::size_t(y) * grey.cols, grey.ptr<std::uint8_t>(y), grey.cols);
  return frame;
}

}  // namespace ft::bench
