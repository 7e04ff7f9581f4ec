#pragma once
// The overlay toggles (strain map, vectors, quality mask, findings) and window/level,
// shared by the live and the review view.
#include <QCheckBox>
#include <QSlider>
#include <QWidget>

#include "ft/plugin/OverlayLayers.h"

namespace ft::ui {

class OverlayControls : public QWidget {
  Q_OBJECT
 public:
  explicit OverlayControls(QWidget* parent = nullptr);
  OverlayLayers layers() const;

 signals:
  void changed();

 private:
  QCheckBox* strain_ = nullptr;
  QCheckBox* vectors_ = nullptr;
  QCheckBox* quality_ = nullptr;
  QCheckBox* findings_ = nullptr;
  QSlider* window_ = nullptr;
  QSlider* level_ = nullptr;
};

}  // namespace ft::ui
