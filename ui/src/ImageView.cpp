#include "ft/ui/ImageView.h"

#include "OverlayProps.h"

#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkNew.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace ft::ui {

struct ImageView::Vtk {
  vtkNew<vtkGenericOpenGLRenderWindow> window;
  vtkNew<vtkRenderer> renderer;         // the image and its overlays, zoomed and panned
  vtkNew<vtkRenderer> legend_renderer;  // the strain legend, beside it
  vtkNew<vtkImageData> image;
  vtkNew<vtkImageActor> actor;
  vtkNew<vtkCallbackCommand> make_current;
  vtkNew<vtkCallbackCommand> is_current;
  OverlayProps overlay;
  int width_px = 0, height_px = 0;
  double fitted_scale = 1.0;  // the camera's parallel scale that shows the whole image
  // The parallel scale at which the whole image fits the image's viewport (the share of the
  // view the legend leaves free).
  double fit(int widget_width, int widget_height) const {
    const double aspect = widget_height > 0 ? kLegendMarginShare * widget_width / widget_height : 1.0;
    return 1.02 * std::max(0.5 * height_px, 0.5 * width_px / aspect);
  }
  bool initialised = false;
  bool panning = false;
  QMetaObject::Connection context_ends;
  QPointF last_pan_px;
};

namespace {

// VTK asks the widget to make its context current: the widget's own context on its own
// surface, not QOpenGLWidget::makeCurrent() (which rebinds Qt's framebuffer behind VTK).
void on_make_current(vtkObject*, unsigned long, void* client, void*) {
  auto* widget = static_cast<QOpenGLWidget*>(client);
  if (QOpenGLContext* c = widget->context()) c->makeCurrent(c->surface());
}

void on_is_current(vtkObject*, unsigned long, void* client, void* call_data) {
  auto* widget = static_cast<QOpenGLWidget*>(client);
  *static_cast<bool*>(call_data) = widget->context() && QOpenGLContext::currentContext() == widget->context();
}

}  // namespace

ImageView::ImageView(QWidget* parent) : QOpenGLWidget(parent), vtk_(std::make_unique<Vtk>()) {
  setObjectName("imageView");
  setMinimumSize(320, 256);
  setFocusPolicy(Qt::WheelFocus);  // Home resets the view
  vtk_->window->SetReadyForRendering(false);
  vtk_->window->SetOwnContext(false);
  vtk_->window->SetFrameBlitModeToNoBlit();
  // Qt's core-profile context rejects glLineWidth > 1: VTK then draws wide lines itself.
  vtk_->window->SetForceMaximumHardwareLineWidth(1);
  vtk_->window->AddRenderer(vtk_->renderer);
  vtk_->window->AddRenderer(vtk_->legend_renderer);
  vtk_->renderer->SetViewport(0.0, 0.0, kLegendMarginShare, 1.0);
  vtk_->legend_renderer->SetViewport(kLegendMarginShare, 0.0, 1.0, 1.0);
  vtk_->renderer->SetBackground(0.05, 0.05, 0.06);
  vtk_->legend_renderer->SetBackground(0.05, 0.05, 0.06);
  vtk_->legend_renderer->InteractiveOff();
  vtk_->renderer->AddActor(vtk_->actor);
  vtk_->actor->GetMapper()->SetInputData(vtk_->image);
  vtk_->actor->InterpolateOff();  // speckle pixels as they are
  vtk_->overlay.add_to(vtk_->renderer, vtk_->legend_renderer);
  vtk_->make_current->SetCallback(on_make_current);
  vtk_->make_current->SetClientData(this);
  vtk_->is_current->SetCallback(on_is_current);
  vtk_->is_current->SetClientData(this);
  vtk_->window->AddObserver(vtkCommand::WindowMakeCurrentEvent, vtk_->make_current);
  vtk_->window->AddObserver(vtkCommand::WindowIsCurrentEvent, vtk_->is_current);
}

ImageView::~ImageView() {
  disconnect(vtk_->context_ends);  // the context outlives this body; vtk_ does not
  if (!vtk_->initialised) return;  // never shown: VTK holds no OpenGL resources
  makeCurrent();
  vtk_->window->Finalize();
  doneCurrent();
}

bool ImageView::has_image() const { return vtk_->width_px > 0; }

