#include "ft/plugin/DetectionExplanation.h"

#include <QFont>
#include <QImage>
#include <QPainter>
#include <QPen>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "ft/plugin/OverlayPainter.h"
#include "ft/core/Deformation.h"
#include "ft/core/Error.h"
#include "ft/plugin/FindingJson.h"

namespace ft {
namespace {

constexpr std::size_t kMaxCandidatePictures = 24;  // a noisy clip can have many: the JSON keeps them all

nlohmann::json candidate_json(const CandidateEvidence& c, const ClipAnalysis& a) {
  const int n = int(a.kept_frames.size());
  const nlohmann::json best =
      c.best_frame < 0 || n == 0 ? nlohmann::json() : nlohmann::json(a.kept_frames[std::size_t(std::min(c.best_frame, n - 1))]);
  return {{"decision", c.decision},
          {"reason", c.reason},
          {"kind", c.kind},
          {"centre_px_frame0", {json_measured(c.centre_col_px), json_measured(c.centre_row_px)}},
          {"points", c.points},
          {"area_mm2", json_measured(c.area_mm2)},
          {"log_area_growth", json_measured(c.log_area_growth)},
          {"surface_normal_deg", json_measured(c.surface_normal_deg)},
          {"opening_share", json_measured(c.opening_share)},
          {"fibre_angle_deg", json_measured(c.fibre_angle_deg)},
          {"fibre_cut", json_measured(c.fibre_cut)},
          {"fibres_pulled_off_deg", json_measured(c.fibres_pulled_off_deg)},
          {"near_aponeurosis", c.near_aponeurosis},
          {"opening_mm", json_measured(c.opening_mm)},
          {"best_frame", best},
          {"stump_strain", {json_measured(c.stump_strain[0]), json_measured(c.stump_strain[1])}},
          {"compartment_strain", json_measured(c.muscle_strain)},
          {"dark_band_rest_mm", json_measured(c.band_rest_mm)},
          {"dark_band_peak_mm", json_measured(c.band_peak_mm)},
          {"dark_band_off_plane_mm", json_measured(c.band_off_plane_mm)},
          {"dark_band_contrast", json_measured(c.band_contrast)},
          {"decorrelated_band_rest_mm", json_measured(c.decorrelated_band_rest_mm)},
          {"opening_if_unshortened_mm", json_measured(c.opening_if_unshortened_mm)},
          {"fibre_angle_margin_deg", json_measured(c.fibre_angle_margin_deg)},
          {"band_is_a_sliver", c.band_is_a_sliver},
          {"untracked_share", json_measured(c.untracked_share)},
          {"surround_tracked_share", json_measured(c.surround_tracked_share)},
          {"contractions_seen", c.contractions_seen},
          {"contractions_opened", c.contractions_opened},
          {"length_along_surface_mm", json_measured(c.length_along_mm)},
          {"width_across_surface_mm", json_measured(c.width_across_mm)},
          {"joined_length_mm", json_measured(c.joined_length_mm)}};
}

// Colour scales: signed values blue-white-red, shares black-green.
QRgb diverging(double v, double range) {
  const double t = std::clamp(v / range, -1.0, 1.0);
  const int a = int(255 * (1.0 - std::abs(t)));
  return t >= 0 ? qRgb(255, a, a) : qRgb(a, a, 255);
}
QRgb opening_colour(double share) {
  const int o = int(255 * std::clamp(share, 0.0, 1.0));
  return qRgb(o, 255 - o, 0);  // red opens, green slides
}

void blend(QRgb& px, QRgb over, double alpha) {
  px = qRgb(int((1 - alpha) * qRed(px) + alpha * qRed(over)), int((1 - alpha) * qGreen(px) + alpha * qGreen(over)),
            int((1 - alpha) * qBlue(px) + alpha * qBlue(over)));
}

// Small text in one exact colour (not anti-aliased: a mark's colour is what the reader counts).
// Needs a QGuiApplication (write_detection_explanation holds a TextPainting).
void draw_label(QImage& image, int x, int y, const std::string& text, QRgb colour = qRgb(255, 255, 0)) {
  QPainter painter(&image);
  QFont font(QStringLiteral("DejaVu Sans"));
  font.setPixelSize(9);
  font.setStyleStrategy(QFont::NoAntialias);
  painter.setFont(font);
  painter.setPen(QColor(colour));
  painter.drawText(QRectF(x, y, image.width() - x, 11), Qt::AlignLeft | Qt::AlignTop, QString::fromStdString(text));
}

// Qt draws the strokes and points (clipped to the picture); one pixel wide, not anti-aliased,
// so that a mark keeps its exact colour.
void draw_segment(QPainter& painter, double x0, double y0, double x1, double y1, QRgb colour) {
  painter.setPen(QPen(QColor(colour), 1.0));
  painter.drawLine(QPointF(x0, y0), QPointF(x1, y1));
}

void save(const QImage& image, const std::string& path) {
  if (!image.save(QString::fromStdString(path), "PNG")) throw Error(ErrorCode::Io, "cannot write " + path);
}

// Where a panel sits in the picture and what it shows: a frame of the clip in grey, with a
// map over the grid (values at the grid's positions in that frame) or none.
struct Panel {
  std::string title;
  const Frame* image;
  std::function<QRgb(std::size_t)> colour;  // per grid point, or transparent (0); empty: no map
  int ox = 0, oy = 0;
};

void draw_panel(QImage& out, const PixelRect& r, const EvidenceMaps& maps, const Panel& panel) {
  for (int y = 0; y < r.height_px(); ++y)
    for (int x = 0; x < r.width_px(); ++x) {
      const int v = int(std::clamp(panel.image->value(r.x0_px + x, r.y0_px + y), 0.0f, 255.0f));
      QRgb px = qRgb(v, v, v);
      const int c = int(std::lround((r.x0_px + x - maps.origin_x_px) / maps.step_px));
      const int rr = int(std::lround((r.y0_px + y - maps.origin_y_px) / maps.step_px));
      if (panel.colour && c >= 0 && rr >= 0 && c < maps.columns && rr < maps.rows) {
        const QRgb over = panel.colour(std::size_t(rr) * maps.columns + c);
        if (over) blend(px, over, 0.55);
      }
      out.setPixel(panel.ox + x, panel.oy + y, px);
    }
  draw_label(out, panel.ox + 2, panel.oy + 2, panel.title);
}

// Short strokes along the fibres as the gates read them, every third grid point: bright
// where the texture shows a direction, dim where it does not (taken along the image).
void draw_fibres(QImage& out, const PixelRect& r, const EvidenceMaps& m, const Panel& panel) {
  QPainter painter(&out);
  const double half = 1.2 * m.step_px;
  for (int row = 1; row < m.rows; row += 3)
    for (int col = 1; col < m.columns; col += 3) {
      const std::size_t i = std::size_t(row) * m.columns + col;
      const double x = m.origin_x_px + col * m.step_px - r.x0_px + panel.ox, y = m.origin_y_px + row * m.step_px - r.y0_px + panel.oy;
      if (x < panel.ox + half || y < panel.oy + half || x >= panel.ox + r.width_px() - half || y >= panel.oy + r.height_px() - half)
        continue;
      const double a = m.fibre_angle_deg[i] * M_PI / 180.0, dx = half * std::cos(a), dy = half * std::sin(a);
      const int level = int(80 + 175 * std::clamp(3.0 * double(m.fibre_coherence[i]), 0.0, 1.0));
      draw_segment(painter, x - dx, y - dy, x + dx, y + dy, qRgb(level, level, 0));
    }
}

// The panels of the overview: the rest and peak frames as they are, then each map.
std::vector<Panel> overview_panels(const Frame& rest, const Frame& peak, const DetectionResult& d, const PixelRect& r) {
  const EvidenceMaps& m = d.maps;
  std::vector<Panel> panels = {
      {"REST FRAME " + std::to_string(d.contraction.rest_frame), &rest, {}},
      {"PEAK FRAME " + std::to_string(d.contraction.peak_frame), &peak, {}},
      {"TRACKED REST+PEAK", &rest, [&m](std::size_t i) { return m.tracked[i] ? qRgb(0, 200, 0) : qRgb(200, 0, 0); }},
      {"AREA GROWTH (LOG)", &rest, [&m](std::size_t i) { return diverging(m.log_area_growth[i], 0.3); }},
      {"OPENING(RED)-SHEAR(GREEN)", &rest, [&m](std::size_t i) { return opening_colour(m.opening_share[i]); }},
      {"FIBRE STRAIN", &rest, [&m](std::size_t i) { return diverging(m.fibre_strain[i], 0.4); }},
      {"DARK AT PEAK (BLUE)", &peak, [&m](std::size_t i) {
         const double t = std::clamp(double(m.dark_at_peak[i]), 0.0, 1.0);  // 0 as the muscle .. 1 black
         return t < DetectionSettings{}.min_fluid_contrast ? QRgb(0) : qRgb(0, int(120 * t), int(255 * t));
       }},
      {"FIBRE DIRECTION", &rest, {}}};
  for (std::size_t p = 0; p < panels.size(); ++p) {
    panels[p].ox = int(p % 4) * (r.width_px() + 4);
    panels[p].oy = int(p / 4) * (r.height_px() + 4);
  }
  return panels;
}

QImage overview_picture(const std::vector<Panel>& panels, const PixelRect& r, const EvidenceMaps& m) {
  QImage out(4 * r.width_px() + 12, 2 * r.height_px() + 4, QImage::Format_RGB32);
  out.fill(qRgb(0, 0, 0));
  for (const Panel& p : panels) draw_panel(out, r, m, p);
  if (!m.fibre_angle_deg.empty()) draw_fibres(out, r, m, panels.back());
  return out;
}

// A candidate's grid points, outlined in cyan on every map of the rest frame (at their
// frame-0 positions, as the maps) and dotted where the tissue lies in the frames shown
// plain and on the peak frame's map; its surface normal through its centre on the maps.
void mark_candidate(QImage& out, const std::vector<Panel>& panels, const PixelRect& r, const CandidateEvidence& c,
                    const EvidenceMaps& m, const MotionRecord& motion, int rest_k, int peak_k, int index) {
  const QRgb cyan = qRgb(0, 255, 255);
  std::vector<std::uint8_t> in(std::size_t(m.columns) * std::size_t(m.rows), 0);
  for (std::uint32_t i : c.grid_points) in[i] = 1;
  const double half = 0.5 * m.step_px;
  const auto at = [&](int frame_k, double x0, double y0, double& x, double& y) {
    double dx = 0, dy = 0;
    if (frame_k >= 0 && frame_k < motion.frame_count()) displacement_at(motion.cumulative[std::size_t(frame_k)], x0, y0, dx, dy);
    x = x0 + dx - r.x0_px;
    y = y0 + dy - r.y0_px;
  };
  QPainter painter(&out);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const Panel& panel = panels[p];
    for (std::uint32_t i : c.grid_points) {
      const int col = int(i % std::uint32_t(m.columns)), row = int(i / std::uint32_t(m.columns));
      const double x0 = m.origin_x_px + col * m.step_px, y0 = m.origin_y_px + row * m.step_px;
      if (!panel.colour || panel.image != panels[2].image) {  // plain frames, the peak's map
        double x, y;
        at(panel.image == panels[0].image ? rest_k : peak_k, x0, y0, x, y);
        if (x >= 0 && y >= 0 && x < r.width_px() && y < r.height_px()) {
          painter.setPen(QPen(QColor(cyan), 1.0));
          painter.drawPoint(panel.ox + int(x), panel.oy + int(y));
        }
        continue;
      }
      const double x = x0 - r.x0_px + panel.ox, y = y0 - r.y0_px + panel.oy;
      const auto edge = [&](int dc, int dr) {
        const int cc = col + dc, rr = row + dr;
        return cc < 0 || rr < 0 || cc >= m.columns || rr >= m.rows || !in[std::size_t(rr) * m.columns + cc];
      };
      if (edge(-1, 0)) draw_segment(painter, x - half, y - half, x - half, y + half, cyan);
      if (edge(1, 0)) draw_segment(painter, x + half, y - half, x + half, y + half, cyan);
      if (edge(0, -1)) draw_segment(painter, x - half, y - half, x + half, y - half, cyan);
      if (edge(0, 1)) draw_segment(painter, x - half, y + half, x + half, y + half, cyan);
    }
    if (panel.colour && panel.image == panels[2].image) {  // the surface normal through the centre, 3 grid steps each side
      const double nx = std::cos(c.surface_normal_deg * M_PI / 180.0), ny = std::sin(c.surface_normal_deg * M_PI / 180.0);
      const double x = c.centre_col_px - r.x0_px + panel.ox, y = c.centre_row_px - r.y0_px + panel.oy, t = 3 * m.step_px;
      draw_segment(painter, x - t * nx, y - t * ny, x + t * nx, y + t * ny, qRgb(255, 0, 255));
    }
  }
  painter.end();  // the label is written into the pixels after it
  draw_label(out, 2, out.height() - 10, "candidate " + std::to_string(index) + ": " + c.decision, qRgb(0, 255, 255));
}

}  // namespace

