#include "ft/ui/ExamPlots.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QFileDialog>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QTextStream>
#include <QValueAxis>
#include <QVBoxLayout>
#include <algorithm>
#include <map>
#include <utility>

namespace ft::ui {
namespace {
const QString kExportNotice = "FibreTrack: decision support, not a certified medical device";
const QString kStrainTitle = "Fibre strain";
const QString kGapTitle = "Gap along the fibres";

// "(%)" of "strain (%)": an axis title's unit.
QString unit_of(const QString& axis_title) {
  const qsizetype open = axis_title.indexOf('(');
  return open < 0 ? QString() : axis_title.mid(open);
}
}  // namespace

ExamPlots::ExamPlots(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  strain_ = make_plot(kStrainTitle, "strain (%)", "strainPlot");
  gap_ = make_plot(kGapTitle, "gap (mm)", "gapPlot");
  layout->addWidget(strain_.view);
  layout->addWidget(gap_.view);
  for (Plot* p : {&strain_, &gap_}) add_export_actions(p->view);
}

void ExamPlots::add_export_actions(QWidget* view) {
  view->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* png = new QAction("Save plots as PNG…", view);
  connect(png, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, "Save plots as PNG", "plots.png", "PNG images (*.png)");
    if (!path.isEmpty() && !save_png(path)) QMessageBox::warning(this, "Save plots", "Cannot write " + path + ".");
  });
  auto* csv = new QAction("Save plot data as CSV…", view);
  connect(csv, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, "Save plot data as CSV", "plots.csv", "CSV files (*.csv)");
    if (!path.isEmpty() && !save_csv(path)) QMessageBox::warning(this, "Save plot data", "Cannot write " + path + ".");
  });
  view->addAction(png);
  view->addAction(csv);
}

ExamPlots::Plot ExamPlots::make_plot(const QString& title, const QString& y_title, const char* name) {
  Plot p;
  auto* chart = new QChart();
  chart->setTitle(title);
  chart->legend()->hide();
  chart->setMargins(QMargins(4, 4, 4, 4));
  p.data = new QLineSeries(chart);
  p.other = new QLineSeries(chart);
  QPen dashed(QColor(120, 60, 170), 2, Qt::DashLine);
  p.other->setPen(dashed);
  p.cursor = new QLineSeries(chart);
  p.cursor->setColor(QColor(255, 180, 0));
  chart->addSeries(p.data);
  chart->addSeries(p.other);
  chart->addSeries(p.cursor);
  p.x = new QValueAxis(chart);
  p.x->setTitleText("time (s)");
  p.y = new QValueAxis(chart);
  p.y->setTitleText(y_title);
  chart->addAxis(p.x, Qt::AlignBottom);
  chart->addAxis(p.y, Qt::AlignLeft);
  for (QLineSeries* s : {p.data, p.other, p.cursor}) {
    s->attachAxis(p.x);
    s->attachAxis(p.y);
  }
  chart->legend()->markers(p.cursor).front()->setVisible(false);
  p.view = new QChartView(chart, this);
  p.view->setObjectName(name);
  p.view->setRenderHint(QPainter::Antialiasing);
  p.view->setMinimumHeight(150);
  p.view->viewport()->installEventFilter(this);
  return p;
}

void ExamPlots::fit(Plot& p) {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  const auto points = p.data->points() + p.other->points();
  if (!points.isEmpty()) {
    y0 = y1 = points.front().y();
    for (const QPointF& q : points) y0 = std::min(y0, q.y()), y1 = std::max(y1, q.y());
  }
  // Both plots on the clip's time, so that their cursors line up and a plot with no curve (no
  // gap opened) still spans the clip rather than 0..1 s.
  const auto times = strain_.data->points() + strain_.other->points() + gap_.data->points() + gap_.other->points();
  if (!times.isEmpty()) {
    x0 = x1 = times.front().x();
    for (const QPointF& q : times) x0 = std::min(x0, q.x()), x1 = std::max(x1, q.x());
  }
  const double pad = std::max(0.1, 0.1 * (y1 - y0));
  p.x->setRange(x0, std::max(x1, x0 + 0.1));
  // The gap's axis starts at 0: a gap is never negative (an empty plot showed -1 mm), and a
  // 3.8-4.2 mm curve filling the plot looked like a wide opening.
  p.y->setRange(&p == &gap_ ? 0.0 : y0 - pad, y1 + pad);
  // Ticks at 1, 2 or 5 x 10^n (not 0.49, 0.98 ...): the range widens to the next nice values.
  // applyNiceNumbers starts from the tick count it left last time: start each clip afresh, so
  // that a clip's axes do not depend on the clip shown before.
  for (QValueAxis* axis : {p.x, p.y}) {
    axis->setTickCount(compact_ && axis == p.y ? 3 : 5);
    axis->applyNiceNumbers();
    axis->setLabelFormat("%g");
  }
  if (p.cursor->count() == 2) {  // the frame marker spans the new range
    const double at_s = p.cursor->at(0).x();
    p.cursor->replace({QPointF(at_s, p.y->min()), QPointF(at_s, p.y->max())});
  }
}