void ImageView::set_image(const RgbImage& rgb) {
  Vtk& v = *vtk_;
  const bool new_size = rgb.width_px() != v.width_px || rgb.height_px() != v.height_px;
  if (new_size) {
    v.image->SetDimensions(rgb.width_px(), rgb.height_px(), 1);
    v.image->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    v.width_px = rgb.width_px();
    v.height_px = rgb.height_px();
  }
  // VTK's rows run bottom-up; frames top-down.
  auto* dst = static_cast<unsigned char*>(v.image->GetScalarPointer());
  const std::size_t row = std::size_t(rgb.width_px()) * 3;
  for (int y = 0; y < rgb.height_px(); ++y)
    std::memcpy(dst + std::size_t(rgb.height_px() - 1 - y) * row, rgb.pixels().data() + std::size_t(y) * row, row);
  v.image->Modified();
  if (new_size) reset_view();
  update();
}

void ImageView::set_overlay(const OverlayScene& scene) {
  vtk_->overlay.show(scene, vtk_->height_px);
  update();
}

void ImageView::reset_view() {
  Vtk& v = *vtk_;
  v.renderer->ResetCamera(v.actor->GetBounds());  // the image's, whatever the overlays hold
  vtkCamera* camera = v.renderer->GetActiveCamera();
  camera->ParallelProjectionOn();
  v.fitted_scale = v.fit(width(), height());
  camera->SetParallelScale(v.fitted_scale);
  update();
}

double ImageView::zoom() const { return vtk_->fitted_scale / vtk_->renderer->GetActiveCamera()->GetParallelScale(); }

void ImageView::zoom_by(double factor, QPointF at_widget_px) {
  if (!has_image() || !(factor > 0)) return;
  vtkCamera* camera = vtk_->renderer->GetActiveCamera();
  // From a whole-image view down to a few pixels across: the speckle, not an empty screen.
  const double scale = std::clamp(camera->GetParallelScale() / factor, 2.0, vtk_->fitted_scale * 4.0);
  const double applied = camera->GetParallelScale() / scale;
  const QPointF fixed = world_at(at_widget_px);
  double focal[3], position[3];
  camera->GetFocalPoint(focal);
  camera->GetPosition(position);
  // The point under the cursor stays there: the focal point moves toward it.
  const double fx = fixed.x() + (focal[0] - fixed.x()) / applied, fy = fixed.y() + (focal[1] - fixed.y()) / applied;
  camera->SetFocalPoint(fx, fy, focal[2]);
  camera->SetPosition(fx, fy, position[2]);
  camera->SetParallelScale(scale);
  update();
}

void ImageView::pan_by(QPointF widget_px) {
  if (!has_image() || height() <= 0) return;
  vtkCamera* camera = vtk_->renderer->GetActiveCamera();
  const double world_per_px = 2.0 * camera->GetParallelScale() / height();
  double focal[3], position[3];
  camera->GetFocalPoint(focal);
  camera->GetPosition(position);
  const double dx = -widget_px.x() * world_per_px, dy = widget_px.y() * world_per_px;  // widget y runs down
  camera->SetFocalPoint(focal[0] + dx, focal[1] + dy, focal[2]);
  camera->SetPosition(position[0] + dx, position[1] + dy, position[2]);
  update();
}

QPointF ImageView::world_at(QPointF widget_px) const {
  const Vtk& v = *vtk_;
  const double dpr = devicePixelRatioF();
  v.renderer->SetDisplayPoint(widget_px.x() * dpr, (height() - widget_px.y()) * dpr, 0);
  v.renderer->DisplayToWorld();
  const double* world = v.renderer->GetWorldPoint();
  const double w = world[3] != 0 ? world[3] : 1.0;
  return {world[0] / w, world[1] / w};
}

QPointF ImageView::widget_at(double x_px, double y_px) const {
  const Vtk& v = *vtk_;
  v.renderer->SetWorldPoint(x_px, v.height_px - 1 - y_px, 0, 1);
  v.renderer->WorldToDisplay();
  const double* d = v.renderer->GetDisplayPoint();
  const double dpr = devicePixelRatioF();
  return {d[0] / dpr, height() - d[1] / dpr};
}

namespace {
QRectF widget_rect(const DisplayBox& b, int widget_height, double dpr) {
  return QRectF(QPointF(b.x0 / dpr, widget_height - b.y1 / dpr), QPointF(b.x1 / dpr, widget_height - b.y0 / dpr));
}
}  // namespace

