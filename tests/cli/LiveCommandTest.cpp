#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "TestSupport.h"

namespace ft {

// Headless live analysis of the simulated probe: one stats line per second with every
// counter, and the tear reported while the stream runs. (Rates and latencies are
// checked for presence only: their figures belong in benchmarks.)
TEST(LiveCommand, StreamsStatsEverySecondAndReportsTheTear) {
  const test::CommandResult r = test::run_command("'" + test::cli_path() +
                                                  "' live --source 'sim:full_tear?seed=4&fps=20' --seconds 6 --json-stream");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  int stats = 0;
  bool tear = false;
  long last_in = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] == "stats") {
      ++stats;
      for (const char* key : {"frames_in", "processed", "skipped", "repeats", "dropped", "fps_in", "fps_processed",
                              "scanner_fps", "latency_p50_ms", "latency_p99_ms"})
        EXPECT_TRUE(j.contains(key)) << key;
      EXPECT_GE(j["frames_in"].get<long>(), last_in);
      last_in = j["frames_in"].get<long>();
    } else if (j["type"] == "findings") {
      tear |= j["tear_detected"].get<bool>();
    }
  }
  EXPECT_EQ(stats, 6);
  EXPECT_GT(last_in, 40);
  EXPECT_TRUE(tear);
}

}  // namespace ft
