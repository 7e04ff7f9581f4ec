#pragma once
// Two clips side by side, typically the injured and the other leg, or today's clip and last
// visit's: each with its overlays, findings and plots, the cursors kept at the same phase of
// the contraction (rest with rest, peak with peak: ContractionPhase), and the strain-time and
// gap-time curves of both on one chart, the second mapped onto the first's timeline. The second
// clip is picked from the local store's clips of the same patient (or from a file).
#include <QLabel>
#include <QWidget>
#include <optional>
#include <utility>
#include <vector>

#include "ft/plugin/ContractionPhase.h"
#include "ft/ui/ExamPlots.h"
#include "ft/ui/ReviewPanel.h"
#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

class ComparisonPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ComparisonPanel(WorkspaceHost& host, QWidget* parent = nullptr);
  ~ComparisonPanel() override;

  // Opens both and analyses them in the background; false when either cannot be read (the
  // reason shown in its pane).
  bool open_clips(const QString& first, const QString& second);
  // The local store's multi-frame clips of the first clip's patient, not the first clip itself
  // nor derived pictures (secondary captures): path and a line to choose by (side, date,
  // description, series, frames).
  std::vector<std::pair<QString, QString>> clips_of_same_patient() const;

  // Both analysed with a contraction found: moving either cursor moves the other.
  bool synchronised() const { return first_anchors_.has_value() && second_anchors_.has_value(); }
  ReviewPanel* first() const { return first_; }
  ReviewPanel* second() const { return second_; }
  ExamPlots* plots() const { return plots_; }
  QString status() const { return status_->text(); }

 signals:
  void synchronised_changed();

 private:
  void build();
  void on_analysed();
  void forget_phases();
  void follow(ReviewPanel* leader, int frame);
  void choose_first();
  void choose_second();

  WorkspaceHost& host_;
  WorkspaceHost panes_host_;  // neither clip moves the shared exam timeline (the Review tab's does)
  ReviewPanel* first_ = nullptr;
  ReviewPanel* second_ = nullptr;
  ExamPlots* plots_ = nullptr;
  QLabel* status_ = nullptr;
  std::optional<PhaseAnchors> first_anchors_, second_anchors_;
  bool following_ = false;  // one pane is being moved to the other's phase
};

}  // namespace ft::ui