namespace {

// The gap in mm when the result is calibrated; else in px (mm estimated from the speckle are
// not shown as mm).
bool gap_in_mm(const DetectionResult& r) { return r.calibrated || r.mm_per_px() <= 0; }

// One strain value per analysed frame and one gap value where it is open and was measured, each
// at that frame's time (grabber repeats dropped from the analysis leave gaps in time, not a
// shorter curve; a frame where the gap could not be read is left out, not drawn as closed).
void append_curves(const DetectionResult& r, const std::vector<double>& times, double frame_time_s, QLineSeries* strain,
                   QLineSeries* gap) {
  const auto& s = r.contraction.strain_by_frame;
  for (std::size_t k = 0; k < s.size() && k < times.size(); ++k) strain->append(times[k], 100.0 * s[k]);
  if (!gap || r.findings.empty()) return;
  const auto& g = r.findings.front().gap_by_frame_mm;
  for (std::size_t k = 0; k < g.size(); ++k) {
    const double t = k < times.size() ? times[k] : double(k) * frame_time_s;
    if (g[k] > 0 && r.findings.front().gap_measured_on(k)) gap->append(t, gap_in_mm(r) ? g[k] : g[k] / r.mm_per_px());
  }
}

}  // namespace

void ExamPlots::set_compact(bool compact) {
  compact_ = compact;
  for (Plot* p : {&strain_, &gap_})
    for (QValueAxis* axis : {p->x, p->y}) {
      QFont font = axis->labelsFont();
      font.setPointSizeF(QFont().pointSizeF() - (compact ? 1.0 : 0.0));
      axis->setLabelsFont(font);
    }
  show_titles(strain_, kStrainTitle);
  show_titles(gap_, kGapTitle);
  fit(strain_);
  fit(gap_);
}

void ExamPlots::show_titles(Plot& p, const QString& title) {
  p.y->setTitleVisible(!compact_);
  QString text = compact_ ? title + " " + unit_of(p.y->titleText()) : title;
  // An analysed clip with no gap: say so, an empty plot alone reads as "not analysed".
  if (&p == &gap_ && gap_.data->count() == 0 && gap_.other->count() == 0 && strain_.data->count() > 0) text += ": none";  // short: the compact title has ~30 characters
  p.view->chart()->setTitle(text);
}

QString ExamPlots::title_of_strain_plot() const { return strain_.view->chart()->title(); }

void ExamPlots::show_analysis(const DetectionResult& r, const std::vector<double>& time_of_analysed, double frame_time_s) {
  clear();
  gap_.y->setTitleText(gap_in_mm(r) ? "gap (mm)" : "gap (px, no calibration)");
  append_curves(r, time_of_analysed, frame_time_s, strain_.data, gap_.data);
  show_titles(gap_, kGapTitle);
  fit(strain_);
  fit(gap_);
}

void ExamPlots::show_comparison(const DetectionResult& other, const std::vector<double>& time_on_this_timeline,
                                const QString& this_name, const QString& other_name) {
  for (Plot* p : {&strain_, &gap_}) {
    p->other->clear();
    p->data->setName(this_name);
    p->other->setName(other_name);
    p->view->chart()->legend()->setAlignment(Qt::AlignRight);  // the height stays the axes'
    p->view->chart()->legend()->show();
  }
  const bool same_unit = gap_in_mm(other) == !gap_.y->titleText().contains("px");
  append_curves(other, time_on_this_timeline, 0.0, strain_.other, same_unit ? gap_.other : nullptr);
  // A curve left out (its gap in other units) is not named either: no name reads as "no gap".
  gap_.view->chart()->legend()->markers(gap_.other).front()->setVisible(same_unit);
  // Whose time: the first clip's; the second's is warped onto it by contraction phase.
  for (Plot* p : {&strain_, &gap_}) p->x->setTitleText("time (s) of " + this_name + "; the other clip by contraction phase");
  show_titles(gap_, kGapTitle);  // "none" only where neither clip has a gap
  fit(strain_);
  fit(gap_);
}

