// verify_pool.h: checks transaction signatures on all cores. Signature verification is the
// chain's physical limit (bench/), so blocks being replayed or received are verified here in
// parallel, and the state machine then applies them with signatures_verified = true.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "chain/protocol/transaction.h"

namespace lingji::consensus {

class VerifyPool {
 public:
  // threads = 0: one per hardware thread.
  explicit VerifyPool(unsigned threads = 0);
  ~VerifyPool();
  VerifyPool(const VerifyPool&) = delete;
  VerifyPool& operator=(const VerifyPool&) = delete;

  // Verifies every signature; returns the index of the first invalid one, or nullopt.
  // The calling thread works too. Safe to call from one thread at a time.
  std::optional<size_t> verify(const std::vector<chain::SignedTransaction>& txs) {
    start(txs);
    return finish();
  }

  // The same in two halves, for a pipeline: start() hands txs to the workers and returns at
  // once; the caller does other work (applies the previous block), then finish() joins in and
  // returns verify()'s answer. So exactly `threads()` threads are busy throughout, where a
  // verify() on a thread of its own beside the applying thread would oversubscribe the cores.
  // txs must outlive finish(); every start() needs its finish() before the next start().
  void start(const std::vector<chain::SignedTransaction>& txs);
  std::optional<size_t> finish();
  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

 private:
  void worker_loop();
  void run_chunks();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  const std::vector<chain::SignedTransaction>* batch_ = nullptr;
  std::vector<char> ok_;
  size_t next_ = 0;
  unsigned busy_ = 0;
  uint64_t generation_ = 0;
  bool stopping_ = false;
};

}  // namespace lingji::consensus
