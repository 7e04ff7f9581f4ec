#include "ft/ui/OverlayControls.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace ft::ui {

OverlayControls::OverlayControls(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  const auto box = [&](const char* name, const QString& text, bool on) {
    auto* b = new QCheckBox(text, this);
    b->setObjectName(name);
    b->setChecked(on);
    connect(b, &QCheckBox::toggled, this, &OverlayControls::changed);
    layout->addWidget(b);
    return b;
  };
  strain_ = box("showStrain", "Strain", true);
  // The arrows are drawn at a gain (one per clip or live session): the label says which.
  vectors_ = box("showVectors", QString(), true);
  set_vector_gain(vector_gain_);
  tracks_ = box("showTracks", "Tracks", false);
  tracks_->setToolTip("Review: where the tissue under each arrow was over the last frames");
  quality_ = box("showQuality", "Quality mask", false);
  findings_ = box("showFindings", "Tear && caliper", true);
  const auto slider = [&](const char* name, const char* text, int value) {
    layout->addWidget(new QLabel(text, this));
    auto* s = new QSlider(Qt::Horizontal, this);
    s->setObjectName(name);
    s->setRange(1, 255);
    s->setValue(value);
    s->setMaximumWidth(110);
    connect(s, &QSlider::valueChanged, this, &OverlayControls::changed);
    layout->addWidget(s);
    return s;
  };
  // Zoom and pan back to the whole image (also Home, or a middle-button double-click).
  auto* whole = new QPushButton("Whole image", this);
  whole->setObjectName("wholeImage");
  whole->setToolTip("Zoom with the wheel, pan with the right button; back to the whole image: this, Home, or a "
                    "middle-button double-click");
  connect(whole, &QPushButton::clicked, this, &OverlayControls::whole_image_requested);
  layout->addWidget(whole);
  window_ = slider("window", "W", 255);
  level_ = slider("level", "L", 128);
  layout->addStretch(1);
}

OverlayLayers OverlayControls::layers() const {
  OverlayLayers l;
  l.strain = strain_->isChecked();
  l.vectors = vectors_->isChecked();
  l.vector_gain = vector_gain_;
  l.tracks = tracks_->isChecked() && tracks_->isEnabled();
  l.quality = quality_->isChecked();
  l.findings = findings_->isChecked();
  l.window = window_->value();
  l.level = level_->value();
  return l;
}

void OverlayControls::set_vector_gain(double gain) {
  vector_gain_ = gain;
  vectors_->setText(QString("Vectors \u00d7%1").arg(gain, 0, 'g', 2));  // x4, x0.4, x0.17
}

void OverlayControls::set_tracks_available(bool available) {
  tracks_->setEnabled(available);
  if (!available) tracks_->setToolTip("Tracks need the clip's motion over time: review an analysed clip");
}

}  // namespace ft::ui
