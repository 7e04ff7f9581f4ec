#include <gtest/gtest.h>

#include "ft/core/BitmapFont.h"
#include "ft/core/Error.h"
#include "ft/core/Frame.h"

namespace ft {

TEST(Frame, EightBitFrameStoresAndClampsValues) {
  Frame f(4, 3, PixelDepth::Bits8);
  EXPECT_EQ(f.pixel_count(), 12u);
  EXPECT_EQ(f.byte_count(), 12u);
  f.set_value(3, 2, 300.0f);
  f.set_value(0, 0, -5.0f);
  f.set_value(1, 1, 127.6f);
  EXPECT_EQ(f.value(3, 2), 255.0f);
  EXPECT_EQ(f.value(0, 0), 0.0f);
  EXPECT_EQ(f.value(1, 1), 128.0f);
}

TEST(Frame, SixteenBitFrameKeepsFullRange) {
  Frame f(2, 2, PixelDepth::Bits16);
  EXPECT_EQ(f.byte_count(), 8u);
  f.set_value(1, 0, 40000.0f);
  EXPECT_EQ(f.value(1, 0), 40000.0f);
  EXPECT_EQ(f.data16()[1], 40000);
}

TEST(Frame, NegativeSizeIsAnInvalidArgument) {
  try {
    Frame f(-1, 3);
    FAIL() << "expected ft::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}

TEST(BitmapFont, DrawsInkOnlyInsideTheFrame) {
  Frame f(40, 10);
  const int end = draw_text(f, 1, 1, "A1", 200.0f);
  EXPECT_EQ(end, 13);
  int ink = 0;
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 40; ++x) ink += f.value(x, y) == 200.0f;
  EXPECT_GT(ink, 20);
  // Text running off the edge must not write outside the frame (ASan would catch it).
  draw_text(f, 35, 5, "WWWW", 100.0f);
}

}  // namespace ft
