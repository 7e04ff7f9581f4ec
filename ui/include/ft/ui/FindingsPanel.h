#pragma once
// The findings in words: where, gap and retraction in mm, extent, grade, confidence,
// the contraction, and the notes that say why nothing was found or what was assumed.
#include <QTextBrowser>
#include <vector>

#include "ft/core/TearFinding.h"

namespace ft::ui {

class FindingsPanel : public QTextBrowser {
  Q_OBJECT
 public:
  explicit FindingsPanel(QWidget* parent = nullptr);
  // `earlier`: a live session's stronger findings that this result does not read as strongly
  // (SessionFindings::stronger_than), listed after it so that a tear seen found stays shown.
  void show_result(const DetectionResult& result, double frame_time_s, const std::vector<TearFinding>& earlier = {});
  void show_message(const QString& text);
};

}  // namespace ft::ui
