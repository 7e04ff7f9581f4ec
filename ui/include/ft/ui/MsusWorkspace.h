#pragma once
// FibreTrack's dynamic-MSUS workspace: Live exam, Review, Compare (two clips side by side) and Studies, the worklist and
// network settings and keyboard shortcuts. This is the view the station module shows; it talks
// to the station only through WorkspaceHost (the decision-support notice is the station's).
#include <QLabel>
#include <QTabWidget>

#include "ft/ui/LivePanel.h"
#include "ft/ui/ReviewPanel.h"
#include "ft/ui/StudiesPanel.h"
#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

class ComparisonPanel;

class MsusWorkspace : public QWidget {
  Q_OBJECT
 public:
  MsusWorkspace(WorkspaceHost host, QWidget* parent = nullptr);
  ~MsusWorkspace() override;

  LivePanel* live() const { return live_; }
  ReviewPanel* review() const { return review_; }
  StudiesPanel* studies() const { return studies_; }
  ComparisonPanel* comparison() const { return compare_; }
  void show_live() { tabs_->setCurrentWidget(live_); }
  void show_review() { tabs_->setCurrentWidget(review_); }
  void show_comparison();
  void shutdown();

 private:
  void add_shortcuts();
  void start_from_worklist();
  void edit_settings();
  void show_network_trust();

  WorkspaceHost host_;  // before the panels, which keep a reference
  QTabWidget* tabs_ = nullptr;
  LivePanel* live_ = nullptr;
  ReviewPanel* review_ = nullptr;
  StudiesPanel* studies_ = nullptr;
  ComparisonPanel* compare_ = nullptr;
  QLabel* unverified_tls_ = nullptr;  // shown while the settings trust any TLS/HTTPS peer
};

}  // namespace ft::ui
