#include "GaitModule.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "GaitEventsFile.h"

namespace gait {
namespace {
using fibretrack::module::LogLevel;
constexpr char kId[] = "org.fibretrack.gait-events";

// The view: an import button, the events in a table, and the event nearest the shared
// cursor (the frame the ultrasound module shows).
class GaitView : public QWidget {
 public:
  GaitView(fibretrack::module::StationServices& services, QWidget* parent) : QWidget(parent), services_(services) {
    setObjectName("gaitView");
    auto* layout = new QVBoxLayout(this);
    auto* import = new QPushButton("Import gait events (CSV or JSON)…", this);
    import->setObjectName("importGaitEvents");
    table_ = new QTableWidget(0, 2, this);
    table_->setObjectName("gaitEvents");
    table_->setHorizontalHeaderLabels({"time (s)", "event"});
    table_->horizontalHeader()->setStretchLastSection(true);
    nearest_ = new QLabel(this);
    layout->addWidget(import);
    layout->addWidget(table_);
    layout->addWidget(nearest_);
    connect(import, &QPushButton::clicked, this, [this] {
      const QString file = QFileDialog::getOpenFileName(this, "Gait events", {}, "Gait events (*.csv *.json)");
      if (!file.isEmpty()) load(file);
    });
    subscription_ = services_.timeline().subscribe([this] { refresh(); });
    // --gait-events FILE on the station's command line imports at start.
    const QStringList args = QCoreApplication::arguments();
    const int i = args.indexOf("--gait-events");
    if (i >= 0 && i + 1 < args.size()) load(args[i + 1]);
    refresh();
  }
  ~GaitView() override { services_.timeline().unsubscribe(subscription_); }

  void load(const QString& file) {
    const ParsedEvents parsed = read_gait_events(file, kId);
    if (!parsed.problem.isEmpty()) services_.log(LogLevel::Warning, kId, file + ": " + parsed.problem);
    services_.timeline().remove_events_from(kId);
    services_.timeline().add_events(parsed.events);
    services_.log(LogLevel::Info, kId, QString("%1 gait events imported").arg(parsed.events.size()));
  }

 private:
  void refresh() {
    std::vector<fibretrack::module::TimelineEvent> ours;
    for (const auto& e : services_.timeline().events())
      if (e.source == kId) ours.push_back(e);
    table_->setRowCount(int(ours.size()));
    const double cursor = services_.timeline().cursor_s();
    int nearest = -1;
    for (int i = 0; i < int(ours.size()); ++i) {
      table_->setItem(i, 0, new QTableWidgetItem(QString::number(ours[std::size_t(i)].time_s, 'f', 3)));
      table_->setItem(i, 1, new QTableWidgetItem(ours[std::size_t(i)].label));
      if (nearest < 0 || std::abs(ours[std::size_t(i)].time_s - cursor) < std::abs(ours[std::size_t(nearest)].time_s - cursor)) nearest = i;
    }
    nearest_->setText(nearest < 0 ? "No gait events imported."
                                  : QString("At %1 s: nearest gait event %2 (%3 s)")
                                        .arg(cursor, 0, 'f', 2)
                                        .arg(ours[std::size_t(nearest)].label)
                                        .arg(ours[std::size_t(nearest)].time_s, 0, 'f', 2));
    if (nearest >= 0) table_->selectRow(nearest);
  }

  fibretrack::module::StationServices& services_;
  QTableWidget* table_ = nullptr;
  QLabel* nearest_ = nullptr;
  int subscription_ = 0;
};

}  // namespace

QWidget* GaitModule::create_view(QWidget* parent) { return new GaitView(*services_, parent); }

}  // namespace gait
