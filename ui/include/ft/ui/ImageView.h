#pragma once
// The B-mode picture with its overlays, rendered by VTK inside a Qt 6 QOpenGLWidget
// through vtkGenericOpenGLRenderWindow (Debian's VTK Qt module is built for Qt 5; the
// make-current hook and framebuffer blit follow ../shared/STACK_NOTES.md). Clicks are
// reported in frame pixels, for calipers.
#include <QOpenGLWidget>
#include <memory>

#include "ft/ui/OverlayImage.h"

namespace ft::ui {

class ImageView : public QOpenGLWidget {
  Q_OBJECT
 public:
  explicit ImageView(QWidget* parent = nullptr);
  ~ImageView() override;

  void set_image(const RgbImage& image);
  bool has_image() const;

 signals:
  void clicked(double x_px, double y_px);

 protected:
  void initializeGL() override;
  void resizeGL(int w, int h) override;
  void paintGL() override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  struct Vtk;  // VTK stays out of this header: heavy templates in one file only
  std::unique_ptr<Vtk> vtk_;
};

}  // namespace ft::ui
