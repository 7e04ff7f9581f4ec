#pragma once
// Strain-time and gap-time plots (Qt Charts) on the clip's time axis, with a cursor at
// the frame shown; clicking a plot moves to that time. Axes carry their units and tick at
// nice numbers (1, 2 or 5 x 10^n); both plots can be saved as one PNG and their data as CSV
// (right-click a plot).
#include <QWidget>
#include <vector>

#include "ft/core/TearFinding.h"

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace ft::ui {

class ExamPlots : public QWidget {
  Q_OBJECT
 public:
  explicit ExamPlots(QWidget* parent = nullptr);
  // `time_of_analysed[k]`: clip time of the k-th analysed frame; strain and gap curves are per
  // analysed frame. The gap is in mm only when the result is calibrated, else in px.
  void show_analysis(const DetectionResult& result, const std::vector<double>& time_of_analysed, double frame_time_s);
  // A second clip's curves on the same charts (dashed), its analysed frames' times already
  // mapped onto this clip's timeline (same contraction phase); both named in a legend. Its gap
  // is drawn in this clip's unit when it has it (mm, or px when neither is calibrated); else
  // left out. Cleared by clear() and by show_analysis().
  void show_comparison(const DetectionResult& other, const std::vector<double>& time_on_this_timeline,
                       const QString& this_name, const QString& other_name);
  int comparison_points() const;  // of both curves
  void clear();
  // Small plots (the comparison's panes, beside the chart of both): each unit moves from the
  // y axis's title into the chart's (a rotated title longer than its short axis is elided to
  // "gap (..."), tick labels a point smaller, three y ticks (five were elided to "...").
  void set_compact(bool compact);
  bool compact() const { return compact_; }
  QString title_of_strain_plot() const;
  void set_cursor_s(double seconds);
  int strain_points() const;
  int gap_points() const;
  QString gap_unit() const;   // the gap axis's title
  QString time_axis() const;  // the time axis's title (whose time, in a comparison)

  // Both plots as one picture, as shown, with the decision-support notice below; false when the
  // file cannot be written.
  bool save_png(const QString& path);
  // The notice as a '#' comment line, then one row per time with a value: time_s, strain_pct,
  // and gap_mm or gap_px (as the gap axis says); with a compared clip also other_strain_pct and
  // other_gap_mm/px, after a second comment line naming both clips. A value a time lacks is
  // left empty. False when the file cannot be written.
  bool save_csv(const QString& path) const;

 signals:
  void time_clicked(double seconds);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Plot {
    QChartView* view = nullptr;
    QLineSeries* data = nullptr;
    QLineSeries* other = nullptr;  // a compared clip's curve
    QLineSeries* cursor = nullptr;
    QValueAxis* x = nullptr;
    QValueAxis* y = nullptr;
  };
  Plot make_plot(const QString& title, const QString& y_title, const char* name);
  void fit(Plot& plot);
  void show_titles(Plot& plot, const QString& title);
  void add_export_actions(QWidget* view);
  Plot strain_;
  Plot gap_;
  bool compact_ = false;
};

}  // namespace ft::ui
