#pragma once
// The shared exam timeline drawn under the modules: a time axis over the clip, one tick
// per event (coloured by the module that added it, labelled), and the cursor. Clicking
// moves the cursor for every module.
#include <QWidget>

#include "StationServicesImpl.h"

namespace ft::station {

class TimelineWidget : public QWidget {
  Q_OBJECT
 public:
  TimelineWidget(fibretrack::module::ExamTimeline& timeline, QWidget* parent = nullptr);
  ~TimelineWidget() override;
  QSize sizeHint() const override { return {800, 70}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  double x_of(double seconds) const;
  fibretrack::module::ExamTimeline& timeline_;
  int subscription_ = 0;
};

}  // namespace ft::station
