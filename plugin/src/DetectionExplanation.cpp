#include "ft/plugin/DetectionExplanation.h"

#include <QImage>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "ft/core/BitmapFont.h"
#include "ft/core/Error.h"

namespace ft {
namespace {

// Unmeasured (NaN) values are written as null, never as a number that reads as measured.
nlohmann::json r3(double v) { return std::isfinite(v) ? nlohmann::json(std::round(v * 1000.0) / 1000.0) : nlohmann::json(); }
constexpr std::size_t kMaxCandidatePictures = 24;  // a noisy clip can have many: the JSON keeps them all

nlohmann::json candidate_json(const CandidateEvidence& c, const ClipAnalysis& a) {
  const int n = int(a.kept_frames.size());
  const nlohmann::json best =
      c.best_frame < 0 || n == 0 ? nlohmann::json() : nlohmann::json(a.kept_frames[std::size_t(std::min(c.best_frame, n - 1))]);
  return {{"decision", c.decision},
          {"reason", c.reason},
          {"kind", c.kind},
          {"centre_px_frame0", {r3(c.centre_col_px), r3(c.centre_row_px)}},
          {"points", c.points},
          {"area_mm2", r3(c.area_mm2)},
          {"log_area_growth", r3(c.log_area_growth)},
          {"surface_normal_deg", r3(c.surface_normal_deg)},
          {"opening_share", r3(c.opening_share)},
          {"fibre_angle_deg", r3(c.fibre_angle_deg)},
          {"fibre_cut", r3(c.fibre_cut)},
          {"fibres_pulled_off_deg", r3(c.fibres_pulled_off_deg)},
          {"near_aponeurosis", c.near_aponeurosis},
          {"opening_mm", r3(c.opening_mm)},
          {"best_frame", best},
          {"stump_strain", {r3(c.stump_strain[0]), r3(c.stump_strain[1])}},
          {"compartment_strain", r3(c.muscle_strain)},
          {"dark_band_rest_mm", r3(c.band_rest_mm)},
          {"dark_band_peak_mm", r3(c.band_peak_mm)},
          {"dark_band_contrast", r3(c.band_contrast)},
          {"untracked_share", r3(c.untracked_share)},
          {"surround_tracked_share", r3(c.surround_tracked_share)},
          {"length_along_surface_mm", r3(c.length_along_mm)},
          {"width_across_surface_mm", r3(c.width_across_mm)},
          {"joined_length_mm", r3(c.joined_length_mm)}};
}

// Colour scales: signed values blue-white-red, shares black-green.
QRgb diverging(double v, double range) {
  const double t = std::clamp(v / range, -1.0, 1.0);
  const int a = int(255 * (1.0 - std::abs(t)));
  return t >= 0 ? qRgb(255, a, a) : qRgb(a, a, 255);
}
QRgb share(double v) { return qRgb(0, int(255 * std::clamp(v, 0.0, 1.0)), 0); }

struct Panel {
  const char* title;
  std::function<QRgb(std::size_t)> colour;  // per grid point, or transparent (0)
};

void blend(QRgb& px, QRgb over, double alpha) {
  px = qRgb(int((1 - alpha) * qRed(px) + alpha * qRed(over)), int((1 - alpha) * qGreen(px) + alpha * qGreen(over)),
            int((1 - alpha) * qBlue(px) + alpha * qBlue(over)));
}

void draw_label(QImage& image, int x, int y, const std::string& text) {
  Frame strip(image.width(), 9, PixelDepth::Bits8);
  draw_text(strip, 1, 1, text, 255.0f);
  for (int j = 0; j < 9 && y + j < image.height(); ++j)
    for (int i = 0; i < image.width() - x; ++i)
      if (strip.value(i, j) > 0) image.setPixel(x + i, y + j, qRgb(255, 255, 0));
}

// One panel: the rest frame's region in grey with a map over the grid.
void draw_panel(QImage& out, int ox, int oy, const Frame& rest, const PixelRect& r, const EvidenceMaps& maps,
                const Panel& panel) {
  for (int y = 0; y < r.height_px(); ++y)
    for (int x = 0; x < r.width_px(); ++x) {
      const int v = int(std::clamp(rest.value(r.x0_px + x, r.y0_px + y), 0.0f, 255.0f));
      QRgb px = qRgb(v, v, v);
      const int c = int(std::lround((r.x0_px + x - maps.origin_x_px) / maps.step_px));
      const int rr = int(std::lround((r.y0_px + y - maps.origin_y_px) / maps.step_px));
      if (c >= 0 && rr >= 0 && c < maps.columns && rr < maps.rows) {
        const QRgb over = panel.colour(std::size_t(rr) * maps.columns + c);
        if (over) blend(px, over, 0.55);
      }
      out.setPixel(ox + x, oy + y, px);
    }
  draw_label(out, ox + 2, oy + 2, panel.title);
}

void save(const QImage& image, const std::string& path) {
  if (!image.save(QString::fromStdString(path), "PNG")) throw Error(ErrorCode::Io, "cannot write " + path);
}

QImage four_panels(const Frame& rest, const PixelRect& r, const EvidenceMaps& m) {
  const std::vector<Panel> panels = {
      {"TRACKED REST+PEAK", [&](std::size_t i) { return m.tracked[i] ? qRgb(0, 200, 0) : qRgb(200, 0, 0); }},
      {"AREA GROWTH (LOG)", [&](std::size_t i) { return diverging(m.log_area_growth[i], 0.3); }},
      {"OPENING(RED)-SHEAR", [&](std::size_t i) { return share(m.opening_share[i]) | qRgb(int(255 * std::clamp(double(m.opening_share[i]), 0.0, 1.0)), 0, 0); }},
      {"FIBRE STRAIN", [&](std::size_t i) { return diverging(m.fibre_strain[i], 0.4); }}};
  const int w = r.width_px(), h = r.height_px();
  QImage out(2 * w + 4, 2 * h + 4, QImage::Format_RGB32);
  out.fill(qRgb(0, 0, 0));
  for (std::size_t p = 0; p < panels.size(); ++p)
    draw_panel(out, int(p % 2) * (w + 4), int(p / 2) * (h + 4), rest, r, m, panels[p]);
  return out;
}

void mark_candidate(QImage& out, const PixelRect& r, const CandidateEvidence& c, const EvidenceMaps& m, int index) {
  const int w = r.width_px(), h = r.height_px();
  const double nx = std::cos(c.surface_normal_deg * M_PI / 180.0), ny = std::sin(c.surface_normal_deg * M_PI / 180.0);
  for (int p = 0; p < 4; ++p) {
    const int ox = (p % 2) * (w + 4), oy = (p / 2) * (h + 4);
    // The surface normal through the centre, 3 grid steps each side.
    for (double t = -3 * m.step_px; t <= 3 * m.step_px; t += 0.5) {
      const int x = int(std::lround(c.centre_col_px + t * nx)) - r.x0_px, y = int(std::lround(c.centre_row_px + t * ny)) - r.y0_px;
      if (x >= 0 && y >= 0 && x < w && y < h) out.setPixel(ox + x, oy + y, qRgb(0, 255, 255));
    }
  }
  draw_label(out, 2, h - 10, "CANDIDATE " + std::to_string(index) + ": " + c.decision);
}

}  // namespace

std::vector<std::string> write_detection_explanation(const std::string& dir, const ClipAnalysis& a,
                                                     const FrameAt& frame_at) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> written;
  const DetectionResult& d = a.detection;
  const int n = int(a.kept_frames.size());
  nlohmann::json candidates = nlohmann::json::array();
  for (const auto& c : d.candidates) candidates.push_back(candidate_json(c, a));
  nlohmann::json compartments = nlohmann::json::array();
  // Percentages for the reader; the log values are what the detector compares.
  auto pct = [](double log_value) { return std::round(1000.0 * (std::exp(log_value) - 1.0)) / 10.0; };
  for (const auto& c : d.maps.compartments)
    compartments.push_back({{"depth_mm", {r3(c.top_mm), r3(c.bottom_mm)}},
                            {"area_mm2", r3(c.area_mm2)},
                            {"area_change_median_pct", pct(c.median)},
                            {"area_growth_sd", r3(c.sd)},
                            {"candidate_above_median_pct", pct(c.candidate_threshold)},
                            {"candidate_threshold", r3(c.candidate_threshold)}});
  const nlohmann::json out = {
      {"rest_frame", d.contraction.rest_frame},
      {"peak_frame", d.contraction.peak_frame},
      {"peak_strain", r3(d.contraction.peak_strain)},
      {"tracked_fraction", r3(d.tracked_fraction)},
      {"tracked_fraction_of", d.tracked_fraction_of},
      {"conclusive", d.conclusive},
      {"maps_drawn_over", "the rest frame; grid values sit at their frame-0 positions"},
      {"muscle_area_growth_sd", r3(d.maps.muscle_sd)},
      {"candidate_threshold", r3(d.maps.candidate_threshold)},
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
  if (d.maps.columns == 0 || n == 0) return written;  // nothing was compared: no maps
  // The maps are drawn over the rest frame (analysed-frame index of the original one).
  const int rest_k = int(std::find(a.kept_frames.begin(), a.kept_frames.end(), d.contraction.rest_frame) - a.kept_frames.begin());
  const Frame rest = frame_at(std::clamp(rest_k, 0, n - 1));
  const PixelRect r = a.motion.region.bounds.intersected(PixelRect{0, 0, rest.width_px() - 1, rest.height_px() - 1});
  const QImage overview = four_panels(rest, r, d.maps);
  written.push_back((std::filesystem::path(dir) / "overview.png").string());
  save(overview, written.back());
  // The first kMaxCandidatePictures candidates that were judged (patches too small to judge
  // have nothing to show and do not take a picture's place).
  std::size_t pictures = 0;
  for (std::size_t i = 0; i < d.candidates.size() && pictures < kMaxCandidatePictures; ++i) {
    if (d.candidates[i].decision == "too_small") continue;
    ++pictures;
    QImage image = overview.copy();
    mark_candidate(image, r, d.candidates[i], d.maps, int(i + 1));
    written.push_back((std::filesystem::path(dir) / ("candidate-" + std::to_string(i + 1) + ".png")).string());
    save(image, written.back());
  }
  return written;
}

}  // namespace ft
