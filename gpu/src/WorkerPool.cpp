#include "WorkerPool.h"

#include <algorithm>

namespace ft::gpu {

WorkerPool::WorkerPool(int threads) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

// Takes items one at a time until none are left. Called with the mutex held.
void WorkerPool::drain() {
  while (next_ < count_) {
    const int i = next_++;
    mutex_.unlock();
    (*job_)(i);
    mutex_.lock();
  }
}

void WorkerPool::worker_loop() {
  unsigned seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
    if (quit_) return;
    seen = generation_;
    ++active_;
    drain();
    if (--active_ == 0) finished_.notify_all();
  }
}

void WorkerPool::run(int count, const std::function<void(int)>& job) {
  std::unique_lock<std::mutex> lock(mutex_);
  job_ = &job;
  count_ = count;
  next_ = 0;
  ++generation_;
  wake_.notify_all();
  ++active_;
  drain();
  --active_;
  finished_.wait(lock, [&] { return active_ == 0 && next_ >= count_; });
  job_ = nullptr;
}

}  // namespace ft::gpu
