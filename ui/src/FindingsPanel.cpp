#include "ft/ui/FindingsPanel.h"

namespace ft::ui {

FindingsPanel::FindingsPanel(QWidget* parent) : QTextBrowser(parent) {
  setObjectName("findingsPanel");
  setMinimumWidth(260);
  show_message("No analysis yet.");
}

void FindingsPanel::show_message(const QString& text) {
  setHtml("<p>" + text.toHtmlEscaped() + "</p><p style='color:#b07000'><i>Decision support, not a certified medical "
                                         "device: confirm every finding on the images.</i></p>");
}

void FindingsPanel::show_result(const DetectionResult& r, double frame_time_s) {
  QString html = r.tear_detected ? "<h3 style='color:#d03030'>Fibre discontinuity found</h3>" : "<h3>No tear found</h3>";
  const QString mm = r.calibrated ? " mm" : " mm (estimated: no calibration)";
  for (const TearFinding& f : r.findings) {
    html += QString("<p><b>%1</b>, confidence %2<br>").arg(describe(f.grade)).arg(f.confidence, 0, 'f', 2);
    const QString when = frame_time_s > 0 ? QString(", %1 s").arg(f.frame * frame_time_s, 0, 'f', 2) : QString();
    html += QString("at %1, %2%3 (frame %4%5)<br>")
                .arg(f.centre_x_mm, 0, 'f', 1).arg(f.centre_z_mm, 0, 'f', 1).arg(mm).arg(f.frame).arg(when);
    html += QString("gap %1%2 at peak, %3 at rest<br>").arg(f.gap_mm, 0, 'f', 1).arg(mm).arg(f.gap_rest_mm, 0, 'f', 1);
    html += QString("retraction %1%2 (stumps %3 / %4)<br>")
                .arg(f.retraction_mm, 0, 'f', 1).arg(mm).arg(f.retraction_left_mm, 0, 'f', 1).arg(f.retraction_right_mm, 0, 'f', 1);
    html += QString("extent %1 % of %2%3 muscle</p>").arg(f.extent_pct, 0, 'f', 0).arg(f.muscle_thickness_mm, 0, 'f', 1).arg(mm);
  }
  const ContractionSummary& c = r.contraction;
  html += QString("<p>Contraction: fibre strain %1 % at frame %2 (rest frame %3)</p>")
              .arg(100.0 * c.peak_strain, 0, 'f', 1).arg(c.peak_frame).arg(c.rest_frame);
  for (const std::string& n : r.notes) html += "<p style='color:#707070'>" + QString::fromStdString(n).toHtmlEscaped() + "</p>";
  html += "<p style='color:#b07000'><i>Decision support, not a certified medical device: confirm every finding on the images.</i></p>";
  setHtml(html);
}

}  // namespace ft::ui
