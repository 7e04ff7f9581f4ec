// The live detector's thread (EvaluationWorker): which evaluations run while it is busy,
// in which order, and what happens to those still waiting when the session stops.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "EvaluationWorker.h"

namespace ft {
namespace {

using Clock = EvaluationWorker::Clock;

// Evaluations are told apart by their arrival time: evaluation k arrived at k s.
Clock::time_point at(int k) { return Clock::time_point(std::chrono::seconds(k)); }
int which(Clock::time_point t) { return int(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count()); }

// Holds the first evaluation until released, so that others queue behind it, and records
// every evaluation reported, in order.
struct Detector {
  std::mutex mutex;
  std::condition_variable changed;
  bool released = false, first_started = false;
  bool fail_next = false;
  std::vector<int> done;
  std::vector<std::string> errors;

  DetectionResult run(WindowEvaluation&) {
    std::unique_lock<std::mutex> lock(mutex);
    if (!first_started) {
      first_started = true;
      changed.notify_all();
      changed.wait(lock, [this] { return released; });
    }
    if (fail_next) {
      fail_next = false;
      throw std::runtime_error("no memory for the plane map");
    }
    return {};
  }
  void report(std::optional<DetectionResult> r, const std::string& error, Clock::time_point arrived) {
    std::lock_guard<std::mutex> lock(mutex);
    done.push_back(r ? which(arrived) : -which(arrived));
    if (!error.empty()) errors.push_back(error);
    changed.notify_all();
  }
  // Waits are bounded: a worker that never reports fails the test, it does not hang it.
  void wait_until_busy() {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(20), [this] { return first_started; }));
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    released = true;
    changed.notify_all();
  }
  void wait_for(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(20), [&] { return done.size() >= count; }))
        << done.size() << " of " << count << " evaluations reported";
  }
};

EvaluationWorker make_worker(Detector& d) {
  return EvaluationWorker([&d](WindowEvaluation& e) { return d.run(e); },
                          [&d](std::optional<DetectionResult> r, const std::string& error, Clock::time_point arrived) {
                            d.report(std::move(r), error, arrived);
                          });
}

}  // namespace

