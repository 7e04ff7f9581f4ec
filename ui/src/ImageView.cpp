#include "ft/ui/ImageView.h"

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

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <algorithm>
#include <cstring>

namespace ft::ui {

struct ImageView::Vtk {
  vtkNew<vtkGenericOpenGLRenderWindow> window;
  vtkNew<vtkRenderer> renderer;
  vtkNew<vtkImageData> image;
  vtkNew<vtkImageActor> actor;
  vtkNew<vtkCallbackCommand> make_current;
  vtkNew<vtkCallbackCommand> is_current;
  int width_px = 0, height_px = 0;
  bool initialised = false;
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
  vtk_->window->SetReadyForRendering(false);
  vtk_->window->SetOwnContext(false);
  vtk_->window->SetFrameBlitModeToNoBlit();
  vtk_->window->AddRenderer(vtk_->renderer);
  vtk_->renderer->SetBackground(0.05, 0.05, 0.06);
  vtk_->renderer->AddActor(vtk_->actor);
  vtk_->actor->GetMapper()->SetInputData(vtk_->image);
  vtk_->actor->InterpolateOff();  // speckle pixels as they are
  vtk_->make_current->SetCallback(on_make_current);
  vtk_->make_current->SetClientData(this);
  vtk_->is_current->SetCallback(on_is_current);
  vtk_->is_current->SetClientData(this);
  vtk_->window->AddObserver(vtkCommand::WindowMakeCurrentEvent, vtk_->make_current);
  vtk_->window->AddObserver(vtkCommand::WindowIsCurrentEvent, vtk_->is_current);
}

ImageView::~ImageView() {
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
  if (new_size) {
    v.renderer->ResetCamera();
    vtkCamera* camera = v.renderer->GetActiveCamera();
    camera->ParallelProjectionOn();
    camera->SetParallelScale(0.5 * rgb.height_px() * 1.02);
  }
  update();
}

void ImageView::initializeGL() {
  Vtk& v = *vtk_;
  v.window->SetMapped(1);
  v.window->SetIsDirect(1);
  v.window->SetSize(int(width() * devicePixelRatioF()), int(height() * devicePixelRatioF()));
  v.window->OpenGLInitContext();
  v.initialised = true;
  // Moved to another window, the widget gets a new context: VTK lets go of the old one first.
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
    if (!vtk_->initialised) return;
    makeCurrent();
    vtk_->window->ReleaseGraphicsResources(vtk_->window);
    doneCurrent();
    vtk_->initialised = false;
  }, Qt::UniqueConnection);
}

void ImageView::resizeGL(int w, int h) {
  vtk_->window->SetSize(int(w * devicePixelRatioF()), int(h * devicePixelRatioF()));
}

void ImageView::paintGL() {
  Vtk& v = *vtk_;
  if (!v.initialised) return;
  vtkOpenGLState* state = v.window->GetState();
  state->Reset();
  state->Push();
  v.window->SetReadyForRendering(true);
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

void ImageView::mousePressEvent(QMouseEvent* event) {
  Vtk& v = *vtk_;
  if (!has_image()) return;
  const double dpr = devicePixelRatioF();
  v.renderer->SetDisplayPoint(event->position().x() * dpr, (height() - event->position().y()) * dpr, 0);
  v.renderer->DisplayToWorld();
  const double* world = v.renderer->GetWorldPoint();
  const double w = world[3] != 0 ? world[3] : 1.0;
  const double x = world[0] / w, y_up = world[1] / w;
  const double y = v.height_px - 1 - y_up;  // back to top-down frame rows
  if (x < -0.5 || y < -0.5 || x > v.width_px - 0.5 || y > v.height_px - 0.5) return;
  emit clicked(x, y);
}

}  // namespace ft::ui