std::vector<std::string> write_detection_explanation(const std::string& dir, const ClipAnalysis& a,
                                                     const FrameAt& frame_at) {
  const TextPainting fonts;  // the pictures' labels
  std::filesystem::create_directories(dir);
  std::vector<std::string> written;
  const DetectionResult& d = a.detection;
  const int n = int(a.kept_frames.size());
  // Which candidates get a picture: the first kMaxCandidatePictures that were judged (patches
  // too small to judge have nothing to show and do not take a picture's place).
  const bool maps = d.maps.columns > 0 && n > 0;
  std::vector<std::string> picture(d.candidates.size());
  for (std::size_t i = 0, drawn = 0; maps && i < d.candidates.size() && drawn < kMaxCandidatePictures; ++i)
    if (d.candidates[i].decision != "too_small") {
      picture[i] = "candidate-" + std::to_string(i + 1) + ".png";
      ++drawn;
    }
  nlohmann::json candidates = nlohmann::json::array();
  for (std::size_t i = 0; i < d.candidates.size(); ++i) {
    candidates.push_back(candidate_json(d.candidates[i], a));
    candidates.back()["picture"] = picture[i].empty() ? nlohmann::json() : nlohmann::json(picture[i]);
  }
  nlohmann::json compartments = nlohmann::json::array();
  // Percentages for the reader; the log values are what the detector compares.
  auto pct = [](double log_value) { return std::round(1000.0 * (std::exp(log_value) - 1.0)) / 10.0; };
  for (const auto& c : d.maps.compartments)
    compartments.push_back({{"depth_mm", {json_measured(c.top_mm), json_measured(c.bottom_mm)}},
                            {"area_mm2", json_measured(c.area_mm2)},
                            {"area_change_median_pct", pct(c.median)},
                            {"area_growth_sd", json_measured(c.sd)},
                            {"candidate_above_median_pct", pct(c.candidate_threshold)},
                            {"candidate_threshold", json_measured(c.candidate_threshold)},
                            {"fascicle_angle_deg", {{"rest", json_measured(c.fascicle_rest_deg)}, {"peak", json_measured(c.fascicle_peak_deg)}}},
                            {"fascicle_agreement_at_peak", json_measured(c.fascicle_peak_agreement)}});
  const nlohmann::json out = {
      {"rest_frame", d.contraction.rest_frame},
      {"peak_frame", d.contraction.peak_frame},
      {"rest_plateau", d.contraction.rest_plateau},
      {"peak_plateau", d.contraction.peak_plateau},
      {"peak_strain", json_measured(d.contraction.peak_strain)},
      {"contractions", contractions_json(d.contraction)},
      {"tracked_fraction", json_measured(d.tracked_fraction)},
      {"tracked_fraction_of", d.tracked_fraction_of},
      {"conclusive", d.conclusive},
      {"maps_drawn_over", "the rest frame; grid values sit at their frame-0 positions"},
      {"pictures", "overview.png: the rest and peak frames, then tissue tracked at both, area growth, opening (red) "
                   "or shear (green), fibre strain, dark at peak (blue, over the peak frame: fluid), fibre direction as read "
                   "(dim where the texture shows none); candidate-N.png: the same with candidate N's grid points "
                   "outlined in cyan on the maps and dotted where that tissue lies in the rest and peak frames, its "
                   "surface normal in magenta"},
      {"muscle_area_growth_sd", json_measured(d.maps.muscle_sd)},
      {"candidate_threshold", json_measured(d.maps.candidate_threshold)},
      {"compartments", compartments},
      {"candidates", candidates},
      {"notes", d.notes},
      {"how_to_read", "each candidate is a patch whose area grew more than the muscle's, or more than its own "
                      "compartment's (the muscle between two bright planes, listed under 'compartments'), from rest "
                      "to peak; "
                      "'decision' names the gate that rejected it, or 'reported'. docs/detection.md explains the gates."}};
  const std::string json_path = (std::filesystem::path(dir) / "explain.json").string();
  {
    std::ofstream file(json_path);
    file << out.dump(1) << "\n";
    if (!file) throw Error(ErrorCode::Io, "cannot write " + json_path);
  }
  written.push_back(json_path);
  if (!maps) return written;  // nothing was compared: no maps
  // The frames by analysed-frame index (the result names the original ones).
  const auto analysed = [&](int original) {
    return std::clamp(int(std::find(a.kept_frames.begin(), a.kept_frames.end(), original) - a.kept_frames.begin()), 0, n - 1);
  };
  const int rest_k = analysed(d.contraction.rest_frame), peak_k = analysed(d.contraction.peak_frame);
  const Frame rest = frame_at(rest_k), peak = frame_at(peak_k);
  const PixelRect r = a.motion.region.bounds.intersected(PixelRect{0, 0, rest.width_px() - 1, rest.height_px() - 1});
  const std::vector<Panel> panels = overview_panels(rest, peak, d, r);
  const QImage overview = overview_picture(panels, r, d.maps);
  written.push_back((std::filesystem::path(dir) / "overview.png").string());
  save(overview, written.back());
  for (std::size_t i = 0; i < d.candidates.size(); ++i) {
    if (picture[i].empty()) continue;
    QImage image = overview.copy();
    mark_candidate(image, panels, r, d.candidates[i], d.maps, a.motion, rest_k, peak_k, int(i + 1));
    written.push_back((std::filesystem::path(dir) / picture[i]).string());
    save(image, written.back());
  }
  return written;
}

}  // namespace ft
