#include "consensus/verify_pool.h"

namespace lingji::consensus {

namespace {
constexpr size_t kChunk = 32;  // transactions taken per grab: small enough to balance cores
}

VerifyPool::VerifyPool(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

VerifyPool::~VerifyPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void VerifyPool::run_chunks() {
  for (;;) {
    size_t begin;
    {
      std::lock_guard lock(mu_);
      if (!batch_ || next_ >= batch_->size()) return;
      begin = next_;
      next_ = std::min(batch_->size(), next_ + kChunk);
    }
    size_t end = std::min(batch_->size(), begin + kChunk);
    for (size_t i = begin; i < end; ++i) ok_[i] = (*batch_)[i].verify_signature();
  }
}

void VerifyPool::worker_loop() {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      ++busy_;
    }
    run_chunks();
    {
      std::lock_guard lock(mu_);
      --busy_;
    }
    done_cv_.notify_all();
  }
}

void VerifyPool::start(const std::vector<chain::SignedTransaction>& txs) {
  {
    std::lock_guard lock(mu_);
    batch_ = &txs;
    ok_.assign(txs.size(), 0);
    next_ = 0;
    ++generation_;
  }
  work_cv_.notify_all();
}

std::optional<size_t> VerifyPool::finish() {
  run_chunks();
  const std::vector<chain::SignedTransaction>* txs = nullptr;
  {
    std::unique_lock lock(mu_);
    txs = batch_;
    if (txs == nullptr) return std::nullopt;
    done_cv_.wait(lock, [&] { return busy_ == 0 && next_ >= txs->size(); });
    batch_ = nullptr;
  }
  for (size_t i = 0; i < txs->size(); ++i)
    if (!ok_[i]) return i;
  return std::nullopt;
}

}  // namespace lingji::consensus