std::vector<QRectF> ImageView::label_rects() const {
  std::vector<QRectF> rects;
  for (const DisplayBox& b : vtk_->overlay.label_boxes()) rects.push_back(widget_rect(b, height(), devicePixelRatioF()));
  return rects;
}

QRectF ImageView::legend_rect() const {
  if (!vtk_->overlay.legend_shown()) return {};
  return widget_rect(vtk_->overlay.legend_box(), height(), devicePixelRatioF());
}

void ImageView::initializeGL() {
  Vtk& v = *vtk_;
  v.window->SetMapped(1);
  v.window->SetIsDirect(1);
  v.window->SetSize(int(std::lround(width() * devicePixelRatioF())), int(std::lround(height() * devicePixelRatioF())));
  v.window->OpenGLInitContext();
  v.initialised = true;
  // Moved to another window, the widget gets a new context: VTK lets go of the old one first.
  // (One connection per context: Qt refuses Qt::UniqueConnection for a lambda.)
  disconnect(v.context_ends);
  v.context_ends = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
    if (!vtk_->initialised) return;
    makeCurrent();
    vtk_->window->ReleaseGraphicsResources(vtk_->window);
    doneCurrent();
    vtk_->initialised = false;
  });
}

void ImageView::resizeGL(int w, int h) {
  Vtk& v = *vtk_;
  v.window->SetSize(int(std::lround(w * devicePixelRatioF())), int(std::lround(h * devicePixelRatioF())));
  if (!has_image()) return;
  // A new shape of view: the same magnification of the fitted view, about the same point.
  const double magnification = zoom();
  v.fitted_scale = v.fit(w, h);
  v.renderer->GetActiveCamera()->SetParallelScale(v.fitted_scale / magnification);
}

void ImageView::paintGL() {
  Vtk& v = *vtk_;
  if (!v.initialised) return;
  vtkOpenGLState* state = v.window->GetState();
  state->Reset();
  state->Push();
  v.window->SetReadyForRendering(true);
  v.overlay.fit_to_view(devicePixelRatioF());
  v.window->Render();
  v.window->SetReadyForRendering(false);
  state->Pop();
  // VTK drew into its own framebuffer: copy it into Qt's, then make the alpha opaque.
  QOpenGLExtraFunctions* f = context()->extraFunctions();
  f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
  const GLenum buffers[1] = {GL_COLOR_ATTACHMENT0};
  f->glDrawBuffers(1, buffers);
  const int* size = v.window->GetRenderFramebuffer()->GetLastSize();
  v.window->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, size[0], size[1], GL_COLOR_BUFFER_BIT, GL_NEAREST);
  f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
  f->glClearColor(0, 0, 0, 1);
  f->glClear(GL_COLOR_BUFFER_BIT);
  f->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
}

// Left of the legend's viewport: a click there is on the picture (zoomed in, points under the
// legend are hidden and would place a caliper end nobody sees).
bool ImageView::in_image_viewport(QPointF widget_px) const { return widget_px.x() < kLegendMarginShare * width(); }

void ImageView::mousePressEvent(QMouseEvent* event) {
  Vtk& v = *vtk_;
  if (!has_image()) return;
  if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
    v.panning = true;
    v.last_pan_px = event->position();
    return;
  }
  if (event->button() != Qt::LeftButton || !in_image_viewport(event->position())) return;
  const QPointF world = world_at(event->position());
  const double x = world.x(), y = v.height_px - 1 - world.y();  // back to top-down frame rows
  if (x < -0.5 || y < -0.5 || x > v.width_px - 0.5 || y > v.height_px - 0.5) return;
  emit clicked(x, y);
}

void ImageView::mouseMoveEvent(QMouseEvent* event) {
  Vtk& v = *vtk_;
  if (!v.panning) return;
  pan_by(event->position() - v.last_pan_px);
  v.last_pan_px = event->position();
}

void ImageView::mouseReleaseEvent(QMouseEvent*) { vtk_->panning = false; }

void ImageView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton) reset_view();
}

void ImageView::wheelEvent(QWheelEvent* event) {
  // One notch (120) magnifies by about a fifth, about the pointer: over the legend there is no
  // picture point to zoom about.
  if (in_image_viewport(event->position())) zoom_by(std::pow(1.2, event->angleDelta().y() / 120.0), event->position());
  event->accept();
}

void ImageView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Home) reset_view();
  else QOpenGLWidget::keyPressEvent(event);
}

}  // namespace ft::ui
