// fibretrack-station: the clinic workstation host. Loads the station modules (FibreTrack's
// dynamic-MSUS viewer, gait and posture modules) and gives them shared services.
// FibreTrack is decision support, not a certified medical device.
//
//   fibretrack-station [--module-dir DIR]... [--tab NAME] [--screenshot FILE.png --after-s S]
// Modules read their own options from the command line (see docs/modules.md).
#include <QApplication>
#include <clocale>
#include <QCommandLineParser>
#include <QSurfaceFormat>
#include <QTimer>
#include <cstdio>

#include "ModuleCatalog.h"
#include "StationServicesImpl.h"
#include "StationWindow.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/ToolkitLogging.h"

namespace {

// VTK renders inside QOpenGLWidget with an OpenGL 3.2 core context; it must be the
// default before the application exists.
void use_vtk_surface_format() {
  QSurfaceFormat format;
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  QSurfaceFormat::setDefaultFormat(format);
}

// Grabs the whole window (OpenGL views included) into a PNG, then quits.
void schedule_screenshot(QWidget& window, const QString& file, double after_s) {
  QTimer::singleShot(int(after_s * 1000), &window, [&window, file] {
    const bool saved = window.grab().save(file);
    std::fprintf(stderr, saved ? "screenshot %s\n" : "cannot save screenshot %s\n", file.toUtf8().constData());
    QApplication::exit(saved ? 0 : 1);
  });
}

}  // namespace

int main(int argc, char** argv) {
  use_vtk_surface_format();
  QApplication app(argc, argv);
  // Qt sets the user's locale; DICOM decimal strings, JSON and reports need '.' decimals.
  std::setlocale(LC_NUMERIC, "C");
  QApplication::setApplicationName("fibretrack-station");
  QCommandLineParser parser;
  parser.setApplicationDescription("FibreTrack Station — decision support, not a certified medical device");
  parser.addHelpOption();
  const QCommandLineOption module_dir("module-dir", "Also look for modules in DIR.", "DIR");
  const QCommandLineOption tab("tab", "Show the module with this name first.", "NAME");
  const QCommandLineOption screenshot("screenshot", "Save the window to FILE and quit.", "FILE");
  const QCommandLineOption after("after-s", "Seconds before the screenshot (default 5).", "S", "5");
  const QCommandLineOption list("list-modules", "Say which modules load (and why others do not), then quit.");
  const QCommandLineOption only("no-default-modules", "Look only in the --module-dir folders.");
  parser.addOptions({module_dir, tab, screenshot, after, list, only});
  parser.parse(QApplication::arguments());  // unknown options belong to the modules
  if (parser.isSet("help")) parser.showHelp(0);

  ft::dicom::configure_toolkit_logging(ft::dicom::toolkit_log_from_environment());
  ft::dicom::DicomSettings settings;
  try {
    settings = ft::dicom::load_settings(ft::dicom::default_settings_file());
  } catch (const ft::Error& e) {
    std::fprintf(stderr, "fibretrack-station: %s (using defaults)\n", e.what());
  }
  ft::station::StationServicesImpl services(QString::fromStdString(ft::dicom::default_settings_file()),
                                            QString::fromStdString(settings.study_store_directory));
  ft::station::ModuleCatalog catalog;
  catalog.discover(parser.isSet(only) ? parser.values(module_dir) : ft::station::default_module_folders(parser.values(module_dir)));
  if (parser.isSet(list)) {
    std::printf("%s", ft::station::modules_report(catalog).toUtf8().constData());
    return 0;
  }
  ft::station::StationWindow window(services, catalog);
  if (parser.isSet(tab))
    for (int i = 0; i < window.modules_tabs()->count(); ++i)
      if (window.modules_tabs()->tabText(i) == parser.value(tab)) window.modules_tabs()->setCurrentIndex(i);
  window.show();
  if (parser.isSet(screenshot)) schedule_screenshot(window, parser.value(screenshot), parser.value(after).toDouble());
  const int code = app.exec();
  window.close();  // modules shut down (also after a screenshot)
  return code;
}
