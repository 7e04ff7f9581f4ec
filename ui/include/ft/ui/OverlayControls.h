#pragma once
// The overlay toggles (strain map, vectors, quality mask, findings) and window/level,
// shared by the live and the review view.
#include <QCheckBox>
#include <QSlider>
#include <QWidget>

#include "ft/plugin/OverlayLayers.h"
#include "ft/plugin/OverlayScene.h"

namespace ft::ui {

class OverlayControls : public QWidget {
  Q_OBJECT
 public:
  explicit OverlayControls(QWidget* parent = nullptr);
  OverlayLayers layers() const;
  // The arrows' gain the panel chose (arrow_gain_for: one per clip; live, one that follows the motion),
  // named on the toggle ("Vectors ×0.4"): arrows read as motion only with their scale.
  void set_vector_gain(double gain);
  double vector_gain() const { return vector_gain_; }
  // Tracks need a clip's motion over time: live has only the newest field.
  void set_tracks_available(bool available);

 signals:
  void changed();
  void whole_image_requested();  // the "Whole image" button: zoom and pan reset

 private:
  QCheckBox* strain_ = nullptr;
  QCheckBox* vectors_ = nullptr;
  QCheckBox* tracks_ = nullptr;
  QCheckBox* quality_ = nullptr;
  QCheckBox* findings_ = nullptr;
  QSlider* window_ = nullptr;
  QSlider* level_ = nullptr;
  double vector_gain_ = kMaxArrowGain;
};

}  // namespace ft::ui