TEST(EvaluationWorker, OfEachWindowTheNewestWaitingEvaluationRunsAndWindowsRunInOrder) {
  Detector d;
  EvaluationWorker worker = make_worker(d);
  EXPECT_EQ(worker.submit({}, 0, at(1)), 0);
  d.wait_until_busy();
  // While 1 runs: window 0 twice more (3 replaces 2), then window 100 twice (5 replaces 4).
  EXPECT_EQ(worker.submit({}, 0, at(2)), 0);
  EXPECT_EQ(worker.submit({}, 0, at(3)), 1);
  EXPECT_EQ(worker.submit({}, 100, at(4)), 0) << "window 0's last evaluation is kept";
  EXPECT_EQ(worker.submit({}, 100, at(5)), 1);
  d.release();
  d.wait_for(3);
  EXPECT_EQ(d.done, (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(worker.stop(), 0);
}

TEST(EvaluationWorker, AtMostTwoWindowsWaitAndTheOldestIsDroppedForANewer) {
  Detector d;
  EvaluationWorker worker = make_worker(d);
  worker.submit({}, 0, at(1));
  d.wait_until_busy();
  EXPECT_EQ(worker.submit({}, 0, at(2)), 0);
  EXPECT_EQ(worker.submit({}, 100, at(3)), 0);
  EXPECT_EQ(worker.submit({}, 200, at(4)), 1) << "three windows waiting: window 0's is dropped";
  d.release();
  d.wait_for(3);
  EXPECT_EQ(d.done, (std::vector<int>{1, 3, 4}));
  worker.stop();
}

namespace {
// Evaluation 1 running (held), 2 (window 0) and 3 (window 100) waiting.
void two_waiting_behind_a_running_one(EvaluationWorker& worker, Detector& d) {
  worker.submit({}, 0, at(1));
  d.wait_until_busy();
  worker.submit({}, 0, at(2));
  worker.submit({}, 100, at(3));
}
}  // namespace

TEST(EvaluationWorker, StopFinishesTheRunningEvaluationAndDropsTheWaitingOnes) {
  Detector d;
  EvaluationWorker worker = make_worker(d);
  two_waiting_behind_a_running_one(worker, d);
  EXPECT_EQ(worker.request_stop(), 2) << "evaluation 1 still runs: the two waiting are dropped";
  d.release();
  worker.join();
  EXPECT_EQ(d.done, (std::vector<int>{1})) << "the running evaluation reports; the waiting ones never run";
  EXPECT_EQ(worker.submit({}, 200, at(4)), 1) << "after stop nothing is queued";
  EXPECT_EQ(worker.stop(), 0) << "stopping twice is harmless";
}

TEST(EvaluationWorker, AReplayThatEndedHasItsWaitingEvaluationsRunAtStop) {
  Detector d;
  EvaluationWorker worker = make_worker(d);
  two_waiting_behind_a_running_one(worker, d);
  EXPECT_EQ(worker.request_stop(true), 0);
  d.release();
  worker.join();
  EXPECT_EQ(d.done, (std::vector<int>{1, 2, 3}));
}

TEST(EvaluationWorker, AFailedEvaluationIsReportedAndTheNextOneStillRuns) {
  Detector d;
  d.fail_next = true;
  EvaluationWorker worker = make_worker(d);
  worker.submit({}, 0, at(1));
  d.wait_until_busy();
  worker.submit({}, 100, at(2));
  d.release();
  d.wait_for(2);
  EXPECT_EQ(d.done, (std::vector<int>{-1, 2}));
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors.front(), "no memory for the plane map");
  worker.stop();
}


// busy(): an evaluation running or waiting (the live pipeline pauses tracking for the
// detector only then).
TEST(EvaluationWorker, IsBusyWhileAnEvaluationRunsOrWaits) {
  Detector d;
  EvaluationWorker worker = make_worker(d);
  EXPECT_FALSE(worker.busy());
  worker.submit({}, 0, at(1));
  d.wait_until_busy();
  EXPECT_TRUE(worker.busy()) << "running";
  worker.submit({}, 0, at(2));
  d.release();
  d.wait_for(2);
  bool idle = false;
  for (int k = 0; k < 400 && !idle; ++k) {  // the flag drops just after the report
    idle = !worker.busy();
    if (!idle) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(idle);
  worker.stop();
}

#if defined(__linux__)
// Tracking comes first: the detector's thread runs kNiceAboveTracking nice steps below the
// thread that made the worker (at most 19), and that thread keeps its own priority.
TEST(EvaluationWorker, TheDetectorRunsAtALowerPriorityThanTracking) {
  errno = 0;
  const int tracking_nice = ::getpriority(PRIO_PROCESS, id_t(::gettid()));
  ASSERT_EQ(errno, 0);
  if (tracking_nice >= 19) GTEST_SKIP() << "the test already runs at the lowest priority";
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<int> detector_nice;
  EvaluationWorker worker(
      [&](WindowEvaluation&) {
        const int nice = ::getpriority(PRIO_PROCESS, id_t(::gettid()));
        std::lock_guard<std::mutex> lock(mutex);
        detector_nice = nice;
        changed.notify_all();
        return DetectionResult{};
      },
      [](std::optional<DetectionResult>, const std::string&, Clock::time_point) {});
  worker.submit({}, 0, at(1));
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(20), [&] { return detector_nice.has_value(); }));
  }
  worker.stop();
  EXPECT_EQ(*detector_nice, std::min(19, tracking_nice + EvaluationWorker::kNiceAboveTracking));
  EXPECT_EQ(::getpriority(PRIO_PROCESS, id_t(::gettid())), tracking_nice);
}
#endif

}  // namespace ft
