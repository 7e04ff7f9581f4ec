#pragma once
// An OverlayScene as VTK props above the image actor: the strain and quality meshes (colours
// interpolated across cells), arrow glyphs, lines, text labels (anti-aliased, on a dark
// backing, moved so that none covers another) and the strain legend (a scalar bar in %).
// World coordinates are the image actor's: x = frame column, y = frame rows counted upward.
// Private to ImageView; VTK's headers stay in the .cpp.
#include <memory>
#include <vector>

#include "ft/plugin/OverlayScene.h"

class vtkRenderer;

namespace ft::ui {

// The share of the view's width the image's renderer takes (its own viewport, zoomed and
// panned); the rest, on the right, is the strain legend's renderer, so that the legend never
// covers the image, zoomed or not.
constexpr double kLegendMarginShare = 0.80;

// A rectangle in VTK display px (origin bottom-left of the render window).
struct DisplayBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

class OverlayProps {
 public:
  OverlayProps();
  ~OverlayProps();
  OverlayProps(const OverlayProps&) = delete;
  OverlayProps& operator=(const OverlayProps&) = delete;

  // `image`: the renderer of the image and the props over it; `legend`: the one beside it.
  void add_to(vtkRenderer* image, vtkRenderer* legend);
  void show(const OverlayScene& scene, int image_height_px);  // replaces what was shown
  // Before each render: each label beside its anchor at the current zoom, inside the image
  // region as far as it is in view, below (or above) any label it would cover; text and lines
  // sized for `device_pixel_ratio`.
  void fit_to_view(double device_pixel_ratio);
  const std::vector<DisplayBox>& label_boxes() const;  // as last placed
  bool legend_shown() const;
  DisplayBox legend_box() const;  // where the legend is drawn

 private:
  struct Vtk;
  std::unique_ptr<Vtk> vtk_;
};

}  // namespace ft::ui
