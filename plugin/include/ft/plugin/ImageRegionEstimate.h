#pragma once
// Where the tissue image is in a frame that carries no Ultrasound Regions (a screen
// recording through a frame grabber, a secondary capture): the part that moves. Text,
// logos, scales and borders around the image stay still from frame to frame.
#include <string>

#include "ft/core/MotionRecord.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

// The bounding box of the largest moving, textured area; `whole` when none stands out.
PixelRect estimate_image_region(int frame_count, const FrameAt& frame_at, const PixelRect& whole);
// What the user is told about it: "the moving image area was taken (x a-b, y c-d)".
std::string taken_image_area(const PixelRect& area);

}  // namespace ft
