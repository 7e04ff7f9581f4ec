// The station's widget tests run under Xvfb (tests/station/with-xvfb.sh). The application
// is made only when tests run (listing them needs no display), with the arguments the
// modules read: a gait-events file for the gait module.
#include <gtest/gtest.h>

#include <QApplication>
#include <clocale>
#include <QSurfaceFormat>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "StationTestSupport.h"

namespace {

class QtEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    QSurfaceFormat format;
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    QSurfaceFormat::setDefaultFormat(format);
    std::ofstream(ft::test::gait_events_file()) << "time_s,event,side\n0.30,heel_strike,R\n0.85,toe_off,R\n1.10,heel_strike,L\n";
    args_ = {"station_tests", "--gait-events", ft::test::gait_events_file()};
    argv_.clear();
    for (std::string& a : args_) argv_.push_back(a.data());
    argc_ = int(argv_.size());
    app_ = std::make_unique<QApplication>(argc_, argv_.data());
    std::setlocale(LC_NUMERIC, "C");  // as the station does
  }
  void TearDown() override { app_.reset(); }

 private:
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  int argc_ = 0;
  std::unique_ptr<QApplication> app_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new QtEnvironment);
  return RUN_ALL_TESTS();
}
