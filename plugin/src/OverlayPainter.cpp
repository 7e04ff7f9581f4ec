#include "ft/plugin/OverlayPainter.h"

#include <QFont>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>
#include <clocale>
#include <cmath>

#include "ft/core/Error.h"

namespace ft {
namespace {

constexpr int kLabelPixelSize = 12;  // frame px: about the screen's 13 pt at 1:1
constexpr double kLabelPaddingPx = 2.0;

QColor colour_of(Rgb c, int alpha = 255) { return QColor(c.r, c.g, c.b, alpha); }

QPointF at(PointPx p) { return {p.x, p.y}; }

// The picture's own pixels behind a QImage: painting changes `picture` directly.
QImage image_over(RgbImage& picture) {
  return QImage(picture.data(), picture.width_px(), picture.height_px(), picture.width_px() * 3, QImage::Format_RGB888);
}

void require_fonts() {
  if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
    throw Error(ErrorCode::Internal, "painting text needs a QGuiApplication (hold a ft::TextPainting)");
}

QFont label_font() {
  QFont font(QStringLiteral("DejaVu Sans"));
  font.setPixelSize(kLabelPixelSize);
  font.setStyleStrategy(QFont::PreferAntialias);
  return font;
}

// Each cell of a colour mesh filled with the mean of its corners' colours. The strain layer's
// cells are already subdivided (a few px each), so flat cells stand for the screen's
// interpolated colours; no anti-aliasing, so that neighbouring cells do not blend twice at
// their shared edge.
void paint_mesh(QPainter& p, const ColourMesh& mesh) {
  p.save();
  p.setRenderHint(QPainter::Antialiasing, false);
  p.setPen(Qt::NoPen);
  for (const auto& cell : mesh.cells) {
    int rgba[4] = {0, 0, 0, 0};
    QPolygonF polygon;
    for (int k : cell) {
      for (int c = 0; c < 4; ++c) rgba[c] += mesh.rgba[std::size_t(k)][std::size_t(c)];
      polygon << at(mesh.points_px[std::size_t(k)]);
    }
    p.setBrush(QColor(rgba[0] / 4, rgba[1] / 4, rgba[2] / 4, rgba[3] / 4));
    p.drawPolygon(polygon);
  }
  p.restore();
}

// The viewer's arrow glyph (vtkGlyphSource2D's open arrow): the shaft, and two barbs from the
// tip back to 0.7 of the length, a tenth of it to each side.
void paint_arrows(QPainter& p, const std::vector<OverlayArrow>& arrows) {
  p.setPen(QPen(colour_of(overlay_colour::kVector), kLineWidthPx));
  for (const OverlayArrow& a : arrows) {
    const QPointF base = at(a.base_px), tip = at(a.tip_px), along = tip - base, across(-along.y(), along.x());
    p.drawLine(base, tip);
    p.drawLine(tip, base + 0.7 * along + 0.1 * across);
    p.drawLine(tip, base + 0.7 * along - 0.1 * across);
  }
}

// The strain legend as on screen (red shortening through white to blue lengthening, -range at
// the foot, the unit on top), inside the image region's top-right corner.
// Returns the legend's box (empty when none is painted).
QRectF paint_legend(QPainter& p, double range_pct, const PixelRect& region) {
  if (range_pct <= 0 || region.empty()) return {};
  const QFontMetricsF metrics(p.font());
  const double bar_w = 10, text_w = metrics.horizontalAdvance("-15") + 4, need = bar_w + text_w + 8;
  const double height = std::max(40.0, 0.45 * region.height_px());
  // Inside the region's top-right corner: beside it lie the scanner's depth scale and text.
  const double x = region.x1_px + 1 - need + 2;
  const double y = region.y0_px + metrics.height() + 6;
  QLinearGradient ramp(QPointF(0, y), QPointF(0, y + height));
  for (double t : {0.0, 0.5, 1.0}) {  // top +range (blue), middle 0 (white), foot -range (red)
    const Rgb c = strain_colour(range_pct * (1.0 - 2.0 * t), range_pct);
    ramp.setColorAt(t, colour_of(c));
  }
  const QRectF box(x - 2, y - metrics.height() - 4, need, height + metrics.height() + 6);
  p.fillRect(box, QColor(0, 0, 0, 153));
  p.fillRect(QRectF(x, y, bar_w, height), ramp);
  p.setPen(Qt::white);
  p.drawText(QPointF(x, y - 3), "strain %");
  const auto tick = [&](double at_y, const QString& text) { p.drawText(QPointF(x + bar_w + 3, at_y + metrics.ascent() / 2), text); };
  tick(y, QString::number(std::lround(range_pct)));
  tick(y + height / 2, "0");
  tick(y + height, QString::number(-std::lround(range_pct)));
  return box;
}

// Labels inside `area` (the image region; the whole picture when empty), left of `legend`
// where the legend lies inside it.
void paint_labels(QPainter& p, const std::vector<OverlayLabel>& labels, const PixelRect& area, const QRectF& legend) {
  const QFontMetricsF metrics(p.font());
  std::vector<LabelBox> wanted;
  for (const OverlayLabel& l : labels) {
    const QRectF text = metrics.boundingRect(QString::fromStdString(l.text));
    wanted.push_back({l.anchor_px.x, l.anchor_px.y, l.anchor_px.x + text.width() + 2 * kLabelPaddingPx,
                      l.anchor_px.y + metrics.height() + 2 * kLabelPaddingPx});
  }
  const LabelBox picture{0, 0, double(p.device()->width()), double(p.device()->height())};
  LabelBox region{double(area.x0_px), double(area.y0_px), double(area.x1_px + 1), double(area.y1_px + 1)};
  if (!legend.isEmpty() && legend.left() < region.x1) region.x1 = std::max(region.x0 + 1, legend.left() - 2);
  const std::vector<LabelBox> placed = place_labels(wanted, area.empty() ? picture : region);
  for (std::size_t k = 0; k < labels.size(); ++k) {
    const QRectF box(QPointF(placed[k].x0, placed[k].y0), QPointF(placed[k].x1, placed[k].y1));
    p.fillRect(box, QColor(0, 0, 0, 153));  // the screen's backing: black at 0.6
    p.setPen(colour_of(labels[k].colour));
    p.drawText(box.adjusted(kLabelPaddingPx, kLabelPaddingPx, -kLabelPaddingPx, -kLabelPaddingPx),
               Qt::AlignLeft | Qt::AlignTop, QString::fromStdString(labels[k].text));
  }
}

}  // namespace

TextPainting::TextPainting() {
  if (QCoreApplication::instance()) return;
  own_ = std::make_unique<QGuiApplication>(argc_, argv_);
  std::setlocale(LC_NUMERIC, "C");  // Qt sets the user's locale; DICOM decimal strings need '.'
}

TextPainting::~TextPainting() = default;

void paint_overlay(RgbImage& picture, const OverlayScene& scene) {
  require_fonts();
  QImage image = image_over(picture);
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.translate(0.5, 0.5);  // a scene's integer coordinates are pixel centres (as on screen), Qt's are corners
  // In the screen's order, each layer over the one before (OverlayProps' heights).
  paint_mesh(p, scene.quality_shade);
  paint_mesh(p, scene.strain);
  paint_arrows(p, scene.arrows);
  for (const OverlayPolyline& line : scene.lines) {
    p.setPen(QPen(colour_of(line.colour), kLineWidthPx));
    QPolygonF polygon;
    for (const PointPx& q : line.points_px) polygon << at(q);
    if (line.closed) p.drawPolygon(polygon);
    else p.drawPolyline(polygon);
  }
  p.resetTransform();  // text and its backing on whole pixels, the area's edges as given
  p.setFont(label_font());
  const QRectF legend = paint_legend(p, scene.legend_range_pct, scene.label_area);
  paint_labels(p, scene.labels, scene.label_area, legend);
}

void paint_notice(RgbImage& picture, const std::string& text) {
  require_fonts();
  QImage image = image_over(picture);
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  // Smaller type where the picture is too narrow for it, down to 7 px; below that, more lines.
  // The notice is never cut short.
  const QString notice = QString::fromStdString(text);
  QFont font = label_font();
  const double room = picture.width_px() - 2 * kLabelPaddingPx, width = QFontMetricsF(font).horizontalAdvance(notice);
  if (width > room) font.setPixelSize(std::max(7, int(kLabelPixelSize * room / width)));
  p.setFont(font);
  const QRectF text_box = QFontMetricsF(font).boundingRect(QRectF(0, 0, room, picture.height_px()), Qt::TextWordWrap, notice);
  const double band = text_box.height() + 2 * kLabelPaddingPx;
  const QRectF rect(0, picture.height_px() - band, picture.width_px(), band);
  p.fillRect(rect, Qt::black);
  p.setPen(Qt::white);
  p.drawText(rect.adjusted(kLabelPaddingPx, kLabelPaddingPx, -kLabelPaddingPx, -kLabelPaddingPx),
             Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, notice);
}

}  // namespace ft
