#include "ft/ui/FindingsPanel.h"

#include <algorithm>

namespace ft::ui {

FindingsPanel::FindingsPanel(QWidget* parent) : QTextBrowser(parent) {
  setObjectName("findingsPanel");
  setMinimumWidth(260);
  show_message("No analysis yet.");
}

void FindingsPanel::show_message(const QString& text) {
  setHtml("<p>" + text.toHtmlEscaped() + "</p>");  // the notice is the station's status bar
}

namespace {

// Frames are numbered from 1 here, as the review's frame counter and DICOM's frame numbers
// are (the analysis counts from 0).
QString describe_finding(const TearFinding& f, const DetectionResult& r, double frame_time_s) {
  QString html = QString("<b>%1</b>, confidence %2<br>").arg(QString::fromStdString(describe_grade(f))).arg(f.confidence, 0, 'f', 2);
  const QString when = frame_time_s > 0 ? QString(", %1 s").arg(f.frame * frame_time_s, 0, 'f', 2) : QString();
  html += QString("at %1 (frame %2%3)<br>").arg(QString::fromStdString(describe_position(f, r))).arg(f.frame + 1).arg(when);
  return html + QString::fromStdString(describe_gap(f, r)) + "<br>";
}

}  // namespace

void FindingsPanel::show_result(const DetectionResult& r, double frame_time_s, const std::vector<TearFinding>& earlier) {
  // An inconclusive "no tear" is not headed as one: a reader who skims the heading must not
  // read 2 % of the muscle tracked as a clean muscle.
  QString html = r.tear_detected     ? "<h3 style='color:#d03030'>Fibre discontinuity found</h3>"
                 : !earlier.empty() ? "<h3 style='color:#d03030'>Fibre discontinuity found earlier in this session</h3>"
                 : r.conclusive     ? "<h3>No tear found</h3>"
                                    : "<h3 style='color:#c06000'>Inconclusive: a tear cannot be ruled out</h3><p>" +
                                          QString::fromStdString(r.inconclusive_reason).toHtmlEscaped() + "</p>";
  for (const TearFinding& f : r.findings) {
    html += "<p>" + describe_finding(f, r, frame_time_s);
    if (r.calibrated)  // no calibration and no depth scale: no mm to trust
      html += QString("retraction %1 mm (stumps %2 / %3)<br>")
                  .arg(f.retraction_mm, 0, 'f', 1).arg(f.retraction_left_mm, 0, 'f', 1).arg(f.retraction_right_mm, 0, 'f', 1);
    html += f.extent_pct >= 0 ? QString("extent %1 % of the muscle's thickness</p>").arg(f.extent_pct, 0, 'f', 0)
                              : QString("extent unknown: the muscle's thickness could not be measured</p>");
  }
  // Not findings, and set apart from them, in the orange of their ring in review, with why once per
  // reason; the notes that word each (describe_layer_for_review) would say it again.
  std::vector<ReviewReason> reasons;
  for (const TearFinding& layer : r.for_review) {
    const QString when = frame_time_s > 0 ? QString(", %1 s").arg(layer.frame * frame_time_s, 0, 'f', 2) : QString();
    const QString what = layer.review_reason == ReviewReason::FaintLayer
                             ? QString("a faint dark layer on an aponeurosis")
                             : QString("a dark layer on an aponeurosis whose opening is uncertain (fibre angle)");
    html += QString("<p style='color:#c06000'><b>For review, not a finding:</b> %1 at "
                    "%2 (frame %3%4). Look at the image there.</p>")
                .arg(what)
                .arg(QString::fromStdString(describe_position(layer, r)).toHtmlEscaped()).arg(layer.frame + 1).arg(when);
    if (std::find(reasons.begin(), reasons.end(), layer.review_reason) == reasons.end()) reasons.push_back(layer.review_reason);
  }
  for (ReviewReason why : reasons)
    html += "<p style='color:#707070'>Why only for review (" +
            QString::fromStdString(layer_for_review_label(why)).toHtmlEscaped() + "): " +
            QString::fromStdString(why_only_for_review(why)).toHtmlEscaped() + "</p>";
  const ContractionSummary& c = r.contraction;
  html += QString("<p>Contraction: fibre strain %1 % at frame %2 (rest frame %3)</p>")
              .arg(100.0 * c.peak_strain, 0, 'f', 1).arg(c.peak_frame + 1).arg(c.rest_frame + 1);
  // What the session found more strongly than the frames now read it: a new window's first
  // evaluations read only its first frames (measured on the same scale as this result).
  if (!earlier.empty()) html += "<p><b>Earlier in this session</b> (not read as strongly in the frames now):</p>";
  for (const TearFinding& f : earlier) html += "<p>" + describe_finding(f, r, frame_time_s) + "</p>";
  for (const std::string& n : r.notes)
    if (!is_layer_for_review_note(n)) html += "<p style='color:#707070'>" + QString::fromStdString(n).toHtmlEscaped() + "</p>";
  setHtml(html);
}

}  // namespace ft::ui
