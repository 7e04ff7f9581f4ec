#include "ft/plugin/OverlayPainter.h"

#include <QFont>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
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

void paint_labels(QPainter& p, const std::vector<OverlayLabel>& labels, const PixelRect& area) {
  const QFontMetricsF metrics(p.font());
  std::vector<LabelBox> wanted;
  for (const OverlayLabel& l : labels) {
    const QRectF text = metrics.boundingRect(QString::fromStdString(l.text));
    wanted.push_back({l.anchor_px.x, l.anchor_px.y, l.anchor_px.x + text.width() + 2 * kLabelPaddingPx,
                      l.anchor_px.y + metrics.height() + 2 * kLabelPaddingPx});
  }
  const LabelBox picture{0, 0, double(p.device()->width()), double(p.device()->height())};
  const LabelBox region{double(area.x0_px), double(area.y0_px), double(area.x1_px + 1), double(area.y1_px + 1)};
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
  for (const OverlayPolyline& line : scene.lines) {
    p.setPen(QPen(colour_of(line.colour), kLineWidthPx));
    QPolygonF polygon;
    for (const PointPx& q : line.points_px) polygon << at(q);
    if (line.closed) p.drawPolygon(polygon);
    else p.drawPolyline(polygon);
  }
  p.setFont(label_font());
  paint_labels(p, scene.labels, scene.label_area);
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
