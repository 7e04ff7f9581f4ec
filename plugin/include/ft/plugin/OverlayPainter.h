#pragma once
// An OverlayScene painted into a picture with QPainter, as the viewer shows it with VTK props,
// so that a burned-in capture looks like the screen: the quality shade and strain layer (each
// subdivided cell in its corners' mean colour), the arrows, the findings, calipers and
// graphics (anti-aliased), the strain legend inside the image region's top-right corner (beside
// it are the scanner's scale and text), the labels (text on a dark backing). Text needs Qt's fonts, which live in a
// QGuiApplication: a station has one; elsewhere (the command line, tests) hold a TextPainting
// while painting.
#include <memory>
#include <string>

#include "ft/core/RgbImage.h"
#include "ft/plugin/OverlayScene.h"

class QGuiApplication;

namespace ft {

// Makes text painting possible for its lifetime: a QGuiApplication on Qt's offscreen platform
// when the process has none (nothing when it has one). Construct it on the main thread.
class TextPainting {
 public:
  TextPainting();
  ~TextPainting();
  TextPainting(const TextPainting&) = delete;
  TextPainting& operator=(const TextPainting&) = delete;

 private:
  // Qt keeps argc and argv for the application's lifetime: they live as long as it does.
  char name_[11] = "fibretrack", option_[10] = "-platform", platform_[10] = "offscreen";
  char* argv_[4] = {name_, option_, platform_, nullptr};
  int argc_ = 3;
  std::unique_ptr<QGuiApplication> own_;
};

// Throws ft::Error(Internal) without a QGuiApplication (see TextPainting).
void paint_overlay(RgbImage& picture, const OverlayScene& scene);

// `text` on a black band across the picture's bottom rows, so that scanner text beneath
// cannot garble it.
void paint_notice(RgbImage& picture, const std::string& text);

}  // namespace ft
