#pragma once
// A fixed set of worker threads owned by one tracker. run(n, job) calls job(i) for
// i in [0, n) spread over the workers and the calling thread, and returns when all
// are done. Nothing else shares these threads.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ft::gpu {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);  // threads <= 0: one per hardware thread
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return int(workers_.size()) + 1; }
  void run(int count, const std::function<void(int)>& job);

 private:
  void worker_loop();
  void drain();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_;
  const std::function<void(int)>* job_ = nullptr;
  int count_ = 0;
  int next_ = 0;
  int active_ = 0;
  unsigned generation_ = 0;
  bool quit_ = false;
};

}  // namespace ft::gpu