int ExamPlots::comparison_points() const { return int(strain_.other->count() + gap_.other->count()); }

QString ExamPlots::gap_unit() const { return gap_.y->titleText(); }
QString ExamPlots::time_axis() const { return strain_.x->titleText(); }

void ExamPlots::clear() {
  for (Plot* p : {&strain_, &gap_}) {
    p->data->clear();
    p->other->clear();
    p->cursor->clear();
    p->view->chart()->legend()->hide();
    p->x->setTitleText("time (s)");
    fit(*p);
  }
  show_titles(strain_, kStrainTitle);
  show_titles(gap_, kGapTitle);
}

void ExamPlots::set_cursor_s(double seconds) {
  for (Plot* p : {&strain_, &gap_}) {
    p->cursor->clear();
    p->cursor->append(seconds, p->y->min());
    p->cursor->append(seconds, p->y->max());
  }
}

bool ExamPlots::save_png(const QString& path) {
  // At the screen's resolution, with the notice below: the picture leaves the station.
  const qreal ratio = devicePixelRatioF();
  const int notice_px = 2 * fontMetrics().height();
  QImage image(QSize(width(), height() + notice_px) * ratio, QImage::Format_ARGB32_Premultiplied);
  image.setDevicePixelRatio(ratio);
  image.fill(Qt::white);
  QPainter painter(&image);
  render(&painter);
  painter.setPen(QColor(0xb0, 0x70, 0x00));
  painter.drawText(QRect(0, height(), width(), notice_px), Qt::AlignCenter, kExportNotice);
  painter.end();
  return image.save(path, "PNG");
}

bool ExamPlots::save_csv(const QString& path) const {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
  // Strain has a value at every analysed frame, the gap only where it is open and was measured
  // (the notice says so), a compared clip's values at its own frames' places on this timeline:
  // one row per time.
  const bool compared = strain_.other->count() > 0;
  const std::vector<QLineSeries*> columns =
      compared ? std::vector<QLineSeries*>{strain_.data, gap_.data, strain_.other, gap_.other}
               : std::vector<QLineSeries*>{strain_.data, gap_.data};
  std::map<double, std::vector<QString>> rows;
  for (std::size_t k = 0; k < columns.size(); ++k)
    for (const QPointF& q : columns[k]->points()) {
      std::vector<QString>& row = rows[q.x()];
      row.resize(columns.size());
      row[k] = QString::number(q.y(), 'g', 6);
    }
  const QString gap = gap_.y->titleText().contains("px") ? "gap_px" : "gap_mm";
  QTextStream out(&file);
  out << "# " << kExportNotice << "\n";  // read with comment='#' (pandas) or skip the first lines
  out << "# an empty gap cell: no gap open at that time, or a frame where the gap could not be measured\n";
  if (compared)  // which clip is which, and whose time the rows are at
    out << "# time_s: " << strain_.data->name() << "; other_*: " << strain_.other->name()
        << ", its frames placed on that time by contraction phase (onset, peak, release)\n";
  out << "time_s,strain_pct," << gap << (compared ? ",other_strain_pct,other_" + gap : QString()) << "\n";
  for (const auto& [t, values] : rows) {
    out << QString::number(t, 'g', 6);
    for (const QString& v : values) out << ',' << v;
    out << "\n";
  }
  out.flush();
  return file.error() == QFileDevice::NoError;
}

int ExamPlots::strain_points() const { return int(strain_.data->count()); }
int ExamPlots::gap_points() const { return int(gap_.data->count()); }

bool ExamPlots::eventFilter(QObject* watched, QEvent* event) {
  // The left button moves to a time; the right one opens the save menu and moves nothing.
  if (event->type() == QEvent::MouseButtonPress && static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton)
    for (Plot* p : {&strain_, &gap_})
      if (watched == p->view->viewport()) {
        const QPointF at = p->view->chart()->mapToValue(static_cast<QMouseEvent*>(event)->position(), p->data);
        emit time_clicked(std::max(0.0, at.x()));
        return true;
      }
  return QWidget::eventFilter(watched, event);
}

}  // namespace ft::ui
