#pragma once
// The B-mode picture with its overlays, rendered by VTK inside a Qt 6 QOpenGLWidget
// through vtkGenericOpenGLRenderWindow (Debian's VTK Qt module is built for Qt 5; the
// make-current hook and framebuffer blit follow ../shared/STACK_NOTES.md). Clicks are
// reported in frame pixels, for calipers. Zoom with the wheel (about the cursor), pan by
// dragging with the right or middle button, back to the whole image with a middle-button
// double-click or Home. The overlays (OverlayScene) are VTK props over the image, in its
// coordinates, so they follow; their labels keep their size on screen.
#include <QOpenGLWidget>
#include <QRectF>
#include <memory>
#include <vector>

#include "ft/plugin/OverlayScene.h"
#include "ft/core/RgbImage.h"

namespace ft::ui {

class ImageView : public QOpenGLWidget {
  Q_OBJECT
 public:
  explicit ImageView(QWidget* parent = nullptr);
  ~ImageView() override;

  void set_image(const RgbImage& image);  // a new image size shows the whole image again
  void set_overlay(const OverlayScene& scene);  // in the image's pixels; replaces the last
  bool has_image() const;

  void zoom_by(double factor, QPointF at_widget_px);  // > 1 magnifies, keeping that point in place
  void pan_by(QPointF widget_px);                      // moves the picture with the pointer
  void reset_view();                                   // the whole image, fitted
  double zoom() const;                                 // 1: the whole image fitted

  // Where things are on screen, in widget px (for the tests, and for a capture of the view):
  QPointF widget_at(double x_px, double y_px) const;  // of a frame pixel's centre
  std::vector<QRectF> label_rects() const;             // each label's text box, as last drawn
  QRectF legend_rect() const;                          // the strain legend; empty when not shown

 signals:
  void clicked(double x_px, double y_px);

 protected:
  void initializeGL() override;
  void resizeGL(int w, int h) override;
  void paintGL() override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  QPointF world_at(QPointF widget_px) const;  // VTK world (image px, rows bottom-up)
  bool in_image_viewport(QPointF widget_px) const;
  struct Vtk;  // VTK stays out of this header: heavy templates in one file only
  std::unique_ptr<Vtk> vtk_;
};

}  // namespace ft::ui
