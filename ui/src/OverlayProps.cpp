#include "OverlayProps.h"

#include <array>

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkGlyph3D.h>
#include <vtkGlyphSource2D.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSmartPointer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

namespace ft::ui {
namespace {

// Heights above the image (z) so that each layer is drawn over the one before.
constexpr double kShadeZ = 0.2, kStrainZ = 0.4, kArrowZ = 0.6, kLineZ = 0.8;
constexpr int kFontSizePt = 13;
// The legend in its own renderer's viewport (normalised), beside the image's.
constexpr double kLegendX = 0.12, kLegendY = 0.12, kLegendWidth = 0.45, kLegendHeight = 0.76;  // as wide as before the viewports

struct MeshLayer {
  vtkNew<vtkPolyData> data;
  vtkNew<vtkPolyDataMapper> mapper;
  vtkNew<vtkActor> actor;
  MeshLayer(double z) {
    mapper->SetInputData(data);
    mapper->SetColorModeToDirectScalars();  // the scene's own RGBA, not a lookup table
    mapper->SetScalarModeToUsePointData();
    actor->SetMapper(mapper);
    actor->SetPosition(0, 0, z);
    actor->GetProperty()->LightingOff();
    actor->GetProperty()->SetInterpolationToGouraud();
  }
};

vtkSmartPointer<vtkLookupTable> strain_table(double range_pct) {
  auto table = vtkSmartPointer<vtkLookupTable>::New();
  const int n = 256;
  table->SetNumberOfTableValues(n);
  for (int k = 0; k < n; ++k) {
    const Rgb c = strain_colour(-1.0 + 2.0 * k / (n - 1), 1.0);
    table->SetTableValue(k, c.r / 255.0, c.g / 255.0, c.b / 255.0, 1.0);
  }
  table->SetTableRange(-range_pct, range_pct);
  return table;
}

void style_text(vtkTextProperty* p, Rgb colour, double size) {
  p->SetFontFamilyToArial();
  p->SetFontSize(int(size));
  p->SetColor(colour.r / 255.0, colour.g / 255.0, colour.b / 255.0);
  p->SetBackgroundColor(0, 0, 0);
  p->SetBackgroundOpacity(0.6);  // readable over bright speckle
  p->SetJustificationToLeft();
  p->SetVerticalJustificationToBottom();
  p->ShadowOff();
}

}  // namespace

struct OverlayProps::Vtk {
  MeshLayer shade{kShadeZ}, strain{kStrainZ};
  vtkNew<vtkPolyData> arrow_points;
  vtkNew<vtkGlyphSource2D> arrow_shape;
  vtkNew<vtkGlyph3D> arrows;
  vtkNew<vtkPolyDataMapper> arrow_mapper;
  vtkNew<vtkActor> arrow_actor;
  MeshLayer lines{kLineZ};
  vtkNew<vtkScalarBarActor> legend;
  // A pool: actors are hidden, not removed, when fewer labels are shown (removing one frees its
  // OpenGL resources, which needs the view's context current; show() runs outside paintGL).
  std::vector<vtkSmartPointer<vtkTextActor>> labels;
  std::size_t labels_shown = 0;
  std::vector<PointPx> anchors_world;
  std::array<PointPx, 2> label_area_world{};  // the image region's corners; equal: no region
  std::vector<DisplayBox> boxes;
  vtkRenderer* renderer = nullptr;         // the image's
  vtkRenderer* legend_renderer = nullptr;  // beside it
};

OverlayProps::OverlayProps() : vtk_(std::make_unique<Vtk>()) {
  Vtk& v = *vtk_;
  // An arrow from the point (not centred on it), one unit long, scaled by the displacement.
  v.arrow_shape->SetGlyphTypeToArrow();
  v.arrow_shape->FilledOff();
  v.arrow_shape->SetCenter(0.5, 0, 0);
  v.arrows->SetSourceConnection(v.arrow_shape->GetOutputPort());
  v.arrows->SetInputData(v.arrow_points);
  v.arrows->SetVectorModeToUseVector();
  v.arrows->SetScaleModeToScaleByVector();
  v.arrows->OrientOn();
  v.arrows->SetScaleFactor(1.0);
  v.arrow_mapper->SetInputConnection(v.arrows->GetOutputPort());
  v.arrow_mapper->ScalarVisibilityOff();
  v.arrow_actor->SetMapper(v.arrow_mapper);
  v.arrow_actor->SetPosition(0, 0, kArrowZ);
  const Rgb green = overlay_colour::kVector;
  v.arrow_actor->GetProperty()->SetColor(green.r / 255.0, green.g / 255.0, green.b / 255.0);
  v.arrow_actor->GetProperty()->LightingOff();
  v.lines.mapper->SetScalarModeToUseCellData();
  v.legend->SetTitle("strain\n(%)");
  v.legend->SetNumberOfLabels(3);  // -range, 0, +range: whole numbers
  v.legend->SetLabelFormat("%.0f");  // "%+.0f" wrote "+0" at the middle
  v.legend->SetPosition(kLegendX, kLegendY);
  v.legend->SetPosition2(kLegendWidth, kLegendHeight);
  v.legend->UnconstrainedFontSizeOn();
  for (vtkTextProperty* p : {v.legend->GetTitleTextProperty(), v.legend->GetLabelTextProperty()}) p->ItalicOff(), p->ShadowOff();
  v.legend->VisibilityOff();
}

OverlayProps::~OverlayProps() = default;

void OverlayProps::add_to(vtkRenderer* image, vtkRenderer* legend) {
  Vtk& v = *vtk_;
  v.renderer = image;
  v.legend_renderer = legend;
  image->AddActor(v.shade.actor);
  image->AddActor(v.strain.actor);
  image->AddActor(v.arrow_actor);
  image->AddActor(v.lines.actor);
  legend->AddViewProp(v.legend);
}

namespace {

// World coordinates: frame columns as they are, frame rows counted upward from the bottom row.
double world_y(double y_px, int image_height_px) { return image_height_px - 1 - y_px; }

void fill_mesh(vtkPolyData* data, const ColourMesh& mesh, int image_height_px) {
  vtkNew<vtkPoints> points;
  vtkNew<vtkUnsignedCharArray> colours;
  colours->SetNumberOfComponents(4);
  for (std::size_t k = 0; k < mesh.points_px.size(); ++k) {
    points->InsertNextPoint(mesh.points_px[k].x, world_y(mesh.points_px[k].y, image_height_px), 0);
    colours->InsertNextTypedTuple(mesh.rgba[k].data());
  }
  vtkNew<vtkCellArray> cells;
  for (const auto& cell : mesh.cells) {
    const vtkIdType ids[4] = {cell[0], cell[1], cell[2], cell[3]};
    cells->InsertNextCell(4, ids);
  }
  data->Initialize();
  data->SetPoints(points);
  data->SetPolys(cells);
  data->GetPointData()->SetScalars(colours);
}

void fill_lines(vtkPolyData* data, const std::vector<OverlayPolyline>& lines, int image_height_px) {
  vtkNew<vtkPoints> points;
  vtkNew<vtkCellArray> cells;
  vtkNew<vtkUnsignedCharArray> colours;
  colours->SetNumberOfComponents(3);
  for (const OverlayPolyline& line : lines) {
    if (line.points_px.size() < 2) continue;
    std::vector<vtkIdType> ids;
    for (const PointPx& p : line.points_px) ids.push_back(points->InsertNextPoint(p.x, world_y(p.y, image_height_px), 0));
    if (line.closed) ids.push_back(ids.front());
    cells->InsertNextCell(vtkIdType(ids.size()), ids.data());
    const unsigned char rgb[3] = {line.colour.r, line.colour.g, line.colour.b};
    colours->InsertNextTypedTuple(rgb);
  }
  data->Initialize();
  data->SetPoints(points);
  data->SetLines(cells);
  data->GetCellData()->SetScalars(colours);
}

void fill_arrows(vtkPolyData* data, const std::vector<OverlayArrow>& arrows, int image_height_px) {
  vtkNew<vtkPoints> points;
  vtkNew<vtkFloatArray> vectors;
  vectors->SetNumberOfComponents(3);
  for (const OverlayArrow& a : arrows) {
    points->InsertNextPoint(a.base_px.x, world_y(a.base_px.y, image_height_px), 0);
    const float d[3] = {float(a.tip_px.x - a.base_px.x), float(a.base_px.y - a.tip_px.y), 0.f};  // rows count upward
    vectors->InsertNextTypedTuple(d);
  }
  data->Initialize();
  data->SetPoints(points);
  data->GetPointData()->SetVectors(vectors);
}

}  // namespace

void OverlayProps::show(const OverlayScene& scene, int image_height_px) {
  Vtk& v = *vtk_;
  fill_mesh(v.shade.data, scene.quality_shade, image_height_px);
  fill_mesh(v.strain.data, scene.strain, image_height_px);
  fill_arrows(v.arrow_points, scene.arrows, image_height_px);
  fill_lines(v.lines.data, scene.lines, image_height_px);
  v.arrows->Modified();
  v.legend->SetVisibility(scene.legend_range_pct > 0);
  if (scene.legend_range_pct > 0) v.legend->SetLookupTable(strain_table(scene.legend_range_pct));
  while (v.labels.size() < scene.labels.size()) {
    auto actor = vtkSmartPointer<vtkTextActor>::New();
    if (v.renderer) v.renderer->AddViewProp(actor);
    v.labels.push_back(actor);
  }
  v.anchors_world.clear();
  for (std::size_t k = 0; k < v.labels.size(); ++k) {
    vtkTextActor* actor = v.labels[k];
    actor->SetVisibility(k < scene.labels.size());
    if (k >= scene.labels.size()) continue;
    const OverlayLabel& l = scene.labels[k];
    actor->SetInput(l.text.c_str());
    style_text(actor->GetTextProperty(), l.colour, kFontSizePt);
    v.anchors_world.push_back({l.anchor_px.x, world_y(l.anchor_px.y, image_height_px)});
  }
  v.labels_shown = scene.labels.size();
  const PixelRect& a = scene.label_area;
  v.label_area_world = {PointPx{a.x0_px - 0.5, world_y(a.y1_px + 0.5, image_height_px)},
                        PointPx{a.x1_px + 0.5, world_y(a.y0_px - 0.5, image_height_px)}};
  if (a.empty()) v.label_area_world = {};
}

void OverlayProps::fit_to_view(double device_pixel_ratio) {
  Vtk& v = *vtk_;
  vtkRenderer* renderer = v.renderer;
  v.arrow_actor->GetProperty()->SetLineWidth(float(kLineWidthPx * device_pixel_ratio));
  v.lines.actor->GetProperty()->SetLineWidth(float(kLineWidthPx * device_pixel_ratio));
  // Labels go inside the image region as far as it is in view, left of the legend when it is
  // shown: never over the scanner's text and scales (outside the region) or the legend. In
  // y-down terms (display y negated) for place_labels.
  const int* size = renderer->GetSize();  // the image's viewport, from the window's left edge
  const LabelBox view{0.0, -double(size[1]), double(size[0]), 0.0};
  LabelBox area = view;
  if (v.label_area_world[0].x != v.label_area_world[1].x) {
    const auto display_of = [&](PointPx w) {
      renderer->SetWorldPoint(w.x, w.y, 0, 1);
      renderer->WorldToDisplay();
      const double* d = renderer->GetDisplayPoint();
      return PointPx{d[0], d[1]};
    };
    const PointPx low = display_of(v.label_area_world[0]), high = display_of(v.label_area_world[1]);
    area = {std::max(area.x0, low.x), std::max(area.y0, -high.y), std::min(area.x1, high.x), std::min(area.y1, -low.y)};
  }
  // Top-left corner at the anchor. A label whose anchor is out of view (zoomed in elsewhere)
  // is hidden: pinned to the view's edge it would name something it is not beside.
  std::vector<LabelBox> wanted;
  std::vector<std::size_t> shown;
  for (std::size_t k = 0; k < v.labels_shown; ++k) {
    vtkTextActor* actor = v.labels[k];
    actor->GetTextProperty()->SetFontSize(int(kFontSizePt * device_pixel_ratio));
    renderer->SetWorldPoint(v.anchors_world[k].x, v.anchors_world[k].y, 0, 1);
    renderer->WorldToDisplay();
    const double* anchor = renderer->GetDisplayPoint();
    const bool in_view = anchor[0] >= view.x0 && anchor[0] <= view.x1 && -anchor[1] >= view.y0 && -anchor[1] <= view.y1;
    actor->SetVisibility(in_view);
    if (!in_view) continue;
    double text[2] = {0, 0};
    actor->GetSize(renderer, text);
    wanted.push_back({anchor[0], -anchor[1], anchor[0] + text[0], -anchor[1] + text[1]});
    shown.push_back(k);
  }
  v.boxes.clear();
  const std::vector<LabelBox> placed = ft::place_labels(wanted, area, 2.0 * device_pixel_ratio);
  for (std::size_t k = 0; k < placed.size(); ++k) {
    const DisplayBox box{placed[k].x0, -placed[k].y1, placed[k].x1, -placed[k].y0};
    v.labels[shown[k]]->SetDisplayPosition(int(std::lround(box.x0)), int(std::lround(box.y0)));
    v.boxes.push_back(box);
  }
  v.legend->GetTitleTextProperty()->SetFontSize(int(12 * device_pixel_ratio));
  v.legend->GetLabelTextProperty()->SetFontSize(int(11 * device_pixel_ratio));
  // Room between the two-line title and the top label (they touched).
  v.legend->SetVerticalTitleSeparation(int(6 * device_pixel_ratio));
  v.legend->SetMaximumWidthInPixels(std::max(40, int(kLegendWidth * v.legend_renderer->GetSize()[0])));
}

const std::vector<DisplayBox>& OverlayProps::label_boxes() const { return vtk_->boxes; }

bool OverlayProps::legend_shown() const { return vtk_->legend->GetVisibility() != 0; }

DisplayBox OverlayProps::legend_box() const {
  vtkRenderer* r = vtk_->legend_renderer;
  const int* size = r->GetSize();
  const int* origin = r->GetOrigin();  // display px of the viewport's lower-left corner
  return {origin[0] + kLegendX * size[0], origin[1] + kLegendY * size[1], origin[0] + (kLegendX + kLegendWidth) * size[0],
          origin[1] + (kLegendY + kLegendHeight) * size[1]};
}

}  // namespace ft::ui
