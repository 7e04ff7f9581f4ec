#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "TestSupport.h"

namespace ft {

// Headless live analysis of the simulated probe: one stats line per second with every
// counter, and the tear reported while the stream runs. (Rates and latencies are
// checked for presence only: their figures belong in benchmarks.)
// Stops at the first finding, not after a fixed time: how many frames a loaded 2-core CI
// box analyses in 6 s varies by 5x (the simulated probe renders in software).
TEST(LiveCommand, StreamsStatsEverySecondAndReportsTheTear) {
  const test::CommandResult r = test::run_command(
      "'" + test::cli_path() + "' live --source 'sim:full_tear?seed=4&fps=20' --seconds 120 --until-finding --json-stream");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  int stats = 0;
  bool tear = false;
  long last_in = 0;
  double last_seconds = 0.0;
  std::string last_type, before_last;
  nlohmann::json session;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    before_last = last_type;
    last_type = j["type"];
    if (j["type"] == "session_findings") session = j;
    if (j["type"] == "stats") {
      ++stats;
      for (const char* key : {"frames_in", "processed", "skipped", "repeats", "dropped", "fps_in", "fps_processed",
                              "scanner_fps", "latency_p50_ms", "latency_p99_ms"})
        EXPECT_TRUE(j.contains(key)) << key;
      for (const char* key : {"evaluations", "evaluations_dropped", "findings_latency_p50_ms", "findings_latency_p99_ms",
                              "followed", "followed_latency_p50_ms", "followed_latency_p99_ms", "grid_mm",
                              "asked_grid_mm", "grid_changes"})
        EXPECT_TRUE(j.contains(key)) << key;
      EXPECT_GE(j["frames_in"].get<long>(), last_in);
      last_in = j["frames_in"].get<long>();
      EXPECT_GT(j["seconds"].get<double>(), last_seconds);
      last_seconds = j["seconds"].get<double>();
    } else if (j["type"] == "findings") {
      tear |= j["tear_detected"].get<bool>();
    }
  }
  EXPECT_TRUE(tear);
  EXPECT_EQ(before_last, "final_stats") << "the counts after the session ended";
  EXPECT_EQ(last_type, "session_findings") << "then the session's strongest finding of each place";
  ASSERT_TRUE(session.contains("findings"));
  EXPECT_TRUE(session["tear_detected"].get<bool>());
  EXPECT_GE(session["findings"].size(), 1u);
  EXPECT_NEAR(last_seconds, stats, 2.0) << "one stats line a second";
  EXPECT_LT(stats, 120) << "stopped at the finding, not at the cap";
  EXPECT_GT(last_in, 10) << "a tear opens over a contraction: frames were streamed";
}

// In text, each note of the findings is said once, on its own line, the first time a result
// that carries it is shown (not only the first note, and not again with every result).
TEST(LiveCommand, TextSaysEachNoteOnceOnItsOwnLine) {
  const test::CommandResult r =
      test::run_command("'" + test::cli_path() + "' live --source 'sim:intact?seed=4&fps=20' --seconds 6");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::set<std::string> notes;
  int results = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find("no tear:"), std::string::npos) << line;  // the notes are no longer folded into it
    results += line == "  no tear";
    if (line.rfind("  note: ", 0) == 0) {
      EXPECT_TRUE(notes.insert(line).second) << "said twice: " << line;
    }
  }
  EXPECT_GE(results, 1) << r.out;
  EXPECT_GE(notes.size(), 1u) << r.out;
}

}  // namespace ft
