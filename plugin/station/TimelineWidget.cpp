#include "TimelineWidget.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace ft::station {
namespace {
constexpr int kMarginPx = 40;

QColor colour_of(const QString& source) {
  const uint hue = qHash(source) % 360;
  return QColor::fromHsv(int(hue), 160, 230);
}
}  // namespace

TimelineWidget::TimelineWidget(fibretrack::module::ExamTimeline& timeline, QWidget* parent)
    : QWidget(parent), timeline_(timeline) {
  setObjectName("examTimeline");
  setMinimumHeight(60);
  subscription_ = timeline_.subscribe([this] { update(); });
}

TimelineWidget::~TimelineWidget() { timeline_.unsubscribe(subscription_); }

double TimelineWidget::x_of(double seconds) const {
  const double duration = std::max(1e-3, timeline_.duration_s());
  return kMarginPx + (width() - 2 * kMarginPx) * std::clamp(seconds / duration, 0.0, 1.0);
}

void TimelineWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), QColor(30, 30, 34));
  const int axis_y = height() - 18;
  p.setPen(QColor(170, 170, 170));
  p.drawLine(kMarginPx, axis_y, width() - kMarginPx, axis_y);
  const double duration = timeline_.duration_s();
  for (int i = 0; i <= 10 && duration > 0; ++i) {
    const double t = duration * i / 10.0;
    const int x = int(x_of(t));
    p.drawLine(x, axis_y, x, axis_y + 4);
    p.drawText(x - 15, height() - 2, QString::number(t, 'f', 1) + " s");
  }
  int row = 0;
  for (const auto& e : timeline_.events()) {
    const int x = int(x_of(e.time_s));
    p.setPen(colour_of(e.source));
    p.drawLine(x, 6, x, axis_y);
    p.drawText(x + 2, 14 + 12 * (row++ % 3), e.label);
  }
  p.setPen(QPen(QColor(255, 220, 0), 2));
  const int cx = int(x_of(timeline_.cursor_s()));
  p.drawLine(cx, 2, cx, axis_y + 6);
  p.setPen(QColor(150, 150, 150));
  p.drawText(4, 14, duration > 0 ? "exam" : "no clip");
}

void TimelineWidget::mousePressEvent(QMouseEvent* event) {
  const double duration = timeline_.duration_s();
  if (duration <= 0) return;
  const double f = (event->position().x() - kMarginPx) / std::max(1, width() - 2 * kMarginPx);
  timeline_.set_cursor_s(std::clamp(f, 0.0, 1.0) * duration);
}

}  // namespace ft::station
